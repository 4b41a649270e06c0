/**
 * Interop of the agent's WebSocket listener (R-WS.6) with a Controller we did not
 * write: the real `npm start -- --ws-port 0` agent process and the npm `ws` client with
 * protobufjs Records (ws-controller.ts). TP-469 chapter 7 tests by number.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { WebSocket } from 'ws';
import { AGENT_ID, startAgentProcess, type AgentProcess } from '../../main/agent-process.ts';
import { encodeRecord, WsController, type PlainMsg } from './ws-controller.ts';

const CTL = 'self::usp-ctl'; // the dev controller: Full Access, provisioned without --controller

let agent: AgentProcess;
let url = '';

const ws = suite('mtp/websocket listener (ws client ⇄ agent)');

ws.before(async () => {
  agent = await startAgentProcess(['--ws-port', '0', '--log-level', 'debug']);
  const until = Date.now() + 10000;
  let m: RegExpExecArray | null = null;
  while ((m = /tinyusp ws listening (ws:\/\/\S+) endpoint/.exec(agent.stdout)) === null) {
    if (Date.now() > until) throw new Error(`no ws listener: ${agent.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  url = m[1]!;
});
ws.after(async () => {
  await agent.stop();
  rmSync(agent.stateDir, { recursive: true, force: true });
});

const eidQuery = (eid: string): string => `?eid=${encodeURIComponent(eid)}`;
const body = (m: PlainMsg, kind: 'response' | 'error'): Record<string, unknown> => m.body[kind] as Record<string, unknown>;

ws('TP-469 7.1/7.10 R-WS.6: a session on the listener gets a WebSocketConnectRecord, then every message type works', async () => {
  const c = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
  try {
    await c.until(() => c.records.length > 0);
    assert.ok(c.records[0]!.websocketConnect !== undefined, 'R-MTP.6 the first Record is a WebSocketConnectRecord');
    assert.is(c.records[0]!.toId, CTL);
    const get = await c.request('GET', 'get', { paramPaths: ['Device.DeviceInfo.'] });
    const res = (body(get, 'response').getResp as { reqPathResults: { resolvedPathResults: { resultParams: Record<string, string> }[] }[] }).reqPathResults[0]!;
    assert.is(res.resolvedPathResults[0]!.resultParams.SerialNumber, 'SIM000001');
    const set = await c.request('SET', 'set', { updateObjs: [{ objPath: 'Device.DeviceInfo.', paramSettings: [{ param: 'FriendlyName', value: 'over ws', required: true }] }] });
    assert.ok(body(set, 'response').setResp !== undefined, JSON.stringify(set));
    const add = await c.request('ADD', 'add', { createObjs: [{ objPath: 'Device.LocalAgent.Controller.1.BootParameter.', paramSettings: [{ param: 'ParameterName', value: 'Device.DeviceInfo.SerialNumber', required: true }] }] });
    const created = (body(add, 'response').addResp as { createdObjResults: { operStatus: { operSuccess: { instantiatedPath: string } } }[] }).createdObjResults[0]!.operStatus.operSuccess.instantiatedPath;
    assert.match(created, /^Device\.LocalAgent\.Controller\.1\.BootParameter\.\d+\.$/);
    const inst = await c.request('GET_INSTANCES', 'getInstances', { objPaths: ['Device.LocalAgent.Controller.1.BootParameter.'], firstLevelOnly: true });
    assert.ok(JSON.stringify(inst).includes(created), 'GetInstances lists the new row');
    const del = await c.request('DELETE', 'delete', { objPaths: [created] });
    assert.ok(body(del, 'response').deleteResp !== undefined);
    const op = await c.request('OPERATE', 'operate', { command: 'Device.IoTCapability.1.BinaryControl.Toggle()', commandKey: 'k', sendResp: true });
    assert.ok(body(op, 'response').operateResp !== undefined, JSON.stringify(op));
    const dm = await c.request('GET_SUPPORTED_DM', 'getSupportedDm', { objPaths: ['Device.LocalAgent.MTP.'], firstLevelOnly: false, returnParams: true });
    assert.ok(JSON.stringify(dm).includes('Device.LocalAgent.MTP.{i}.WebSocket.'), 'GetSupportedDM names the WebSocket object');
    const proto = await c.request('GET_SUPPORTED_PROTO', 'getSupportedProtocol', { controllerSupportedProtocolVersions: '1.3' });
    assert.ok(body(proto, 'response').getSupportedProtocolResp !== undefined);
    const err = await c.request('GET', 'get', { paramPaths: ['Device.NoSuchThing.'] });
    assert.ok(JSON.stringify(err).includes('7026') || JSON.stringify(err).includes('errCode'), JSON.stringify(err));
    const mtp = await c.request('GET', 'get', { paramPaths: ['Device.LocalAgent.MTP.*.WebSocket.', 'Device.LocalAgent.SupportedProtocols'] });
    const text = JSON.stringify(mtp);
    assert.ok(text.includes(`"Port":"${new URL(url).port}"`), `R-WS.6 the listener row shows the bound port: ${text}`);
    assert.ok(/"SupportedProtocols":"[^"]*WebSocket/.test(text), text);
  } finally {
    c.ws.close();
  }
});

ws('R-NOT / R-WS.6 a ValueChange Subscription notifies over the Controller\'s own session, NotifyResp answered', async () => {
  const c = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
  try {
    const add = await c.request('ADD', 'add', { createObjs: [{ objPath: 'Device.LocalAgent.Subscription.', paramSettings: [
      { param: 'Enable', value: 'true', required: true }, { param: 'ID', value: 'ws-vc', required: true },
      { param: 'NotifType', value: 'ValueChange', required: true }, { param: 'ReferenceList', value: 'Device.DeviceInfo.FriendlyName', required: true },
      { param: 'NotifRetry', value: 'true', required: true },
    ] }] });
    assert.ok(JSON.stringify(add).includes('instantiatedPath'), JSON.stringify(add));
    await c.request('SET', 'set', { updateObjs: [{ objPath: 'Device.DeviceInfo.', paramSettings: [{ param: 'FriendlyName', value: 'notify me', required: true }] }] });
    await c.until(() => c.notifies.length > 0);
    const n = c.notifies[0]!.body.request!.notify as { subscriptionId: string; valueChange: { paramPath: string; paramValue: string } };
    assert.is(n.subscriptionId, 'ws-vc');
    assert.equal(n.valueChange, { paramPath: 'Device.DeviceInfo.FriendlyName', paramValue: 'notify me' });
  } finally {
    c.ws.close();
  }
});

ws('R-WS.14b a Record sent in three fragments is answered; TP-469 7.7 Ping answered, an unsolicited Pong ignored', async () => {
  const c = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
  try {
    const rec = encodeRecord(CTL, AGENT_ID, { header: { msgId: 'frag-1', msgType: 'GET' }, body: { request: { get: { paramPaths: ['Device.DeviceInfo.SerialNumber'] } } } });
    const a = Math.floor(rec.length / 3);
    c.ws.send(rec.subarray(0, a), { fin: false });
    c.ws.send(rec.subarray(a, 2 * a), { fin: false });
    c.ws.send(rec.subarray(2 * a), { fin: true });
    await c.until(() => c.records.some((r) => r.noSessionContext !== undefined));
    assert.ok(JSON.stringify(c.records).length > 0);
    const pong = new Promise<Buffer>((r) => c.ws.once('pong', r));
    c.ws.ping(Buffer.from('tp469'));
    assert.is((await pong).toString(), 'tp469');
    c.ws.pong(Buffer.from('unsolicited'));
    const get = await c.request('GET', 'get', { paramPaths: ['Device.DeviceInfo.Manufacturer'] });
    assert.ok(JSON.stringify(get).includes('tinyusp project'), 'the session survives an unsolicited Pong');
  } finally {
    c.ws.close();
  }
});

ws('TP-469 7.6 R-WS.16 a malformed Record closes the session with 1003; a text message too', async () => {
  for (const send of [(w: WebSocket) => w.send(Buffer.from([0xff, 0xff, 0xff])), (w: WebSocket) => w.send('a text frame')]) {
    const c = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
    send(c.ws);
    assert.is(await c.closed, 1003);
  }
});

ws('TP-469 7.4 R-WS.8 a Close from the Controller is answered with a Close and the TCP connection ends', async () => {
  const c = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
  c.ws.close(1000, 'done');
  assert.is(await c.closed, 1000);
});

async function refusal(u: string, protocol = 'v1.usp'): Promise<number> {
  const w = new WebSocket(u, protocol);
  w.on('error', () => undefined);
  return new Promise((resolve) => {
    w.once('unexpected-response', (_q, res) => { resolve(res.statusCode ?? 0); w.terminate(); });
    w.once('open', () => { resolve(101); w.close(); });
  });
}

ws('R-WS.12a / TP-469 7.5 no v1.usp → 400; R-WS.10b no eid → 400; an unknown Controller → 403; another path → 404', async () => {
  assert.is(await refusal(url + eidQuery(CTL), 'v2.usp'), 400);
  assert.is(await refusal(url), 400);
  assert.is(await refusal(url + eidQuery('self::stranger')), 403);
  assert.is(await refusal(url.replace(/\/usp$/, '/other') + eidQuery(CTL)), 404);
});

ws('TP-469 7.2 R-WS.4 a second session from the same Controller closes the first', async () => {
  const first = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
  const second = await WsController.connect(url + eidQuery(CTL), CTL, AGENT_ID);
  try {
    assert.is(await first.closed, 1001);
    const get = await second.request('GET', 'get', { paramPaths: ['Device.DeviceInfo.SerialNumber'] });
    assert.ok(JSON.stringify(get).includes('SIM000001'));
    assert.ok(first.records.some((r) => r.disconnect !== undefined), 'R-MTP.7 a DisconnectRecord before the Close');
  } finally {
    second.ws.close();
  }
});

ws.run();
