/**
 * Device.IoTCapability.{i}. (tr-181-2-iot.xml, TR-369 Appendix "IoT data model theory
 * of operation", AGENT-REQUIREMENTS §1.20) declared from a board description: one row
 * per capability of boards/<name>.json, Class from the board, and the class sub-objects
 * the board uses (BinaryControl, LevelControl, BinarySensor, LevelSensor).
 *
 * Values come from the board's pins through the BoardIo carried by an IoTDeviceContext
 * (createIoTDeviceContext): sensors are getters (module-level functions, as every
 * getter: the schema stays preloadable), controls are stored values whose setters drive
 * the pin after commit. Row N is capability N-1 of the board (the table is read-only,
 * so numbers never shift). iot-capability-io.ts binds the rows to the model at start.
 *
 * Invariants: getters never throw (unknown row or no BoardIo → the declared default);
 * levels are reported rounded to the capability's step (0.1 without one).
 */
import type { BoardDescription, IoTCapabilityClass, IoTCapabilityDescription } from '../../platform/board.ts';
import type { BoardIo } from '../../platform/types.ts';
import type { FactoryRow } from '../model-types.ts';
import { alias, command, entries, object, param, R, T, table, W } from '../schema-table.ts';
import type { DeviceContext, ObjectNode, ParamNode } from '../schema.ts';
import { UNKNOWN_TIME } from '../types/value.ts';

export const IOT_TABLE = 'Device.IoTCapability.';

/** §IoT-table: the classes TR-181 defines (BlobSensor is 2.19, after our 2.16). */
export const IOT_CLASSES: readonly IoTCapabilityClass[] = [
  'BinaryControl', 'LevelControl', 'EnumControl', 'BinarySensor', 'LevelSensor', 'MultiLevelSensor', 'EnumSensor',
];
/** The classes this agent implements; a board using another one is rejected by iotCapabilityObjects. */
export const IOT_IMPLEMENTED: readonly IoTCapabilityClass[] = ['BinaryControl', 'LevelControl', 'BinarySensor', 'LevelSensor'];

/** Per-capability state the getters read besides the pins (index = row number - 1). */
export interface IoTState {
  readonly io: BoardIo | null;
  /** BinarySensor.LastChange (TR-106 dateTime), UNKNOWN_TIME until the first change. */
  readonly lastChange: string[];
  /** LevelSensor thresholds (mirrors of the stored values, kept by their setters). */
  readonly lowThreshold: number[];
  readonly highThreshold: number[];
}

/** The model's DeviceContext plus the board I/O: what the IoT getters and setters see. */
export interface IoTDeviceContext extends DeviceContext {
  readonly iot: IoTState;
}

/** Wraps `base` (createDeviceContext) with the board's I/O; pass the result to createDataModel. */
export function createIoTDeviceContext(base: DeviceContext, io: BoardIo | null): IoTDeviceContext {
  const n = base.board.capabilities.length;
  return {
    ...base,
    iot: {
      io, lastChange: new Array<string>(n).fill(UNKNOWN_TIME),
      lowThreshold: new Array<number>(n).fill(Number.NEGATIVE_INFINITY),
      highThreshold: new Array<number>(n).fill(Number.POSITIVE_INFINITY),
    },
  };
}

function stateOf(ctx: DeviceContext): IoTState | null {
  const s = (ctx as Partial<IoTDeviceContext>).iot;
  return s === undefined ? null : s;
}

/** Row index (number - 1) of "Device.IoTCapability.N.…", -1 when the path is not one. */
export function capabilityIndex(path: string): number {
  const end = path.indexOf('.', IOT_TABLE.length);
  const n = Number(path.slice(IOT_TABLE.length, end));
  return path.startsWith(IOT_TABLE) && end > IOT_TABLE.length && n >= 1 ? n - 1 : -1;
}

function capability(ctx: DeviceContext, path: string): IoTCapabilityDescription | undefined {
  const i = capabilityIndex(path);
  return i < 0 ? undefined : ctx.board.capabilities[i];
}

