/**
 * Device.IoTCapability.{i}. on the simulated board (boards/sim.json + platform/node
 * sim-board): Get through the model and through the agent (USP Get), Set of
 * BinaryControl.Value driving the pin, Toggle()/StepUp()/StepDown() as async
 * Operates, a button press reaching a ValueChange subscriber at once, rows
 * reconciled with stored state, and the single class sub-object per row.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attachIoTCapabilities, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, createIoTDeviceContext,
  iotCapabilityDefaults, iotCapabilityObjects, type DataModel,
} from '../../../src/dm/index.ts';
import { createAgent } from '../../../src/agent/index.ts';
import type { BoardDescription } from '../../../src/platform/board.ts';
import { createSimBoard, type SimBoard } from '../../../src/platform/sim-board.ts';
import { addMsg, getMsg, operateMsg, setMsg } from '../../../src/usp/index.ts';
import { AGENT_ID, CONTROLLER_ROWS, drain, exchange, MemoryStore, openRecord, seededRandom, WALL_START, type TestAgent } from '../../agent/harness.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SIM: BoardDescription = JSON.parse(readFileSync(join(ROOT, 'boards', 'sim.json'), 'utf8')) as BoardDescription;
/** The sim board plus a LevelControl (no board ships one yet). */
const WITH_DIMMER: BoardDescription = {
  ...SIM,
  capabilities: [...SIM.capabilities, { class: 'LevelControl', name: 'Dimmer', type: 'Brightness', pin: 25, unit: '%', min: 5.5, max: 25, step: 0.5 }],
};

interface Rig { model: DataModel; board: SimBoard; inputs: number }

function rig(board = SIM, store = new MemoryStore()): Rig {
  const sim = createSimBoard(board);
  const context = createIoTDeviceContext(createDeviceContext(board, 'SIM1', '0.1.0', AGENT_ID, 0), sim);
  const d = iotCapabilityDefaults(board);
  const model = createDataModel({
    schema: createDeviceSchema(iotCapabilityObjects(board)), context, store,
    factoryDefault: createFactoryDefault(board, { rows: [...d.rows, ...CONTROLLER_ROWS], params: d.params }),
  });
  const r: Rig = { model, board: sim, inputs: 0 };
  assert.is(attachIoTCapabilities(model, () => { r.inputs++; model.pollWatched(); }), 0);
  return r;
}

function get(model: DataModel, path: string): string {
  const r = model.resolve(path);
  assert.is(r.err, 0, `${path}: ${r.message}`);
  return model.read(r.objects[0]!, r.element as never);
}

const dm = suite('dm/objects/iot-capability');

dm('§IoT-table one row per board capability, Name/Class from the board, IoTCapabilityNumberOfEntries', () => {
  const { model } = rig();
  assert.is(get(model, 'Device.IoTCapabilityNumberOfEntries'), '3');
  assert.equal([1, 2, 3].map((i) => [get(model, `Device.IoTCapability.${i}.Name`), get(model, `Device.IoTCapability.${i}.Class`)]),
    [['LED', 'BinaryControl'], ['Button', 'BinarySensor'], ['Temperature', 'LevelSensor']]);
  assert.is(get(model, 'Device.IoTCapability.1.BinaryControl.Type'), 'Switch');
  assert.is(get(model, 'Device.IoTCapability.3.LevelSensor.Unit'), 'degC');
});

dm('§IoT-table only the sub-object named by Class exists in a row', () => {
  const { model } = rig();
  const row = model.instanceAt('Device.IoTCapability.1.')!;
  assert.equal([...row.children.keys()], ['BinaryControl']);
  assert.is(model.resolve('Device.IoTCapability.1.BinarySensor.Value').err, 7016);
  assert.is(model.resolve('Device.IoTCapability.*.BinarySensor.Value').objects.length, 1);
});

dm('§BinarySensor Value follows the pin (activeLow applied); §LevelSensor Value in its unit with Low/HighLevel', () => {
  const { model, board } = rig();
  assert.is(get(model, 'Device.IoTCapability.2.BinarySensor.Value'), 'false');
  board.press('Button', true);
  assert.is(get(model, 'Device.IoTCapability.2.BinarySensor.Value'), 'true');
  assert.is(board.readDigital(0), false, 'pressed = low on the active-low pin');
  board.setLevel('Temperature', 21.5);
  assert.is(get(model, 'Device.IoTCapability.3.LevelSensor.Value'), '21.5');
  assert.is(get(model, 'Device.IoTCapability.3.LevelSensor.LowLevel'), 'false');
  const tx = model.begin();
  tx.set(model.instanceAt('Device.IoTCapability.3.LevelSensor.')!, 'HighLevelThreshold', '20');
  assert.is(tx.commit(), 0);
  assert.is(get(model, 'Device.IoTCapability.3.LevelSensor.HighLevel'), 'true');
  board.setLevel('Temperature', -40);
  assert.is(get(model, 'Device.IoTCapability.3.LevelSensor.Value'), '-40');
  assert.is(get(model, 'Device.IoTCapability.3.LevelSensor.LowLevel'), 'true', 'LowLevelThreshold defaults to the board minimum');
});

dm('§BinaryControl a committed Value drives the pin; the stored value is driven again at the next start', () => {
  const store = new MemoryStore();
  const a = rig(SIM, store);
  const tx = a.model.begin();
  assert.is(tx.set(a.model.instanceAt('Device.IoTCapability.1.BinaryControl.')!, 'Value', 'true'), 0);
  assert.is(a.board.readDigital(2), false, 'nothing happens before commit');
  assert.is(tx.commit(), 0);
  assert.is(a.board.readDigital(2), true);
  const b = rig(SIM, store);
  assert.is(b.board.readDigital(2), true, 'restored from storage');
});

