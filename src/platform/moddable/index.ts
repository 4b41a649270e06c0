/**
 * The Moddable platform (ESP32 and the Moddable simulator): the Platform port of
 * platform/types.ts over the SDK's modules.
 * - UDP: ECMA-419 `embedded:io/socket/udp` (udp.ts).
 * - Timers: `timer` (Timer.set one-shot).
 * - Clocks: `time` ticks (monotonic, unwrapped) and Date.now once SNTP set it (clock.ts).
 * - Random: tinyusp's native `tinyusp/random` (esp_fill_random / getrandom), never
 *   Math.random or the SDK's RC4 `rng` (native/random.js says why).
 * - Crypto (DTLS): crypto.ts over the SDK's native crypt, made on first use (its curve
 *   objects cost heap only when coaps runs).
 * - Storage: `preference` behind the two-slot atomic scheme (two-slot-store.ts),
 *   garbage from an interrupted write removed at start-up.
 * - Log: `trace`, one line per event.
 * - Board: whatever `tinyusp/board-io` the manifest maps for the platform (GPIO on
 *   ESP32, the in-memory sim board in the simulator), created by the caller.
 * Trap (MODDABLE.md): this module imports `preference`, so it must never be
 * preloaded — on the simulator the Preference cache would be built at build time
 * and every later save would fail silently.
 */
import Preference from 'preference';
import Time from 'time';
import Timer, { type TimerId } from 'timer';
import { fillRandom } from 'tinyusp/random';
import { LogLevel, type BoardIo, type Logger, type Platform, type TimerHandle } from '../types.ts';
import type { CryptoPort } from '../crypto.ts';
import { createMonotonicClock, wallClockFrom } from './clock.ts';
import { createModdableCrypto } from 'tinyusp/crypto';
import { createTwoSlotStore } from './two-slot-store.ts';
import { openModdableUdp } from './udp.ts';

/** Preference domain of every tinyusp entry (≤ 15 chars, NVS). */
export const STORAGE_DOMAIN = 'tinyusp';

export interface ModdablePlatformOptions {
  readonly logLevel?: LogLevel;
  readonly board?: BoardIo;
}

const LEVEL_NAMES = ['error', 'warn', 'info', 'debug'] as const;

export function createTraceLogger(level: LogLevel): Logger {
  const at = (l: LogLevel) => (message: string): void => {
    if (l <= level) trace(`tinyusp ${LEVEL_NAMES[l]} ${message}\n`);
  };
  return { level, error: at(LogLevel.Error), warn: at(LogLevel.Warn), info: at(LogLevel.Info), debug: at(LogLevel.Debug) };
}

export function createModdablePlatform(options: ModdablePlatformOptions = {}): Platform {
  const log = createTraceLogger(options.logLevel ?? LogLevel.Info);
  const storage = createTwoSlotStore({ preference: Preference, domain: STORAGE_DOMAIN });
  const removed = storage.recover();
  if (removed > 0) log.warn(`storage: removed ${removed} entries of an interrupted write`);
  const timers = new Map<number, TimerId>();
  let nextTimer = 1;
  // The native side writes through the view (xsmcGetBufferWritable honours offsets).
  const randomBytes = (out: Uint8Array): void => { fillRandom(out); };
  let crypto: CryptoPort | undefined;
  return {
    name: 'moddable',
    now: createMonotonicClock(() => Time.ticks),
    wallClock: () => wallClockFrom(Date.now()),
    randomBytes,
    get crypto(): CryptoPort {
      crypto ??= createModdableCrypto(randomBytes);
      return crypto;
    },
    setTimer(callback, ms): TimerHandle {
      const id = nextTimer++;
      timers.set(id, Timer.set(() => { timers.delete(id); callback(); }, Math.max(0, ms)));
      return { id };
    },
    clearTimer(timer) {
      const t = timers.get(timer.id);
      if (t !== undefined) { Timer.clear(t); timers.delete(timer.id); }
    },
    openUdp: openModdableUdp,
    storage,
    log,
    ...(options.board ? { board: options.board } : {}),
  };
}

export { openModdableUdp } from './udp.ts';
export { createModdableCrypto } from 'tinyusp/crypto';
export { createTwoSlotStore, type PreferenceLike } from './two-slot-store.ts';
export { createMonotonicClock, wallClockFrom, WALL_CLOCK_VALID_AFTER_MS } from './clock.ts';
