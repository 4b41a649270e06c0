/**
 * The one platform timer a driver loop keeps for a sans-I/O core (STYLE.md rule 7):
 * `arm(at)` follows the core's `pollTimeout()` (absolute monotonic ms, Infinity = idle),
 * re-arming only when the deadline changed; `onFire` runs once per expiry.
 *
 * A class rather than an object of closures: on Moddable its methods stay with the
 * preloaded code, and each timer costs its fields only (XS RAM; a driver loop runs one
 * per socket).
 */
import type { Platform, TimerHandle } from './types.ts';

/** What a deadline timer needs of the platform. */
export type DeadlineClock = Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>;

/** Who a deadline fires for, as an object's method: no closure kept (≈ 11 XS slots each, #13 item 3). */
export interface DeadlineListener {
  onDeadline(): void;
}

export interface DeadlineTimer {
  arm(at: number): void;
  cancel(): void;
}

class PlatformDeadlineTimer implements DeadlineTimer {
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;

  constructor(private readonly platform: DeadlineClock, private readonly onFire: DeadlineListener) {}

  arm(at: number): void {
    if (at === this.timerAt) return;
    this.cancel();
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = this.platform.setTimer(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.onFire.onDeadline();
    }, Math.max(0, at - this.platform.now()));
  }

  cancel(): void {
    if (this.timer !== null) { this.platform.clearTimer(this.timer); this.timer = null; }
    this.timerAt = Infinity;
  }
}

export function createDeadlineTimer(platform: DeadlineClock, onFire: DeadlineListener): DeadlineTimer {
  return new PlatformDeadlineTimer(platform, onFire);
}
