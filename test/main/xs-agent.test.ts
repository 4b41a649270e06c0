/**
 * `npm run start:xs`: the complete agent bundle running inside the real XS engine
 * (xsnap-worker) with the host's UDP, timers, clocks, random and storage reached over
 * the xs-host bridge, answering real CoAP traffic from the project's Controller
 * (tools/usp-ctl: in-process UspController and the `ctl` CLI as a separate process).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addMsg, getMsg, operateMsg, setMsg, type Msg } from '../../src/usp/index.ts';
import { UspController, type NotifyEvent } from '../../tools/usp-ctl/controller.ts';
import { getRecord, HostilePeer, sleep, UNRESOLVABLE_HOST, uspPost, uspRecord } from './hostile-peer.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AGENT_ID = 'os::0A1B2C-SIM000001';
const CONTROLLER_ID = 'self::xs-test';
/** A provisioned Controller whose MTP host does not resolve (hostile-peer.ts: fails locally, no DNS query). */
const GHOST = 'self::ghost';
const GHOST_URI = `coap://${UNRESOLVABLE_HOST}:5683/usp`;

const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

const xs = suite('main/xs-agent (start:xs)');
let agent: ChildProcess;
let agentUri = '';
let ctl: UspController;
const stderr: string[] = [];
const notifies: NotifyEvent[] = [];

function params(m: Msg): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of m.body!.response!.get_resp!.req_path_results) {
    assert.is(r.err_code, 0, r.err_msg);
    for (const p of r.resolved_path_results) for (const [k, v] of Object.entries(p.result_params)) out[p.resolved_path + k] = v;
  }
  return out;
}

async function until<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; agent log:\n${stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

xs.before(async () => {
  const port = await freePort();
  const ctlPort = await freePort();
  ctl = await UspController.open({ agentUri: `coap://127.0.0.1:${port}/usp`, agentId: AGENT_ID, endpointId: CONTROLLER_ID, port: ctlPort, timeoutMs: 8000 });
  ctl.onNotify = (n) => notifies.push(n);
  const state = mkdtempSync(join(tmpdir(), 'tinyusp-xsagent-'));
  agent = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/xs/start-agent.ts'), '--coap-port', String(port), '--state', state,
    '--controller', `${CONTROLLER_ID}=${ctl.uri}`, '--controller', `self::usp-ctl=coap://127.0.0.1:${await freePort()}/usp`,
    '--controller', `${GHOST}=${GHOST_URI}`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  agent.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  agent.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const line = await until(() => out.split('\n').find((l) => l.startsWith('tinyusp ready ')), 20000, 'the ready line');
  assert.is(line, `tinyusp ready coap://127.0.0.1:${port}/usp endpoint ${AGENT_ID}`);
  agentUri = `coap://127.0.0.1:${port}/usp`;
});

xs.after(() => { ctl?.close(); agent?.kill('SIGTERM'); });

xs('R-COAP.1 Get over CoAP is answered by the agent inside XS (identity from boards/sim.json)', async () => {
  const p = params(await ctl.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.SerialNumber', 'Device.LocalAgent.EndpointID'] })));
  assert.equal(p, { 'Device.DeviceInfo.SerialNumber': 'SIM000001', 'Device.LocalAgent.EndpointID': AGENT_ID });
});

xs('R-SET Set, R-ADD Add and the result read back; §BinaryControl Toggle() flips the LED', async () => {
  const s = await ctl.request((id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'in XS' }] }] }));
  assert.ok(s.body!.response!.set_resp, JSON.stringify(s));
  const a = await ctl.request((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'ValueChange' }, { param: 'ID', value: 'xs-vc' },
    { param: 'ReferenceList', value: 'Device.DeviceInfo.FriendlyName,Device.IoTCapability.*.BinarySensor.Value,Device.IoTCapability.1.BinaryControl.Value' }] }] }));
  const created = a.body!.response!.add_resp!.created_obj_results[0]!;
  assert.ok(created.oper_status!.oper_success, JSON.stringify(created));
  const p = params(await ctl.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.FriendlyName', `${created.oper_status!.oper_success!.instantiated_path}ID`] })));
  assert.equal(Object.values(p), ['in XS', 'xs-vc']);
  const o = await ctl.request((id) => operateMsg(id, { command: 'Device.IoTCapability.1.BinaryControl.Toggle()', command_key: 'k', send_resp: true }));
  assert.ok(o.body!.response!.operate_resp!.operation_results[0]!.req_obj_path);
  const vc = await until(() => notifies.find((n) => n.notify.value_change?.param_path === 'Device.IoTCapability.1.BinaryControl.Value'), 5000, 'the LED ValueChange');
  assert.is(vc.notify.value_change!.param_value, 'true');
});

