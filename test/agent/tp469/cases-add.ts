/** TP-469 chapter 1, Add (1.1–1.10, 1.81, 1.88, 1.95) and the Add rules of issue #19 (R-ADD.1, TR-106 Alias). */
import { check, created, error, keys, Lab, resp, same, type Setting } from './lab.ts';
import { rule, tp, type Case } from './case.ts';

const SUBS = 'Device.LocalAgent.Subscription.';
const SW = 'Device.LocalAgent.SoftwareVersion';

function sub(id: string, refs = SW, enable = 'true', refRequired = true): readonly Setting[] {
  return [['Enable', enable], ['ID', id], ['NotifType', 'ValueChange'], ['ReferenceList', refs, refRequired]];
}

/** Metric: the created Subscription's values match the param_settings; Alias, Recipient and ID are its unique keys. */
function createdAsAsked(lab: Lab, path: string, id: string, refs = SW): void {
  const r = lab.get([path]).req_path_results[0]!;
  same(r.err_code, 0, 'the Get succeeds');
  const p = r.resolved_path_results[0]!.result_params;
  same([p['Enable'], p['ID'], p['NotifType'], p['ReferenceList']], ['true', id, 'ValueChange', refs], 'values match param_settings');
}

function oneSuccess(m: ReturnType<Lab['send']>, n: number): void {
  const results = resp(m, 'add_resp').created_obj_results;
  same(results.length, n, 'CreatedObjectResults');
  for (const r of results) {
    const ok = r.oper_status?.oper_success;
    check(ok !== undefined, `OperationSuccess: ${JSON.stringify(r)}`);
    same(ok!.param_errs, [], 'no parameter errors');
    same(keys(ok!.unique_keys), ['Alias', 'ID', 'Recipient'], 'unique keys Alias, Recipient, ID');
  }
}

function noSubscriptionWith(lab: Lab, ids: readonly string[]): void {
  const r = lab.get([SUBS]).req_path_results[0]!;
  same(r.err_code, 0, 'Get Device.LocalAgent.Subscription. succeeds');
  for (const o of r.resolved_path_results) check(ids.indexOf(o.result_params['ID'] ?? '') < 0, `no Subscription with ID ${o.result_params['ID']}`);
}

function cleanup(lab: Lab, paths: readonly string[]): void {
  const d = resp(lab.del(false, paths), 'delete_resp').deleted_obj_results;
  same(d.map((x) => x.oper_status?.oper_success?.affected_paths), paths.map((p) => [p]), 'clean-up DeleteResp');
}

function addOne(allowPartial: boolean, id: string): void {
  const lab = new Lab();
  const m = lab.add(allowPartial, [[SUBS, sub(id)]]);
  oneSuccess(m, 1);
  const [path] = created(m);
  createdAsAsked(lab, path!, id);
  cleanup(lab, [path!]);
}

