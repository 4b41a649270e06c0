/**
 * TP-469 chapter 1, Operate and on-boarding (1.60–1.62, 1.64, 1.65, 1.79, 1.91, 1.100,
 * 1.101–1.103), 9.9 and 9.11; OnBoardingComplete / OnBoardingRestartTime are rules of issue #19.
 */
import { getMsg } from '../../../src/usp/index.ts';
import { check, created, Lab, resp, same, type Heard } from './lab.ts';
import { tp, type Case } from './case.ts';

const C1 = 'Device.LocalAgent.Controller.1.';
const ONBOARD = C1 + 'SendOnBoardRequest()';

function onBoardRequests(h: readonly Heard[]): Heard[] {
  return h.filter((x) => x.notify.on_board_req !== undefined);
}

function completions(h: readonly Heard[]): [string, string, string, string][] {
  return h.filter((x) => x.notify.oper_complete !== undefined).map((x) => {
    const o = x.notify.oper_complete!;
    return [o.obj_path, o.command_name, o.command_key, o.req_output_args !== undefined ? 'ok' : String(o.cmd_failure?.err_code)];
  });
}

/** 1.64 / 1.65 / 1.79 / 9.11: ScheduleTimer() with an OperationComplete subscription on it. */
function scheduleTimer(key: string, sendResp: boolean, delayS: number): void {
  const lab = new Lab();
  lab.subscribe('oc', 'OperationComplete', 'Device.ScheduleTimer()');
  const r = lab.operate('Device.ScheduleTimer()', key, sendResp, { DelaySeconds: String(delayS) });
  if (sendResp) {
    const res = resp(r[0]!, 'operate_resp').operation_results;
    same(res.map((x) => x.executed_command), ['Device.ScheduleTimer()'], 'executed_command');
    check((res[0]!.req_obj_path ?? '').startsWith('Device.LocalAgent.Request.'), `req_obj_path to the Request object: ${res[0]!.req_obj_path}`);
  } else same(r, [], 'send_resp false: no OperateResp');
  const start = lab.now;
  const before = lab.heard.length;
  lab.wait(delayS * 1000 - 200);
  same(completions(lab.since(before)), [], 'not before DelaySeconds');
  lab.wait(1000);
  same(completions(lab.since(before)), [['Device.', 'ScheduleTimer()', key, 'ok']], 'OperationComplete with obj_path Device. and the command_key');
  check(lab.heard[lab.heard.length - 1]!.at - start >= delayS * 1000, 'after DelaySeconds');
}

/** Steps 1–4 of 1.101–1.103: OnBoardingRestartTime, SendOnBoardRequest() (send_resp false), the Notify, its NotifyResp. */
function onBoard(restartS: string, key: string): { lab: Lab; first: Heard } {
  const lab = new Lab();
  resp(lab.set(false, [[C1, [['OnBoardingRestartTime', restartS, true]]]]), 'set_resp');
  same(lab.operate(ONBOARD, key, false), [], 'send_resp false: no OperateResp');
  const sent = onBoardRequests(lab.heard);
  same(sent.length, 1, 'an OnBoardRequest Notify');
  const n = sent[0]!.notify;
  same([n.subscription_id, n.send_resp, n.on_board_req!.oui, n.on_board_req!.product_class, n.on_board_req!.serial_number,
    n.on_board_req!.agent_supported_protocol_versions], ['', true, '0A1B2C', 'tinyusp-test', 'T0001', '1.0,1.1,1.2,1.3,1.4'], 'its fields');
  lab.ack(sent[0]!);
  return { lab, first: sent[0]! };
}

