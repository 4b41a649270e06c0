/** GetSupportedDM (TR-369 06-messages, AGENT-REQUIREMENTS §1.9 §GSDM, R-GSP.0, §4 item 6; cited as R-GSD). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getSupportedDmMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange } from './harness.ts';

const gsd = suite('agent/supported-dm');

gsd('§GSDM first_level_only: the object and its immediate children, children without params', () => {
  const t = createTestAgent();
  const m = exchange(t, getSupportedDmMsg('d', { obj_paths: ['Device.IP.Interface.{i}.'], first_level_only: true, return_params: true, return_commands: true }));
  const r = m.body!.response!.get_supported_dm_resp!.req_obj_results[0]!;
  assert.is(r.data_model_inst_uri, 'urn:broadband-forum-org:tr-181-2-16-0');
  assert.equal(r.supported_objs.map((o) => o.supported_obj_path), ['Device.IP.Interface.{i}.', 'Device.IP.Interface.{i}.Stats.',
    'Device.IP.Interface.{i}.IPv4Address.{i}.', 'Device.IP.Interface.{i}.IPv6Address.{i}.']);
  assert.ok(r.supported_objs[0]!.supported_params.length > 0);
  assert.equal(r.supported_objs[0]!.supported_commands.map((c) => [c.command_name, c.command_type]), [['Reset()', 1]]);
  assert.equal(r.supported_objs[1]!.supported_params, []);
});

gsd('§GSDM result: writeOnceReadOnly→READ_WRITE, value_change filled, async commands CMD_ASYNC with arg names, events', () => {
  const t = createTestAgent();
  const m = exchange(t, getSupportedDmMsg('d', { obj_paths: ['Device.', 'Device.DeviceInfo.UpTime', 'Device.Boot!'], first_level_only: true, return_commands: true, return_events: true }));
  const [dev, up, boot] = m.body!.response!.get_supported_dm_resp!.req_obj_results;
  const st = dev!.supported_objs[0]!.supported_commands.find((c) => c.command_name === 'ScheduleTimer()')!;
  assert.equal([st.command_type, st.input_arg_names], [2, ['DelaySeconds']]);
  assert.equal(up!.supported_objs[0]!.supported_params, [{ param_name: 'UpTime', access: 0, value_type: 9, value_change: 2 }]);
  assert.equal(boot!.supported_objs[0]!.supported_events[0]!.arg_names, ['CommandKey', 'Cause', 'Reason', 'FirmwareUpdated', 'ParameterMap']);
});

gsd('R-GSP.0 no Obj read permission = not in the supported model (7026)', () => {
  const t = createTestAgent();
  const m = exchange(t, getSupportedDmMsg('d', { obj_paths: ['Device.DeviceInfo.'] }), 1000, 'proto::controller-2');
  assert.is(m.body!.response!.get_supported_dm_resp!.req_obj_results[0]!.err_code, 7026);
});

gsd('§GSDM paths: instantiated paths are accepted when they exist (7016 otherwise); the final {i}. is optional', () => {
  const t = createTestAgent();
  const m = exchange(t, getSupportedDmMsg('d', { obj_paths: ['Device.IP.Interface.1.', 'Device.IP.Interface.9.', 'Device.IP.Interface.', 'Device.Nope.'], first_level_only: true }));
  const [inst, absent, table, nope] = m.body!.response!.get_supported_dm_resp!.req_obj_results;
  assert.is(inst!.supported_objs[0]!.supported_obj_path, 'Device.IP.Interface.{i}.');
  assert.is(absent!.err_code, 7016);
  assert.is(table!.supported_objs[0]!.supported_obj_path, 'Device.IP.Interface.{i}.');
  assert.is(nope!.err_code, 7026);
});

gsd.run();
