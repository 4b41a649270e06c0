/** Subscriptions and Notify delivery (R-NOT.*, §1.14 subscription semantics as R-SUB.*), Operate (R-OPR.*). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, encodeMsg, errorMsg, notifyRespMsg, operateMsg, setMsg, getMsg } from '../../src/usp/index.ts';
import { DeliveryOutcome, retryDelayMs } from '../../src/agent/index.ts';
import { createTestAgent, drain, exchange, MemoryStore, openRecord, ORIGIN, requestRecord, type TestAgent } from './harness.ts';

const sub = suite('agent/subscriptions');
const opr = suite('agent/operate');

function subscribe(t: TestAgent, type: string, refs: string, extra: [string, string][] = []) {
  const m = exchange(t, addMsg('sub', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: type }, { param: 'ReferenceList', value: refs }, { param: 'ID', value: 's-' + type },
    ...extra.map(([param, value]) => ({ param, value }))] }] }));
  return m.body!.response!.add_resp!.created_obj_results[0]!.oper_status!.oper_success!;
}

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

sub('R-NOT.1/R-NOT.2 back-off ranges grow by k/1000 and stop growing at the 10th retry', () => {
  assert.is(retryDelayMs(1, 5, 2000, () => 0), 5000);
  assert.is(retryDelayMs(1, 5, 2000, () => 0.999999), 10000);
  assert.is(retryDelayMs(3, 5, 2000, () => 0), 20000);
  assert.is(retryDelayMs(12, 5, 2000, () => 0), retryDelayMs(10, 5, 2000, () => 0));
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
});

sub('R-SUB TimeToLive removes the subscription after its lifetime', () => {
  const t = createTestAgent();
  subscribe(t, 'ValueChange', 'Device.DSL.Line.1.Enable', [['TimeToLive', '60']]);
  assert.is(t.agent.pollTimeout(), 1000 + 60000);
  t.agent.handleTimeout(61000);
  assert.is(t.model.instanceAt('Device.LocalAgent.Subscription.1.'), undefined);
});

sub('§Boot! after start: CommandKey/Cause from Reboot(), ParameterMap from the recipient BootParameter table', () => {
  const store = new MemoryStore();
  const t = createTestAgent({ store, config: { device: { reboot: () => undefined, factoryReset: () => undefined } } });
  subscribe(t, 'Event', 'Device.Boot!', [['Persistent', 'true']]);
  exchange(t, addMsg('bp', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Controller.1.BootParameter.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'ParameterName', value: 'Device.DeviceInfo.SerialNumber' }] }] }));
  const r = exchange(t, operateMsg('rb', { command: 'Device.Reboot()', command_key: 'key-42', send_resp: true }));
  assert.ok(r.body!.response!.operate_resp);
  const after = createTestAgent({ store });
  after.agent.start(0);
  const n = drain(after.agent, 0).map((x) => openRecord(x.bytes).msg!.body!.request!.notify!.event!);
  assert.equal(n, [{ obj_path: 'Device.', event_name: 'Boot!', params: {
    CommandKey: 'key-42', Cause: 'RemoteReboot', FirmwareUpdated: 'false', ParameterMap: '{"Device.DeviceInfo.SerialNumber":"T0001"}' } }]);
});

opr('R-OPR.0 async: Request row (Active), req_obj_path at once, OperationComplete later, row removed', () => {
  const t = createTestAgent();
  subscribe(t, 'OperationComplete', 'Device.');
  const m = exchange(t, operateMsg('o', { command: 'Device.ScheduleTimer()', command_key: 'ck', send_resp: true, input_args: { DelaySeconds: '3' } }));
  assert.is(m.body!.response!.operate_resp!.operation_results[0]!.req_obj_path, 'Device.LocalAgent.Request.1.');
  const g = exchange(t, getMsg('g', { param_paths: ['Device.LocalAgent.Request.1.Status', 'Device.LocalAgent.Request.1.Command'] }));
  assert.is(g.body!.response!.get_resp!.req_path_results[0]!.resolved_path_results[0]!.result_params['Status'], 'Active');
  assert.is(t.agent.pollTimeout(), 4000);
  t.agent.handleTimeout(4000);
  const [n] = drain(t.agent, 4000).map((x) => openRecord(x.bytes).msg!.body!.request!.notify!.oper_complete!);
  assert.equal([n!.obj_path, n!.command_name, n!.command_key, n!.cmd_failure], ['Device.', 'ScheduleTimer()', 'ck', undefined]);
  assert.equal(n!.req_output_args, { output_args: {} });
  assert.is(t.model.instanceAt('Device.LocalAgent.Request.1.'), undefined);
});

opr('R-OPR.5 a missing mandatory argument is cmd_failure 7027; §Cancel Request.{i}.Cancel() → 7023', () => {
  const t = createTestAgent();
  subscribe(t, 'OperationComplete', 'Device.ScheduleTimer()');
  const m = exchange(t, operateMsg('o', { command: 'Device.ScheduleTimer()', send_resp: true }));
  assert.is(m.body!.response!.operate_resp!.operation_results[0]!.cmd_failure!.err_code, 7027);
  exchange(t, operateMsg('o2', { command: 'Device.ScheduleTimer()', send_resp: true, input_args: { DelaySeconds: '30' } }));
  exchange(t, operateMsg('o3', { command: 'Device.LocalAgent.Request.1.Cancel()', send_resp: true }));
  const n = t.notifies.map((x) => openRecord(x.bytes).msg!.body!.request!.notify!.oper_complete!);
  assert.is(n[0]!.cmd_failure!.err_code, 7023);
  assert.is(t.agent.requests.size, 0);
});

opr('R-OPR.4 send_resp=false: no OperateResp; R-OPR.1 per-object failures are cmd_failure', () => {
  const t = createTestAgent();
  t.agent.handleRecord(1000, ...rec(requestRecord(operateMsg('o', { command: 'Device.ScheduleTimer()', send_resp: false, input_args: { DelaySeconds: '1' } }))), ORIGIN);
  assert.is(drain(t.agent, 1000).length, 0);
  const m = exchange(t, operateMsg('o', { command: 'Device.IP.Interface.*.Reset()', send_resp: true }));
  const r = m.body!.response!.operate_resp!.operation_results;
  assert.is(r.length, 3);
  assert.is(r[0]!.cmd_failure!.err_code, 7022, 'no handler registered for Reset()');
});

opr('§OPR codes message-level faults are Errors: 7026 unknown command, 7006 no x permission', () => {
  const t = createTestAgent();
  assert.is(exchange(t, operateMsg('o', { command: 'Device.Nope()', send_resp: true })).body!.error!.err_code, 7026);
  assert.is(exchange(t, operateMsg('o', { command: 'Device.Reboot()', send_resp: true }), 1000, 'proto::controller-2').body!.error!.err_code, 7006);
});

function rec(b: Uint8Array): [Uint8Array, number, number] {
  return [b, 0, b.length];
}

sub.run();
opr.run();