/** Electrical level → logical value (activeLow inverts). */
export function logical(cap: IoTCapabilityDescription, level: boolean): boolean {
  return cap.activeLow === true ? !level : level;
}

/** Rounds a reading to the capability's step (0.1 without one); never "-0" or an exponent. */
export function formatLevel(cap: IoTCapabilityDescription, v: number): string {
  const step = cap.step !== undefined && cap.step > 0 ? cap.step : 0.1;
  const digits = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
  const r = Math.round(v / step) * step;
  const s = r.toFixed(digits);
  return Number(s) === 0 ? '0' : digits > 0 && s.endsWith('0') ? String(Number(s)) : s;
}

/** The current reading of a level sensor in its unit, NaN without I/O. */
export function levelReading(ctx: DeviceContext, cap: IoTCapabilityDescription): number {
  const io = stateOf(ctx)?.io ?? null;
  if (io === null) return Number.NaN;
  const min = cap.min ?? 0;
  const max = cap.max ?? 1;
  return min + io.readAnalog(cap.pin) * (max - min);
}

// Getters (module-level: shared by every schema build) -------------------------------

function className(ctx: DeviceContext, path: string): string { return capability(ctx, path)?.class ?? ''; }
function typeName(ctx: DeviceContext, path: string): string { return capability(ctx, path)?.type ?? ''; }
function unit(ctx: DeviceContext, path: string): string { return capability(ctx, path)?.unit ?? '-'; }
function minValue(ctx: DeviceContext, path: string): string { const c = capability(ctx, path); return c === undefined ? '0' : formatLevel(c, c.min ?? 0); }
function maxValue(ctx: DeviceContext, path: string): string { const c = capability(ctx, path); return c === undefined ? '0' : formatLevel(c, c.max ?? 1); }

function binarySensorValue(ctx: DeviceContext, path: string): string {
  const c = capability(ctx, path);
  const io = stateOf(ctx)?.io ?? null;
  return c !== undefined && io !== null && logical(c, io.readDigital(c.pin)) ? 'true' : 'false';
}
function lastChange(ctx: DeviceContext, path: string): string {
  return stateOf(ctx)?.lastChange[capabilityIndex(path)] ?? UNKNOWN_TIME;
}
function levelSensorValue(ctx: DeviceContext, path: string): string {
  const c = capability(ctx, path);
  if (c === undefined) return '0';
  const v = levelReading(ctx, c);
  return Number.isNaN(v) ? '0' : formatLevel(c, v);
}
function lowLevel(ctx: DeviceContext, path: string): string {
  const c = capability(ctx, path);
  const s = stateOf(ctx);
  return c !== undefined && s !== null && levelReading(ctx, c) <= s.lowThreshold[capabilityIndex(path)]! ? 'true' : 'false';
}
function highLevel(ctx: DeviceContext, path: string): string {
  const c = capability(ctx, path);
  const s = stateOf(ctx);
  return c !== undefined && s !== null && levelReading(ctx, c) >= s.highThreshold[capabilityIndex(path)]! ? 'true' : 'false';
}

// Setters: run after commit with the new value -------------------------------------

function driveBinaryControl(ctx: DeviceContext, path: string, value: string): void {
  const c = capability(ctx, path);
  const io = stateOf(ctx)?.io ?? null;
  if (c !== undefined && io !== null) io.writeDigital(c.pin, logical(c, value === 'true'));
}
function setLowThreshold(ctx: DeviceContext, path: string, value: string): void {
  const s = stateOf(ctx);
  const i = capabilityIndex(path);
  if (s !== null && i >= 0) s.lowThreshold[i] = Number(value);
}
function setHighThreshold(ctx: DeviceContext, path: string, value: string): void {
  const s = stateOf(ctx);
  const i = capabilityIndex(path);
  if (s !== null && i >= 0) s.highThreshold[i] = Number(value);
}

/** LevelSensor.Value etc. computed from a pin: polled for ValueChange (iot-capability-io.ts). */
export function sensorParams(node: ObjectNode): readonly ParamNode[] {
  const out: ParamNode[] = [];
  const ps = node.params;
  for (let i = 0; i < ps.length; i++) {
    const n = ps[i]!.name;
    if (ps[i]!.getter !== null && n !== 'Type' && n !== 'Unit' && n !== 'LastChange') out.push(ps[i]!);
  }
  return out;
}

