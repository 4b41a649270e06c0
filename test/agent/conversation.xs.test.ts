/**
 * House style rule 9 / DESIGN.md: the agent core behaves identically on Node and in
 * the real XS engine. One scripted conversation (Get, Set, Add, Delete, Operate sync
 * and async, subscription + ValueChange + NotifyResp, GetSupportedDM, GetInstances,
 * errors) is run on both with the same request bytes, clock and random source; every
 * emitted payload must be byte-identical.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import {
  addMsg, decodeMsg, deleteMsg, encodeMsg, getInstancesMsg, getMsg, getSupportedDmMsg, getSupportedProtocolMsg, operateMsg, setMsg,
} from '../../src/usp/index.ts';
import { runConversation } from './conversation.ts';

const conv = suite('agent/conversation (Node ⇄ XS)');

const REQUESTS = [
  getMsg('1', { param_paths: ['Device.DeviceInfo.', 'Device.IP.Interface.*.Name', 'Device.Nope'], max_depth: 0 }),
  addMsg('2', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'ValueChange' }, { param: 'ReferenceList', value: 'Device.DSL.Line.*.Enable' },
    { param: 'NotifRetry', value: 'true' }, { param: 'ID', value: 'vc' }] }] }),
  addMsg('2b', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'OperationComplete' }, { param: 'ReferenceList', value: 'Device.' }] }] }),
  setMsg('3', { allow_partial: true, update_objs: [{ obj_path: 'Device.DSL.Line.*.', param_settings: [{ param: 'Enable', value: 'true' }] },
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'Nope', value: 'x', required: true }] }] }),
  addMsg('4', { allow_partial: true, create_objs: [{ obj_path: 'Device.WiFi.Radio.', param_settings: [{ param: 'Name', value: 'wifi0' }] },
    { obj_path: 'Device.WiFi.Radio.', param_settings: [{ param: 'Name', value: 'wifi7' }] }] }),
  deleteMsg('5', { allow_partial: false, obj_paths: ['Device.IP.Interface.[Name=="lo"].'] }),
  operateMsg('6', { command: 'Device.LocalAgent.Controller.1.SendOnBoardRequest()', send_resp: true }),
  operateMsg('7', { command: 'Device.ScheduleTimer()', command_key: 'tick', send_resp: true, input_args: { DelaySeconds: '5' } }),
  getSupportedDmMsg('8', { obj_paths: ['Device.LocalAgent.'], first_level_only: false, return_params: true, return_commands: true, return_events: true, return_unique_key_sets: true }),
  getInstancesMsg('9', { obj_paths: ['Device.'], first_level_only: false }),
  getSupportedProtocolMsg('10', { controller_supported_protocol_versions: '1.3' }),
  operateMsg('11', { command: 'Device.Nope()', send_resp: true }),
].map((m) => Array.from(encodeMsg(m)));

let worker: XsWorker;

conv.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/agent/conversation.ts')), 'conv');
});
conv.after(() => worker?.close());

conv('R-MSG.* scripted conversation: XS emits byte-identical payloads to Node', async () => {
  const node = runConversation(REQUESTS);
  const types = node.map((p) => { const d = decodeMsg(Uint8Array.from(p), 0, p.length); return d.msg!.body!.msg_body + ':' + d.msgId; });
  // 12 responses, a ValueChange (Line.2 only: Line.1 was already enabled), OnBoardRequest, OperationComplete.
  assert.ok(node.length >= 15, `${node.length} payloads: ${types.join(' ')}`);
  const { value } = await worker.call<string>(`JSON.stringify(conv.runConversation(${JSON.stringify(REQUESTS)}))`);
  const xs = JSON.parse(value) as number[][];
  assert.is(xs.length, node.length);
  for (let i = 0; i < node.length; i++) assert.equal(xs[i], node[i], `payload ${i} (${types[i]})`);
});

conv('DESIGN.md zero allocation: foreign, self-addressed, unknown- and disabled-Controller Records are dropped with 0 slots', async () => {
  const get = JSON.stringify(Array.from(encodeMsg(getMsg('z', { param_paths: ['Device.'] }))));
  await worker.evaluate(`
    const msg = Uint8Array.from(${get});
    globalThis.zt = conv.createTestAgent({ config: { limits: { pollIntervalMs: 1e12 } }, rows: [
      { path: 'Device.LocalAgent.Controller.3.', values: [['Alias', 'off'], ['EndpointID', 'proto::disabled'], ['Enable', 'false']] }] });
    zt.agent.handleRecord(0, Uint8Array.of(1), 0, 1, conv.ORIGIN); // warm-up
    globalThis.rejects = [
      conv.requestRecord(msg, 'proto::controller-1', '1.3', 'os::0A1B2C-other'),
      conv.requestRecord(msg, 'os::0A1B2C-T0001'),
      conv.requestRecord(msg, 'proto::stranger'),
      conv.requestRecord(msg, 'proto::disabled'),
      conv.requestRecord(msg, 'proto::controller-1', '1.3', 'os::0A1B2C-T0001').subarray(0, 20),
    ];
    globalThis.drop = (n) => { for (let i = 0; i < n; i++) { const r = rejects[i % 5]; zt.agent.handleRecord(1, r, 0, r.length, conv.ORIGIN); } };
    drop(10);
  `);
  assert.is((await worker.call('drop(500), zt.agent.pollTransmit(1)')).value, null, 'nothing was answered');
  assert.is(await worker.allocatedSlots('drop(4000)'), 0);
});

conv.run();
