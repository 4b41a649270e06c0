/**
 * Notification retry back-off (TR-369 R-NOT.1–4, AGENT-REQUIREMENTS §1.12, §4 item 10).
 *
 * Retry n (1-based) waits a uniformly random time in
 *   [m · (k/1000)^(n−1), m · (k/1000)^n] seconds,
 * m = Controller.{i}.USPNotifRetryMinimumWaitInterval (default 5 s),
 * k = Controller.{i}.USPNotifRetryIntervalMultiplier (default 2000, i.e. ×2.0).
 * From the 10th retry on the 10th range is used (R-NOT.2). Randomness is injected.
 */

/** R-NOT.2: the interval stops growing at the 10th retry. */
export const MAX_RETRY_EXPONENT = 10;
/** R-NOT.1 factory defaults. */
export const DEFAULT_MIN_WAIT_S = 5;
export const DEFAULT_MULTIPLIER = 2000;

/** Wait before retry `n` (≥ 1) in ms; `random` is uniform in [0, 1). */
export function retryDelayMs(n: number, minWaitS: number, multiplier: number, random: () => number): number {
  const e = n < 1 ? 1 : n > MAX_RETRY_EXPONENT ? MAX_RETRY_EXPONENT : n;
  const k = multiplier / 1000;
  const lo = minWaitS * Math.pow(k, e - 1);
  const hi = minWaitS * Math.pow(k, e);
  return Math.round((lo + (hi - lo) * random()) * 1000);
}
