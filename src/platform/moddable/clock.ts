/**
 * Clocks for the Moddable platform.
 * - Monotonic: `Time.ticks` is milliseconds since boot in a 32-bit counter that
 *   wraps (~49.7 days); `createMonotonicClock` unwraps it into a never-decreasing
 *   number, as the cores require (STYLE.md §6). It must be read at least once per
 *   wrap period, which the agent's timers guarantee.
 * - Wall clock: `Date.now()` on ESP32 starts near 1970 and becomes real once
 *   setup/network has set it from SNTP (Time.set); the simulator uses the host's
 *   clock. Like the SDK's setup/network, a date after WALL_CLOCK_VALID_AFTER_MS is
 *   taken as known; before, wallClock() is undefined (R-MTP.2, R-SEC.19: certificate
 *   dates are not checked while time is unknown).
 */

/** 2023-01-03, the threshold the SDK's setup/network uses to skip SNTP. */
export const WALL_CLOCK_VALID_AFTER_MS = 1672722071000;
const TICKS_WRAP = 2 ** 32;

export function createMonotonicClock(ticks: () => number): () => number {
  let last = ticks();
  let elapsed = 0;
  return () => {
    const t = ticks();
    let d = t - last;
    if (d < 0) d += TICKS_WRAP;
    last = t;
    elapsed += d;
    return elapsed;
  };
}

export function wallClockFrom(dateNow: number): number | undefined {
  return dateNow > WALL_CLOCK_VALID_AFTER_MS ? dateNow : undefined;
}
