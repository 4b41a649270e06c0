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
 * - Storage: the SDK's `preference` (passed in by the app's main) behind the two-slot
 *   atomic scheme (two-slot-store.ts), garbage from an interrupted write removed at start-up.
 * - Log: `trace`, one line per event.
 * - Board: whatever `tinyusp/board-io` the manifest maps for the platform (GPIO on
 *   ESP32, the in-memory sim board in the simulator), created by the caller.
 * Preloaded (manifest.json `tinyusp/platform`): its code and prototypes sit in flash. It
 * must not import `preference` (MODDABLE.md trap: preloading the simulator's Preference
 * builds its cache at build time and every later save fails silently), so the main
 * module imports it and passes it in.
 */
import Time from 'time';
import Timer, { type TimerId } from 'timer';
import { fillRandom } from 'tinyusp/random';
import { LogLevel, type BoardIo, type Logger, type Platform, type TimerHandle } from '../types.ts';
import type { CryptoPort } from '../crypto.ts';
import { createMonotonicClock, wallClockFrom } from './clock.ts';
import { createModdableCrypto } from 'tinyusp/crypto';
import { createTwoSlotStore, type PreferenceLike } from './two-slot-store.ts';
import { openModdableUdp } from './udp.ts';

/** Preference domain of every tinyusp entry (≤ 15 chars, NVS). */
export const STORAGE_DOMAIN = 'tinyusp';

export interface ModdablePlatformOptions {
  /** The SDK's `preference` module (its default export). */
  readonly preference: PreferenceLike;
  readonly logLevel?: LogLevel;
  readonly board?: BoardIo;
}

const LEVEL_NAMES = ['error', 'warn', 'info', 'debug'] as const;

/** Log lines through `trace` (a class: its methods are shared, not closures per logger). */
class TraceLogger implements Logger {
  constructor(readonly level: LogLevel) {}
  private line(l: LogLevel, message: string): void {
    if (l <= this.level) trace(`tinyusp ${LEVEL_NAMES[l]} ${message}\n`);
  }
  error(message: string): void { this.line(LogLevel.Error, message); }
  warn(message: string): void { this.line(LogLevel.Warn, message); }
  info(message: string): void { this.line(LogLevel.Info, message); }
  debug(message: string): void { this.line(LogLevel.Debug, message); }
}

export function createTraceLogger(level: LogLevel): Logger {
  return new TraceLogger(level);
}

// One platform per app: its timers and clock are module state, and its methods module
// functions (no closure per method in RAM; in flash when the module is preloaded).
let timers: Map<number, TimerId> | null = null; // built at run time: never an object of the preloaded module
let nextTimer = 1;
/** The native-crypt port, made when DTLS first asks for it. */
let cryptoPort: CryptoPort | undefined;
const ticks = (): number => Time.ticks;

function wallClockNow(): number | undefined {
  return wallClockFrom(Date.now());
}

function setTimer(callback: () => void, ms: number): TimerHandle {
  const id = nextTimer++;
  const live = timers ?? (timers = new Map());
  live.set(id, Timer.set(() => { live.delete(id); callback(); }, Math.max(0, ms)));
  return { id };
}

function clearTimer(timer: TimerHandle): void {
  const t = timers?.get(timer.id);
  if (t !== undefined) { Timer.clear(t); timers!.delete(timer.id); }
}

export function createModdablePlatform(options: ModdablePlatformOptions): Platform {
  const log = createTraceLogger(options.logLevel ?? LogLevel.Info);
  const storage = createTwoSlotStore({ preference: options.preference, domain: STORAGE_DOMAIN });
  const removed = storage.recover();
  if (removed > 0) log.warn(`storage: removed ${removed} entries of an interrupted write`);
  return {
    // The native side writes through the view (xsmcGetBufferWritable honours offsets).
    name: 'moddable', now: createMonotonicClock(ticks), wallClock: wallClockNow, randomBytes: fillRandom, setTimer, clearTimer,
    get crypto(): CryptoPort {
      cryptoPort ??= createModdableCrypto(fillRandom);
      return cryptoPort;
    },
    openUdp: openModdableUdp, storage, log,
    ...(options.board ? { board: options.board } : {}),
  };
}

export { openModdableUdp } from './udp.ts';
export { createModdableCrypto } from 'tinyusp/crypto';
export { createTwoSlotStore, type PreferenceLike } from './two-slot-store.ts';
export { createMonotonicClock, wallClockFrom, WALL_CLOCK_VALID_AFTER_MS } from './clock.ts';
