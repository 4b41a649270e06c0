/**
 * WebSocket session retry (R-WS.19–21; TR-181 Controller.{i}.MTP.{i}.WebSocket.
 * SessionRetryMinimumWaitInterval m, seconds, default 5, and
 * SessionRetryIntervalMultiplier k, thousandths, default 2000): retry number n waits a
 * uniformly random time in [m·(k/1000)^(n−1), m·(k/1000)^n] seconds, n counted from 1
 * and held at 10 from the tenth retry on ("#10 and subsequent": 2560–5120 s with the
 * defaults). Deterministic given the random source; the power is a loop (no Math.pow
 * in the cores' style). R-WS.20/21: the count goes back to 0 when a session is
 * established and at every start (it lives in memory only).
 */

export interface SessionRetryConfig {
  /** SessionRetryMinimumWaitInterval, seconds (1..65535). */
  readonly minimumWaitS: number;
  /** SessionRetryIntervalMultiplier, thousandths (1000..65535). */
  readonly intervalMultiplier: number;
}

export const DEFAULT_SESSION_RETRY: SessionRetryConfig = Object.freeze({ minimumWaitS: 5, intervalMultiplier: 2000 });

/** The retry number from which the interval stops growing (R-WS.19 table: "#10 and subsequent"). */
export const MAX_RETRY_STEP = 10;

/** [low, high] of the wait before retry `count` (1-based), in seconds. */
export function sessionRetryRangeS(count: number, c: SessionRetryConfig): [number, number] {
  const n = Math.max(1, Math.min(count, MAX_RETRY_STEP));
  const k = c.intervalMultiplier / 1000;
  let low = c.minimumWaitS;
  for (let i = 1; i < n; i++) low *= k;
  return [low, low * k];
}

/** Wait before retry `count` (1-based), in ms; `random` returns [0, 1). */
export function sessionRetryDelayMs(count: number, c: SessionRetryConfig, random: () => number): number {
  const [low, high] = sessionRetryRangeS(count, c);
  return Math.floor((low + (high - low) * random()) * 1000);
}