xs('R-NOT.1 Subscribe + Notify: Set and a button press on the sim board (stdin) reach the Controller as ValueChange', async () => {
  await ctl.request((id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'renamed' }] }] }));
  const fn = await until(() => notifies.find((n) => n.notify.value_change?.param_path === 'Device.DeviceInfo.FriendlyName'), 5000, 'the FriendlyName ValueChange');
  assert.is(fn.notify.subscription_id, 'xs-vc');
  assert.is(fn.notify.value_change!.param_value, 'renamed');
  agent.stdin!.write('press Button\n');
  const press = await until(() => notifies.find((n) => n.notify.value_change?.param_path === 'Device.IoTCapability.2.BinarySensor.Value'), 5000, 'the button ValueChange');
  assert.is(press.notify.value_change!.param_value, 'true');
});

xs('§IoT-table `npm run ctl -- get Device.IoTCapability.` lists the sim board capabilities', async () => {
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/usp-ctl/index.ts'), 'get', 'Device.IoTCapability.', '--agent', agentUri], { cwd: ROOT },
      (e, stdout, err) => (e ? reject(new Error(`${e.message}\n${err}`)) : resolve(stdout)));
  });
  for (const l of ['Device.IoTCapability.1.Name = LED', 'Device.IoTCapability.1.Class = BinaryControl', 'Device.IoTCapability.2.Name = Button',
    'Device.IoTCapability.2.BinarySensor.Value = true', 'Device.IoTCapability.3.LevelSensor.Unit = degC']) assert.ok(out.includes(l), `${l} in\n${out}`);
});

xs('§hardening-1/2 in XS: a response and a Notify whose destination does not resolve are lost; the agent keeps serving', async () => {
  const peer = await HostilePeer.open();
  try {
    const port = Number(/:(\d+)\//.exec(agentUri)![1]);
    // From the ghost Controller, reply-to its provisioned host: the Add's response cannot be sent…
    const add = addMsg('ghost-1', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
      { param: 'Enable', value: 'true', required: true }, { param: 'NotifType', value: 'ValueChange', required: true },
      { param: 'ReferenceList', value: 'Device.DeviceInfo.FriendlyName', required: true }, { param: 'ID', value: 'ghost-vc', required: true }] }] });
    await peer.send(uspPost({ mid: 7, replyTo: GHOST_URI, body: uspRecord(GHOST, AGENT_ID, add) }), port);
    await sleep(300);
    // …and neither can the ValueChange Notify this Set triggers for it.
    await ctl.request((id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'after-ghost' }] }] }));
    await sleep(300);
    assert.is(agent.exitCode, null, `the XS agent stopped:\n${stderr.join('')}`);
    const p = params(await ctl.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.FriendlyName'] })));
    assert.is(p['Device.DeviceInfo.FriendlyName'], 'after-ghost');
    assert.match(stderr.join(''), /cannot send to a+\.invalid:5683/);
  } finally {
    peer.close();
  }
});

xs('§hardening-3 in XS: two half-open Block1 uploads do not lock out a Controller\'s own Block1 upload (RFC 7959 §2.9.2)', async () => {
  const port = Number(/:(\d+)\//.exec(agentUri)![1]);
  const peers = [await HostilePeer.open('127.0.0.2'), await HostilePeer.open('127.0.0.2')];
  try {
    const body = getRecord(CONTROLLER_ID, AGENT_ID, 'half', 'Device.' + 'x'.repeat(1100));
    for (const [i, p] of peers.entries()) {
      await p.send(uspPost({ mid: 100 + i, replyTo: `coap://127.0.0.2:${p.port}/usp`, body, block1: 0x0e /* NUM 0, more, 1024 B */ }, 0, 1024), port);
    }
    await sleep(2100); // both transfers now idle for ACK_TIMEOUT
    // A Get of 40 long paths: its Record is over 1 KiB, so usp-ctl uploads it block-wise.
    const paths = Array.from({ length: 40 }, (_, i) => `Device.DeviceInfo.${'Nope'.repeat(8)}${i}`);
    const m = await ctl.request((id) => getMsg(id, { param_paths: paths }));
    assert.is(m.body!.response!.get_resp!.req_path_results.length, 40);
  } finally {
    for (const p of peers) p.close();
  }
});

xs.run();