export const ADD_CASES: Case[] = [
  tp('1.1', 'Add message with allow partial false, single object, required parameters succeed', 'M', () => addOne(false, 'add1')),
  tp('1.2', 'Add message with allow partial true, single object, required parameters succeed', 'M', () => addOne(true, 'add2')),
  tp('1.3', 'Add message with allow partial false, single object, required parameters fail', 'M', () => {
    const lab = new Lab();
    const e = error(lab.add(false, [[SUBS, [['Enable', 'InvalidValue', true], ['ID', 'add3'], ['NotifType', 'ValueChange'], ['ReferenceList', SW]]]]));
    same(e.param_errs.length, 1, 'a single param_errs entry');
    check(e.param_errs[0]!.param_path.endsWith('.Enable') && e.param_errs[0]!.err_code === 7011, `it names Enable: ${JSON.stringify(e.param_errs)}`);
    noSubscriptionWith(lab, ['add3']);
  }),
  tp('1.4', 'Add message with allow partial false, single invalid object', 'M', () => {
    const lab = new Lab();
    const e = error(lab.add(false, [['Device.LocalAgent.InvalidObject.', sub('add4')]]));
    same(e.param_errs.map((x) => [x.param_path, x.err_code]), [['Device.LocalAgent.InvalidObject.', 7026]], 'one param_err naming the invalid object');
    noSubscriptionWith(lab, ['add4']);
  }),
  tp('1.5', 'Add message with allow partial false, multiple objects', 'M', () => {
    const lab = new Lab();
    const m = lab.add(false, [[SUBS, sub('add51')], [SUBS, sub('add52', 'Device.LocalAgent.EndpointID')]]);
    oneSuccess(m, 2);
    const [a, b] = created(m);
    createdAsAsked(lab, a!, 'add51');
    createdAsAsked(lab, b!, 'add52', 'Device.LocalAgent.EndpointID');
    cleanup(lab, [a!, b!]);
  }),
  tp('1.6', 'Add message with allow partial false, multiple objects with an invalid object', 'M', () => {
    const lab = new Lab();
    const e = error(lab.add(false, [[SUBS, sub('add61')], ['Device.LocalAgent.InvalidObject.', sub('add62', 'Device.LocalAgent.EndpointID')]]));
    same(e.param_errs.map((x) => x.param_path), ['Device.LocalAgent.InvalidObject.'], 'one param_err naming the invalid object');
    noSubscriptionWith(lab, ['add61', 'add62']);
  }),
  tp('1.7', 'Add message with allow partial false, multiple objects, required parameters fail in single object', 'M', () => {
    const lab = new Lab();
    const e = error(lab.add(false, [
      [SUBS, [['Enable', 'InvalidValue', true], ['ID', 'add71'], ['NotifType', 'ValueChange'], ['ReferenceList', SW, true]]],
      [SUBS, [['Enable', 'true'], ['ID', 'add72'], ['NotifType', 'ValueChange']]]]));
    same(e.param_errs.length, 1, 'a single param_errs entry');
    check(e.param_errs[0]!.param_path.endsWith('.Enable'), 'it names Enable');
    noSubscriptionWith(lab, ['add71', 'add72']);
  }),
  tp('1.8', 'Add message with allow partial true, required parameters fail, invalid type, single object', 'M', () => {
    const lab = new Lab();
    const r = resp(lab.add(true, [[SUBS, [['Enable', 'InvalidValue', true], ['ID', 'add8'], ['NotifType', 'ValueChange'], ['ReferenceList', SW, true]]]]), 'add_resp');
    same(r.created_obj_results.map((x) => x.oper_status?.oper_failure?.err_code), [7021], 'one OperationFailure with an error code');
    noSubscriptionWith(lab, ['add8']);
  }),
  tp('1.9', 'Add message with allow partial true, required parameters fail, multiple objects', 'M', () => {
    const lab = new Lab();
    const m = lab.add(true, [[SUBS, sub('add91', SW, 'true', false)], [SUBS, [...sub('add91', SW, 'true', false), ['InvalidParameter', 'IrrelevantValue', true]]]]);
    const r = resp(m, 'add_resp').created_obj_results;
    same(r.length, 2, 'two CreatedObjectResults');
    const ok = r[0]!.oper_status!.oper_success!;
    same([ok.param_errs, keys(ok.unique_keys)], [[], ['Alias', 'ID', 'Recipient']], 'the first succeeds with its unique keys');
    check((r[1]!.oper_status!.oper_failure?.err_code ?? 0) > 0, 'the second is an OperationFailure');
    same(lab.subscriptions(), [ok.instantiated_path], 'only the first was created');
    createdAsAsked(lab, ok.instantiated_path, 'add91');
    cleanup(lab, [ok.instantiated_path]);
  }),
  tp('1.10', 'Add message with unique key addressing in path', 'CM', () => {
    const lab = new Lab();
    const m = lab.add(false, [['Device.LocalAgent.Controller.[EndpointID=="proto::controller-1"&&Alias=="cpe-1"].BootParameter.', [
      ['Enable', 'true'], ['ParameterName', SW]]]]);
    const ok = resp(m, 'add_resp').created_obj_results[0]!.oper_status!.oper_success!;
    same([ok.param_errs, keys(ok.unique_keys)], [[], ['Alias', 'ParameterName']], 'OperationSuccess with Alias and ParameterName');
    const path = ok.instantiated_path;
    check(path.startsWith('Device.LocalAgent.Controller.1.BootParameter.'), 'instance number addressing');
    const p = lab.get([path]).req_path_results[0]!.resolved_path_results[0]!.result_params;
    same([p['Enable'], p['ParameterName']], ['true', SW], 'values match');
    cleanup(lab, [path]);
  }),
  tp('1.81', 'Automatic unique key generation', 'M', () => {
    const lab = new Lab();
    const m = lab.add(false, [
      [SUBS, [['Enable', 'true'], ['NotifType', 'ValueChange'], ['ReferenceList', SW]]],
      [SUBS, [['Enable', 'true'], ['NotifType', 'ValueChange'], ['ReferenceList', 'Device.LocalAgent.EndpointID']]]]);
    oneSuccess(m, 2);
    const [a, b] = resp(m, 'add_resp').created_obj_results.map((r) => r.oper_status!.oper_success!.unique_keys);
    check(a!['Alias'] !== b!['Alias'] && a!['ID'] !== b!['ID'], 'Alias and ID differ');
    same(a!['Recipient'], b!['Recipient'], 'Recipient is the same');
    cleanup(lab, created(m));
  }),
  tp('1.88', 'Add message fails when unique key is invalid', 'M', () => {
    const lab = new Lab();
    const e = error(lab.add(false, [[SUBS, [['Enable', 'True'], ['Alias', '88InvalidAlias'], ['NotifType', 'ValueChange'], ['ReferenceList', SW]]]]));
    check(e.param_errs.some((x) => x.param_path.endsWith('.Alias') && x.err_code === 7012), `the Alias is refused: ${JSON.stringify(e)}`);
    same(lab.subscriptions(), [], 'nothing created');
  }),
  rule('TR-106 Alias / R-ADD.3 allow_partial=true: an Alias not starting with a letter fails that object only (TP-469 1.88)', () => {
    const lab = new Lab();
    const r = resp(lab.add(true, [[SUBS, [['Alias', '88InvalidAlias']]], [SUBS, [['Alias', 'a88']]]]), 'add_resp').created_obj_results;
    same(r[0]!.oper_status?.oper_failure?.err_code, 7021, 'the key counts as required: OperationFailure');
    same(r[1]!.oper_status?.oper_success?.unique_keys['Alias'], 'a88', 'the other object is created');
    same(lab.subscriptions().length, 1, 'one Subscription');
  }),
  tp('1.95', 'Add message with search expression', 'M', () => {
    const lab = new Lab();
    const m = lab.add(false, [['Device.LocalAgent.Controller.[Enable==true].BootParameter.', [['Enable', 'true'], ['ParameterName', SW]]]]);
    const made = created(m);
    check(made.length >= 1, 'at least one OperationSuccess');
    const all = lab.get(['Device.LocalAgent.Controller.*.BootParameter.']).req_path_results[0]!.resolved_path_results.map((x) => x.resolved_path);
    for (const p of made) check(all.indexOf(p) >= 0, `GetResp contains ${p}`);
  }),
  rule('R-ADD.1 allow_partial=false: an invalid obj_path is an Error whose param_errs name it (06-messages "Using allow_partial and required")', () => {
    const lab = new Lab();
    for (const [path, code] of [['Device.LocalAgent.InvalidObject.', 7026], ['Device.DeviceInfo.', 7018], ['Device.DeviceInfo.FirmwareImage.', 7019]] as const) {
      const e = error(lab.add(false, [[SUBS, sub('ok')], [path, []]]));
      same([e.err_code, e.param_errs.map((x) => [x.param_path, x.err_code])], [code, [[path, code]]], path);
    }
    same(lab.subscriptions(), [], 'nothing created');
  }),
  rule('R-ADD.1 allow_partial=true: an invalid obj_path is an OperationFailure with its code, the others are created', () => {
    const lab = new Lab();
    const r = resp(lab.add(true, [[SUBS, sub('ok')], ['Device.LocalAgent.InvalidObject.', []]]), 'add_resp').created_obj_results;
    same([r[0]!.oper_status?.oper_success !== undefined, r[1]!.oper_status?.oper_failure?.err_code], [true, 7026], 'success, then 7026');
    same(lab.subscriptions().length, 1, 'one Subscription');
  }),
];
