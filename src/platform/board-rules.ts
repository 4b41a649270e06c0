/**
 * Rules a board description (boards/<name>.json, types in board.ts) must follow,
 * from TR-181's IoT model (tr-181-2-iot.xml, Device:2.19) and TR-369:
 * - identity: ManufacturerOUI is 6 upper-case hex digits and not the BBF OUI 00256D
 *   (R-ARC.3); the strings fit DeviceInfo's sizes.
 * - capabilities (TR-369 Appendix "IoT", AGENT-REQUIREMENTS §1.20): `class` names the
 *   one sub-object present; `type` is a value of that sub-object's Type enumeration or a
 *   TR-106 vendor extension `X_<OUI or domain>_<Name>`; Level* classes carry a `unit`
 *   from IoTUnitType (metric only) and min ≤ max; every pin is used once.
 * - ESP32 (any `moddable.platform` starting with "esp32"): GPIO 34–39 are input-only,
 *   so no control capability may use them.
 * Returns a list of problems (empty = valid) instead of throwing: a board file is input.
 */
import type { BoardDescription, IoTCapabilityClass } from './board.ts';

/** IoTUnitType (tr-181-2-iot.xml). */
export const IOT_UNITS: ReadonlySet<string> = new Set([
  '-', '%', 'deg', 'degC', 'degF', 'K', 'km', 'm', 'cm', 'mm', 'h', 'min', 's', 'ms', 'sq-km', 'sq-m',
  'sq-cm', 'cu-m', 'l', 'cl', 'ml', 'kg', 'g', 'mg', 'Wh', 'kWh', 'W', 'A', 'Hz', 'V', 'N', 'Pa', 'C', 'F',
  'ohm', 'S', 'Wb', 'T', 'H', 'lm', 'lx', 'mps', 'cd', 'mol', 'UV', 'RGB', 'ppm', 'Sv', 'J', 'rpm', 'pps',
  'cu-m/s', 'liter/s', 'dB', 'dBm', 'eV',
]);

/** IoTLevelType (tr-181-2-iot.xml): Type of LevelControl and LevelSensor. */
const LEVEL_TYPES = [
  'Acceleration', 'Area', 'Battery', 'Brightness', 'Concentration', 'Conductivity', 'Distance', 'Energy',
  'Flow', 'Humidity', 'Intensity', 'Luminance', 'Meter', 'Motion', 'Position', 'Power', 'Pressure',
  'Radiation', 'Speed', 'Temperature', 'Volume', 'Weight', 'Depth', 'Counter', 'Duration',
];

/** The Type enumeration of each capability sub-object (tr-181-2-iot.xml). */
export const IOT_TYPES: ReadonlyMap<IoTCapabilityClass, ReadonlySet<string>> = new Map<IoTCapabilityClass, ReadonlySet<string>>([
  ['BinaryControl', new Set(['Switch', 'Locked'])],
  ['LevelControl', new Set(LEVEL_TYPES)],
  ['EnumControl', new Set(['AlarmMode', 'DoorMode', 'FanMode', 'LockMode', 'OperatingMode', 'TemperatureMode', 'ThermostatMode'])],
  ['BinarySensor', new Set(['CarbonDioxideDetected', 'CarbonMonoxideDetected', 'DoorOpen', 'MotionDetected', 'SmokeDetected', 'WindowOpen', 'WaterDetected'])],
  ['LevelSensor', new Set(LEVEL_TYPES)],
  ['MultiLevelSensor', new Set(['RGB', 'Location'])],
  ['EnumSensor', new Set(['AlarmState', 'DoorState', 'FanState', 'LockState', 'OperatingState', 'TemperatureState', 'ThermostatFanState'])],
]);

