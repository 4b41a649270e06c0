/**
 * `npm run test:moddable:peak`: the heap PEAK of the secure and real-world MTPs in the
 * simulator, found as the smallest FIXED heap in which a scenario still runs (XS collects
 * before it gives up, so the smallest heap that works is the live peak, fragmentation
 * included): the slot heap is bisected with chunks to spare, then the chunk heap with
 * slots to spare (`tools/moddable/mtp-sim.ts` builds and runs each trial; a run fails on
 * `# Slot/Chunk allocation: … failed in fixed size heap`).
 *
 * Scenarios: plain CoAP boot (the baseline), coaps boot, + one PSK handshake and Get,
 * + one ECDHE-ECDSA P-256 handshake and Get, MQTT 5.0 up, + 100 Gets over MQTT.
 *
 *   npm run test:moddable:peak -- [--only <scenario,…>] [--display <n>] [--out <dir>] [--verbose]
 *
 * Each trial relinks the app (≈ 10 s) and runs it (≈ 5–15 s): all scenarios take ≈ 30 min.
 * Without $MODDABLE it prints "skipped: …" and exits 0.
 */
import { join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { ROOT } from '../build/targets.ts';
import { getMsg } from '../../src/usp/index.ts';
import { MqttVersion } from '../../src/mqtt/index.ts';
import { startMosquitto, type Broker } from '../mosquitto/index.ts';
import { UspController } from '../usp-ctl/controller.ts';
import { makePki, type Pki } from '../../test/dtls/pki.ts';
import type { CoapsCredentials } from '../../src/mtp/coap/coaps-endpoint.ts';
import { defaultOut } from './check-options.ts';
import { group, type Creation } from './creation.ts';
import { buildMtpApp, freeUdpPort, SimRun } from './mtp-sim.ts';
import { findSdk, type Sdk } from './sdk.ts';
import { VirtualDisplay } from './simulator.ts';

const AGENT_ID = 'os::0A1B2C-SIM000001';
const CTL = 'self::usp-ctl';
const PSK_KEY = 'tinyusp-psk-key1';
const SPARE_SLOTS = 32768;
const SPARE_CHUNK = 1024 * 1024;

interface Env { sdk: Sdk; out: string; display: string; verbose: boolean; pki: Pki; broker: Broker }

interface Scenario {
  readonly name: string;
  readonly what: string;
  readonly mqtt?: boolean;
  readonly coaps?: boolean;
  /** After boot; throws when the step does not complete. */
  readonly act?: (run: SimRun, ports: { coapsPort: number }, env: Env) => Promise<void>;
}

async function coapsGet(run: SimRun, coapsPort: number, credentials: CoapsCredentials): Promise<void> {
  const c = await UspController.open({ agentUri: `coaps://127.0.0.1:${coapsPort}/usp`, agentId: AGENT_ID, endpointId: CTL, timeoutMs: 20_000, coaps: { credentials } });
  try {
    await run.guard(c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.SerialNumber'] })));
  } finally { c.close(); }
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'plain', what: 'plain CoAP, booted' },
  { name: 'coaps', what: 'coaps (PSK + certificate credentials), booted', coaps: true },
  { name: 'psk', what: 'coaps + a PSK handshake and a Get', coaps: true, act: (r, p) => coapsGet(r, p.coapsPort, { psk: { identity: Buffer.from('ctl'), key: Buffer.from(PSK_KEY) } }) },
  { name: 'cert', what: 'coaps + an ECDHE-ECDSA P-256 handshake and a Get', coaps: true, act: (r, p, e) => coapsGet(r, p.coapsPort, { certificate: e.pki.config('usp-ctl') }) },
  { name: 'mqtt', what: 'MQTT 5.0 session up', mqtt: true },
  {
    name: 'mqtt100', what: 'MQTT 5.0 + 100 Gets', mqtt: true,
    async act(run, _p, env) {
      const c = await UspController.open({ agentUri: '', agentId: AGENT_ID, endpointId: CTL, timeoutMs: 20_000,
        mqtt: { url: `mqtt://127.0.0.1:${env.broker.port}`, topic: `usp/controller/${CTL}`, version: MqttVersion.V5, agentTopic: `usp/agent/${AGENT_ID}` } });
      try {
        for (let i = 0; i < 100; i++) await run.guard(c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.', 'Device.LocalAgent.MTP.'] })));
      } finally { c.close(); }
    },
  },
];

/** One trial: does `s` run in `creation`? */
async function trial(env: Env, s: Scenario, creation: Creation): Promise<boolean> {
  const coapsPort = await freeUdpPort();
  const config: Record<string, unknown> = { coapPort: await freeUdpPort(), controller: `${CTL}=coap://127.0.0.1:40000/usp` };
  if (s.coaps === true) Object.assign(config, { coapsPort, psk: `ctl:${Buffer.from(PSK_KEY).toString('hex')}` });
  if (s.mqtt === true) Object.assign(config, { mqtt: `mqtt://127.0.0.1:${env.broker.port}`, controller: `${CTL}=mqtt:usp/controller/${CTL}` });
  const app = buildMtpApp({
    sdk: env.sdk, out: env.out, name: `tinyusp-peak-${s.name}`, creation, config, state: join(env.out, `state-${s.name}`),
    ...(s.coaps === true ? { data: { 'usp-agent-cert.pem': env.pki.path('sim-agent', 'crt'), 'usp-agent-key.pem': env.pki.path('sim-agent', 'key'), 'usp-ca.pem': env.pki.path('ca', 'crt') } } : {}),
  });
  if (app === null) throw new Error(`${s.name}: the app did not build`);
  const run = await SimRun.start({ sdk: env.sdk, app, display: env.display, verbose: env.verbose });
  try {
    await run.line(s.mqtt === true ? /tinyusp mqtt up/ : s.coaps === true ? /tinyusp ready coaps:/ : /tinyusp ready coap:/, 30_000);
    if (s.act !== undefined) await s.act(run, { coapsPort }, env);
    await run.guard(new Promise((r) => setTimeout(r, 1500))); // a failure right after the step
    return true;
  } catch {
    return false;
  } finally {
    await run.stop();
  }
}

/** Smallest passing value in (lo, hi] to `step`, given lo fails and hi passes. */
async function bisect(lo: number, hi: number, step: number, passes: (v: number) => Promise<boolean>): Promise<number> {
  while (hi - lo > step) {
    const mid = Math.round((lo + hi) / 2 / step) * step;
    if (mid <= lo || mid >= hi) break;
    if (await passes(mid)) hi = mid; else lo = mid;
  }
  return hi;
}

export async function runPeak(sdk: Sdk, argv: readonly string[]): Promise<number> {
  let only: string[] | undefined;
  let display: number | undefined;
  let out = join(defaultOut(ROOT), 'peak');
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--verbose') { verbose = true; continue; }
    const v = argv[++i];
    if (v === undefined) { console.error(`${a} needs a value`); return 2; }
    if (a === '--only') only = v.split(',');
    else if (a === '--display') display = Number(v.replace(':', ''));
    else if (a === '--out') out = v;
    else { console.error(`unknown option ${a}`); return 2; }
  }
  if (!VirtualDisplay.available()) { console.error('needs Xvfb and stdbuf: apt-get install xvfb coreutils'); return 1; }
  await buildAll();
  const pki = makePki([['sim-agent', AGENT_ID], ['usp-ctl', CTL]]);
  const broker = await startMosquitto({ log: false });
  const d = await VirtualDisplay.start(display);
  const env: Env = { sdk, out, display: d.name, verbose, pki, broker };
  const lines: string[] = [];
  try {
    for (const s of SCENARIOS) {
      if (only !== undefined && !only.includes(s.name)) continue;
      if (!await trial(env, s, { heap: SPARE_SLOTS, chunk: SPARE_CHUNK, stack: 1024, static: 0 })) {
        lines.push(`${s.what}: does not run even in ${group(SPARE_SLOTS)} slots / ${group(SPARE_CHUNK)} B`);
        continue;
      }
      const slots = await bisect(1024, SPARE_SLOTS, 128, (heap) => trial(env, s, { heap, chunk: SPARE_CHUNK, stack: 1024, static: 0 }));
      const chunk = await bisect(16 * 1024, SPARE_CHUNK, 4096, (c) => trial(env, s, { heap: SPARE_SLOTS, chunk: c, stack: 1024, static: 0 }));
      const line = `${s.what}: peak ≤ ${group(slots)} slots (to 128), ≤ ${group(chunk)} B chunks (to 4 KiB)`;
      console.log(`peak| ${line}`);
      lines.push(line);
    }
  } finally {
    await d.stop();
    await broker.close();
  }
  for (const l of lines) console.log(`heap peak (Moddable simulator, smallest fixed heap that runs it): ${l}`);
  return 0;
}

async function main(): Promise<number> {
  const sdk = findSdk();
  if ('missing' in sdk) { console.log(`skipped: ${sdk.missing}`); return 0; }
  return runPeak(sdk, process.argv.slice(2));
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
