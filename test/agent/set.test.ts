/** Set (TR-369 06-messages "Set", R-SET.*, AGENT-REQUIREMENTS §4 items 1–4). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange, OTHER_ID, valueOf } from './harness.ts';

const set = suite('agent/set');

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
  assert.is(valueOf(t, 'Device.DSL.Line.1.CurrentProfile'), '30a');
});

set('R-SET.1 allow_partial=false: a required failure is an Error with full-path param_errs and nothing changes', () => {
  const t = createTestAgent();
  const m = exchange(t, setMsg('s', { allow_partial: false, update_objs: [
    { obj_path: 'Device.DSL.Line.2.', param_settings: [{ param: 'CurrentProfile', value: 'zz' }] },
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Enable', value: 'maybe', required: true }] }] }));
  assert.is(m.body!.msg_body, 'error');
  assert.is(m.body!.error!.err_code, 7021);
  assert.is(m.body!.error!.param_errs[0]!.param_path, 'Device.DSL.Line.1.Enable');
  assert.is(valueOf(t, 'Device.DSL.Line.2.CurrentProfile'), '8b');
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
  assert.is(valueOf(t, 'Device.DSL.Line.2.CurrentProfile'), 'zz');
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
  assert.is(valueOf(t2, 'Device.WiFi.AccessPoint.1.AssociatedDevice.1.OperatingStandard'), 'ac', 'undone');
});

set('§4 item 3 unique keys are judged after the whole message: swapping two Names is legal, a duplicate is 7025', () => {
  const t = createTestAgent();
  const ok = exchange(t, setMsg('s', { allow_partial: false, update_objs: [
    { obj_path: 'Device.WiFi.Radio.1.', param_settings: [{ param: 'Name', value: 'wifi1' }] },
    { obj_path: 'Device.WiFi.Radio.2.', param_settings: [{ param: 'Name', value: 'wifi0' }] }] }));
  assert.ok(ok.body!.response!.set_resp);
  assert.is(valueOf(t, 'Device.WiFi.Radio.1.Name'), 'wifi1');
  const dup = exchange(t, setMsg('s2', { allow_partial: true, update_objs: [
    { obj_path: 'Device.WiFi.Radio.1.', param_settings: [{ param: 'Name', value: 'same' }] },
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'p' }] },
    { obj_path: 'Device.WiFi.Radio.2.', param_settings: [{ param: 'Name', value: 'same' }] }] }));
  const r = dup.body!.response!.set_resp!.updated_obj_results;
  assert.ok(r[0]!.oper_status!.oper_success);
  assert.ok(r[1]!.oper_status!.oper_success);
  assert.is(r[2]!.oper_status!.oper_failure!.err_code, 7025);
  assert.is(valueOf(t, 'Device.DSL.Line.1.CurrentProfile'), 'p');
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

set.run();
