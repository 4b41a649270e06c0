/**
 * WebSocket beside CoAP and MQTT, measured in one run against one real agent process
 * (`npm start` with CoAP, --mqtt through a mosquitto on loopback and --ws-port): Get
 * Device.DeviceInfo. round trips from usp-ctl's UspController over each MTP — sequential
 * (p50/p99 latency) and 16 in flight (requests/s). Then, inside the XS engine
 * (xsnap-worker), the heap of one open USP WebSocket session (client binding after its
 * handshake, retained slots after GC) and the slots a received Record frame allocates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttVersion } from '../../../src/mqtt/index.ts';
import { getMsg } from '../../../src/usp/index.ts';
import { ROOT } from '../../build/targets.ts';
import { startMosquitto } from '../../mosquitto/index.ts';
import { UspController, type ControllerOptions } from '../../usp-ctl/controller.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';
import { percentile, sequentialGetLatencies } from '../get-loop.ts';
import { fmtRate } from '../measure.ts';

const AGENT = 'os::012345-bench-ws';
const CTL = 'self::bench-ctl';
const CTL_TOPIC = 'usp/controller/bench-ctl';
const N = 500;
const M = 2000;
const WINDOW = 16;

interface Agent { proc: ChildProcess; coap: string; ws: string; state: string }

async function startAgent(brokerPort: number): Promise<Agent> {
  const state = mkdtempSync(join(tmpdir(), 'tinyusp-bench-ws-'));
  const proc = spawn(join(ROOT, 'node_modules/.bin/tsx'), [
    'src/main/node.ts', '--state', state, '--coap-port', '0', '--endpoint-id', AGENT, '--log-level', 'error', '--ws-port', '0',
    '--mqtt', `mqtt://127.0.0.1:${brokerPort}`, '--controller', `${CTL}=mqtt:${CTL_TOPIC}`,
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  return new Promise<Agent>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      const coap = /tinyusp ready (\S+)/.exec(text);
      const ws = /tinyusp ws listening (\S+)/.exec(text);
      if (coap !== null && ws !== null && text.includes('tinyusp mqtt up')) resolve({ proc, coap: coap[1]!, ws: ws[1]!, state });
    });
    proc.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
}

interface Figures { label: string; p50: number; p99: number; rate: number }

const get = (id: string): ReturnType<typeof getMsg> => getMsg(id, { param_paths: ['Device.DeviceInfo.'], max_depth: 0 });

async function measure(label: string, ctl: UspController): Promise<Figures> {
  {
    const lat = await sequentialGetLatencies(ctl, N);
    let next = 0;
    const t1 = performance.now();
    const worker = async (): Promise<void> => { while (next++ < M) await ctl.request(get); };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    return { label, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99), rate: (M * 1000) / (performance.now() - t1) };
  }
}

async function roundTrips(): Promise<void> {
  const broker = await startMosquitto({ log: false });
  const agent = await startAgent(broker.port);
  try {
    const base = { agentUri: agent.coap, agentId: AGENT, endpointId: CTL, timeoutMs: 10000 };
    const mtps: [string, ControllerOptions][] = [
      ['WebSocket (ws://, the agent\'s listener)', { ...base, ws: { url: agent.ws } }],
      ['CoAP (coap://, NoSec)', base],
      ['MQTT 5.0 QoS 1 (mosquitto)', {
        ...base, mqtt: { url: `mqtt://127.0.0.1:${broker.port}`, topic: CTL_TOPIC, agentTopic: `usp/agent/${AGENT}`, version: MqttVersion.V5 },
      }],
    ];
    const ctls: UspController[] = [];
    for (const [, o] of mtps) ctls.push(await UspController.open(o));
    // Warm-up on every MTP before any measurement (JIT of the agent and both sides), so the first one measured is not penalised.
    for (let round = 0; round < 3; round++) for (const c of ctls) for (let i = 0; i < 100; i++) await c.request(get);
    const figures: Figures[] = [];
    for (let i = 0; i < mtps.length; i++) figures.push(await measure(mtps[i]![0], ctls[i]!));
    for (const c of ctls) c.close();
    console.log(`Get Device.DeviceInfo. against one agent process (Node ${process.version}, agent under tsx), loopback`);
    console.log('| MTP | p50 | p99 | requests/s (16 in flight) |');
    console.log('|---|---|---|---|');
    for (const f of figures) console.log(`| ${f.label} | ${f.p50.toFixed(2)} ms | ${f.p99.toFixed(2)} ms | ${fmtRate(f.rate)} |`);
    for (const f of figures) console.log(`roundtrip-ws ${f.label.split(' ')[0]}: p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms, ${f.rate.toFixed(0)} req/s`);
  } finally {
    await new Promise<void>((r) => { agent.proc.once('exit', () => r()); agent.proc.kill('SIGTERM'); });
    rmSync(agent.state, { recursive: true, force: true });
    await broker.close();
  }
}

/** An open client session in XS: handshake done against a server binding, which lives outside the measured heap. */
const OPEN_SESSION = `(() => {
  let x = 3;
  const rnd = (o) => { for (let i = 0; i < o.length; i++) { x = (x * 75 + 74) % 65537; o[i] = x & 0xff; } };
  const mk = (role, extra) => new tinyusp.UspWebSocketBinding(Object.assign({
    role, endpointId: role === 0 ? 'os::012345-xs' : 'self::c', maxRecordBytes: 16384, keepAliveS: 60, random: () => 0.5, randomBytes: rnd,
    validateRecord: () => true, onRecord: () => { globalThis.received = (globalThis.received | 0) + 1; },
  }, extra));
  const out = new Uint8Array(4096);
  const move = (a, b) => { for (let n = a.pollTransmit(out); n > 0; n = a.pollTransmit(out)) b.handleBytes(0, out, 0, n); for (let e = a.pollEvent(); e !== undefined; e = a.pollEvent()) if (e.kind === 'request') a.admit(0); };
  return { mk, move, out };
})()`;