export const OPERATE_CASES: Case[] = [
  tp('1.60', 'OnBoardRequest Notification', 'CM', () => { onBoard('0', 'test60'); }),
  tp('1.61', 'Operate message using Reboot() with send_resp true', 'CM', () => {
    const lab = new Lab();
    const r = resp(lab.operate('Device.Reboot()', 'test61', true)[0]!, 'operate_resp').operation_results;
    same(r.map((x) => [x.executed_command, x.req_output_args?.output_args]), [['Device.Reboot()', {}]], 'executed_command and an empty output_args');
    lab.wait(1000);
    same(lab.reboots, 1, 'the EUT reboots');
    lab.restart();
    same(lab.value('Device.LocalAgent.EndpointID'), 'os::0A1B2C-T0001', 'and resumes connectivity');
  }),
  tp('1.62', 'Operate message using Reboot() with send_resp false', 'CM', () => {
    const lab = new Lab();
    same(lab.operate('Device.Reboot()', 'test62', false), [], 'no OperateResp');
    lab.wait(1000);
    same(lab.reboots, 1, 'the EUT reboots');
    lab.restart();
    same(lab.value('Device.LocalAgent.EndpointID'), 'os::0A1B2C-T0001', 'and resumes connectivity');
  }),
  tp('1.64', 'Asynchronous operation with send_resp true', 'CM', () => scheduleTimer('test64', true, 5)),
  tp('1.65', 'Asynchronous operation with send_resp false', 'CM', () => scheduleTimer('test65', false, 5)),
  tp('1.79', 'Operate message using input arguments', 'CM', () => scheduleTimer('test79', true, 30)),
  tp('1.91', 'Unknown arguments in an Operate message', 'CM', () => {
    const lab = new Lab();
    const r = resp(lab.operate('Device.ScheduleTimer()', '', true, { DelaySeconds: '10', InvalidArgument: '2' })[0]!, 'operate_resp').operation_results;
    same(r.map((x) => [x.executed_command, x.cmd_failure === undefined]), [['Device.ScheduleTimer()', true]], 'a successful OperateResp');
  }),
  tp('1.100', 'Command with missing mandatory input_args', 'CM', () => {
    const lab = new Lab();
    lab.subscribe('oc', 'OperationComplete', 'Device.ScheduleTimer()');
    const r = resp(lab.operate('Device.ScheduleTimer()', 'test100', true)[0]!, 'operate_resp').operation_results;
    same(r.map((x) => x.cmd_failure?.err_code), [7027], 'cmd_failure 7027');
    lab.wait(120000);
    same(completions(lab.heard), [], 'no OperationComplete');
  }),
  tp('1.101', 'OnBoardRequest Notification - OnBoardingComplete set to false', 'CM', () => {
    const { lab } = onBoard('0', 'test101');
    same(lab.value(C1 + 'OnBoardingComplete'), 'false', 'OnBoardingComplete is false after the NotifyResp');
    resp(lab.set(false, [[C1, [['OnBoardingComplete', 'true', true]]]]), 'set_resp');
    same(lab.value(C1 + 'OnBoardingComplete'), 'true', 'the Controller sets it');
  }),
  tp('1.102', 'OnBoardRequest Notification - OnBoardingRestartTime', 'CM', () => {
    const { lab } = onBoard('60', 'test102');
    const acked = lab.now;
    lab.wait(59000);
    same(onBoardRequests(lab.heard).length, 1, 'not before 60 s');
    lab.wait(2000);
    const sent = onBoardRequests(lab.heard);
    same(sent.length, 2, 'a second OnBoardRequest');
    check(sent[1]!.at - acked === 60000, `60 s after the NotifyResp (${sent[1]!.at - acked} ms)`);
    lab.ack(sent[1]!);
    resp(lab.set(false, [[C1, [['OnBoardingComplete', 'true', true]]]]), 'set_resp');
    lab.wait(60000);
    lab.wait(60000);
    same(onBoardRequests(lab.heard).length, 2, 'none after OnBoardingComplete is true');
  }),
  tp('1.103', 'OnBoardRequest Notification - OnBoardingRestartTime disabled', 'CM', () => {
    const { lab } = onBoard('0', 'test103');
    lab.wait(60000);
    same(onBoardRequests(lab.heard).length, 1, 'no other OnBoardRequest');
  }),
  tp('9.9', 'Adding a New Controller - OnBoardRequest', 'CM', () => {
    const lab = new Lab();
    const [ctl] = created(lab.add(false, [['Device.LocalAgent.Controller.', [['Alias', 'usp-111-Controller'], ['EndpointID', 'proto::secondary'],
      ['Enable', 'true'], ['AssignedRole', 'Device.LocalAgent.ControllerTrust.Role.1']]]]));
    created(lab.add(false, [[ctl! + 'MTP.', [['Enable', 'true'], ['Protocol', 'CoAP'], ['CoAP.Host', '192.0.2.20'], ['CoAP.Port', '5683'], ['CoAP.Path', 'usp']]]]));
    resp(lab.operate(ctl! + 'SendOnBoardRequest()', '', true)[0]!, 'operate_resp');
    const sent = onBoardRequests(lab.heard);
    same(sent.map((h) => h.to), ['proto::secondary'], 'an OnBoardRequest to the new Controller');
    lab.ack(sent[0]!);
    same(lab.send(getMsg('g', { param_paths: ['Device.LocalAgent.EndpointID'] }), 'proto::secondary').body!.response!.get_resp!.req_path_results[0]!.err_code, 0,
      'the new Controller is served');
  }),
  tp('9.11', 'Use of the Timer! Event', 'CM', () => scheduleTimer('', true, 60)),
];
