/** Timing loops for Node-side benchmarks: run for a fixed wall time, report ops/s. */

/** Calls `fn` in batches until `ms` elapse (after a warm-up); returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000, batch = 1000): number {
  const warmEnd = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warmEnd) for (let i = 0; i < batch; i++) fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/**
 * Like opsPerSecond, but `loop(n)` runs n operations itself. Each candidate then has its
 * own monomorphic loop: with one shared `fn()` call site, V8 stops inlining once several
 * candidates went through it, which penalises the fastest one most.
 */
export function loopOpsPerSecond(loop: (n: number) => void, ms = 1000, n = 1000): number {
  const warmEnd = performance.now() + Math.min(200, ms / 4);
  while (performance.now() < warmEnd) loop(n);
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    loop(n);
    ops += n;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

export function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}
