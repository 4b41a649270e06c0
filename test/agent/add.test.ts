/** Add (TR-369 06-messages "Add", R-ADD.*, AGENT-REQUIREMENTS §4 items 1, 3). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, getMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange, OTHER_ID, valueOf } from './harness.ts';

const add = suite('agent/add');

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
  assert.is(valueOf(t, 'Device.DSL.LineNumberOfEntries'), '<7026>');
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

add.run();
