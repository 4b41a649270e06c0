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

export function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
}
