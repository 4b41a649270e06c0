/** TP-469 chapter 1, Set (1.11–1.23, 1.96, 1.104) and the Set rules of issue #19 (R-KEY.1). */
import type { SetResp } from '../../../src/usp/index.ts';
import { check, created, error, Lab, resp, same } from './lab.ts';
import { rule, tp, type Case } from './case.ts';

const SUBS = 'Device.LocalAgent.Subscription.';

/** A lab with `n` Subscriptions (NotifRetry false); NotifExpiration of each from `expirations`. */
function withSubscriptions(n: number, expirations: readonly string[] = []): { lab: Lab; paths: string[] } {
  const lab = new Lab();
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    paths.push(lab.subscribe('set' + String(i + 1), 'ValueChange', 'Device.LocalAgent.SoftwareVersion', [
      ['NotifExpiration', expirations[i] ?? '0'], ['Enable', i % 2 === 0 ? 'true' : 'false']]));
  }
  return { lab, paths };
}

/** Metric: one UpdatedInstanceResult for `path` with exactly NotifRetry in updated_params. */
function updatedNotifRetry(r: SetResp['updated_obj_results'][number], paths: readonly string[]): void {
  const ok = r.oper_status?.oper_success;
  check(ok !== undefined, `OperationSuccess: ${JSON.stringify(r)}`);
  same(ok!.updated_inst_results.map((u) => [u.affected_path, Object.keys(u.updated_params)]), paths.map((p) => [p, ['NotifRetry']]),
    'UpdatedInstanceResults with NotifRetry in updated_params');
}

function setOne(allowPartial: boolean): void {
  const { lab, paths } = withSubscriptions(1);
  const r = resp(lab.set(allowPartial, [[paths[0]!, [['NotifRetry', 'true', true]]]]), 'set_resp').updated_obj_results;
  same(r.length, 1, 'one UpdatedObjectResult');
  updatedNotifRetry(r[0]!, paths);
  same(lab.value(paths[0]! + 'NotifRetry'), 'true', 'the value was set');
}

