/** Boot! and Periodic! (AGENT-REQUIREMENTS §1.14 §Boot!/§Periodic!, §4 item 13), Reboot()/FactoryReset() hooks. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, getMsg, operateMsg, setMsg } from '../../src/usp/index.ts';
import { createTestAgent, drain, exchange, MemoryStore, openRecord, subscribe, type TestAgent } from './harness.ts';

const boot = suite('agent/boot');

function events(t: TestAgent, now: number) {
  return drain(t.agent, now).map((x) => ({ to: x.endpointId, e: openRecord(x.bytes).msg!.body!.request!.notify!.event! }));
}

boot('§Boot! after start: CommandKey/Cause from Reboot(), ParameterMap from the recipient BootParameter table', () => {
  const store = new MemoryStore();
  let reboots = 0;
  const t = createTestAgent({ store, config: { device: { reboot: () => { reboots++; }, factoryReset: () => undefined }, rebootDelayMs: 500 } });
  subscribe(t, 'Event', 'Device.Boot!', [['Persistent', 'true']]);
  exchange(t, addMsg('bp', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.BootParameter.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'ParameterName', value: 'Device.DSL.Line.*.Enable' }] }] }));
  const r = exchange(t, operateMsg('rb', { command: 'Device.Reboot()', command_key: 'key-42', send_resp: true }));
  assert.ok(r.body!.response!.operate_resp, 'the response goes out before the reboot');
  assert.is(reboots, 0);
  t.agent.handleTimeout(1499);
  assert.is(reboots, 0);
  t.agent.handleTimeout(1500);
  assert.is(reboots, 1, 'the platform hook runs after rebootDelayMs');
  const after = createTestAgent({ store });
  after.agent.start(0);
  assert.equal(events(after, 0).map((x) => x.e), [{ obj_path: 'Device.', event_name: 'Boot!', params: {
    CommandKey: 'key-42', Cause: 'RemoteReboot', FirmwareUpdated: 'false',
    ParameterMap: '{"Device.DSL.Line.1.Enable":"true","Device.DSL.Line.2.Enable":"false"}' } }]);
  const again = createTestAgent({ store });
  again.agent.start(0);
  assert.is(events(again, 0)[0]!.e.params['Cause'], 'LocalReboot', 'a later power cycle is a LocalReboot');
});

boot('TP-469 9.10 a non-persistent Boot! subscription gets the Boot! after Reboot(), then is deleted (its ObjectDeletion after the Boot!)', () => {
  const store = new MemoryStore();
  const t = createTestAgent({ store, config: { device: { reboot: () => undefined, factoryReset: () => undefined } } });
  subscribe(t, 'Event', 'Device.Boot!');
  exchange(t, addMsg('od', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'ObjectDeletion' }, { param: 'ID', value: 'od' },
    { param: 'ReferenceList', value: 'Device.LocalAgent.Subscription.' }, { param: 'Persistent', value: 'true' }] }] }));
  exchange(t, addMsg('bp', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.BootParameter.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'ParameterName', value: 'Device.DeviceInfo.SoftwareVersion' }] }] }));
  exchange(t, operateMsg('rb', { command: 'Device.Reboot()', command_key: 'test-910', send_resp: true }));
  t.agent.handleTimeout(5000);
  const after = createTestAgent({ store });
  after.agent.start(0);
  const out = drain(after.agent, 0).map((x) => openRecord(x.bytes).msg!.body!.request!.notify!);
  assert.equal(out.map((n) => [n.subscription_id, n.notification]), [['s-Event', 'event'], ['od', 'obj_deletion']]);
  assert.equal(out[0]!.event!.params, { CommandKey: 'test-910', Cause: 'RemoteReboot', FirmwareUpdated: 'false',
    ParameterMap: '{"Device.DeviceInfo.SoftwareVersion":"1.2.3"}' });
  assert.is(out[1]!.obj_deletion!.obj_path, 'Device.LocalAgent.Subscription.1.');
  assert.equal(after.model.resolve('Device.LocalAgent.Subscription.*.ID').objects.map((o) => o.path), ['Device.LocalAgent.Subscription.2.'],
    'the persistent one stays');
  const again = createTestAgent({ store });
  again.agent.start(0);
  assert.is(drain(again.agent, 0).length, 0, 'gone for good: no Boot! at the next start');
});

boot('§Boot! FactoryReset() records RemoteFactoryReset, resets the model and calls the hook', () => {
  const store = new MemoryStore();
  let resets = 0;
  const t = createTestAgent({ store, config: { device: { reboot: () => undefined, factoryReset: () => { resets++; } } } });
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'changed' }] }] }));
  exchange(t, operateMsg('fr', { command: 'Device.FactoryReset()', command_key: 'fr-1', send_resp: true }));
  t.agent.handleTimeout(5000);
  assert.is(resets, 1);
  assert.is(t.model.read(t.model.instanceAt('Device.DeviceInfo.')!, t.model.instanceAt('Device.DeviceInfo.')!.node.params.find((p) => p.name === 'FriendlyName')!), 'test board');
  assert.is(store.get('agent.boot') !== undefined, true, 'Boot! information survives the reset');
  const g = exchange(t, getMsg('g', { param_paths: ['Device.DeviceInfo.FriendlyName'] }), 6000);
  assert.is(g.body!.response!.get_resp!.req_path_results[0]!.resolved_path_results[0]!.result_params['FriendlyName'], 'test board',
    'the agent keeps working on the reset model (caches dropped)');
});

const QUIET = { config: { limits: { pollIntervalMs: 1e9 } } };

boot('§Periodic! goes to each subscribed Controller at its PeriodicNotifInterval', () => {
  const t = createTestAgent(QUIET);
  t.agent.start(0);
  subscribe(t, 'Event', 'Device.LocalAgent.Periodic!');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.', param_settings: [{ param: 'PeriodicNotifInterval', value: '10' }] }] }));
  assert.is(t.agent.pollTimeout(), 11000, 'interval counted from when it was set');
  t.agent.handleTimeout(11000);
  const e = events(t, 11000);
  assert.equal(e.map((x) => [x.to, x.e.obj_path, x.e.event_name]), [['proto::controller-1', 'Device.LocalAgent.', 'Periodic!']]);
  assert.is(t.agent.pollTimeout(), 21000);
});

boot('§Periodic! PeriodicNotifTime sets the phase against the wall clock', () => {
  const t = createTestAgent(QUIET);
  t.agent.start(0);
  // Wall clock 2026-01-01T00:00:00Z at now=0; phase at :07 every 60 s → first at now = 7000.
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.', param_settings: [
    { param: 'PeriodicNotifInterval', value: '60' }, { param: 'PeriodicNotifTime', value: '2025-12-31T00:00:07Z' }] }] }), 0);
  assert.is(t.agent.pollTimeout(), 7000);
});

boot('§Types a board event reaches Event subscriptions on the object (object reference covers its events)', () => {
  const t = createTestAgent(QUIET);
  subscribe(t, 'Event', 'Device.LocalAgent.');
  t.agent.sendEvent(3000, 'Device.LocalAgent.', 'TransferComplete!', { Command: 'Device.DeviceInfo.FirmwareImage.1.Download()', FaultCode: '0' });
  t.agent.sendEvent(3000, 'Device.', 'Boot!', {});
  assert.equal(events(t, 3000).map((x) => [x.e.obj_path, x.e.event_name, x.e.params['FaultCode']]), [['Device.LocalAgent.', 'TransferComplete!', '0']]);
});

boot.run();
