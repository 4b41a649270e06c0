/** Subscriptions and Notify delivery (R-NOT.*, AGENT-REQUIREMENTS §1.14 subscription semantics, cited as R-SUB). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, deleteMsg, encodeMsg, errorMsg, getMsg, notifyRespMsg, operateMsg, setMsg } from '../../src/usp/index.ts';
import { createDeviceSchema, object, param, R, T } from '../../src/dm/index.ts';
import { DeliveryOutcome } from '../../src/agent/index.ts';
import { createTestAgent, drain, exchange, openRecord, ORIGIN, requestRecord, subscribe, valueOf, type TestAgent } from './harness.ts';

const sub = suite('agent/subscriptions');

function notifies(t: TestAgent) {
  return t.notifies.splice(0).map((n) => ({ n, msg: openRecord(n.bytes).msg! }));
}

sub('R-SUB Recipient and CreationDate are filled by the Agent; the ID becomes subscription_id (R-NOT.7)', () => {
  const t = createTestAgent();
  const ok = subscribe(t, 'ValueChange', 'Device.DSL.Line.*.Enable');
  assert.is(ok.unique_keys['Recipient'], 'Device.LocalAgent.Controller.1');
  const g = exchange(t, getMsg('g', { param_paths: ['Device.LocalAgent.Subscription.1.CreationDate'] }));
  assert.is(g.body!.response!.get_resp!.req_path_results[0]!.resolved_path_results[0]!.result_params['CreationDate'], '2026-01-01T00:00:00Z');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.2.', param_settings: [{ param: 'Enable', value: 'true' }] }] }));
  const [n] = notifies(t);
  const notify = n!.msg.body!.request!.notify!;
  assert.is(notify.subscription_id, 's-ValueChange');
  assert.equal(notify.value_change, { param_path: 'Device.DSL.Line.2.Enable', param_value: 'true' });
  assert.is(notify.send_resp, false, '§send_resp NotifRetry=false → send_resp=false');
  assert.is(n!.n.endpointId, 'proto::controller-1');
});

sub('R-SUB ReferenceList items must be paths of the supported model (7012); a missing instance is fine', () => {
  const t = createTestAgent();
  const m = exchange(t, addMsg('a', { allow_partial: true, create_objs: [
    { obj_path: 'Device.LocalAgent.Subscription.', param_settings: [{ param: 'ReferenceList', value: 'Device.Nope.,Device.DSL.', required: true }] },
    { obj_path: 'Device.LocalAgent.Subscription.', param_settings: [{ param: 'ReferenceList', value: 'Device.DSL.Line.9.Enable', required: true }] }] }));
  const r = m.body!.response!.add_resp!.created_obj_results;
  assert.is(r[0]!.oper_status!.oper_failure!.err_code, 7021);
  assert.ok(r[1]!.oper_status!.oper_success);
});

sub('TR-181 TriggerAction Config: the Recipient\'s TriggerConfigSettings are applied as one Set, no Notify (TP-469 1.93)', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.2.Enable', [['TriggerAction', 'Config'],
    ['TriggerConfigSettings', 'Device.DSL.Line.1.CurrentProfile="30a", Device.LocalAgent.Subscription.1.Enable=false']]);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.2.', param_settings: [{ param: 'Enable', value: 'true' }] }] }));
  assert.equal(notifies(t), []);
  assert.is(valueOf(t, 'Device.DSL.Line.1.CurrentProfile'), '30a', 'quotes around a string value are dropped');
  assert.is(valueOf(t, 'Device.LocalAgent.Subscription.1.Enable'), 'false');
});

sub('TR-181 TriggerConfigSettings: items are <param path>=<value> (7012 otherwise); a failing item undoes the whole action', () => {
  const t = createTestAgent();
  const add = (v: string) => exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'TriggerConfigSettings', value: v, required: true }] }] })).body!;
  assert.is(add('Device.DSL.Line.1.=x').error!.param_errs[0]!.err_code, 7012);
  assert.is(add('no-equals').error!.param_errs[0]!.err_code, 7012);
  assert.ok(add('Device.DSL.Line.9.Enable=true').response, 'an instance that does not exist yet is fine');
  subscribe(t, 'ValueChange', 'Device.DSL.Line.2.Enable', [['TriggerAction', 'NotifyAndConfig'],
    ['TriggerConfigSettings', 'Device.DSL.Line.1.CurrentProfile=x,Device.DSL.Line.1.Enable=maybe']]);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.2.', param_settings: [{ param: 'Enable', value: 'true' }] }] }));
  assert.is(notifies(t).length, 1, 'NotifyAndConfig still notifies');
  assert.is(valueOf(t, 'Device.DSL.Line.1.CurrentProfile'), '17a', 'the bad second item undid the first');
});

sub('R-SUB ReferenceList is immutable once set (7013), other params stay writable', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable');
  const m = exchange(t, setMsg('s', { allow_partial: true, update_objs: [{ obj_path: 'Device.LocalAgent.Subscription.1.', param_settings: [
    { param: 'ReferenceList', value: 'Device.DSL.', required: true }] }] }));
  assert.is(m.body!.response!.set_resp!.updated_obj_results[0]!.oper_status!.oper_failure!.updated_inst_failures[0]!.param_errs[0]!.err_code, 7013);
});

sub('R-SUB a disabled subscription is not processed; an object reference covers every param below', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.', [['Enable', 'false']]);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'x' }] }] }));
  assert.is(notifies(t).length, 0);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Subscription.1.', param_settings: [{ param: 'Enable', value: 'true' }] }] }));
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'y' }] }] }));
  assert.equal(notifies(t).map((x) => x.msg.body!.request!.notify!.value_change!.param_path), ['Device.DSL.Line.1.CurrentProfile']);
});

sub('§Types ObjectCreation (table path, with unique_keys) and ObjectDeletion (instance path, wildcard)', () => {
  const t = createTestAgent();
  subscribe(t, 'ObjectCreation', 'Device.DSL.Line.');
  subscribe(t, 'ObjectDeletion', 'Device.DSL.Line.*.');
  exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.DSL.Line.' }] }));
  exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.WiFi.Radio.', param_settings: [{ param: 'Name', value: 'r' }] }] }));
  const c = notifies(t).map((x) => x.msg.body!.request!.notify!);
  assert.is(c.length, 1);
  assert.equal(c[0]!.obj_creation, { obj_path: 'Device.DSL.Line.3.', unique_keys: { Alias: 'cpe-3' } });
  exchange(t, { header: { msg_id: 'd', msg_type: 10 }, body: { request: { delete: { allow_partial: false, obj_paths: ['Device.DSL.Line.1.'] } } } });
  assert.equal(notifies(t).map((x) => x.msg.body!.request!.notify!.obj_deletion), [{ obj_path: 'Device.DSL.Line.1.' }]);
});

sub('§n-permission a recipient without n gets nothing', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.Role.1.Permission.1.', param_settings: [{ param: 'Param', value: 'rw--' }] }] }));
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }));
  assert.is(notifies(t).length, 0);
});

sub('R-NOT.1/R-NOT.9 NotifRetry: send_resp=true, retried with back-off until the NotifyResp with the same msg_id', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable', [['NotifRetry', 'true']]);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }));
  const [first] = notifies(t);
  const id = first!.msg.header!.msg_id;
  assert.is(first!.msg.body!.request!.notify!.send_resp, true);
  t.agent.handleDelivery(first!.n.handle, DeliveryOutcome.Timeout, 1000);
  const due = t.agent.pollTimeout();
  assert.ok(due >= 1000 + 5000 && due <= 1000 + 10000, `R-NOT.1 first retry in [5 s, 10 s]: ${due}`);
  assert.is(drain(t.agent, due - 1).length, 0);
  t.agent.handleTimeout(due);
  const again = drain(t.agent, due);
  assert.is(openRecord(again[0]!.bytes).msg!.header!.msg_id, id, 'the retry is the same message');
  t.agent.handleDelivery(again[0]!.handle, DeliveryOutcome.Delivered, due);
  t.agent.handleRecord(due + 10, ...rec(requestRecord(notifyRespMsg('other', { subscription_id: 'x' }))), ORIGIN);
  assert.is(t.agent.notifications.size, 1, 'an unknown msg_id is ignored (R-MSG.9)');
  t.agent.handleRecord(due + 20, ...rec(requestRecord(notifyRespMsg(id, { subscription_id: 'ignored' }))), ORIGIN);
  assert.is(t.agent.notifications.size, 0, 'delivered: nothing left to retry');
});

sub('§NOT codes an Error answering a Notify stops its retries', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable', [['NotifRetry', 'true']]);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }));
  const [n] = notifies(t);
  t.agent.handleDelivery(n!.n.handle, DeliveryOutcome.Delivered, 1000);
  t.agent.handleRecord(1100, ...rec(requestRecord(encodeMsg(errorMsg(n!.msg.header!.msg_id, 7002, 'no')))), ORIGIN);
  assert.is(t.agent.notifications.size, 0);
});

sub('R-NOT.5/R-NOT.6 SendOnBoardRequest(): OnBoardRequest with send_resp=true and subscription_id ""', () => {
  const t = createTestAgent();
  const m = exchange(t, operateMsg('o', { command: 'Device.LocalAgent.Controller.1.SendOnBoardRequest()', send_resp: true }));
  assert.ok(m.body!.response!.operate_resp!.operation_results[0]!.req_output_args);
  const [n] = notifies(t);
  const notify = n!.msg.body!.request!.notify!;
  assert.is(notify.subscription_id, '');
  assert.is(notify.send_resp, true);
  assert.equal(notify.on_board_req, { oui: '0A1B2C', product_class: 'tinyusp-test', serial_number: 'T0001', agent_supported_protocol_versions: '1.0,1.1,1.2,1.3,1.4' });
  const complete = () => valueOf(t, 'Device.LocalAgent.Controller.1.OnBoardingComplete');
  assert.is(complete(), 'false');
  t.agent.handleDelivery(n!.n.handle, DeliveryOutcome.Delivered, 1000);
  t.agent.handleTimeout(t.agent.pollTimeout());
  const retry = drain(t.agent, t.agent.pollTimeout());
  assert.is(openRecord(retry[0]!.bytes).msg!.header!.msg_id, n!.msg.header!.msg_id, 'R-NOT.6 retried until the NotifyResp');
  const ack = requestRecord(notifyRespMsg(n!.msg.header!.msg_id, { subscription_id: '' }));
  t.agent.handleRecord(9e4, ack, 0, ack.length, ORIGIN);
  assert.is(complete(), 'false', 'TP-469 1.101 OnBoardingComplete belongs to the Controller: the NotifyResp does not set it');
  assert.is(t.agent.onBoarding.pollTimeout(), Infinity, 'OnBoardingRestartTime 0: no restart (TP-469 1.103)');
});

sub('R-NOT.5 SendOnBoardRequest() on a disabled Controller fails (7022) and changes nothing', () => {
  const t = createTestAgent({ rows: [{ path: 'Device.LocalAgent.Controller.3.', values: [['EndpointID', 'proto::off'], ['Enable', 'false'],
    ['OnBoardingComplete', 'true']] }] });
  const m = exchange(t, operateMsg('o', { command: 'Device.LocalAgent.Controller.3.SendOnBoardRequest()', send_resp: true }));
  assert.is(m.body!.response!.operate_resp!.operation_results[0]!.cmd_failure!.err_code, 7022);
  assert.is(valueOf(t, 'Device.LocalAgent.Controller.3.OnBoardingComplete'), 'true');
  assert.is(t.notifies.length, 0);
});

sub('R-SUB TimeToLive removes the subscription after its lifetime', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable', [['TimeToLive', '60']]);
  assert.is(t.agent.pollTimeout(), 1000 + 60000);
  t.agent.handleTimeout(61000);
  assert.is(t.model.instanceAt('Device.LocalAgent.Subscription.1.'), undefined);
});

let temperature = 20;
function readTemperature(): string { return String(temperature); }

sub('§4 item 9 getter-backed params subscribed for ValueChange are polled on a bounded interval (R-NOT.0a ≤ 10 s)', () => {
  const schema = createDeviceSchema([object('Sensor', [param('Temperature', T.Int, R, { get: readTemperature }), param('Ticks', T.UnsignedInt, R, { get: readTemperature, ignoreChange: true })])]);
  const t = createTestAgent({ schema, config: { limits: { pollIntervalMs: 5000 } } });
  t.agent.start(0);
  subscribe(t, 'ValueChange', 'Device.Sensor.');
  temperature = 21;
  t.agent.handleTimeout(5000); // first poll: starts watching (baseline 21)
  temperature = 23;
  assert.is(t.agent.pollTimeout(), 10000);
  t.agent.handleTimeout(10000);
  const n = drain(t.agent, 10000).map((x) => openRecord(x.bytes).msg!.body!.request!.notify!.value_change);
  assert.equal(n, [{ param_path: 'Device.Sensor.Temperature', param_value: '23' }], 'WILL_IGNORE params never fire');
  exchange(t, setMsg('off', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Subscription.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }), 10000);
  t.agent.handleTimeout(15000); // stops watching
  temperature = 30;
  exchange(t, setMsg('on', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Subscription.1.', param_settings: [{ param: 'Enable', value: 'true' }] }] }), 15000);
  t.agent.handleTimeout(20000); // watches again from 30: no stale change reported
  assert.is(drain(t.agent, 20000).length, 0);
});

sub('§4 item 18 deleting a Controller removes its Subscriptions and drops its queued notifications', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable', [['NotifRetry', 'true']]);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }));
  const [n] = notifies(t);
  t.agent.handleDelivery(n!.n.handle, DeliveryOutcome.Timeout, 1000);
  assert.is(t.agent.notifications.size, 1);
  exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.LocalAgent.Controller.1.'] }));
  assert.is(t.model.instanceAt('Device.LocalAgent.Subscription.1.'), undefined);
  assert.is(t.agent.notifications.size, 0);
});

sub('R-SUB Controller.{i}.Enable=false: that ValueChange still reaches the disabled Controller, as its last notification', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.LocalAgent.Controller.*.Enable');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }));
  const n = notifies(t);
  assert.equal(n.map((x) => [x.n.endpointId, x.msg.body!.request!.notify!.value_change!.param_path]), [['proto::controller-1', 'Device.LocalAgent.Controller.1.Enable']]);
  const b = requestRecord(getMsg('after', { param_paths: ['Device.'] }));
  t.agent.handleRecord(2000, b, 0, b.length, ORIGIN);
  assert.is(drain(t.agent, 2000).length, 0, 'then silence: its Records are dropped');
});

sub('R-SUB Enable=false on the recipient Controller stops its notifications', () => {
  const t = createTestAgent();
  subscribe(t, 'ObjectCreation', 'Device.DSL.Line.');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.2.', param_settings: [{ param: 'AssignedRole', value: 'Device.LocalAgent.ControllerTrust.Role.1' }] }] }));
  exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.DSL.Line.' }] }));
  assert.is(notifies(t).length, 1);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.', param_settings: [{ param: 'Enable', value: 'false' }] }] }), 1000, 'proto::controller-2');
  exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.DSL.Line.' }] }), 1000, 'proto::controller-2');
  assert.is(notifies(t).length, 0);
});

sub('DESIGN.md bounded: a Notify too large for one Record of the MTP is dropped and counted', () => {
  const t = createTestAgent({ config: { limits: { maxRecordBytes: 480 } } });
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.CurrentProfile');
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'x'.repeat(150) }] }] }));
  assert.is(notifies(t).length, 0);
  assert.is(t.agent.notifications.dropped, 1);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'short' }] }] }));
  assert.is(notifies(t).length, 1);
});

function rec(b: Uint8Array): [Uint8Array, number, number] {
  return [b, 0, b.length];
}

sub('R-NOT.1 a Notify too large for one Record of the MTP is dropped when it would be sent (counted), the next one still goes out', () => {
  const t = createTestAgent({ config: { limits: { maxRecordBytes: 400 } } });
  subscribe(t, 'ValueChange', 'Device.DeviceInfo.FriendlyName');
  const set = (v: string) => exchange(t, setMsg('s' + v.length, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: v }] }] }));
  set('x'.repeat(32));
  assert.equal(notifies(t), []);
  assert.is(t.agent.notifications.dropped, 1);
  set('s');
  const [n] = notifies(t);
  assert.equal(n!.msg.body!.request!.notify!.value_change, { param_path: 'Device.DeviceInfo.FriendlyName', param_value: 's' });
});

sub.run();
