/**
 * Binds Device.IoTCapability.{i}. (iot-capability.ts) to a running model and the board:
 *
 * - rows: one per board capability, even when the stored state predates them (rows of
 *   capabilities the board no longer has are dropped); each row keeps only the class
 *   sub-object its Class names (§IoT-table: "only one of the defined sub-objects can
 *   exist in an IoTCapability instance");
 * - controls: the stored BinaryControl.Value drives its pin at start; Toggle() flips it
 *   and StepUp()/StepDown() move LevelControl.Value by StepValue, clamped to
 *   MinValue..MaxValue without failing (§BinaryControl, §LevelControl). All three are
 *   async in TR-181: the agent creates the Request row and completes it at once;
 *   the write goes through a transaction, so ValueChange subscriptions see it;
 * - sensors: getter-backed values are watched (DataModel.watch), so the agent's polling
 *   reports changes; a digital input also pushes its change at once through
 *   BoardIo.watchDigital → `onInput` (the composition root then polls and transmits).
 *
 * Sans-I/O: the BoardIo is the one in the IoTDeviceContext, called synchronously.
 */
import { DmError } from '../errors.ts';
import type { ObjectInstance } from '../instances.ts';
import type { CommandInvocation, CommandOutcome, DataModelApi } from '../model-types.ts';
import { WriteMode } from '../model-types.ts';
import type { DataModel } from '../model.ts';
import { named } from '../schema.ts';
import { formatDateTime } from '../types/value.ts';
import {
  capabilityIndex, formatLevel, iotCapabilityDefaults, IOT_TABLE, logical, sensorParams, type IoTDeviceContext,
} from './iot-capability.ts';

function paramValue(model: DataModelApi, inst: ObjectInstance, name: string): string {
  const p = named(inst.node.params, name);
  return p === undefined ? '' : model.read(inst, p);
}

/** Writes one value as the Agent (listeners fire); a failed write is the command's failure. */
function writeValue(model: DataModelApi, inst: ObjectInstance, value: string): CommandOutcome {
  const tx = model.begin();
  let err = tx.set(inst, 'Value', value, WriteMode.Agent);
  if (err === 0) err = tx.commit();
  if (err !== 0) {
    const message = tx.message;
    tx.rollback();
    return { err: DmError.CommandFailure, message: `${inst.path}Value: ${message}`, output: null };
  }
  return { err: 0, message: '', output: null };
}

/**
 * Toggle(), StepUp() and StepDown(): one handler, told apart by the command's name.
 * Toggle flips BinaryControl.Value; a step moves LevelControl.Value by StepValue, clamped
 * to MinValue..MaxValue without failing (§BinaryControl, §LevelControl).
 */
function control(model: DataModelApi, inv: CommandInvocation): CommandOutcome {
  const value = paramValue(model, inv.target, 'Value');
  if (inv.command.name === 'Toggle()') return writeValue(model, inv.target, value === 'true' ? 'false' : 'true');
  const cap = model.context.board.capabilities[capabilityIndex(inv.target.path)];
  if (cap === undefined) return { err: DmError.CommandFailure, message: 'no such capability on this board', output: null };
  const min = cap.min ?? 0;
  const max = cap.max ?? 1;
  const step = Number(paramValue(model, inv.target, 'StepValue'));
  const next = Number(value) + (inv.command.name === 'StepUp()' ? step : -step);
  return writeValue(model, inv.target, formatLevel(cap, Math.min(max, Math.max(min, next))));
}

/**
 * Binds the IoTCapability rows of `model` (built with an IoTDeviceContext) to the board.
 * Call once after createDataModel, before the agent starts. `onInput` runs after a
 * watched digital input changed (a button press): poll the model and transmit.
 * Returns 0, or 7005 when the model's watch bound is too small for the board's sensors.
 */
export function attachIoTCapabilities(model: DataModel, onInput: () => void): number {
  const table = model.tableAt(IOT_TABLE);
  const ctx = model.context as IoTDeviceContext;
  if (table === undefined || ctx.iot === undefined) return DmError.Ok;
  const caps = ctx.board.capabilities;
  // Creates missing rows (with their defaults) and drops rows past the board's capabilities.
  let changed = false;
  const old = table.rows.slice();
  for (let i = 0; i < old.length; i++) {
    if (old[i]!.number <= caps.length) continue;
    model.tree.removeRow(table, old[i]!);
    changed = true;
  }
  const defaults = iotCapabilityDefaults(model.context.board);
  for (let i = 0; i < defaults.rows.length; i++) {
    const r = defaults.rows[i]!;
    const n = capabilityIndex(r.path) + 1;
    if (table.row(n) !== undefined) continue;
    const row = model.tree.insertRow(table, n);
    for (let k = 0; k < r.values.length; k++) model.tree.storeValue(row, r.values[k]![0], r.values[k]![1]);
    for (let k = 0; k < defaults.params.length; k++) {
      const path = defaults.params[k]![0];
      if (!path.startsWith(r.path)) continue;
      const dot = path.lastIndexOf('.');
      const inst = model.instanceAt(path.slice(0, dot + 1));
      if (inst !== undefined) model.tree.storeValue(inst, path.slice(dot + 1), defaults.params[k]![1]);
    }
    changed = true;
  }
  if (changed) model.save();
  const io = ctx.iot.io;
  let result: number = DmError.Ok;
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r]!;
    const i = row.number - 1;
    const cap = caps[i]!;
    // Keeps only the sub-object named by the row's Class.
    const objects = row.node.objects;
    for (let k = 0; k < objects.length; k++) if (objects[k]!.name !== cap.class) model.tree.removeChild(row, objects[k]!.name);
    const sub = row.child(cap.class);
    if (sub === undefined) continue;
    if (cap.class === 'BinaryControl' && io !== null) io.writeDigital(cap.pin, logical(cap, paramValue(model, sub, 'Value') === 'true'));
    if (cap.class === 'LevelSensor') {
      ctx.iot.lowThreshold[i] = Number(paramValue(model, sub, 'LowLevelThreshold'));
      ctx.iot.highThreshold[i] = Number(paramValue(model, sub, 'HighLevelThreshold'));
    }
    const sensors = sensorParams(sub.node);
    for (let k = 0; k < sensors.length; k++) {
      const err = model.watch(sub, sensors[k]!);
      if (err !== 0) result = err;
    }
    if (cap.class === 'BinarySensor' && io !== null) {
      io.watchDigital(cap.pin, () => {
        onInput(); // the composition root supplies the time first
        if (ctx.wallClock !== undefined) ctx.iot.lastChange[i] = formatDateTime(ctx.wallClock);
      });
    }
  }
  model.registerCommand(`${IOT_TABLE}{i}.BinaryControl.Toggle()`, control);
  model.registerCommand(`${IOT_TABLE}{i}.LevelControl.StepUp()`, control);
  model.registerCommand(`${IOT_TABLE}{i}.LevelControl.StepDown()`, control);
  return result;
}
