/** Operate, async operations and the Request table (R-OPR.*, AGENT-REQUIREMENTS §1.11, §4 item 12). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getMsg, operateMsg } from '../../src/usp/index.ts';
import { createTestAgent, drain, exchange, openRecord, ORIGIN, requestRecord, subscribe } from './harness.ts';

const opr = suite('agent/operate');

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

opr('§Concurrency / DESIGN.md bounded: async operations beyond maxPendingRequests fail with cmd_failure 7005', () => {
  const t = createTestAgent({ config: { limits: { maxPendingRequests: 2 } } });
  const run = (key: string) => exchange(t, operateMsg(key, { command: 'Device.ScheduleTimer()', command_key: key, send_resp: true, input_args: { DelaySeconds: '60' } }))
    .body!.response!.operate_resp!.operation_results[0]!;
  assert.ok(run('a').req_obj_path);
  assert.is(run('a').cmd_failure!.err_code, 7005, 'same CommandKey while running: denied');
  assert.ok(run('b').req_obj_path);
  assert.is(run('c').cmd_failure!.err_code, 7005);
  assert.is(t.agent.requests.size, 2);
});

opr('R-OPR.2 a search command path starts one Request per matched object', () => {
  const t = createTestAgent({ rows: [
    { path: 'Device.DeviceInfo.FirmwareImage.1.', values: [['Alias', 'a'], ['Name', 'A']] },
    { path: 'Device.DeviceInfo.FirmwareImage.2.', values: [['Alias', 'b'], ['Name', 'B']] }] });
  let started = 0;
  t.agent.registerAsyncCommand('Device.DeviceInfo.FirmwareImage.{i}.Download()', () => { started++; return null; });
  const m = exchange(t, operateMsg('o', { command: 'Device.DeviceInfo.FirmwareImage.*.Download()', send_resp: true,
    input_args: { URL: 'https://fw.example/img', AutoActivate: 'false' } }));
  const r = m.body!.response!.operate_resp!.operation_results;
  assert.equal(r.map((x) => [x.executed_command, x.req_obj_path]), [
    ['Device.DeviceInfo.FirmwareImage.1.Download()', 'Device.LocalAgent.Request.1.'], ['Device.DeviceInfo.FirmwareImage.2.Download()', 'Device.LocalAgent.Request.2.']]);
  assert.is(started, 2);
  assert.ok(t.agent.completeOperation('Device.LocalAgent.Request.2.', 0, '', new Map([['Result', 'ok']])));
  assert.is(t.agent.requests.size, 1);
});

function rec(b: Uint8Array): [Uint8Array, number, number] {
  return [b, 0, b.length];
}

opr.run();
