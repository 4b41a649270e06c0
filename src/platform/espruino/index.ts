/**
 * The Espruino platform (an ESP32 running Espruino 2v29, and the Linux Espruino build
 * `npm run start:espruino` runs): the Platform port of platform/types.ts over
 * Espruino's globals and libraries.
 * - UDP: `dgram`, binary strings converted at the edge (udp.ts).
 * - Timers: `setTimeout`/`clearTimeout`.
 * - Clocks: `getTime()` is the system clock in seconds, which jumps when SNTP or
 *   `setTime()` sets it; `now()` follows it but never goes back (a backward jump is
 *   absorbed, a forward one only fires deadlines early, which the drivers tolerate).
 *   The wall clock counts as known after 2023-01-03, as on Moddable (R-MTP.2, R-SEC.19).
 * - Random: `E.hwRand()`, 32 bits from the hardware RNG (esp_random() on ESP32: RF
 *   noise while Wi-Fi runs). The Linux build's E.hwRand() is the C library's rand(),
 *   never seeded: the same numbers at every start (a restarted agent would reuse its
 *   CoAP message IDs and tokens, and a Controller would drop its answers as
 *   duplicates), so a Linux build reads /dev/urandom instead. Never Math.random.
 * - Storage: the flash file system (`require("Storage")`) behind the two-file atomic
 *   scheme (flash-store.ts), what an interrupted write left removed at start-up.
 * - Log: `console.log`, one line per event (stdout on Linux, the console UART on ESP32).
 * - Board: GPIO/ADC via digitalRead/Write, analogRead, setWatch (board-io.ts) when a
 *   board is given; none otherwise.
 * - No crypto port: DTLS is left out on Espruino (docs/decisions.md).
 */
import { LogLevel, type BoardIo, type KeyValueStore, type Logger, type Platform, type TimerHandle } from '../types.ts';
import { createFlashStore, type StorageLike } from './flash-store.ts';
import { openEspruinoUdp } from './udp.ts';

/** 2023-01-03: a later system time was set by SNTP or setTime() (the Moddable SDK's threshold). */
export const WALL_CLOCK_VALID_AFTER_MS = 1672722071000;

export interface EspruinoPlatformOptions {
  readonly logLevel?: LogLevel;
  readonly board?: BoardIo;
}

const LEVEL_NAMES = ['error', 'warn', 'info', 'debug'];

export function createConsoleLogger(level: LogLevel): Logger {
  const at = (l: LogLevel) => (message: string): void => {
    if (l <= level) console.log('tinyusp ' + LEVEL_NAMES[l] + ' ' + message);
  };
  return { level, error: at(LogLevel.Error), warn: at(LogLevel.Warn), info: at(LogLevel.Info), debug: at(LogLevel.Debug) };
}

/** Espruino's Storage library as the flash store wants it. */
export function espruinoStorage(): StorageLike {
  const s = require('Storage');
  return {
    read: (name, offset, length) => s.read(name, offset, length),
    write: (name, data) => s.write(name, data),
    erase(name) { s.erase(name); },
    list: () => s.list(),
    crc32: (data) => E.CRC32(data),
    toBytes: (data) => E.toUint8Array(data),
  };
}

/** Monotonic ms from the system clock: backward jumps are absorbed. */
function createMonotonicClock(): () => number {
  let last = getTime() * 1000;
  let offset = 0;
  return () => {
    const t = getTime() * 1000;
    if (t < last) offset += last - t;
    last = t;
    return t + offset;
  };
}

export function createEspruinoPlatform(options: EspruinoPlatformOptions): Platform {
  const log = createConsoleLogger(options.logLevel === undefined ? LogLevel.Info : options.logLevel);
  const store = createFlashStore(espruinoStorage());
  const removed = store.recover();
  if (removed > 0) log.warn('storage: removed ' + removed + ' files of an interrupted write');
  const storage: KeyValueStore = store;
  const random = new Int32Array(1);
  const randomBytes = new Uint8Array(random.buffer);
  const linux = process.env.BOARD.indexOf('LINUX') === 0;
  const platform: Platform = {
    name: 'espruino',
    now: createMonotonicClock(),
    wallClock() {
      const t = getTime() * 1000;
      return t > WALL_CLOCK_VALID_AFTER_MS ? t : undefined;
    },
    randomBytes(out) {
      if (linux) {
        const f = E.openFile('/dev/urandom', 'r');
        out.set(E.toUint8Array(f.read(out.length)));
        f.close();
        return;
      }
      for (let i = 0; i < out.length; i++) {
        if ((i & 3) === 0) random[0] = E.hwRand();
        out[i] = randomBytes[i & 3]!;
      }
    },
    setTimer(callback, ms): TimerHandle {
      return { id: setTimeout(callback, Math.max(0, ms)) };
    },
    clearTimer(timer) {
      clearTimeout(timer.id);
    },
    openUdp: openEspruinoUdp,
    storage,
    log,
  };
  if (options.board !== undefined) return { ...platform, board: options.board };
  return platform;
}

export { createEspruinoBoardIo } from './board-io.ts';
export { createFlashStore } from './flash-store.ts';
