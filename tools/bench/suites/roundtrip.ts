/**
 * USP round trips over loopback against a real host agent process: Get
 * `Device.DeviceInfo.` from usp-ctl's controller (CON POST → 2.04, the agent's
 * GetResp as a new CON POST to our reply-to → 2.04), first one controller at a
 * time, then 8 controllers concurrently (each its own CoAP endpoint and Endpoint ID).
 * Reports requests/s, median and p99 latency, and the agent's resident memory. The
 * agent runs from the production bundle (dist/node/tinyusp.js, built here), as
 * `node dist/node/tinyusp.js` would run it on a host.
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
    const args = [node.outfile, '--coap-port', String(agentPort), '--log-level', 'error',
      '--state', mkdtempSync(join(tmpdir(), 'tinyusp-bench-')), ...ctls.flatMap((c) => ['--controller', `${c.endpointId}=${c.uri}`])];
    const agent = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        agent.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('ready')) resolve(); });
        agent.once('exit', (code) => reject(new Error(`agent exited (${code})`)));
      });
      const rssIdle = rssMiB(agent.pid!);
      await getLoop(ctls[0]!, performance.now() + 1000, []); // warm-up (JIT)
      const figures: [string, number, number[], number][] = [];
      for (const [name, n] of [['sequential', 1], [`${CONTROLLERS} controllers`, CONTROLLERS]] as const) {
        const lat: number[] = [];
        const t0 = performance.now();
        await Promise.all(ctls.slice(0, n).map((c) => getLoop(c, t0 + SECONDS * 1000, lat)));
        figures.push([name, lat.length / ((performance.now() - t0) / 1000), lat.sort((a, b) => a - b), rssMiB(agent.pid!)]);
      }
      console.log('| run | requests/s | p50 | p99 | agent RSS after |');
      console.log('|---|---|---|---|---|');
      for (const [name, rate, lat, rss] of figures) {
        console.log(`| ${name} | ${rate.toFixed(0)} | ${percentile(lat, 0.5).toFixed(2)} ms | ${percentile(lat, 0.99).toFixed(2)} ms | ${rss.toFixed(0)} MiB |`);
      }
      for (const [name, rate, lat] of figures) {
        console.log(`roundtrip ${name}: ${rate.toFixed(0)} req/s, p50 ${percentile(lat, 0.5).toFixed(2)} ms, p99 ${percentile(lat, 0.99).toFixed(2)} ms`);
      }
      console.log(`agent RSS: ${rssIdle.toFixed(0)} MiB idle, ${figures[figures.length - 1]![3].toFixed(0)} MiB after the runs (node ${node.outfile.slice(ROOT.length + 1)})`);
    } finally {
      for (const c of ctls) c.close();
      agent.kill('SIGTERM');
    }
  },
};
export default suite;
