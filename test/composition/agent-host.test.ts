/**
 * startHostAgent in-process on the Node platform: Notify Records go to the
 * Controller's MTP address (not the reply-to of its requests), and a 4.xx/5.xx from
 * that address is reported to the agent as a failed delivery, so a NotifRetry
 * subscription sends the same Notify again (R-COAP.10, R-NOT.1). The notification
 * receiver is the npm `coap` package.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import coap from 'coap';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startHostAgent } from '../../src/composition/agent-host.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { LogLevel } from '../../src/platform/types.ts';
import { addMsg, setMsg } from '../../src/usp/index.ts';
import { UspController } from '../../tools/usp-ctl/controller.ts';
import { MsgT, RecordT } from '../usp/oracle.ts';
import { BOARD } from '../dm/example-model.ts';
import { createDeviceSchema, iotCapabilityObjects } from '../../src/dm/index.ts';

const t = suite('composition/agent-host');

t('R-COAP.10 a 5.03 from the Controller MTP address is a failed delivery: the NotifRetry Notify is sent again with the same msg_id', async () => {
  const seen: { msgId: string; path: string }[] = [];
  let second: () => void = () => undefined;
  const twice = new Promise<void>((r) => { second = r; });
  const server = coap.createServer((req, res) => {
    const rec = RecordT.toObject(RecordT.decode(req.payload)) as { no_session_context: { payload: Uint8Array } };
    const msg = MsgT.toObject(MsgT.decode(rec.no_session_context.payload)) as { header: { msg_id: string }; body: { request: { notify: { value_change?: { param_path: string } } } } };
    seen.push({ msgId: msg.header.msg_id, path: msg.body.request.notify.value_change?.param_path ?? '' });
    res.code = seen.length === 1 ? '5.03' : '2.04';
    res.end();
    if (seen.length === 2) second();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const notifyPort = (server as unknown as { _sock: { address(): { port: number } } })._sock.address().port;
  const platform = createNodePlatform({ stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-host-')), logLevel: LogLevel.Error });
  let ready: (uri: string) => void = () => undefined;
  const up = new Promise<string>((r) => { ready = r; });
  const host = startHostAgent({
    platform, endpointId: 'os::0A1B2C-T1', board: BOARD, schema: createDeviceSchema(iotCapabilityObjects(BOARD)), serialNumber: 'T1', softwareVersion: '1.0', host: '127.0.0.1',
    coapPort: 0, coapPath: '/usp', coapAckTimeoutMs: 100,
    controllers: [{ endpointId: 'self::n', uri: `coap://127.0.0.1:${notifyPort}/usp` }], onReady: ready,
  });
  const agentUri = await up;
  const c = await UspController.open({ agentUri, agentId: 'os::0A1B2C-T1', endpointId: 'self::n', timeoutMs: 5000 });
  try {
    const set = (obj: string, param: string, value: string) =>
      c.request((id) => setMsg(id, { update_objs: [{ obj_path: obj, param_settings: [{ param, value, required: true }] }] }));
    await set('Device.LocalAgent.Controller.1.', 'USPNotifRetryMinimumWaitInterval', '1');
    const sub = await c.request((id) => addMsg(id, { create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
      ['Enable', 'true'], ['NotifType', 'ValueChange'], ['ReferenceList', 'Device.DeviceInfo.FriendlyName'], ['NotifRetry', 'true'],
    ].map(([param, value]) => ({ param: param!, value: value!, required: true })) }] }));
    assert.is(sub.body?.response?.resp_type, 'add_resp');
    await set('Device.DeviceInfo.', 'FriendlyName', 'retry-me');
    await twice;
    assert.is(seen.length, 2);
    assert.is(seen[0]!.path, 'Device.DeviceInfo.FriendlyName');
    assert.is(seen[1]!.msgId, seen[0]!.msgId, 'the retry is the same Notify (R-NOT.1)');
  } finally {
    c.close();
    host.close();
    server.close();
  }
});

t('a platform whose UDP socket is bound on creation (Moddable: onReady inside openUdp) starts the agent once', () => {
  const base = createNodePlatform({ stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-host-')), logLevel: LogLevel.Error });
  let readies = 0;
  const platform = {
    ...base,
    openUdp(o: Parameters<typeof base.openUdp>[0]) {
      o.onReady?.(o.port); // synchronously, as platform/moddable/udp.ts does
      return { read: () => undefined, write: () => true, close: () => undefined };
    },
  };
  const host = startHostAgent({
    platform, endpointId: 'os::0A1B2C-T2', board: BOARD, schema: createDeviceSchema(iotCapabilityObjects(BOARD)), serialNumber: 'T2', softwareVersion: '1.0', host: '127.0.0.1',
    coapPort: 45683, coapPath: '/usp', controllers: [], onReady: () => { readies++; },
  });
  try {
    assert.is(readies, 1, 'ready() ran once: the agent and the injected MTPs start once');
  } finally {
    host.close();
  }
});

t.run();
