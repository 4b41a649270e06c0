/**
 * USP round trips over loopback against a real host agent process: Get
 * `Device.DeviceInfo.` from usp-ctl's controller (CON POST → 2.04, the agent's
 * GetResp as a new CON POST to our reply-to → 2.04), first one controller at a
 * time, then 8 controllers concurrently (each its own CoAP endpoint and Endpoint ID).
 * Reports requests/s, median and p99 latency, and the agent's resident memory. The
 * agent runs from the production bundle (dist/node/tinyusp.js, built here), as
 * `node dist/node/tinyusp.js` would run it on a host.
 *
 * Side by side (`npm run bench -- roundtrip --baseline <git rev>`): the same loops against
 * this tree's agent and <rev>'s (baseline.ts), alternately, BENCH_ROUNDS times each (4), and
 * the ratio of the medians — machine load moves both alike.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { ROOT, TARGETS } from '../../build/targets.ts';
import { UspController } from '../../usp-ctl/controller.ts';
import type { BenchSuite } from '../index.ts';
import { getLoop, percentile } from '../get-loop.ts';
import { buildBaselineAgent } from '../baseline.ts';

const AGENT_ID = 'os::0A1B2C-SIM000001';
const CONTROLLERS = 8;
const SECONDS = 3;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

interface Figures { rate: number; lat: number[]; rss: number }

/** Starts the agent from `bundle` on `agentPort`, runs the sequential and the 8-controller loops, stops it. */
async function measure(bundle: string, agentPort: number, ctls: UspController[]): Promise<{ idle: number; runs: [string, Figures][] }> {
  const args = [bundle, '--coap-port', String(agentPort), '--log-level', 'error',
    '--state', mkdtempSync(join(tmpdir(), 'tinyusp-bench-')), ...ctls.flatMap((c) => ['--controller', `${c.endpointId}=${c.uri}`])];
  const agent = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      agent.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('ready')) resolve(); });
      agent.once('exit', (code) => reject(new Error(`agent exited (${code})`)));
    });
    const idle = rssMiB(agent.pid!);
    await getLoop(ctls[0]!, performance.now() + 1000, []); // warm-up (JIT)
    const runs: [string, Figures][] = [];
    for (const [name, n] of [['sequential', 1], [`${CONTROLLERS} controllers`, CONTROLLERS]] as const) {
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(ctls.slice(0, n).map((c) => getLoop(c, t0 + SECONDS * 1000, lat)));
      runs.push([name, { rate: lat.length / ((performance.now() - t0) / 1000), lat: lat.sort((a, b) => a - b), rss: rssMiB(agent.pid!) }]);
    }
    return { idle, runs };
  } finally {
    agent.kill('SIGTERM');
    await new Promise((r) => agent.once('exit', r));
  }
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const suite: BenchSuite = {
  name: 'roundtrip',
  async run() {
    const agentPort = await freePort();
    const agentUri = `coap://127.0.0.1:${agentPort}/usp`;
    const ctls: UspController[] = [];
    for (let i = 0; i < CONTROLLERS; i++) {
      ctls.push(await UspController.open({ agentUri, agentId: AGENT_ID, endpointId: `self::bench-${i}`, timeoutMs: 10_000 }));
    }
    const node = TARGETS.find((t) => t.name === 'node')!;
    await build({ ...node.options, entryPoints: [node.entry], outfile: node.outfile });
    const baselineRev = process.env.BENCH_BASELINE;
    try {
      if (baselineRev === undefined || baselineRev === '') {
        const { idle, runs } = await measure(node.outfile, agentPort, ctls);
        console.log('| run | requests/s | p50 | p99 | agent RSS after |');
        console.log('|---|---|---|---|---|');
        for (const [name, f] of runs) {
          console.log(`| ${name} | ${f.rate.toFixed(0)} | ${percentile(f.lat, 0.5).toFixed(2)} ms | ${percentile(f.lat, 0.99).toFixed(2)} ms | ${f.rss.toFixed(0)} MiB |`);
        }
        for (const [name, f] of runs) {
          console.log(`roundtrip ${name}: ${f.rate.toFixed(0)} req/s, p50 ${percentile(f.lat, 0.5).toFixed(2)} ms, p99 ${percentile(f.lat, 0.99).toFixed(2)} ms`);
        }
        console.log(`agent RSS: ${idle.toFixed(0)} MiB idle, ${runs[runs.length - 1]![1].rss.toFixed(0)} MiB after the runs (node ${node.outfile.slice(ROOT.length + 1)})`);
        return;
      }
      // Side by side: this tree and <rev>, alternately (ABBA…), ROUNDS times each; medians compared.
      const baseline = await buildBaselineAgent(baselineRev);
      const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
      const got = new Map<string, Map<string, Figures[]>>([['this tree', new Map()], [baselineRev, new Map()]]);
      for (let r = 0; r < rounds; r++) {
        const order: [string, string][] = r % 2 === 0 ? [['this tree', node.outfile], [baselineRev, baseline]] : [[baselineRev, baseline], ['this tree', node.outfile]];
        for (const [label, bundle] of order) {
          const { runs } = await measure(bundle, agentPort, ctls);
          for (const [name, f] of runs) {
            const m = got.get(label)!;
            m.set(name, [...(m.get(name) ?? []), f]);
          }
        }
      }
      console.log(`| run | bundle | requests/s (median of ${rounds}) | p50 | p99 |`);
      console.log('|---|---|---|---|---|');
      for (const name of got.get('this tree')!.keys()) {
        for (const label of got.keys()) {
          const fs = got.get(label)!.get(name)!;
          console.log(`| ${name} | ${label} | ${median(fs.map((f) => f.rate)).toFixed(0)} (${fs.map((f) => f.rate.toFixed(0)).join(', ')}) | ${median(fs.map((f) => percentile(f.lat, 0.5))).toFixed(2)} ms | ${median(fs.map((f) => percentile(f.lat, 0.99))).toFixed(2)} ms |`);
        }
      }
      for (const name of got.get('this tree')!.keys()) {
        const a = median(got.get('this tree')!.get(name)!.map((f) => f.rate));
        const b = median(got.get(baselineRev)!.get(name)!.map((f) => f.rate));
        console.log(`roundtrip ${name}: this tree / ${baselineRev} = ${(a / b).toFixed(3)} (${a.toFixed(0)} vs ${b.toFixed(0)} req/s, medians of ${rounds} alternating runs)`);
      }
    } finally {
      for (const c of ctls) c.close();
    }
  },
};
export default suite;
