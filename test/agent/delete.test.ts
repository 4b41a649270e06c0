/** Delete (TR-369 06-messages "Delete", R-DEL.*, R-ARC.12). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { deleteMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange, OTHER_ID, valueOf } from './harness.ts';

const del = suite('agent/delete');

del('R-DEL.0/R-DEL.2a allow_partial=true deletes what it can; a missing instance is an empty success', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: true, obj_paths: ['Device.DSL.Line.1.', 'Device.DSL.Line.9.', 'Device.PCP.Client.*.Server.*.'] }));
  const r = m.body!.response!.delete_resp!.deleted_obj_results;
  assert.equal(r[0]!.oper_status!.oper_success!.affected_paths, ['Device.DSL.Line.1.']);
  assert.equal(r[1]!.oper_status!.oper_success!.affected_paths, []);
  assert.equal(r[2]!.oper_status!.oper_success!.affected_paths, ['Device.PCP.Client.1.Server.1.', 'Device.PCP.Client.1.Server.2.']);
});

del('R-DEL.1 allow_partial=false: a non-instance path or a path outside the supported model fails the whole message', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.DSL.Line.1.', 'Device.DSL.Nope.9.'] }));
  assert.is(m.body!.error!.err_code, 7026);
  assert.equal(m.body!.error!.param_errs.map((e) => [e.param_path, e.err_code]), [['Device.DSL.Nope.9.', 7026]]);
  assert.is(valueOf(t, 'Device.DSL.Line.1.Enable'), 'true', 'nothing deleted');
  assert.is(exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.DeviceInfo.'] })).body!.error!.err_code, 7018);
  for (const path of ['Device.DSL.Line.', 'Device.IP.Interface.9.Stats.', 'Device.DSL.Line.9.Enable']) {
    assert.is(exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: [path] })).body!.error!.err_code, 7004, path);
  }
});

del('R-DEL.2a allow_partial=false: an instance number not in use is a valid path resolving to nothing → empty success (TP-469 1.25)', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.DSL.Line.1.', 'Device.DSL.Line.9.'] }));
  const r = m.body!.response!.delete_resp!.deleted_obj_results;
  assert.equal(r.map((x) => [x.requested_path, x.oper_status!.oper_success!.affected_paths]), [
    ['Device.DSL.Line.1.', ['Device.DSL.Line.1.']], ['Device.DSL.Line.9.', []]]);
});

del('R-DEL.3 one UnaffectedPathError per instance that failed (no InstantiatedObj-w → 7006 only when readable)', () => {
  const t = createTestAgent();
  const m = exchange(t, deleteMsg('d', { allow_partial: true, obj_paths: ['Device.DeviceInfo.FirmwareImage.*.', 'Device.DSL.Line.*.'] }), 1000, OTHER_ID);
  const r = m.body!.response!.delete_resp!.deleted_obj_results;
  assert.equal(r[1]!.oper_status!.oper_success!.affected_paths, []);
  assert.equal(r[1]!.oper_status!.oper_success!.unaffected_path_errs, [], 'R-DEL.4 unreadable rows are left out');
  assert.is(valueOf(t, 'Device.DSL.Line.2.CurrentProfile'), '8b');
});

del('R-ARC.12 deleting a referenced row clears strong references in the same message', () => {
  const t = createTestAgent();
  exchange(t, deleteMsg('d', { allow_partial: false, obj_paths: ['Device.IP.Interface.3.'] }));
  assert.is(valueOf(t, 'Device.NAT.PortMapping.2.Interface'), '');
});

del.run();
