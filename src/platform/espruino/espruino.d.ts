/**
 * Hand-written ambient typings for the Espruino 2v29 globals and modules that
 * platform/espruino and src/main/espruino.ts use — only those (Espruino's reference,
 * espruino.com/Reference; checked against the interpreter, /work ESPRUINO.md).
 * Type-checked by ./tsconfig.json, without Node's types (Node's `require` would clash).
 */

/** Espruino's own functions (the `E` object). */
declare const E: {
  /** A binary string (one char per byte) as bytes. */
  toUint8Array(data: string): Uint8Array;
  /** Bytes as a binary string; what `dgram` and `Storage` take. */
  toString(data: Uint8Array): string;
  /** 32 random bits from the hardware RNG (esp_random on ESP32). */
  hwRand(): number;
  /** JsVar blocks used by `v` (and what it references, to `depth`). */
  getSizeOf(v: unknown, depth?: number): number;
  /** CRC-32 (the zlib polynomial) of a string or bytes. */
  CRC32(data: string | Uint8Array): number;
  /** A file of the host (Linux build) or SD card; read() gives a binary string. */
  openFile(path: string, mode: 'r' | 'w' | 'a'): { read(length: number): string; close(): void };
};

/** Seconds (with fractions) on the system clock; jumps when `setTime()` is called (SNTP). */
declare function getTime(): number;
declare function setTimeout(callback: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function print(...text: unknown[]): void;

declare const console: { log(...text: unknown[]): void };

/** Board pins (ESP32: D0…D39). `pin` is a number or a Pin object. */
declare function digitalRead(pin: number): number;
declare function digitalWrite(pin: number, value: number | boolean): void;
/** 0..1 of the ADC's full scale. */
declare function analogRead(pin: number): number;
declare function pinMode(pin: number, mode: 'input' | 'input_pullup' | 'input_pulldown' | 'output' | 'analog'): void;
declare function setWatch(
  callback: (e: { state: boolean; time: number; lastTime: number }) => void,
  pin: number,
  options: { repeat: boolean; edge: 'rising' | 'falling' | 'both'; debounce?: number },
): number;

declare const process: { memory(gc?: boolean): EspruinoMemory; readonly env: { readonly VERSION: string; readonly BOARD: string } };

interface EspruinoMemory {
  readonly free: number;
  readonly usage: number;
  readonly total: number;
  readonly history: number;
}

interface EspruinoRinfo { readonly address: string; readonly port: number; readonly size?: number }

interface EspruinoDgramSocket {
  on(event: 'message', listener: (msg: string, rinfo: EspruinoRinfo) => void): void;
  on(event: 'close' | 'error', listener: (arg: unknown) => void): void;
  bind(port: number, onBound?: () => void): EspruinoDgramSocket;
  send(msg: string, port: number, address: string): void;
  close(): void;
}

/** The flash file system (Storage library): files of up to the free space, names ≤ 28 chars. */
interface EspruinoStorage {
  /** The file as a string that points into flash (nothing copied), or undefined. */
  read(name: string, offset?: number, length?: number): string | undefined;
  /** Writes a file; with `offset` and `size`, writes a part of a file `size` bytes long. */
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  /** The file parsed as JSON; undefined when absent (or unparsable, with noExceptions). */
  readJSON(name: string, noExceptions?: boolean): unknown;
  erase(name: string): void;
  list(pattern?: RegExp): string[];
  getFree(): number;
}

declare function require(name: 'dgram'): { createSocket(type: 'udp4'): EspruinoDgramSocket };
declare function require(name: 'Storage'): EspruinoStorage;
