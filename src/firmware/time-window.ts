/**
 * Activate() TimeWindow.{i}. (TR-181, tr-181-2-usp.xml): offsets in seconds after the
 * invocation, at most 5 windows that must not overlap (a later Start ≥ the earlier End).
 * When the agent switches, per Mode:
 * - Immediately: at the window's Start;
 * - AnyTime: at its Start too (the earliest moment it may);
 * - WhenIdle: at the first moment in the window with no other operation running, checked
 *   every second (the agent has no other notion of "interruption of service");
 * - ConfirmationNeeded: this device has no user to ask, so such a window is never used
 *   (TR-181: "If confirmation is not received, this time window MUST NOT be used").
 * No TimeWindow at all: at once (lenient; TR-181 says minEntries 1).
 */

export const ActivationMode = { AnyTime: 'AnyTime', Immediately: 'Immediately', WhenIdle: 'WhenIdle', ConfirmationNeeded: 'ConfirmationNeeded' } as const;

export interface TimeWindow {
  readonly start: number;
  readonly end: number;
  readonly mode: string;
}

export const MAX_TIME_WINDOWS = 5;

/** The windows of checked Activate() input ("TimeWindow.<n>.Start"…), in order, or why they are invalid. */
export function parseTimeWindows(input: ReadonlyMap<string, string>): TimeWindow[] | string {
  const numbers: number[] = [];
  for (const k of input.keys()) {
    const m = /^TimeWindow\.([0-9]+)\.Start$/.exec(k);
    if (m !== null) numbers.push(Number(m[1]));
  }
  numbers.sort((a, b) => a - b);
  if (numbers.length > MAX_TIME_WINDOWS) return `at most ${MAX_TIME_WINDOWS} TimeWindow instances`;
  const out: TimeWindow[] = [];
  for (const n of numbers) {
    const start = Number(input.get(`TimeWindow.${n}.Start`));
    const end = Number(input.get(`TimeWindow.${n}.End`));
    const mode = input.get(`TimeWindow.${n}.Mode`) ?? '';
    if (end < start) return `TimeWindow.${n}: End is before Start`;
    const prev = out[out.length - 1];
    if (prev !== undefined && start < prev.end) return `TimeWindow.${n} overlaps the window before it`;
    out.push({ start, end, mode });
  }
  return out;
}

/**
 * The next moment (ms on the monotonic clock) to try activating, given the invocation
 * time, the windows and `now`; Infinity when no usable window is left.
 */
export function nextActivation(invokedAt: number, windows: readonly TimeWindow[], now: number): number {
  if (windows.length === 0) return now;
  for (const w of windows) {
    if (w.mode === ActivationMode.ConfirmationNeeded) continue;
    const start = invokedAt + w.start * 1000;
    const end = invokedAt + w.end * 1000;
    if (now > end) continue;
    return Math.max(start, now);
  }
  return Infinity;
}

/** The window `now` falls in (null outside every usable one). */
export function windowAt(invokedAt: number, windows: readonly TimeWindow[], now: number): TimeWindow | null {
  for (const w of windows) {
    if (w.mode === ActivationMode.ConfirmationNeeded) continue;
    if (now >= invokedAt + w.start * 1000 && now <= invokedAt + w.end * 1000) return w;
  }
  return null;
}
