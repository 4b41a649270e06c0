/**
 * One flood/soak run (issue #16): an agent — the production Node bundle as a process, or
 * the start:xs bundle inside the real XS engine — on loopback, a real Controller
 * (tools/usp-ctl) doing Gets back to back, and the attackers of attackers.ts from
 * 127.0.0.2… at fixed rates. Every `sampleS` seconds: the Controller's latencies in that
 * window, the agent's resident memory (VmRSS of the agent process / of xsnap-worker) and,
 * in XS, the live slots after a full GC. Used by `npm run soak` and, short, by CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { loadBoard } from '../../src/config/host-setup.ts';
import type { XsAgentConfig } from '../../src/main/xs-agent.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { LogLevel } from '../../src/platform/types.ts';
import { createXsHostBridge } from '../../src/platform/xs-host/host.ts';
import { getMsg } from '../../src/usp/index.ts';
import { ROOT, TARGETS } from '../build/targets.ts';
import { UspController } from '../usp-ctl/controller.ts';
import { bundleForXs, XsWorker } from '../xs/index.ts';
import { Attacker, type AttackKind, type AttackStats } from './attackers.ts';

export const AGENT_ID = 'os::0A1B2C-SIM000001';
const CONTROLLER_ID = 'self::soak';

export interface SoakOptions {
  readonly seconds: number;
  readonly xs: boolean;
  /** Datagrams per second per attack kind. */
  readonly rate: number;
  readonly sampleS: number;
  /** Seconds of Controller traffic before the attackers start (the baseline). */
  readonly baselineS: number;
  readonly onSample?: (s: Sample) => void;
}

export interface Sample {
  readonly t: number;
  readonly requests: number;
  readonly failures: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly rssMiB: number;
  /** XS only: live slots after GC, less one per xs-host bridge evaluation (the simulation's, not the agent's). */
  readonly slots: number;
  readonly flooding: boolean;
}

export interface SoakResult {
  readonly samples: Sample[];
  readonly attacks: Map<AttackKind, AttackStats>;
  readonly agentLog: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? NaN : Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

export interface RunningAgent { readonly pid: number | undefined; slots(): Promise<number>; log(): string; stop(): Promise<void> }

async function startNodeAgent(port: number, coapsPort: number, ctlUri: string): Promise<RunningAgent> {
  const node = TARGETS.find((t) => t.name === 'node')!;
  await build({ ...node.options, entryPoints: [node.entry], outfile: node.outfile });
  const p: ChildProcess = spawn(process.execPath, [node.outfile, '--coap-port', String(port), '--coaps-port', String(coapsPort),
    '--psk', `soak:${'11'.repeat(16)}`, '--controller', `${CONTROLLER_ID}=${ctlUri}`, '--log-level', 'warn',
    '--state', mkdtempSync(join(tmpdir(), 'tinyusp-soak-'))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  p.stderr!.on('data', (d: Buffer) => { log = (log + d.toString()).slice(-20_000); });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('ready')) resolve(); });
    p.once('exit', (code) => reject(new Error(`agent exited (${code}):\n${log}`)));
  });
  return {
    pid: p.pid, slots: () => Promise.resolve(NaN), log: () => log,
    stop: () => new Promise((resolve) => { if (p.exitCode !== null) { resolve(); return; } p.once('exit', () => resolve()); p.kill('SIGTERM'); }),
  };
}

export async function startXsAgent(port: number, ctlUri: string): Promise<RunningAgent> {
  const board = loadBoard('sim');
  if (typeof board === 'string') throw new Error(board);
  let log = '';
  const platform = createNodePlatform({ stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-soak-xs-')), logger: {
    level: LogLevel.Warn, error: (m) => { log += m + '\n'; }, warn: (m) => { log = (log + m + '\n').slice(-20_000); }, info: () => {}, debug: () => {},
  } });
  const bridge = createXsHostBridge({ platform, onError: (e) => { log += `XS: ${String(e)}\n`; } });
  let ready = false;
  const worker = XsWorker.start({ onCommand: (req) => bridge.handleCommand(req), onPrint: (t) => { if (t.includes('tinyusp ready')) ready = true; } });
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs-agent.ts')), 'tinyusp');
  const config: XsAgentConfig = {
    endpointId: AGENT_ID, board, serialNumber: 'SIM000001', softwareVersion: '0.1.0', host: '127.0.0.1', coapPort: port, coapPath: '/usp',
    controllers: [{ endpointId: CONTROLLER_ID, uri: ctlUri }], logLevel: LogLevel.Warn,
  };
  await worker.evaluate(`tinyusp.start(${JSON.stringify(JSON.stringify(config))})`);
  bridge.attach((code) => worker.evaluate(code));
  for (let i = 0; i < 500 && !ready; i++) await new Promise((r) => setTimeout(r, 20));
  if (!ready) throw new Error(`XS agent not ready:\n${log}`);
  return {
    // Less one slot per bridge evaluation: xsnap keeps each evaluated script's record (host.ts).
    pid: worker.pid, slots: async () => (await worker.heapAfterGc()) - bridge.evaluations, log: () => log,
    stop: async () => { await worker.evaluate('tinyusp.stop()').catch(() => undefined); bridge.close(); worker.close(); },
  };
}

export async function soak(o: SoakOptions): Promise<SoakResult> {
  const port = await freePort();
  const coapsPort = await freePort();
  const ctl = await UspController.open({ agentUri: `coap://127.0.0.1:${port}/usp`, agentId: AGENT_ID, endpointId: CONTROLLER_ID, timeoutMs: 5000 });
  const agent = o.xs ? await startXsAgent(port, ctl.uri) : await startNodeAgent(port, coapsPort, ctl.uri);
  const kinds: AttackKind[] = o.xs ? ['garbage', 'block1', 'spoof'] : ['garbage', 'block1', 'spoof', 'dtls'];
  const attackers = kinds.map((kind, i) => new Attacker({
    kind, rate: kind === 'dtls' ? Math.max(1, o.rate / 10) : o.rate, from: `127.0.0.${2 + i}`, port: kind === 'dtls' ? coapsPort : port,
    agentId: AGENT_ID, knownId: CONTROLLER_ID, seed: 17 + i,
  }));
  const samples: Sample[] = [];
  let lat: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const m = await ctl.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.SerialNumber'] }));
        if (m.body?.response?.get_resp === undefined) failures++;
        else lat.push(performance.now() - t0);
      } catch {
        failures++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const start = performance.now();
  let flooding = false;
  try {
    for (let t = o.sampleS; t <= o.seconds + 1e-9; t += o.sampleS) {
      if (!flooding && t > o.baselineS) { flooding = true; for (const a of attackers) await a.start(); }
      await new Promise((r) => setTimeout(r, Math.max(0, start + t * 1000 - performance.now())));
      const sorted = lat.sort((a, b) => a - b);
      const s: Sample = {
        t, requests: sorted.length, failures, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN,
        rssMiB: rssMiB(agent.pid), slots: await agent.slots(), flooding,
      };
      lat = [];
      failures = 0;
      samples.push(s);
      o.onSample?.(s);
    }
  } finally {
    running = false;
    for (const a of attackers) a.stop();
    await loop;
    ctl.close();
    await agent.stop();
  }
  return { samples, attacks: new Map(kinds.map((k, i) => [k, attackers[i]!.stats])), agentLog: agent.log() };
}
