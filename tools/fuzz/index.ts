/**
 * `npm run fuzz -- <target…|all> [--runs N] [--seed S] [--plain] [--save]`: coverage-guided
 * fuzzing of tinyusp's parsers and state machines (docs/testing.md#fuzzing). Each target
 * runs in a worker thread from an esbuild bundle whose src/ files are instrumented
 * (instrument.ts); `--plain` skips instrumentation (faster, blind). The parent stops a
 * worker whose input has not returned for 10 s (a hang). Findings — a throw, a hang, a
 * table past its bound, heap growth over 16 MiB — are written to tools/fuzz/findings/ and
 * make the exit code 1. `--save` appends the inputs that reached new coverage to the
 * committed corpus (tools/fuzz/corpus/<target>.hex).
 */
import { build } from 'esbuild';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../build/targets.ts';
import { instrumentPlugin } from './instrument.ts';
import { CORPUS_DIR, readCorpus, toHex } from './corpus-file.ts';
import type { FuzzResult } from './engine.ts';
import { TARGET_NAMES } from './targets/index.ts';

const HANG_MS = 10_000;
const GROWTH_BYTES = 16 * 2 ** 20;

interface Args { targets: string[]; runs: number; seed: number; plain: boolean; save: boolean }

function parse(argv: readonly string[]): Args | string {
  const a: Args = { targets: [], runs: 1_000_000, seed: 1, plain: false, save: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '--runs') a.runs = Number(argv[++i]);
    else if (x === '--seed') a.seed = Number(argv[++i]);
    else if (x === '--plain') a.plain = true;
    else if (x === '--save') a.save = true;
    else if (x === 'all') a.targets.push(...TARGET_NAMES);
    else if (TARGET_NAMES.includes(x)) a.targets.push(x);
    else return `unknown target or option ${x} (targets: ${TARGET_NAMES.join(', ')}, all)`;
  }
  if (a.targets.length === 0) return `name a target: ${TARGET_NAMES.join(', ')}, or all`;
  if (!(a.runs > 0) || !Number.isInteger(a.seed)) return '--runs and --seed take integers';
  return a;
}

/** The worker for one target, bundled alone (so only the code it reaches is instrumented and scanned). */
async function bundle(target: string, plain: boolean): Promise<string> {
  const dir = join(tmpdir(), `tinyusp-fuzz-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `${target}-entry.ts`);
  writeFileSync(entry, `import create from ${JSON.stringify(join(ROOT, 'tools/fuzz/targets', `${target}.ts`))};\n`
    + `import { runWorker } from ${JSON.stringify(join(ROOT, 'tools/fuzz/worker.ts'))};\nrunWorker(create);\n`);
  const outfile = join(dir, `${target}${plain ? '-plain' : ''}.mjs`);
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'es2022', nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'warning', plugins: plain ? [] : [instrumentPlugin(ROOT, join(ROOT, 'src') + '/')],
  });
  return outfile;
}

type Outcome = { result: FuzzResult } | { hang: Uint8Array; runs: number };

function runOne(file: string, target: string, a: Args): Promise<Outcome> {
  const progress = new SharedArrayBuffer(8 + 4096);
  const counter = new Int32Array(progress, 0, 2);
  const w = new Worker(file, { workerData: { runs: a.runs, seed: a.seed, corpus: readCorpus(target), progress } });
  return new Promise((resolve, reject) => {
    let last = -1;
    let still = 0;
    const dog = setInterval(() => {
      const n = Atomics.load(counter, 0);
      still = n === last ? still + 1000 : 0;
      last = n;
      if (still < HANG_MS) return;
      clearInterval(dog);
      const len = Atomics.load(counter, 1);
      const input = new Uint8Array(progress, 8, len).slice();
      void w.terminate().then(() => resolve({ hang: input, runs: n }));
    }, 1000);
    w.on('message', (m: { progress?: number; covered?: number; result?: FuzzResult }) => {
      if (m.result !== undefined) { clearInterval(dog); resolve({ result: m.result }); }
    });
    w.on('error', (e) => { clearInterval(dog); reject(e); });
  });
}

function finding(target: string, kind: string, input: Uint8Array, message: string): void {
  const dir = join(ROOT, 'tools', 'fuzz', 'findings');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${target}-${kind}.hex`);
  writeFileSync(file, `# ${message.split('\n').join('\n# ')}\n${toHex(input)}\n`);
  console.log(`fuzz ${target}: FINDING (${kind}) — input in ${file.slice(ROOT.length + 1)}\n${message}`);
}

async function main(): Promise<number> {
  const a = parse(process.argv.slice(2));
  if (typeof a === 'string') { console.error(`fuzz: ${a}`); return 2; }
  let bad = 0;
  for (const t of a.targets) {
    const o = await runOne(await bundle(t, a.plain), t, a);
    if ('hang' in o) { finding(t, 'hang', o.hang, `no return within ${HANG_MS / 1000} s after ${o.runs} inputs`); bad++; continue; }
    const r = o.result;
    if (r.finding !== null) { finding(t, r.finding.kind, r.finding.input, r.finding.message); bad++; continue; }
    const growth = r.heapEnd - r.heapEarly;
    const cov = r.coverage === null ? 'coverage: not instrumented (--plain)'
      : `coverage of its ${r.coverage.files} files: statements ${r.coverage.statements.toFixed(1)} %, branches ${r.coverage.branches.toFixed(1)} % (${r.covered}/${r.counters} counters reached in all)`;
    console.log(`fuzz ${t}: ${r.runs} inputs in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.runs / (r.ms / 1000))}/s), 0 throws, 0 hangs; `
      + `table size ≤ ${r.maxSize}; heap ${(r.heapEarly / 2 ** 20).toFixed(1)} → ${(r.heapEnd / 2 ** 20).toFixed(1)} MiB; ${cov}; ${r.fresh.length} new corpus inputs`);
    if (growth > GROWTH_BYTES) { finding(t, 'growth', new Uint8Array(0), `heap grew ${(growth / 2 ** 20).toFixed(1)} MiB`); bad++; }
    if (a.save && r.fresh.length > 0) {
      appendFileSync(join(CORPUS_DIR, `${t}.hex`), r.fresh.filter((x) => x.length <= 2048).map((x) => toHex(x) + '\n').join(''));
    }
  }
  return bad === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e: unknown) => { console.error(e); process.exit(1); });
