/** GetInstances (TR-369 06-messages "GetInstances", R-GIN.0/1, AGENT-REQUIREMENTS §1.9). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getInstancesMsg } from '../../src/usp/index.ts';
import { createTestAgent, exchange } from './harness.ts';

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

gin.run();