dm('R-ARC.8 rows are added for capabilities missing from older stored state and dropped past the board', () => {
  const store = new MemoryStore();
  rig({ ...SIM, capabilities: SIM.capabilities.slice(0, 1) }, store);
  const grown = rig(SIM, store);
  assert.is(get(grown.model, 'Device.IoTCapabilityNumberOfEntries'), '3');
  assert.is(get(grown.model, 'Device.IoTCapability.3.LevelSensor.HighLevelThreshold'), '125');
  const shrunk = rig({ ...SIM, capabilities: SIM.capabilities.slice(0, 2) }, store);
  assert.is(get(shrunk.model, 'Device.IoTCapabilityNumberOfEntries'), '2');
});

// Through the agent ------------------------------------------------------------------

function agentRig(board = SIM): TestAgent & Rig {
  const r = rig(board);
  const t = Object.assign(r, { wall: WALL_START, notifies: [] }) as unknown as TestAgent & Rig;
  (t as { agent: TestAgent['agent'] }).agent = createAgent({ endpointId: AGENT_ID, model: r.model, random: seededRandom(3), wallClock: () => t.wall });
  t.agent.start(0);
  drain(t.agent, 0);
  return t;
}

function operate(t: TestAgent, command: string): string {
  const m = exchange(t, operateMsg('o', { command, command_key: 'k', send_resp: true }));
  const res = m.body!.response!.operate_resp!.operation_results[0]!;
  assert.ok(res.req_obj_path, JSON.stringify(res));
  const done = t.notifies.splice(0).map((n) => openRecord(n.bytes).msg!.body!.request!.notify!.oper_complete).filter((x) => x);
  return JSON.stringify(done);
}

const viaAgent = suite('dm/objects/iot-capability via the agent');

viaAgent('§IoT-table USP Get Device.IoTCapability. returns one result per row and sub-object', () => {
  const t = agentRig();
  const m = exchange(t, getMsg('g', { param_paths: ['Device.IoTCapability.'] }));
  const paths = m.body!.response!.get_resp!.req_path_results[0]!.resolved_path_results.map((r) => r.resolved_path);
  assert.equal(paths, ['Device.IoTCapability.1.', 'Device.IoTCapability.1.BinaryControl.', 'Device.IoTCapability.2.',
    'Device.IoTCapability.2.BinarySensor.', 'Device.IoTCapability.3.', 'Device.IoTCapability.3.LevelSensor.']);
});

viaAgent('§BinaryControl USP Set Value drives the LED; Toggle() (async) flips it and completes with OperationComplete', () => {
  const t = agentRig();
  const s = exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.IoTCapability.1.BinaryControl.', param_settings: [{ param: 'Value', value: 'true' }] }] }));
  assert.ok(s.body!.response!.set_resp, JSON.stringify(s));
  assert.is(t.board.readDigital(2), true);
  exchange(t, addMsg('sub', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'OperationComplete' }, { param: 'ReferenceList', value: 'Device.IoTCapability.' }, { param: 'ID', value: 'oc' }] }] }));
  const done = operate(t, 'Device.IoTCapability.1.BinaryControl.Toggle()');
  assert.is(t.board.readDigital(2), false);
  assert.match(done, /Toggle\(\)/);
  assert.match(done, /req_output_args/);
  operate(t, 'Device.IoTCapability.1.BinaryControl.Toggle()');
  assert.is(t.board.readDigital(2), true);
});

viaAgent('§LevelControl StepUp()/StepDown() move by StepValue and clamp at MinValue/MaxValue without failing', () => {
  const t = agentRig(WITH_DIMMER);
  const value = () => get(t.model, 'Device.IoTCapability.4.LevelControl.Value');
  assert.is(value(), '5.5');
  assert.is(get(t.model, 'Device.IoTCapability.4.LevelControl.MaxValue'), '25');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.IoTCapability.4.LevelControl.', param_settings: [{ param: 'StepValue', value: '10' }] }] }));
  operate(t, 'Device.IoTCapability.4.LevelControl.StepUp()');
  assert.is(value(), '15.5');
  operate(t, 'Device.IoTCapability.4.LevelControl.StepUp()');
  assert.is(value(), '25', 'clamped at MaxValue');
  operate(t, 'Device.IoTCapability.4.LevelControl.StepUp()');
  assert.is(value(), '25');
  for (let i = 0; i < 3; i++) operate(t, 'Device.IoTCapability.4.LevelControl.StepDown()');
  assert.is(value(), '5.5', 'clamped at MinValue');
});

viaAgent('R-NOT.1 a button press reaches a ValueChange subscriber at once (watchDigital, no polling wait)', () => {
  const t = agentRig();
  exchange(t, addMsg('sub', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'ValueChange' },
    { param: 'ReferenceList', value: 'Device.IoTCapability.*.BinarySensor.Value' }, { param: 'ID', value: 'vc' }] }] }));
  t.board.press('Button', true);
  t.board.press('Button', false);
  assert.is(t.inputs, 2);
  const changes = drain(t.agent, 2000).map((n) => openRecord(n.bytes).msg!.body!.request!.notify!.value_change);
  assert.equal(changes, [
    { param_path: 'Device.IoTCapability.2.BinarySensor.Value', param_value: 'true' },
    { param_path: 'Device.IoTCapability.2.BinarySensor.Value', param_value: 'false' },
  ]);
});

dm.run();
viaAgent.run();
