/**
 * The model's hooks for the message processor: getters bound to the board and the
 * supplied time (DeviceInfo, LocalAgent, Time), command registration and input checks
 * (R-OPR.5/6/7), bounded polling for ValueChange of platform-read values (R-NOT.0a).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  alias, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, DmError, ObjAccess, param, PathKind, T, table, W, WriteMode,
  type ChangeListener, type CommandNode, type DeviceContext,
} from '../../src/dm/index.ts';
import { BOARD, exampleModel, valueAt as value } from './example-model.ts';


const getters = suite('dm/model getters');

getters('§2.1 DeviceInfo identity comes from the board description and the context', () => {
  const m = exampleModel();
  assert.equal(
    ['Manufacturer', 'ManufacturerOUI', 'ModelName', 'Description', 'ProductClass', 'SerialNumber', 'HardwareVersion', 'SoftwareVersion']
      .map((n) => value(m, `Device.DeviceInfo.${n}`)),
    ['tinyusp project', '0A1B2C', 'test board', 'unit tests', 'tinyusp-test', 'T0001', 'hw-1', '1.2.3'],
  );
  assert.is(value(m, 'Device.LocalAgent.EndpointID'), 'os::0A1B2C-T0001');
  assert.is(value(m, 'Device.LocalAgent.SupportedProtocols'), 'CoAP');
  assert.is(value(m, 'Device.RootDataModelVersion'), '2.16');
});

getters('§2.1/§2.2 UpTime counts seconds from the boot `now`; Time follows the supplied wall clock', () => {
  const m = exampleModel(undefined, 10_000);
  assert.is(value(m, 'Device.DeviceInfo.UpTime'), '0');
  assert.is(value(m, 'Device.Time.Status'), 'Unsynchronized');
  assert.is(value(m, 'Device.Time.CurrentLocalTime'), '0001-01-01T00:00:00Z', 'Unknown Time until SNTP');
  m.setTime(10_000 + 3_599_999, Date.UTC(2026, 10, 25, 15, 0, 0));
  assert.is(value(m, 'Device.DeviceInfo.UpTime'), '3599');
  assert.is(value(m, 'Device.LocalAgent.UpTime'), '3599');
  assert.is(value(m, 'Device.Time.Status'), 'Synchronized');
  assert.is(value(m, 'Device.Time.CurrentLocalTime'), '2026-11-25T15:00:00Z');
});

getters('TR-106 NumberOfEntries parameters count the rows of their table', () => {
  const m = exampleModel();
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.RoleNumberOfEntries'), '2');
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.Role.1.PermissionNumberOfEntries'), '1');
  assert.is(value(m, 'Device.LocalAgent.ControllerNumberOfEntries'), '0');
  assert.is(value(m, 'Device.IP.InterfaceNumberOfEntries'), '3');
});

getters('§1.14 / 07-security covers(): object paths cover their subtree, tables their rows, searches their matches', () => {
  const m = exampleModel();
  const v4 = m.instanceAt('Device.IP.Interface.1.IPv4Address.2.')!;
  assert.ok(m.covers('Device.', v4));
  assert.ok(m.covers('Device.IP.Interface.', v4));
  assert.ok(m.covers('Device.IP.Interface.1.', v4));
  assert.ok(m.covers('Device.IP.Interface.[Name=="eth0"].IPv4Address.*.', v4));
  assert.not.ok(m.covers('Device.IP.Interface.[Name=="eth1"].', v4));
  assert.not.ok(m.covers('Device.IP.Interface.1.IPv4Address.1.', v4));
  assert.not.ok(m.covers('Device.IP.Interface.1.Name', v4), 'a parameter path covers no object');
  assert.not.ok(m.covers('Device.Nope.', v4));
  const tx = m.begin();
  for (let i = 4; i <= 11; i++) tx.set(tx.add(m.tableAt('Device.IP.Interface.')!)!, 'Name', `if${i}`);
  assert.is(tx.commit(), 0);
  assert.not.ok(m.covers('Device.IP.Interface.1.', m.instanceAt('Device.IP.Interface.11.')!), 'instance 1 does not cover 11');
});

getters('§2 platform-bound parameters: the setter runs once at commit with the final value, the getter reads it back', () => {
  const led = new Map<string, string>();
  const applied: string[] = [];
  const getOn = (_ctx: DeviceContext, path: string): string => led.get(path) ?? 'false';
  const setOn = (_ctx: DeviceContext, path: string, v: string): void => { applied.push(path + '=' + v); led.set(path, v); };
  const schema = createDeviceSchema([table('Led', { access: ObjAccess.AddDelete, keys: [['~Alias']] }, [alias(), param('On', T.Boolean, W, { get: getOn, set: setOn })])]);
  const m = createDataModel({ schema, context: createDeviceContext(BOARD, 'T', '1', 'os::0A1B2C-T', 0), factoryDefault: createFactoryDefault(BOARD) });
  const seen: string[] = [];
  m.addListener({ handleValueChange: (i, p, v) => seen.push(i.path + p.name + '=' + v), handleObjectCreation: () => {}, handleObjectDeletion: () => {} });
  let tx = m.begin();
  const row = tx.add(m.tableAt('Device.Led.')!)!;
  tx.set(row, 'On', '1', WriteMode.Add);
  assert.equal(applied, [], 'nothing reaches the platform before commit');
  assert.is(tx.commit(), 0);
  assert.equal(applied, ['Device.Led.1.=true']);
  tx = m.begin();
  tx.set(row, 'On', 'false');
  tx.set(row, 'On', 'true');
  tx.set(row, 'On', 'false');
  assert.is(tx.commit(), 0);
  assert.equal(applied, ['Device.Led.1.=true', 'Device.Led.1.=false']);
  assert.equal(seen, ['Device.Led.1.On=false']);
  assert.is(value(m, 'Device.Led.1.On'), 'false');
  tx = m.begin();
  tx.set(row, 'On', 'true');
  tx.rollback();
  assert.is(applied.length, 2, 'a rolled-back write never reaches the platform');
});

const commands = suite('dm/model commands');

commands('R-OPR handlers register by supported path and are found from the resolved command', () => {
  const m = exampleModel();
  const calls: string[] = [];
  assert.is(m.registerCommand('Device.LocalAgent.Controller.{i}.SendOnBoardRequest()', (_model, inv) => {
    calls.push(inv.path);
    return { err: 0, message: '', output: null };
  }), 0);
  assert.is(m.registerCommand('Device.Nope()', () => ({ err: 0, message: '', output: null })), DmError.InvalidPath);
  assert.is(m.registerCommand('Device.DeviceInfo.', () => ({ err: 0, message: '', output: null })), DmError.InvalidPath);
  const tx = m.begin();
  tx.add(m.tableAt('Device.LocalAgent.Controller.')!);
  tx.commit();
  const r = m.resolve('Device.LocalAgent.Controller.1.SendOnBoardRequest()');
  assert.is(r.kind, PathKind.Command);
  const cmd = r.element as CommandNode;
  const handler = m.commandHandler(r.node!, cmd)!;
  const out = handler(m, { target: r.objects[0]!, command: cmd, path: r.objects[0]!.path + cmd.name, input: new Map(), commandKey: 'k' });
  assert.is(out.err, 0);
  assert.equal(calls, ['Device.LocalAgent.Controller.1.SendOnBoardRequest()']);
  assert.is(m.commandHandler(m.schema.root, m.schema.root.commands[0]!), undefined, 'Reboot() has no handler until the agent registers one');
});

commands('R-OPR.5 missing mandatory → 7027; R-OPR.6 unknown ignored; R-OPR.7 defaults applied; bad values → 7027', () => {
  const m = exampleModel();
  const timer = m.resolve('Device.ScheduleTimer()').element as CommandNode;
  assert.ok(timer.async, 'ScheduleTimer() is async in TR-181');
  assert.is(m.checkCommandInput(timer, new Map()).err, DmError.InvalidCommandArguments);
  assert.is(m.checkCommandInput(timer, new Map([['DelaySeconds', '0']])).err, DmError.InvalidCommandArguments);
  const ok = m.checkCommandInput(timer, new Map([['DelaySeconds', '+30'], ['Bogus', 'x']]));
  assert.equal([ok.err, [...ok.input]], [0, [['DelaySeconds', '30']]]);
  const reboot = m.resolve('Device.Reboot()').element as CommandNode;
  assert.equal([...m.checkCommandInput(reboot, new Map()).input], [['Cause', 'RemoteReboot'], ['Reason', '']]);
});

const polling = suite('dm/model polling');

polling('R-NOT.0a watched platform-read values fire ValueChange when polled; the watch list is bounded', () => {
  const m = exampleModel();
  const seen: string[] = [];
  const l: ChangeListener = {
    handleValueChange: (inst, p, v) => seen.push(`${inst.path}${p.name}=${v}`),
    handleObjectCreation: () => {}, handleObjectDeletion: () => {},
  };
  m.addListener(l);
  const time = m.instanceAt('Device.Time.')!;
  const status = time.node.params.find((p) => p.name === 'Status')!;
  assert.is(m.watch(time, status), 0);
  m.pollWatched();
  assert.equal(seen, []);
  m.setTime(1000, 1_700_000_000_000);
  m.pollWatched();
  m.pollWatched();
  assert.equal(seen, ['Device.Time.Status=Synchronized']);
  const codes: number[] = [];
  for (const path of ['Device.DeviceInfo.', 'Device.LocalAgent.', 'Device.IP.Interface.1.', 'Device.IP.Interface.2.', 'Device.IP.Interface.3.']) {
    const inst = m.instanceAt(path)!;
    for (const p of inst.node.params) codes.push(m.watch(inst, p));
  }
  assert.is(codes.filter((c) => c === 0).length, 31, 'maxWatched (32) including Time.Status');
  assert.ok(codes.slice(31).every((c) => c === DmError.ResourcesExceeded));
  m.unwatch(time, status);
  m.setTime(2000, undefined);
  seen.length = 0;
  m.pollWatched();
  assert.not.ok(seen.some((s) => s.startsWith('Device.Time.')), 'unwatched');
});

getters.run();
commands.run();
polling.run();
