/** Round-trip measurement shared by the round-trip suites: Get Device.DeviceInfo. in a loop, latency percentiles. */
import { performance } from 'node:perf_hooks';
import { getMsg } from '../../src/usp/index.ts';
import type { UspController } from '../usp-ctl/controller.ts';

/** The p-quantile (0..1) of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/** Get Device.DeviceInfo. on one controller until `until`; each latency (ms) is pushed to `lat`. */
export async function getLoop(c: UspController, until: number, lat: number[]): Promise<void> {
  while (performance.now() < until) {
    const t0 = performance.now();
    const m = await c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.'] }));
    lat.push(performance.now() - t0);
    if (m.body?.response?.resp_type !== 'get_resp') throw new Error('unexpected answer');
  }
}

/** `n` Gets of Device.DeviceInfo. (max_depth 0) one after another; their latencies (ms), ascending. */
export async function sequentialGetLatencies(c: UspController, n: number): Promise<number[]> {
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.'], max_depth: 0 }));
    lat.push(performance.now() - t0);
  }
  return lat.sort((a, b) => a - b);
}
