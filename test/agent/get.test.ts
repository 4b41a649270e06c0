/** Get (TR-369 06-messages "Get", R-GET.*), against the example model. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getMsg, setMsg } from '../../src/usp/index.ts';
import { createDeviceSchema, object, param, T, W } from '../../src/dm/index.ts';
import { createTestAgent, exchange, OTHER_ID } from './harness.ts';

const get = suite('agent/get');

function getResp(paths: string[], maxDepth = 0, from?: string) {
  const t = createTestAgent();
  const m = exchange(t, getMsg('g1', { param_paths: paths, max_depth: maxDepth }), 1000, from);
  assert.is(m.header!.msg_id, 'g1', 'R-MSG.9 echoes msg_id');
  return m.body!.response!.get_resp!.req_path_results;
}

get('R-GET.2/R-GET.3 a param path reports its parent object with only that param', () => {
  const [r] = getResp(['Device.DeviceInfo.SerialNumber']);
  assert.equal(r!.resolved_path_results, [{ resolved_path: 'Device.DeviceInfo.', result_params: { SerialNumber: 'T0001' } }]);
});

get('§Get one RequestedPathResult per path, one ResolvedPathResult per object (not flattened)', () => {
  const res = getResp(['Device.IP.Interface.1.', 'Device.IP.Interface.1.Name']);
  assert.is(res.length, 2);
  const paths = res[0]!.resolved_path_results.map((x) => x.resolved_path);
  assert.equal(paths, ['Device.IP.Interface.1.', 'Device.IP.Interface.1.Stats.', 'Device.IP.Interface.1.IPv4Address.1.',
    'Device.IP.Interface.1.IPv4Address.2.', 'Device.IP.Interface.1.IPv6Address.1.', 'Device.IP.Interface.1.IPv6Address.2.']);
  assert.is(res[0]!.resolved_path_results[2]!.result_params['IPAddress'], '192.0.2.1', 'params relative to their object');
});

get('R-GET.5 max_depth 1 = the object own params only, 2 = plus direct children', () => {
  assert.equal(getResp(['Device.IP.Interface.1.'], 1)[0]!.resolved_path_results.map((x) => x.resolved_path), ['Device.IP.Interface.1.']);
  assert.is(getResp(['Device.IP.Interface.1.'], 2)[0]!.resolved_path_results.length, 6);
  assert.is(getResp(['Device.IP.'], 2)[0]!.resolved_path_results.length, 4, 'Device.IP. + 3 interfaces');
});

get('R-GET.0 a non-search path absent from the instantiated model is 7026', () => {
  const [a, b, c] = getResp(['Device.IP.Interface.9.', 'Device.Nope.', 'Device.IP.Interface.1.Nope']);
  assert.is(a!.err_code, 7026);
  assert.is(b!.err_code, 7026);
  assert.is(c!.err_code, 7026);
});

get('R-GET.1a a search path matching nothing is success with no results', () => {
  const [r] = getResp(['Device.IP.Interface.[Name=="none"].Name']);
  assert.is(r!.err_code, 0);
  assert.equal(r!.resolved_path_results, []);
});

get('§Get codes: bad path syntax is 7008 for that path only', () => {
  const [a, b] = getResp(['Device..IP', 'Device.DeviceInfo.ModelName']);
  assert.is(a!.err_code, 7008);
  assert.is(b!.err_code, 0);
});

get('R-GET.1 unreadable = nonexistent: the Untrusted role gets 7026, never 7006, and search results are empty', () => {
  const [a, b, c] = getResp(['Device.DeviceInfo.SerialNumber', 'Device.IP.Interface.*.Name', 'Device.DeviceInfo.'], 0, OTHER_ID);
  assert.is(a!.err_code, 7026);
  assert.equal(b!.resolved_path_results, []);
  assert.equal(c!.resolved_path_results[0]!.result_params, {}, 'R-GET.4 unreadable params dropped');
});

get('§4 item 17 secured params read "" without a SecuredRole, hidden ones always', () => {
  const schema = createDeviceSchema([object('Vault', [param('Key', T.String, W, { secured: true }), param('Password', T.String, W, { hidden: true })])]);
  const t = createTestAgent({ schema });
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.Vault.', param_settings: [
    { param: 'Key', value: 'k-1', required: true }, { param: 'Password', value: 'p-1', required: true }] }] }));
  const read = () => exchange(t, getMsg('g', { param_paths: ['Device.Vault.'] })).body!.response!.get_resp!.req_path_results[0]!.resolved_path_results[0]!.result_params;
  assert.equal(read(), { Key: '', Password: '' });
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.',
    param_settings: [{ param: 'SecuredRoles', value: 'Device.LocalAgent.ControllerTrust.Role.1', required: true }] }] }));
  assert.equal(read(), { Key: 'k-1', Password: '' });
});

get('§Get codes: a Get reaching more objects than maxGetObjects answers 7005 for that path', () => {
  const t = createTestAgent({ config: { limits: { maxGetObjects: 3 } } });
  const m = exchange(t, getMsg('g', { param_paths: ['Device.IP.', 'Device.DSL.'] }));
  const r = m.body!.response!.get_resp!.req_path_results;
  assert.is(r[0]!.err_code, 7005);
  assert.is(r[1]!.err_code, 0);
});

get('§Perm rows without InstantiatedObj read are absent from object Gets; addressed directly they are 7026', () => {
  const t = createTestAgent();
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.Role.2.Permission.1.', param_settings: [
    { param: 'Param', value: 'r---', required: true }] }] }));
  const m = exchange(t, getMsg('g', { param_paths: ['Device.DSL.', 'Device.DSL.Line.1.', 'Device.DSL.Line.*.Enable'] }), 1000, OTHER_ID);
  const [a, b, c] = m.body!.response!.get_resp!.req_path_results;
  assert.equal(a!.resolved_path_results.map((x) => x.resolved_path), [], 'Device.DSL. itself has no params; its rows are hidden');
  assert.is(b!.err_code, 7026);
  assert.is(c!.resolved_path_results.length, 0, '§Perm strings: a wildcard read also needs InstantiatedObj-r');
  const d = exchange(t, getMsg('g', { param_paths: ['Device.DSL.Line.1.Enable'] }), 1000, OTHER_ID);
  assert.is(d.body!.response!.get_resp!.req_path_results[0]!.resolved_path_results[0]!.result_params['Enable'], 'true', 'a plain param path needs Param-r only');
});

get.run();