// Declarations ----------------------------------------------------------------------

function subObject(cls: IoTCapabilityClass): ObjectNode {
  const type = param('Type', T.String, R, { get: typeName });
  switch (cls) {
    case 'BinaryControl': return object('BinaryControl', [
      type,
      param('Value', T.Boolean, W, { set: driveBinaryControl }),
      command('Toggle()', true),
    ]);
    case 'LevelControl': return object('LevelControl', [
      type,
      param('Value', T.Decimal, W),
      param('Unit', T.String, R, { get: unit }),
      param('MinValue', T.Decimal, R, { get: minValue }),
      param('MaxValue', T.Decimal, R, { get: maxValue }),
      param('StepValue', T.Decimal, W, { def: '1' }),
      command('StepUp()', true),
      command('StepDown()', true),
    ]);
    case 'BinarySensor': return object('BinarySensor', [
      type,
      param('Value', T.Boolean, R, { get: binarySensorValue }),
      param('LastChange', T.DateTime, R, { get: lastChange, ignoreChange: true }),
    ]);
    default: return object('LevelSensor', [
      type,
      param('Value', T.Decimal, R, { get: levelSensorValue }),
      param('Unit', T.String, R, { get: unit }),
      param('LowLevel', T.Boolean, R, { get: lowLevel }),
      param('LowLevelThreshold', T.Decimal, W, { set: setLowThreshold }),
      param('HighLevel', T.Boolean, R, { get: highLevel }),
      param('HighLevelThreshold', T.Decimal, W, { set: setHighThreshold }),
    ]);
  }
}

/**
 * Device.IoTCapabilityNumberOfEntries and Device.IoTCapability.{i}. with the sub-objects
 * of the classes `board` uses (in IOT_IMPLEMENTED order): the `extra` of createDeviceSchema.
 */
export function iotCapabilityObjects(board: BoardDescription): (ObjectNode | ParamNode)[] {
  // The sub-objects of the classes the board uses, in IOT_IMPLEMENTED order (loops: no arrow per test).
  const used: ObjectNode[] = [];
  const caps = board.capabilities;
  for (let i = 0; i < IOT_IMPLEMENTED.length; i++) {
    let k = 0;
    while (k < caps.length && caps[k]!.class !== IOT_IMPLEMENTED[i]) k++;
    if (k < caps.length) used.push(subObject(IOT_IMPLEMENTED[i]!));
  }
  return [
    entries('IoTCapability'),
    table('IoTCapability', { keys: [['~Alias'], ['~Name']] }, [
      alias(),
      param('Name', T.String, W, { maxLength: 64 }),
      param('Class', T.String, R, { get: className, enumeration: IOT_CLASSES }),
      used,
    ]),
  ];
}

/** Factory-default rows and values of the board's capabilities (FactoryOptions rows/params). */
export function iotCapabilityDefaults(board: BoardDescription): { rows: FactoryRow[]; params: [string, string][] } {
  const rows: FactoryRow[] = [];
  const params: [string, string][] = [];
  const caps = board.capabilities;
  for (let i = 0; i < caps.length; i++) {
    const c = caps[i]!;
    const path = `${IOT_TABLE}${i + 1}.`;
    rows.push({ path, values: [['Alias', `cpe-${i + 1}`], ['Name', c.name.slice(0, 64)]] });
    if (c.class === 'LevelSensor') {
      params.push([`${path}LevelSensor.LowLevelThreshold`, formatLevel(c, c.min ?? 0)]);
      params.push([`${path}LevelSensor.HighLevelThreshold`, formatLevel(c, c.max ?? 1)]);
    } else if (c.class === 'LevelControl') {
      params.push([`${path}LevelControl.Value`, formatLevel(c, c.min ?? 0)]);
      params.push([`${path}LevelControl.StepValue`, formatLevel(c, c.step ?? 1)]);
    }
  }
  return { rows, params };
}