export const SET_CASES: Case[] = [
  tp('1.11', 'Set message with allow partial false, required parameters pass', 'M', () => setOne(false)),
  tp('1.12', 'Set message with allow partial true, required parameters pass', 'M', () => setOne(true)),
  tp('1.13', 'Set message with allow partial false, multiple objects', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    const r = resp(lab.set(false, paths.map((p) => [p, [['NotifRetry', 'true', true]]] as const)), 'set_resp').updated_obj_results;
    same(r.length, 2, 'two UpdatedObjectResults');
    updatedNotifRetry(r[0]!, [paths[0]!]);
    updatedNotifRetry(r[1]!, [paths[1]!]);
    same(paths.map((p) => lab.value(p + 'NotifRetry')), ['true', 'true'], 'both values set');
  }),
  tp('1.14', 'Set message with allow partial false, required parameters fail', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    const e = error(lab.set(false, [[paths[0]!, [['InvalidParameter', 'IrrelevantValue', true]]]]));
    same(e.param_errs.map((x) => [x.param_path, x.err_code]), [[paths[0]! + 'InvalidParameter', 7010]], 'one ParamError naming InvalidParameter');
    const got = lab.get([paths[0]!]).req_path_results[0]!.resolved_path_results;
    same([got.length, 'InvalidParameter' in got[0]!.result_params], [1, false], 'the instance has no InvalidParameter');
  }),
  tp('1.15', 'Set message with allow partial false, multiple objects, required parameters fail in single object', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    const e = error(lab.set(false, [[paths[0]!, [['NotifRetry', 'true', true]]], [paths[1]!, [['InvalidParameter', 'IrrelevantValue', true]]]]));
    same(e.param_errs.map((x) => x.param_path), [paths[1]! + 'InvalidParameter'], 'one ParamError');
    same(lab.value(paths[0]! + 'NotifRetry'), 'false', 'the first object was not updated');
  }),
  tp('1.16', 'Set message with allow partial true, required parameter fails, multiple objects', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    const r = resp(lab.set(true, [[paths[0]!, [['NotifRetry', 'true', true]]], [paths[1]!, [['InvalidParameter', 'IrrelevantValue', true]]]]), 'set_resp').updated_obj_results;
    updatedNotifRetry(r[0]!, [paths[0]!]);
    const f = r[1]!.oper_status?.oper_failure;
    check(f !== undefined && f.err_code > 0, 'the second is an OperationFailure');
    same(f!.updated_inst_failures.map((u) => [u.affected_path, u.param_errs.map((pe) => pe.param)]), [[paths[1]!, ['InvalidParameter']]],
      'one UpdatedInstanceFailure with one ParameterError for InvalidParameter');
    same(lab.value(paths[0]! + 'NotifRetry'), 'true', 'the first value was set');
  }),
  tp('1.17', 'Set message with allow partial true, non-required parameter fails, multiple parameters', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    const r = resp(lab.set(true, [[paths[0]!, [['NotifRetry', 'true'], ['InvalidParameter', 'IrrelevantValue']]]]), 'set_resp').updated_obj_results;
    const u = r[0]!.oper_status!.oper_success!.updated_inst_results;
    same(u.map((x) => [x.affected_path, Object.keys(x.updated_params), x.param_errs.map((p) => p.param)]),
      [[paths[0]!, ['NotifRetry'], ['InvalidParameter']]], 'NotifRetry updated, one ParameterError for InvalidParameter');
    check(u[0]!.param_errs[0]!.err_code === 7010, 'an appropriate error code');
    same(lab.value(paths[0]! + 'NotifRetry'), 'true', 'the value was set');
  }),
  tp('1.18', 'Set message with unique key addressing in path', 'M', () => {
    const { lab, paths } = withSubscriptions(1);
    const r = resp(lab.set(false, [['Device.LocalAgent.Subscription.[Recipient=="Device.LocalAgent.Controller.1"&&ID=="set1"].', [
      ['NotifRetry', 'true', true]]]]), 'set_resp').updated_obj_results;
    updatedNotifRetry(r[0]!, paths);
    same(lab.value(paths[0]! + 'NotifRetry'), 'true', 'the value was set');
  }),
  tp('1.19', 'Set message with wildcard search path, allow partial false, required parameters pass', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    const r = resp(lab.set(false, [[SUBS + '*.', [['NotifRetry', 'true', true]]]]), 'set_resp').updated_obj_results;
    updatedNotifRetry(r[0]!, paths);
    same(paths.map((p) => lab.value(p + 'NotifRetry')), ['true', 'true'], 'both values set');
  }),
  tp('1.20', 'Set message with wildcard search path, allow partial false, required parameters fail', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    const e = error(lab.set(false, [[SUBS + '*.', [['InvalidParameter', 'IrrelevantValue', true]]]]));
    check(e.param_errs.length >= 1, 'at least one ParamError');
    for (const pe of e.param_errs) check(paths.some((p) => pe.param_path === p + 'InvalidParameter') && pe.err_code === 7010, `ParamError ${pe.param_path}`);
  }),
  tp('1.21', 'Set message with wildcard search path, allow partial true, required parameters fail', 'M', () => {
    const { lab, paths } = withSubscriptions(2);
    const r = resp(lab.set(true, [[SUBS + '*.', [['Enable', 'InvalidValue', true]]]]), 'set_resp').updated_obj_results;
    const f = r[0]!.oper_status?.oper_failure;
    check(f !== undefined && f.err_code > 0, 'OperationFailure with an error code');
    check(f!.updated_inst_failures.length >= 1, 'at least one UpdatedInstanceFailure');
    for (const u of f!.updated_inst_failures) {
      check(paths.indexOf(u.affected_path) >= 0, `affected_path ${u.affected_path}`);
      same(u.param_errs.map((p) => p.param), ['Enable'], 'one ParameterError for Enable');
    }
    for (const p of paths) check(lab.value(p + 'Enable') !== 'InvalidValue', 'no Enable=InvalidValue');
  }),
  tp('1.22', 'Set message with search expression search path', 'M', () => {
    const { lab, paths } = withSubscriptions(2, ['0', '30']);
    const r = resp(lab.set(false, [[SUBS + '[NotifExpiration>0].', [['NotifRetry', 'true', true]]]]), 'set_resp').updated_obj_results;
    updatedNotifRetry(r[0]!, [paths[1]!]);
    same(paths.map((p) => lab.value(p + 'NotifRetry')), ['false', 'true'], 'only the matching object');
  }),
  tp('1.23', 'Set message with path that matches no objects', 'M', () => {
    const lab = new Lab();
    const r = resp(lab.set(true, [[SUBS + '[Recipient=="InvalidValue"].', [['NotifRetry', 'true', true]]]]), 'set_resp').updated_obj_results;
    same(r.map((x) => x.oper_status?.oper_success), [{ updated_inst_results: [] }], 'one empty oper_success');
  }),
  tp('1.96', 'Non-functional Unique Key Immutability', 'M', () => {
    const lab = new Lab();
    const [path] = created(lab.add(false, [[SUBS, [['ID', 'add96']]]]));
    same(lab.get([path!]).req_path_results[0]!.resolved_path_results[0]!.result_params['ID'], 'add96', 'the Get shows the ID');
    const e = error(lab.set(false, [[path!, [['ID', 'add96-NEW', true]]]]));
    same(e.param_errs.map((x) => [x.param_path, x.err_code]), [[path! + 'ID', 7013]], 'the Error names the key');
    same(lab.value(path! + 'ID'), 'add96', 'the key did not change');
  }),
  tp('1.104', 'Set message on WriteOnceReadOnly parameter', 'M', () => {
    const lab = new Lab();
    const [path] = created(lab.add(false, [[SUBS, [['Alias', 'test-1-104']]]]));
    error(lab.set(false, [[path!, [['Alias', 'test-1-104-new-alias', true]]]]));
    same(lab.value(path! + 'Alias'), 'test-1-104', 'the value set by the Add stays');
  }),
  rule('R-KEY.1 allow_partial=true: changing a non-functional key fails that object (OperationFailure), the others are set (TP-469 1.96)', () => {
    const { lab, paths } = withSubscriptions(2);
    const r = resp(lab.set(true, [[paths[0]!, [['ID', 'changed', true]]], [paths[1]!, [['Alias', 'other', true]]], [paths[1]!, [['NotifRetry', 'true']]]]),
      'set_resp').updated_obj_results;
    same(r.map((x) => x.oper_status?.oper_failure?.updated_inst_failures[0]?.param_errs[0]?.err_code ?? 'ok'), [7013, 7013, 'ok'],
      'ID and Alias refused with 7013');
    same([lab.value(paths[0]! + 'ID'), lab.value(paths[1]! + 'NotifRetry')], ['set1', 'true'], 'unchanged key, other value set');
  }),
  rule('R-SET.1 allow_partial=false: an obj_path that fails itself (invalid, absent instance) is an Error whose param_errs name it', () => {
    const { lab, paths } = withSubscriptions(1);
    for (const [path, code] of [['Device.LocalAgent.InvalidObject.', 7026], [SUBS + '9.', 7016], [SUBS, 7004]] as const) {
      const e = error(lab.set(false, [[paths[0]!, [['NotifRetry', 'true']]], [path, [['Enable', 'true']]]]));
      same([e.err_code, e.param_errs.map((x) => [x.param_path, x.err_code])], [code, [[path, code]]], path);
    }
    same(lab.value(paths[0]! + 'NotifRetry'), 'false', 'nothing set');
  }),
  rule('R-SET.0 allow_partial=true: an obj_path that fails itself is an OperationFailure with its code, the others are set', () => {
    const { lab, paths } = withSubscriptions(1);
    const r = resp(lab.set(true, [[paths[0]!, [['NotifRetry', 'true']]], ['Device.LocalAgent.InvalidObject.', [['Enable', 'true']]]]), 'set_resp');
    same(r.updated_obj_results.map((x) => x.oper_status?.oper_failure?.err_code ?? 'ok'), ['ok', 7026], 'success, then 7026');
    same(lab.value(paths[0]! + 'NotifRetry'), 'true', 'the valid one is set');
  }),
  rule('R-KEY.2 a functional unique key may change (BootParameter.ParameterName), uniqueness still judged (7025)', () => {
    const lab = new Lab();
    const [a, b] = created(lab.add(false, [
      ['Device.LocalAgent.Controller.1.BootParameter.', [['ParameterName', 'Device.DeviceInfo.SoftwareVersion']]],
      ['Device.LocalAgent.Controller.1.BootParameter.', [['ParameterName', 'Device.DeviceInfo.HardwareVersion']]]]));
    resp(lab.set(false, [[a!, [['ParameterName', 'Device.DeviceInfo.ModelName', true]]]]), 'set_resp');
    same(error(lab.set(false, [[b!, [['ParameterName', 'Device.DeviceInfo.ModelName', true]]]])).err_code, 7025, 'a duplicate is 7025');
  }),
];
