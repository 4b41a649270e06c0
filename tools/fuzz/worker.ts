/**
 * One fuzz run in a worker thread (index.ts bundles, and instruments, one entry per target
 * that calls runWorker with the target's factory): the parent can stop it when it hangs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz } from './engine.ts';
import type { FuzzTarget } from './target.ts';

export function runWorker(create: () => FuzzTarget): void {
  const d = workerData as { runs: number; seed: number; corpus: Uint8Array[]; progress: SharedArrayBuffer };
  const result = fuzz(create(), {
    runs: d.runs, seed: d.seed, corpus: d.corpus, progress: d.progress,
    onProgress: (runs, covered) => parentPort!.postMessage({ progress: runs, covered }),
  });
  parentPort!.postMessage({ result });
}
