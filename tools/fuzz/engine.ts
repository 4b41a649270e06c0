/**
 * The fuzz loop (libFuzzer's shape, in JS): start from the seeds and the committed corpus,
 * mutate a random entry (mutate.ts), run the target, keep the mutant when it reached a
 * coverage counter no input reached before (coverage-map.ts; without instrumentation every
 * input is just run). Findings: a throw (stops the run), a table over the target's bound;
 * hangs are caught by the parent thread (index.ts) through `progress`, a shared buffer
 * holding the input being run and a counter. Heap growth is measured after GC.
 */
import { CoverageMap } from './coverage-map.ts';
import { Mutator } from './mutate.ts';
import { rng, type FuzzTarget } from './target.ts';

export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  readonly corpus: readonly Uint8Array[];
  /** Int32 [0] = inputs run, [1] = length of the input running; bytes from offset 8. */
  readonly progress?: SharedArrayBuffer;
  readonly onProgress?: (runs: number, covered: number) => void;
}

export interface FuzzResult {
  readonly runs: number;
  readonly ms: number;
  readonly finding: { readonly kind: 'throw' | 'size'; readonly input: Uint8Array; readonly message: string } | null;
  /** Inputs that reached new coverage (the corpus to keep). */
  readonly fresh: Uint8Array[];
  readonly covered: number;
  readonly counters: number;
  readonly coverage: { statements: number; branches: number; files: number } | null;
  readonly maxSize: number;
  /** Heap used after GC early in the run and at its end (bytes; NaN without --expose-gc). */
  readonly heapEarly: number;
  readonly heapEnd: number;
}

/** Inputs run between two novelty checks. */
const BATCH = 64;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return NaN;
  gc();
  return process.memoryUsage().heapUsed;
}

export function fuzz(target: FuzzTarget, o: FuzzOptions): FuzzResult {
  const cov = CoverageMap.current();
  const next = rng(o.seed);
  const mutator = new Mutator(next, target.dictionary ?? []);
  const queue: Uint8Array[] = [];
  const fresh: Uint8Array[] = [];
  const counter = o.progress === undefined ? null : new Int32Array(o.progress, 0, 2);
  const shared = o.progress === undefined ? null : new Uint8Array(o.progress, 8);
  let maxSize = 0;
  let heapEarly = NaN;
  const t0 = performance.now();
  let runs = 0;
  const exec = (input: Uint8Array): FuzzResult['finding'] => {
    if (counter !== null && shared !== null) {
      const n = Math.min(input.length, shared.length);
      shared.set(input.subarray(0, n));
      Atomics.store(counter, 1, n);
      Atomics.store(counter, 0, runs);
    }
    try {
      target.run(input);
    } catch (e) {
      return { kind: 'throw', input, message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    runs++;
    return null;
  };
  const check = (input: Uint8Array): FuzzResult['finding'] => {
    if (target.size === undefined) return null;
    const s = target.size();
    if (s > maxSize) maxSize = s;
    return target.maxSize !== undefined && s > target.maxSize ? { kind: 'size', input, message: `size ${s} > ${target.maxSize}` } : null;
  };
  const result = (finding: FuzzResult['finding']): FuzzResult => ({
    runs, ms: performance.now() - t0, finding, fresh, covered: cov?.covered ?? 0, counters: cov?.total ?? 0,
    coverage: cov === null ? null : cov.report(target.files), maxSize, heapEarly, heapEnd: heapAfterGc(),
  });
  for (const s of [...target.seeds(), ...o.corpus]) {
    const f = exec(s) ?? check(s);
    if (f !== null) return result(f);
    cov?.takeNew();
    queue.push(s);
  }
  if (queue.length === 0) queue.push(new Uint8Array(0));
  // Novelty is checked once per batch (a scan of the counters still at zero costs more
  // than most inputs); when a batch reached something new, its counters are re-armed and
  // the batch re-run input by input to find who reached them (libFuzzer keeps the input
  // that adds coverage; so does this, a batch later).
  const batch: Uint8Array[] = [];
  const settle = (): FuzzResult['finding'] => {
    const hit = cov === null ? [] : cov.takeNew();
    if (hit.length > 0) {
      for (const input of batch) {
        CoverageMap.rearm(hit);
        const f = exec(input);
        if (f !== null) return f;
        runs--; // a replay, not a new input
        if (CoverageMap.reached(hit) > 0) { queue.push(input); fresh.push(input); }
      }
    }
    batch.length = 0;
    return null;
  };
  while (runs < o.runs) {
    const parent = queue[next() % queue.length]!;
    const input = mutator.mutate(parent, queue[next() % queue.length]!);
    const f = exec(input);
    if (f !== null) return result(f);
    if (cov !== null) {
      batch.push(input);
      if (batch.length === BATCH) { const g = settle(); if (g !== null) return result(g); }
    }
    if ((runs & 0x3fff) === 0) {
      const g = check(input);
      if (g !== null) return result(g);
      if (Number.isNaN(heapEarly) && runs >= o.runs / 10) heapEarly = heapAfterGc();
      o.onProgress?.(runs, cov?.covered ?? 0);
    }
  }
  const last = settle();
  if (last !== null) return result(last);
  return result(check(new Uint8Array(0)));
}
