/**
 * The one platform port (DESIGN.md "Layers"). Everything the sans-I/O cores need from
 * the outside world comes through these interfaces: datagrams, time, randomness,
 * key-value storage, logging and the board's I/O. Implementations live in
 * `platform/node` (host), `platform/moddable` (ESP32 + simulator) and
 * `platform/xs-host` (the XS engine on the host, via a bridge).
 *
 * Shapes follow ECMA-419 (STYLE.md §4, house rule 8): one options object at
 * creation, `onReadable(count)` notifies, `read()` pulls and returns `undefined`
 * when nothing is queued, `close()` is idempotent and no callback fires after it.
 *
 * Core layers import only types from here; they never call the port themselves —
 * the composition root feeds them bytes and `now`.
 */

import type { CryptoPort } from './crypto.ts';

/** Milliseconds on a monotonic clock with an arbitrary origin. Never goes back. */
export type Millis = number;

/** One received datagram. `data` is the platform's buffer: from here on, nothing is copied. */
export interface Datagram {
  readonly data: Uint8Array;
  readonly address: string;
  readonly port: number;
}

/**
 * Options and callbacks of one socket. The platform calls the callbacks as methods of
 * this object and must not copy them off it (`{ ...options }`, `const f = options.onReadable`):
 * the CoAP and DTLS drivers pass class instances whose callbacks live on the prototype
 * (no closure per socket: XS RAM on Moddable).
 */
export interface UdpOptions {
  /** Local port; 0 picks a free one. */
  readonly port: number;
  /** Local address to bind; undefined = all interfaces. */
  readonly address?: string;
  /** Called when `count` datagrams wait to be read. */
  readonly onReadable: (count: number) => void;
  /** Called once the socket is bound (Node binds asynchronously). */
  readonly onReady?: (port: number) => void;
  /** Called when the socket cannot be opened or bound (port taken…); the socket is unusable afterwards. */
  readonly onError?: (message: string) => void;
  /**
   * Called when a datagram written to address:port could not be sent after `write`
   * returned (its host name did not resolve, the network refused it). It concerns that
   * destination only: the socket stays usable (issue #16: never fatal).
   */
  readonly onWriteError?: (address: string, port: number, message: string) => void;
}

export interface UdpSocket {
  /** The next queued datagram, or undefined when none waits. */
  read(): Datagram | undefined;
  /**
   * Sends `data[start, end)` to address:port. Returns false if the platform refused it at
   * once (bad address or port); a failure found later goes to `onWriteError`. Never throws.
   */
  write(data: Uint8Array, start: number, end: number, address: string, port: number): boolean;
  /** Releases the socket. Idempotent; no callback runs afterwards. */
  close(): void;
}

/** A one-shot timer handle; the driver keeps a single timer re-armed to the cores' earliest deadline. */
export interface TimerHandle {
  readonly id: number;
}

/** Outcome of KeyValueStore.readText. */
export const TextRead = { Read: 0, Absent: 1, Malformed: 2 } as const;
export type TextRead = (typeof TextRead)[keyof typeof TextRead];

/**
 * Key-value storage with atomic replacement: after a crash or power cut, `get(key)`
 * returns either the old or the new value, never a torn one.
 *
 * Text values may also be streamed (`readText`/`writeText`, same atomicity), so a
 * device never holds a large value as one string: the Moddable store keeps each
 * piece in its own NVS entry. A store without them is used through
 * platform/store-text.ts, which reads and writes the value whole.
 */
export interface KeyValueStore {
  get(key: string): Uint8Array | undefined;
  /** Replaces the value atomically (write-new, then commit). */
  set(key: string, value: Uint8Array): void;
  delete(key: string): void;
  keys(): string[];
  /**
   * Hands the value of `key` (UTF-8 text) to `visit` in order, in pieces of whole
   * characters. Returns a TextRead code (Malformed: not UTF-8, or torn behind the store's back).
   */
  readText?(key: string, visit: (piece: string) => void): TextRead;
  /**
   * Replaces the value of `key` atomically by the text `source.next()` returns, piece
   * after piece, until it returns null. A source object, not a closure: the data model's
   * state write is the deepest point of a Set (XS stack, #13 item 3).
   */
  writeText?(key: string, source: TextSource): void;
}

/** The pieces of a text value to write (KeyValueStore.writeText). */
export interface TextSource {
  /** The next piece, or null at the end. */
  next(): string | null;
}

/** Log levels, most severe first; a logger prints levels <= its own. */
export const LogLevel = { Error: 0, Warn: 1, Info: 2, Debug: 3 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface Logger {
  readonly level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** Digital and analog pins of a board (embedded:io/digital, embedded:io/analog on Moddable). */
export interface BoardIo {
  readDigital(pin: number): boolean;
  writeDigital(pin: number, value: boolean): void;
  /** Analog reading scaled to 0..1. */
  readAnalog(pin: number): number;
  /** Called with the pin number when a watched digital input changes. */
  watchDigital(pin: number, onChange: (pin: number, value: boolean) => void): void;
}

export interface Platform {
  /** "node", "moddable", "xs-host". */
  readonly name: string;
  /** Monotonic milliseconds. */
  now(): Millis;
  /**
   * Wall-clock milliseconds since the Unix epoch, or undefined while absolute time is
   * unknown (no SNTP yet). Certificate dates are ignored until it is known (R-MTP.2, R-SEC.19).
   */
  wallClock(): number | undefined;
  /**
   * Fills `out` with cryptographically strong random bytes. Like `now` and `wallClock`,
   * must not depend on `this`: drivers hand these on as plain functions (a CoAP
   * RandomSource, a log limiter's clock), not wrapped in closures (≈ 11 XS slots of RAM
   * each, #13 item 3).
   */
  randomBytes(out: Uint8Array): void;
  /** Runs `callback` once after `ms`. */
  setTimer(callback: () => void, ms: Millis): TimerHandle;
  clearTimer(timer: TimerHandle): void;
  openUdp(options: UdpOptions): UdpSocket;
  readonly storage: KeyValueStore;
  readonly log: Logger;
  /** Crypto primitives for DTLS (platform/crypto.ts); a platform without native ones passes dtls/crypto/portable.ts. */
  readonly crypto?: CryptoPort;
  /** Present when the board has I/O the data model exposes (IoT capabilities). */
  readonly board?: BoardIo;
}
