/** Set, Add, Delete (TR-369 06-messages, R-SET.*, R-ADD.*, R-DEL.*, AGENT-REQUIREMENTS §4 items 1–4). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, deleteMsg, getMsg, setMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange, OTHER_ID, type TestAgent } from './harness.ts';

const set = suite('agent/set');
const add = suite('agent/add');
const del = suite('agent/delete');

function value(t: TestAgent, path: string): string {
  const r = exchange(t, getMsg('v', { param_paths: [path] })).body!.response!.get_resp!.req_path_results[0]!;
  const name = path.slice(path.lastIndexOf('.') + 1);
  return r.resolved_path_results[0]?.result_params[name] ?? `<${r.err_code}>`;
}

set('R-SET.3 updated_params lists written params (also when unchanged) with the value read back', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [
    { param: 'Enable', value: '1' }, { param: 'CurrentProfile', value: '17a' }] }] }));
  const ok = m.body!.response!.set_resp!.updated_obj_results[0]!.oper_status!.oper_success!;
  assert.equal(ok.updated_inst_results[0]!.updated_params, { Enable: 'true', CurrentProfile: '17a' });
});

set('§4 item 1 a non-required failure stays in param_errs of oper_success, even with allow_partial=false', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.', param_settings: [
    { param: 'Enable', value: 'maybe' }, { param: 'CurrentProfile', value: '30a' }] }] }));
  const r = m.body!.response!.set_resp!.updated_obj_results[0]!.oper_status!.oper_success!.updated_inst_results[0]!;
  assert.is(r.param_errs[0]!.param, 'Enable');
  assert.is(r.param_errs[0]!.err_code, 7011);
  assert.is(value(t, 'Device.DSL.Line.1.CurrentProfile'), '30a');
});

set('R-SET.1 allow_partial=false: a required failure is an Error with full-path param_errs and nothing changes', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: false, update_objs: [
    { obj_path: 'Device.DSL.Line.2.', param_settings: [{ param: 'CurrentProfile', value: 'zz' }] },
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Enable', value: 'maybe', required: true }] }] }));
  assert.is(m.body!.msg_body, 'error');
  assert.is(m.body!.error!.err_code, 7021);
  assert.is(m.body!.error!.param_errs[0]!.param_path, 'Device.DSL.Line.1.Enable');
  assert.is(value(t, 'Device.DSL.Line.2.CurrentProfile'), '8b');
});

set('R-SET.0 allow_partial=true: oper_failure for the failed obj_path, the others committed', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: true, update_objs: [
    { obj_path: 'Device.DSL.Line.2.', param_settings: [{ param: 'CurrentProfile', value: 'zz' }] },
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Nope', value: 'x', required: true }] }] }));
  const r = m.body!.response!.set_resp!.updated_obj_results;
  assert.ok(r[0]!.oper_status!.oper_success);
  assert.is(r[1]!.oper_status!.oper_failure!.err_code, 7021);
  assert.is(r[1]!.oper_status!.oper_failure!.updated_inst_failures[0]!.param_errs[0]!.err_code, 7010);
  assert.is(value(t, 'Device.DSL.Line.2.CurrentProfile'), 'zz');
});

set('R-SET.2a a search obj_path is holistic: one failed object undoes the others, whatever allow_partial says', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: true, update_objs: [{ obj_path: 'Device.WiFi.AccessPoint.*.AssociatedDevice.*.',
    param_settings: [{ param: 'SignalStrength', value: '-60', required: true }, { param: 'OperatingStandard', value: 'ax' }] },
  { obj_path: 'Device.IP.Interface.*.IPv4Address.[IPAddress=="192.0.2.1"].', param_settings: [{ param: 'IPAddress', value: '192.0.2.9', required: true }] }] }));
  assert.ok(m.body!.response!.set_resp!.updated_obj_results[0]!.oper_status!.oper_success);
  const t2 = createTestAgent();
  const f = exchange(t2, setMsg('s', { allow_partial: true, update_objs: [{ obj_path: 'Device.WiFi.AccessPoint.*.AssociatedDevice.*.',
    param_settings: [{ param: 'OperatingStandard', value: 'ax', required: true }, { param: 'SignalStrength', value: '-300', required: true }] }] }));
  const fail = f.body!.response!.set_resp!.updated_obj_results[0]!.oper_status!.oper_failure!;
  assert.is(fail.updated_inst_failures.length, 3);
  assert.is(value(t2, 'Device.WiFi.AccessPoint.1.AssociatedDevice.1.OperatingStandard'), 'ac', 'undone');
});

set('§4 item 3 unique keys are judged after the whole message: swapping two Names is legal, a duplicate is 7025', () => {
  const t = createTestAgent();
  const ok = exchange(t, setMsg('s', { allow_partial: false, update_objs: [
    { obj_path: 'Device.WiFi.Radio.1.', param_settings: [{ param: 'Name', value: 'wifi1' }] },
    { obj_path: 'Device.WiFi.Radio.2.', param_settings: [{ param: 'Name', value: 'wifi0' }] }] }));
  assert.ok(ok.body!.response!.set_resp);
  assert.is(value(t, 'Device.WiFi.Radio.1.Name'), 'wifi1');
  const dup = exchange(t, setMsg('s2', { allow_partial: true, update_objs: [
    { obj_path: 'Device.WiFi.Radio.1.', param_settings: [{ param: 'Name', value: 'same' }] },
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'p' }] },
    { obj_path: 'Device.WiFi.Radio.2.', param_settings: [{ param: 'Name', value: 'same' }] }] }));
  const r = dup.body!.response!.set_resp!.updated_obj_results;
  assert.ok(r[0]!.oper_status!.oper_success);
  assert.ok(r[1]!.oper_status!.oper_success);
  assert.is(r[2]!.oper_status!.oper_failure!.err_code, 7025);
  assert.is(value(t, 'Device.DSL.Line.1.CurrentProfile'), 'p');
});

set('§4 item 4 Set on a missing instance is 7016, on an unknown object 7026; no write permission is 7006', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: true, update_objs: [
    { obj_path: 'Device.DSL.Line.9.', param_settings: [{ param: 'Enable', value: 'true' }] },
    { obj_path: 'Device.Nope.', param_settings: [{ param: 'Enable', value: 'true' }] }] }));
  const r = m.body!.response!.set_resp!.updated_obj_results;
  assert.is(r[0]!.oper_status!.oper_failure!.err_code, 7016);
  assert.is(r[1]!.oper_status!.oper_failure!.err_code, 7026);
  const d = exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.DSL.Line.1.',
    param_settings: [{ param: 'Enable', value: 'false', required: true }] }] }), 1000, OTHER_ID);
  assert.is(d.body!.error!.param_errs[0]!.err_code, 7006);
});

add('R-ADD.5 the Agent fills unique keys left out and returns all of them', () => {
  const t = createTestAgent();
  const m = exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.WiFi.Radio.', param_settings: [{ param: 'Name', value: 'wifi9' }] }] }));
  const ok = m.body!.response!.add_resp!.created_obj_results[0]!.oper_status!.oper_success!;
  assert.is(ok.instantiated_path, 'Device.WiFi.Radio.3.');
  assert.equal(ok.unique_keys, { Name: 'wifi9', Alias: 'cpe-3' });
});

add('§ADD keys / 7025 a key colliding with an existing row fails the object; allow_partial=false → Error, nothing created', () => {
  const t = createTestAgent();
  const m = exchange(t, addMsg('a', { allow_partial: false, create_objs: [
    { obj_path: 'Device.DSL.Line.', param_settings: [] },
    { obj_path: 'Device.WiFi.Radio.', param_settings: [{ param: 'Name', value: 'wifi0' }] }] }));
  assert.is(m.body!.error!.err_code, 7025);
  assert.is(value(t, 'Device.DSL.LineNumberOfEntries'), '<7026>');
  const g = exchange(t, getMsg('x', { param_paths: ['Device.DSL.Line.3.'] }));
  assert.is(g.body!.response!.get_resp!.req_path_results[0]!.err_code, 7026);
});

add('R-ADD.0/R-ADD.3 allow_partial=true: a required failure fails that object only; R-ADD.4 others in param_errs', () => {
  const t = createTestAgent();
  const m = exchange(t, addMsg('a', { allow_partial: true, create_objs: [
    { obj_path: 'Device.DSL.Line.', param_settings: [{ param: 'Enable', value: 'x', required: true }] },
    { obj_path: 'Device.DSL.Line.', param_settings: [{ param: 'Enable', value: 'x' }, { param: 'CurrentProfile', value: 'c' }] }] }));
  const r = m.body!.response!.add_resp!.created_obj_results;
  assert.is(r[0]!.oper_status!.oper_failure!.err_code, 7021);
  const ok = r[1]!.oper_status!.oper_success!;
  assert.is(ok.instantiated_path, 'Device.DSL.Line.3.', 'a rolled-back creation was never visible, so .3 is still free');
  assert.is(ok.param_errs[0]!.err_code, 7011);
});

add('§ADD codes: 7018 on a single-instance object, 7019 on a read-only table, 7006 without Obj-w', () => {
  const t = createTestAgent();
  const m = exchange(t, addMsg('a', { allow_partial: true, create_objs: [
    { obj_path: 'Device.DeviceInfo.' }, { obj_path: 'Device.DeviceInfo.FirmwareImage.' }] }));
  const r = m.body!.response!.add_resp!.created_obj_results;
  assert.is(r[0]!.oper_status!.oper_failure!.err_code, 7018);
  assert.is(r[1]!.oper_status!.oper_failure!.err_code, 7019);
  const d = exchange(t, addMsg('a', { allow_partial: false, create_objs: [{ obj_path: 'Device.DSL.Line.' }] }), 1000, OTHER_ID);
  assert.is(d.body!.error!.err_code, 7006);
});

del('R-DEL.0/R-DEL.2a allow_partial=true deletes what it can; a missing instance is an empty success', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: true, obj_paths: ['Device.DSL.Line.1.', 'Device.DSL.Line.9.', 'Device.PCP.Client.*.Server.*.'] }));
  const r = m.body!.response!.delete_resp!.deleted_obj_results;
  assert.equal(r[0]!.oper_status!.oper_success!.affected_paths, ['Device.DSL.Line.1.']);
  assert.equal(r[1]!.oper_status!.oper_success!.affected_paths, []);
  assert.equal(r[2]!.oper_status!.oper_success!.affected_paths, ['Device.PCP.Client.1.Server.1.', 'Device.PCP.Client.1.Server.2.']);
});

del('R-DEL.1 allow_partial=false: a missing instance or a non-instance path fails the whole message', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.DSL.Line.1.', 'Device.DSL.Line.9.'] }));
  assert.is(m.body!.error!.err_code, 7016);
  assert.is(value(t, 'Device.DSL.Line.1.Enable'), 'true', 'nothing deleted');
  assert.is(exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.DeviceInfo.'] })).body!.error!.err_code, 7018);
});

del('R-DEL.3 one UnaffectedPathError per instance that failed (no InstantiatedObj-w → 7006 only when readable)', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: true, obj_paths: ['Device.DeviceInfo.FirmwareImage.*.', 'Device.DSL.Line.*.'] }), 1000, OTHER_ID);
  const r = m.body!.response!.delete_resp!.deleted_obj_results;
  assert.equal(r[1]!.oper_status!.oper_success!.affected_paths, []);
  assert.equal(r[1]!.oper_status!.oper_success!.unaffected_path_errs, [], 'R-DEL.4 unreadable rows are left out');
  assert.is(value(t, 'Device.DSL.Line.2.CurrentProfile'), '8b');
});

del('R-ARC.12 deleting a referenced row clears strong references in the same message', () => {
  const t = createTestAgent();
  exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.IP.Interface.3.'] }));
  assert.is(value(t, 'Device.NAT.PortMapping.2.Interface'), '');
});

set.run();
add.run();
del.run();
