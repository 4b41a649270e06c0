/** TP-469 chapter 1, Delete (1.24–1.35, 1.90) and the Delete rule of issue #19 (R-DEL.2a). */
import { check, created, error, Lab, resp, same } from './lab.ts';
import { rule, tp, type Case } from './case.ts';

const SUBS = 'Device.LocalAgent.Subscription.';
const INVALID = 'Device.LocalAgent.InvalidObject.';
const BOOT = 'Device.LocalAgent.Controller.1.BootParameter.';

function withSubscriptions(n: number): { lab: Lab; paths: string[] } {
  const lab = new Lab();
  const paths: string[] = [];
  for (let i = 0; i < n; i++) paths.push(lab.subscribe('del' + String(i + 1), 'ValueChange', 'Device.LocalAgent.SoftwareVersion'));
  return { lab, paths };
}

type Outcome = string[] | number;

/** Each deleted_obj_result as [requested_path, affected_paths | err_code]. */
function outcomes(m: ReturnType<Lab['send']>): [string, Outcome][] {
  return resp(m, 'delete_resp').deleted_obj_results.map((r) => [
    r.requested_path, r.oper_status?.oper_success?.affected_paths ?? r.oper_status?.oper_failure?.err_code ?? -1,
  ]);
}

/** A lab with BootParameters under Controller.1, Enable per entry. */
function withBootParameters(enables: readonly string[]): { lab: Lab; paths: string[] } {
  const lab = new Lab();
  const paths = created(lab.add(false, enables.map((e, i) => [BOOT, [['Enable', e], ['ParameterName', 'Device.DeviceInfo.X' + String(i)]]] as const)));
  return { lab, paths };
}

export const DELETE_CASES: Case[] = [
  tp('1.24', 'Delete message with allow partial false, valid object instance', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    same(outcomes(lab.del(false, paths)), [[paths[0]!, paths]], 'one oper_success with the deleted path');
    same(lab.subscriptions(), [], 'the GetResp no longer has it');
  }),
  tp('1.25', 'Delete message with allow partial false, object instance doesn\'t exist', 'M', () => {
    const { lab } = withSubscriptions(1);
    same(outcomes(lab.del(false, [SUBS + '9.'])), [[SUBS + '9.', []]], 'an empty oper_success (R-DEL.2a)');
  }),
  tp('1.26', 'Delete message with allow partial false, invalid object', 'M', () => {
    const lab = new Lab();
    same(error(lab.del(false, [INVALID])).param_errs.map((x) => [x.param_path, x.err_code]), [[INVALID, 7026]], 'one param_err naming the object');
  }),
  tp('1.27', 'Delete message with allow partial false, multiple objects', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    same(outcomes(lab.del(false, paths)), paths.map((p) => [p, [p]]), 'two oper_success');
    same(lab.subscriptions(), [], 'both deleted');
  }),
  tp('1.28', 'Delete message with allow partial false, multiple objects, invalid object', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    same(error(lab.del(false, [paths[0]!, INVALID])).param_errs.map((x) => x.param_path), [INVALID], 'one param_err naming the object');
    same(lab.subscriptions(), paths, 'the Subscription was not deleted');
  }),
  tp('1.29', 'Delete message with allow partial true, object instance doesn\'t exist', 'M', () => {
    const lab = new Lab();
    same(outcomes(lab.del(true, [SUBS + '9.'])), [[SUBS + '9.', []]], 'an empty oper_success');
  }),
  tp('1.30', 'Delete message with allow partial true, invalid object', 'M', () => {
    const lab = new Lab();
    same(outcomes(lab.del(true, [INVALID])), [[INVALID, 7026]], 'an oper_failure with an error code');
  }),
  tp('1.31', 'Delete message with allow partial true, multiple objects, invalid object', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    same(outcomes(lab.del(true, [paths[0]!, INVALID])), [[paths[0]!, paths], [INVALID, 7026]], 'oper_success, then oper_failure');
    same(lab.subscriptions(), [], 'deleted');
  }),
  tp('1.32', 'Delete message with allow partial true, multiple objects, object doesn\'t exist', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    same(outcomes(lab.del(true, [paths[0]!, SUBS + '9.'])), [[paths[0]!, paths], [SUBS + '9.', []]], 'oper_success, then an empty one');
    same(lab.subscriptions(), [], 'deleted');
  }),
  tp('1.33', 'Delete message with unique key addressing', 'M', () => {
    const { lab, paths } = withBootParameters(['true']);
    const n = paths[0]!.slice(BOOT.length);
    const path = `Device.LocalAgent.Controller.[EndpointID=="proto::controller-1"&&Alias=="cpe-1"].BootParameter.${n}`;
    same(outcomes(lab.del(false, [path])), [[path, paths]], 'one oper_success; affected_path uses instance numbers');
    same(lab.instances([BOOT], true).req_path_results[0]!.curr_insts, [], 'the BootParameter is gone');
  }),
  tp('1.34', 'Delete message with wildcard search path, valid objects', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    same(outcomes(lab.del(false, [SUBS + '*.'])), [[SUBS + '*.', paths]], 'one oper_success listing both');
    same(lab.subscriptions(), [], 'deleted');
  }),
  tp('1.35', 'Delete message with search expression search path', 'M', () => {
    const { lab, paths } = withBootParameters(['true', 'false', 'true']);
    const path = BOOT + '[Enable==true].';
    same(outcomes(lab.del(false, [path])), [[path, [paths[0]!, paths[2]!]]], 'the Enable==true rows');
    same(lab.instances([BOOT], true).req_path_results[0]!.curr_insts.map((c) => c.instantiated_obj_path), [paths[1]!], 'the false one stays');
  }),
  tp('1.90', 'Delete message with search expression that matches no objects', 'M', () => {
    const { lab } = withSubscriptions(1);
    same(outcomes(lab.del(false, [SUBS + '[Enable==false].'])), [[SUBS + '[Enable==false].', []]], 'an empty oper_success');
  }),
  rule('R-DEL.2a / R-DEL.1 allow_partial=false: an unused instance number is an empty success, a path outside the supported model or not an instance an Error', () => {
    const { lab, paths } = withSubscriptions(1);
    same(outcomes(lab.del(false, [paths[0]!, SUBS + '77.', 'Device.LocalAgent.Controller.9.BootParameter.3.'])),
      [[paths[0]!, paths], [SUBS + '77.', []], ['Device.LocalAgent.Controller.9.BootParameter.3.', []]], 'deleted; nothing to delete twice');
    same(error(lab.del(false, [SUBS])).err_code, 7004, 'a table path is not an instance path');
    same(error(lab.del(false, ['Device.LocalAgent.Subscription.4.Nope.'])).err_code, 7026, 'an object outside the supported model');
    check(lab.subscriptions().length === 0, 'deleted');
  }),
];