async function inXs(): Promise<void> {
  const w = XsWorker.start();
  try {
    await w.loadBundle(await bundleForXs(join(ROOT, 'src/mtp/websocket/index.ts')), 'tinyusp');
    await w.evaluate(`globalThis.h = ${OPEN_SESSION}; globalThis.server = h.mk(1, {}); globalThis.server.handleTransportUp(0);`);
    // Everything the open session holds: binding, RFC 6455 session, its queues and buffers' slots (buffer bytes are chunks).
    const open = await w.retainedSlots(`
      globalThis.client = h.mk(0, { controllerId: 'self::c', uri: tinyusp.parseWsUri('ws://127.0.0.1:1/usp') });
      client.start(0); client.pollTransportCommand(); client.handleTransportUp(0);
      for (let i = 0; i < 3; i++) { h.move(client, server); h.move(server, client); }
      if (!client.up) throw new Error('not up');
    `);
    await w.evaluate(`
      const body = new Uint8Array(200).fill(5);
      globalThis.frame = new Uint8Array(4 + 200); frame[0] = 0x82; frame[1] = 126; frame[2] = 0; frame[3] = 200; frame.set(body, 4);
      globalThis.recv = (n) => { for (let i = 0; i < n; i++) client.handleBytes(0, frame, 0, frame.length); };
      recv(10);
    `);
    const K = 1000;
    const slots = await w.allocatedSlots(`recv(${K})`);
    const c0 = (await w.evaluate('void 0')).meter.compute;
    const c1 = (await w.evaluate(`recv(${K})`)).meter.compute;
    const SLOT = 16;
    console.log(`XS (xsnap-worker): one open USP WebSocket session (client binding + RFC 6455 session after the handshake, maxRecordBytes 16384): ${open} slots retained (${(open * SLOT / 1024).toFixed(1)} KiB at 16 B/slot; the receive and transmit buffers' bytes are chunks, not slots)`);
    console.log(`XS: receiving a 200-byte Record frame: ${(slots / K).toFixed(2)} slots/frame allocated, ${((c1 - c0) / K).toFixed(0)} computrons/frame`);
    console.log(`roundtrip-ws xs: open session ${open} slots, ${(slots / K).toFixed(2)} slots per received frame`);
  } finally {
    w.close();
  }
}

const suite: BenchSuite = { name: 'roundtrip-ws', async run() { await roundTrips(); await inXs(); } };
export default suite;