const UNIT_CLASSES: ReadonlySet<string> = new Set(['LevelControl', 'LevelSensor', 'MultiLevelSensor']);
const CONTROL_CLASSES: ReadonlySet<string> = new Set(['BinaryControl', 'LevelControl', 'EnumControl']);
/** R-ARC.3: the Broadband Forum's own OUI may not identify a vendor's device. */
const BBF_OUI = '00256D';
const OUI = /^[0-9A-F]{6}$/;
/** TR-106 §3.3 vendor extension: X_<OUI or domain>_<Name>. */
const VENDOR_VALUE = /^X_([0-9A-F]{6}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)_[A-Za-z][A-Za-z0-9]*$/;
const ESP32_INPUT_ONLY_MIN = 34;
const ESP32_INPUT_ONLY_MAX = 39;
/** DeviceInfo string sizes (tr-181-2-deviceinfo.xml): Description is string(256), the rest string(64). */
const DEVICEINFO_MAX = new Map([['manufacturer', 64], ['modelName', 64], ['description', 256], ['productClass', 64], ['hardwareVersion', 64]]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed board JSON; returns one message per problem (empty when valid). */
export function checkBoardDescription(value: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(value)) return ['board description is not an object'];
  const b = value as Partial<BoardDescription> & Record<string, unknown>;
  if (typeof b.name !== 'string' || b.name.length === 0) problems.push('name missing');
  const esp32 = isObject(b.moddable) && typeof b.moddable.platform === 'string' && b.moddable.platform.startsWith('esp32');
  if (b.moddable !== undefined && !(isObject(b.moddable) && typeof b.moddable.platform === 'string')) problems.push('moddable.platform missing');

  const id = b.identity;
  if (!isObject(id)) problems.push('identity missing');
  else {
    const oui = id.manufacturerOUI;
    if (typeof oui !== 'string' || !OUI.test(oui)) problems.push(`identity.manufacturerOUI must be 6 upper-case hex digits: ${String(oui)}`);
    else if (oui === BBF_OUI) problems.push('identity.manufacturerOUI 00256D is the BBF OUI (R-ARC.3)');
    for (const [k, max] of DEVICEINFO_MAX) {
      const s = id[k];
      if (typeof s !== 'string' || s.length === 0 || s.length > max) problems.push(`identity.${k} must be 1..${max} chars`);
    }
    const sn = id.serialNumber;
    const snOk = isObject(sn) && (sn.source === 'mac' || (sn.source === 'fixed' && typeof sn.value === 'string' && sn.value.length > 0));
    if (snOk && sn.source === 'fixed' && String(sn.value).length > 64) problems.push('identity.serialNumber.value exceeds string(64)');
    if (!snOk) problems.push('identity.serialNumber must be {source:"mac"} or {source:"fixed",value}');
  }

  if (!Array.isArray(b.capabilities)) return [...problems, 'capabilities missing'];
  const pins = new Set<number>();
  const names = new Set<string>();
  b.capabilities.forEach((c: unknown, i: number) => {
    const at = `capabilities[${i}]`;
    if (!isObject(c)) { problems.push(`${at} is not an object`); return; }
    const cls = c.class as IoTCapabilityClass;
    const types = IOT_TYPES.get(cls);
    if (types === undefined) { problems.push(`${at}.class unknown: ${String(c.class)}`); return; }
    if (typeof c.name !== 'string' || c.name.length === 0) problems.push(`${at}.name missing`);
    else if (names.has(c.name)) problems.push(`${at}.name ${c.name} used twice`);
    else names.add(c.name);
    if (typeof c.type !== 'string' || !(types.has(c.type) || VENDOR_VALUE.test(c.type))) {
      problems.push(`${at}.type ${String(c.type)} is not a ${cls}.Type value nor an X_<OUI>_ extension`);
    }
    if (typeof c.pin !== 'number' || !Number.isInteger(c.pin) || c.pin < 0) problems.push(`${at}.pin must be a GPIO number`);
    else if (pins.has(c.pin)) problems.push(`${at}.pin ${c.pin} used twice`);
    else pins.add(c.pin);
    if (esp32 && CONTROL_CLASSES.has(cls) && typeof c.pin === 'number' && c.pin >= ESP32_INPUT_ONLY_MIN && c.pin <= ESP32_INPUT_ONLY_MAX) {
      problems.push(`${at}.pin ${c.pin} is input-only on ESP32`);
    }
    if (UNIT_CLASSES.has(cls)) {
      if (typeof c.unit !== 'string' || !IOT_UNITS.has(c.unit)) problems.push(`${at}.unit ${String(c.unit)} is not an IoTUnitType value`);
      if (typeof c.min !== 'number' || typeof c.max !== 'number' || !(c.min <= c.max)) problems.push(`${at} needs min <= max`);
    } else if (c.unit !== undefined) problems.push(`${at}.unit is only for Level*/MultiLevel classes`);
    if (c.pull !== undefined && c.pull !== 'up' && c.pull !== 'down') problems.push(`${at}.pull must be "up" or "down"`);
  });
  return problems;
}
