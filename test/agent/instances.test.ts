/** GetInstances (TR-369 06-messages "GetInstances", R-GIN.0/1, AGENT-REQUIREMENTS §1.9). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, getInstancesMsg, getMsg, setMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange, OTHER_ID } from './harness.ts';

const gin = suite('agent/instances');

gin('§GIN first_level_only and unique keys; R-GIN.0 absent without InstantiatedObj-r; 7018 on a single object', () => {
  const t = createTestAgent();
  const m = exchange(t, getInstancesMsg('i', { obj_paths: ['Device.WiFi.Radio.', 'Device.DeviceInfo.', 'Device.PCP.Client.'], first_level_only: true }));
  const [a, b, c] = m.body!.response!.get_instances_resp!.req_path_results;
  assert.equal(a!.curr_insts.map((x) => [x.instantiated_obj_path, x.unique_keys]), [
    ['Device.WiFi.Radio.1.', { Name: 'wifi0', Alias: 'cpe-1' }], ['Device.WiFi.Radio.2.', { Name: 'wifi1', Alias: 'cpe-2' }]]);
  assert.is(b!.err_code, 7018);
  assert.is(c!.curr_insts.length, 1);
  const deep = exchange(t, getInstancesMsg('i', { obj_paths: ['Device.PCP.Client.'], first_level_only: false }));
  assert.is(deep.body!.response!.get_instances_resp!.req_path_results[0]!.curr_insts.length, 3);
  const none = exchange(t, getInstancesMsg('i', { obj_paths: ['Device.PCP.Client.'] }), 1000, 'proto::controller-2');
  assert.is(none.body!.response!.get_instances_resp!.req_path_results[0]!.curr_insts.length, 0);
});

gin('R-GIN.0 instances matched by a search on a parameter the Controller cannot read are absent', () => {
  const t = createTestAgent();
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.Role.2.Permission.1.', param_settings: [
    { param: 'InstantiatedObj', value: 'r---', required: true }, { param: 'Param', value: 'r---', required: true }] }] }));
  exchange(t, addMsg('p', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.Role.2.Permission.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'Order', value: '2' }, { param: 'Targets', value: 'Device.IP.Interface.*.Type' },
    { param: 'InstantiatedObj', value: 'r---' }] }] }));
  const m = exchange(t, getInstancesMsg('i', { obj_paths: ['Device.IP.Interface.[Name=="lo"].', 'Device.IP.Interface.[Type=="Loopback"].'], first_level_only: true }), 1000, OTHER_ID);
  const [byName, byType] = m.body!.response!.get_instances_resp!.req_path_results;
  assert.equal(byName!.curr_insts.map((x) => x.instantiated_obj_path), ['Device.IP.Interface.2.']);
  assert.equal(byType!.curr_insts, [], 'Type is not readable: the search cannot reveal rows');
  const g = exchange(t, getMsg('g', { param_paths: ['Device.IP.Interface.[Type=="Loopback"].Name', 'Device.IP.Interface.[Name=="lo"].Name'] }), 1000, OTHER_ID);
  const [gt, gn] = g.body!.response!.get_resp!.req_path_results;
  assert.equal(gt!.resolved_path_results, [], 'R-GET.1 the same for Get');
  assert.is(gn!.resolved_path_results.length, 1);
});

gin.run();
