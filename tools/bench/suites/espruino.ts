/**
 * Bench suite `espruino` (issue #15): the agent in a Linux Espruino (the binary named
 * by $ESPRUINO; docs/espruino.md says how to build one with the ESP32's 16 383-variable
 * store), run from its flash Storage as an ESP32 runs it. Prints, in JsVar blocks (the
 * store's unit: 14 bytes on an ESP32, 18 on x86-64):
 * - the script: bytes, shim pieces;
 * - after load, then the parts one at a time: schema, data model, agent + MTP, and the
 *   total after boot (tools/bench/espruino-memory-entry.ts);
 * - the load cost of the largest modules (tools/espruino/load-cost.ts);
 * - a 100-request session of every kind of request (tools/espruino/session.ts): blocks
 *   after it, the growth per request after a warm-up, round-trip times.
 * An agent that runs out of memory is reported with the phase it reached.
 * $ESPRUINO_LARGE may name a second build with a larger store: the same figures are then
 * measured there too, so the whole breakdown is known when the ESP32 store is too small.
 * Times are the host's (x86-64, interpreted): an ESP32 at 240 MHz is ~10× slower.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from '../index.ts';
import { buildEspruinoBundle, ESPRUINO_ENTRY } from '../../build/espruino.ts';
import { ROOT } from '../../build/targets.ts';
import { espruinoBinary, ESPRUINO_SKIPPED } from '../../espruino/binary.ts';
import { loadCostByModule } from '../../espruino/load-cost.ts';
import { EspruinoAgent, freeUdpPort, installAgent } from '../../espruino/process.ts';
import { growthPerRequest, runSession } from '../../espruino/session.ts';
import { UspController } from '../../usp-ctl/controller.ts';

const ENTRY = join(ROOT, 'tools/bench/espruino-memory-entry.ts');
const AGENT_ID = 'os::0A1B2C-SIM000001';
const SESSION = 100;
const WARM_UP = 24;

interface Phase { readonly name: string; readonly blocks: number; readonly ms: number }

/** One Espruino with the agent installed in a fresh flash; `boot` runs after the control channel. */
async function launch(bin: string, script: string, boot: string, onLine: (line: string) => void): Promise<{ a: EspruinoAgent; dir: string; port: number; ctlPort: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-esp-bench-'));
  const port = await freeUdpPort();
  const ctlPort = await freeUdpPort();
  const board = JSON.parse(readFileSync(join(ROOT, 'boards/sim.json'), 'utf8')) as unknown;
  installAgent(bin, dir, script, {
    endpointId: AGENT_ID, board, serialNumber: 'SIM000001', softwareVersion: '0.1.0', host: '127.0.0.1', coapPort: port, coapPath: '/usp',
    controllers: [{ endpointId: 'self::usp-ctl', uri: `coap://127.0.0.1:${ctlPort}/usp` }], logLevel: 1, sim: true,
  });
  // Out of memory, Espruino 2v29 stops answering (or crashes): end it at once rather than wait.
  const a: EspruinoAgent = new EspruinoAgent({ bin, dir, boot, onLine(line) { onLine(line); if (/OUT OF MEMORY/.test(line)) a.child.kill(); } });
  return { a, dir, port, ctlPort };
}

