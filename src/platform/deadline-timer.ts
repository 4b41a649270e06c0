/**
 * The one platform timer a driver loop keeps for a sans-I/O core (STYLE.md rule 7):
 * `arm(at)` follows the core's `pollTimeout()` (absolute monotonic ms, Infinity = idle),
 * re-arming only when the deadline changed; `onFire` runs once per expiry.
 */
import type { Platform, TimerHandle } from './types.ts';

export interface DeadlineTimer {
  arm(at: number): void;
  cancel(): void;
}

export function createDeadlineTimer(platform: Platform, onFire: () => void): DeadlineTimer {
  let timer: TimerHandle | null = null;
  let timerAt = Infinity;
  const cancel = (): void => {
    if (timer !== null) { platform.clearTimer(timer); timer = null; }
    timerAt = Infinity;
  };
  return {
    arm(at) {
      if (at === timerAt) return;
      cancel();
      timerAt = at;
      if (at === Infinity) return;
      timer = platform.setTimer(() => {
        timer = null;
        timerAt = Infinity;
        onFire();
      }, Math.max(0, at - platform.now()));
    },
    cancel,
  };
}