/** The parts one at a time (espruino-memory-entry.ts phases()), in a process of their own. */
async function breakdown(bin: string, script: string): Promise<void> {
  const phases: Phase[] = [];
  const problems: string[] = [];
  const { a, dir } = await launch(bin, script, 'eval(require("Storage").read("tinyusp.js"));', (line) => {
    const m = /tinyusp phase (-?\d+) (\d+) (.*)$/.exec(line); // each phase as it ends (the agent may crash next)
    if (m !== null) phases.push({ blocks: Number(m[1]), ms: Number(m[2]), name: m[3]! });
    else if (/OUT OF MEMORY|rror|tinyusp failed/.test(line)) problems.push(line.trim());
  });
  try {
    await a.evaluate('(tinyusp.phases(), 0)', 120_000);
  } catch (e) {
    // Out of memory: Espruino 2v29 stops answering, or crashes (a NULL string in jsvAppendStringVar).
    console.log(`out of memory after: ${phases.map((p) => p.name).join(', ') || 'nothing'} (${problems[0] ?? String(e)})`);
  } finally {
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const by = (name: string): number => phases.find((p) => p.name === name)?.blocks ?? NaN;
  for (const p of phases) if (p.name !== 'after boot' && !p.name.endsWith('dropped')) console.log(`  ${p.name.padEnd(32)} ${String(p.blocks).padStart(6)} blocks  ${p.name === 'after load' ? '' : `${p.ms} ms`}`);
  const agentOnly = by('agent + MTP (startHostAgent)') - by('schema') - by('data model');
  if (!Number.isNaN(agentOnly)) console.log(`  ${'of which agent, CoAP, provisioning'.padEnd(32)} ${String(agentOnly).padStart(6)} blocks`);
}

/** A clean boot (the device's boot code) and the 100-request session. */
async function session(bin: string, script: string, total: number): Promise<void> {
  const problems: string[] = [];
  const { a, dir, port, ctlPort } = await launch(bin, script, 'eval(require("Storage").read("tinyusp.js"));', (line) => {
    if (/OUT OF MEMORY|rror|tinyusp failed/.test(line)) problems.push(line.trim());
  });
  let ctl: UspController | undefined;
  try {
    const load = (await a.evaluate<{ usage: number }>('tinyusp.memory()')).usage;
    console.log(`espruino after load: ${load} blocks (${total} in the store)`);
    let boot: number;
    try {
      const t0 = performance.now();
      boot = (await a.evaluate<{ usage: number }>('(tinyusp.start(), tinyusp.memory())', 120_000)).usage;
      console.log(`espruino after boot: ${boot} blocks (start() ${(performance.now() - t0).toFixed(0)} ms)`);
    } catch (e) {
      console.log(`espruino after boot: out of memory (${total} blocks) (${problems[0] ?? String(e)})`);
      return;
    }
    ctl = await UspController.open({ agentUri: `coap://127.0.0.1:${port}/usp`, agentId: AGENT_ID, endpointId: 'self::usp-ctl', port: ctlPort, timeoutMs: 30_000 });
    const r = await runSession(a, ctl, SESSION);
    const growth = growthPerRequest(r.blocks, WARM_UP);
    const after = r.blocks[r.blocks.length - 1]!;
    const tail = r.blocks.slice(WARM_UP);
    const sorted = [...r.ms].sort((x, y) => x - y);
    console.log(`session: ${SESSION} requests (${[...new Set(r.kinds)].join(', ')}), ${r.notifies} Notify received`);
    console.log(`blocks after request 1 / ${WARM_UP} / ${SESSION}: ${r.blocks[0]} / ${r.blocks[WARM_UP - 1]} / ${after}; after ${WARM_UP}: min ${Math.min(...tail)}, max ${Math.max(...tail)}`);
    console.log(`round trip (Node → Espruino → Node): median ${sorted[sorted.length >> 1]!.toFixed(0)} ms, p90 ${sorted[Math.floor(sorted.length * 0.9)]!.toFixed(0)} ms`);
    const perKind = new Map<string, number[]>();
    r.kinds.forEach((k, i) => perKind.set(k, [...(perKind.get(k) ?? []), r.ms[i]!]));
    console.log(`median per kind: ${[...perKind].map(([k, v]) => `${k} ${[...v].sort((x, y) => x - y)[v.length >> 1]!.toFixed(0)} ms`).join(', ')}`);
    console.log(`espruino after ${SESSION}-request session: ${after} blocks, ${growth.toFixed(2)} blocks/request after request ${WARM_UP} (${Math.abs(growth) < 1 ? 'flat' : 'GROWING'})`);
  } finally {
    ctl?.close();
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(bin: string, script: string): Promise<void> {
  const total = await storeSize(bin);
  console.log(`binary ${bin}: ${total} blocks in the store`);
  console.log('parts, built one at a time:');
  await breakdown(bin, script);
  await session(bin, script, total);
}

/** The store size of a binary (process.memory().total). */
async function storeSize(bin: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-esp-size-'));
  const a = new EspruinoAgent({ bin, dir, boot: '', onLine: () => undefined });
  try {
    return (await a.evaluate<{ total: number }>('process.memory()')).total;
  } finally {
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = {
  name: 'espruino',
  async run() {
    const bin = espruinoBinary();
    if (bin === undefined) { console.log(ESPRUINO_SKIPPED); return; }
    const b = await buildEspruinoBundle(ENTRY);
    const dir = mkdtempSync(join(tmpdir(), 'tinyusp-esp-script-'));
    const script = join(dir, 'tinyusp.js');
    writeFileSync(script, b.code);
    const agent = await buildEspruinoBundle(ESPRUINO_ENTRY);
    console.log(`script dist/espruino/tinyusp.js: ${Buffer.byteLength(agent.code)} B (agent ${agent.agentBytes} B, shim ${agent.shimBytes} B: ${agent.shimPieces.join(', ')}); the bench's adds phases()`);
    for (const which of [bin, process.env.ESPRUINO_LARGE].filter((x): x is string => x !== undefined && x !== '')) {
      console.log(`\n-- ${which === bin ? '$ESPRUINO' : '$ESPRUINO_LARGE'} --`);
      await measure(which, script);
    }
    const load = await loadCostByModule(process.env.ESPRUINO_LARGE || bin, ESPRUINO_ENTRY);
    console.log(`\nload cost by module (dist script, ${load.total} blocks after load; terser may fold a module's functions into its neighbour):`);
    for (const m of load.modules.slice(0, 12)) console.log(`  ${String(m.blocks).padStart(5)}  ${m.module}`);
    const byDir = new Map<string, number>();
    for (const m of load.modules) { const d = m.module.split('/').slice(0, 2).join('/'); byDir.set(d, (byDir.get(d) ?? 0) + m.blocks); }
    console.log(`  by folder: ${[...byDir].sort((x, y) => y[1] - x[1]).map(([d, n]) => `${d} ${n}`).join(', ')}`);
    rmSync(dir, { recursive: true, force: true });
  },
};
export default suite;
