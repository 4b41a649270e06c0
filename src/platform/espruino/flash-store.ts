/**
 * Atomic key-value storage over Espruino's flash file system (`require("Storage")`):
 * the KeyValueStore contract of platform/types.ts — after a power cut at any point,
 * `get(key)` returns the old or the new value, never a torn one.
 *
 * What it works within (Espruino 2v29, src/jsflash.c): `Storage.write(name, data)`
 * writes a file header and then the data, so a cut can leave a file whose contents are
 * partly unwritten (0xFF); `Storage.erase(name)` marks one file deleted. Neither step
 * covers two files, so, as the Moddable two-slot store does over NVS, this store never
 * overwrites a live file: it writes a fresh one and then removes the old.
 *
 * Scheme, for a logical key K (≤ KEY_MAX characters), two files `kv.K.a` and `kv.K.b`
 * (no ':' in the second place: Espruino reads "u:…" as a drive letter),
 * each `crc32 u32 | generation u32 | length u32 | value` (little-endian); the CRC-32
 * covers everything after itself, so a torn file never passes for a valid one. The
 * value of K is the valid file with the highest generation.
 * - set: erase the other file, write it with generation + 1 (its last byte written is
 *   the commit point), then erase the old one.
 * - delete: erase the older file (if a cut left two), then the current one (the commit
 *   point).
 * - recover() at start-up erases what an interrupted set or delete left: invalid files
 *   and superseded ones.
 *
 * Values cross into flash as binary strings (one char per byte), the form Storage and
 * E.CRC32 take; `Storage.read` hands back a string that points into flash, so
 * validating a file copies nothing. Pure logic over a tiny StorageLike, so Node tests
 * can cut the power between any two flash writes (test/platform/espruino/flash-store.test.ts).
 */
import type { KeyValueStore } from '../types.ts';

/** The four calls of Espruino's Storage library the store makes, plus its CRC. */
export interface StorageLike {
  /** The file (or `length` bytes of it from `offset`) as a binary string; undefined when absent. */
  read(name: string, offset?: number, length?: number): string | undefined;
  write(name: string, data: Uint8Array): boolean;
  /** Removes a file; nothing happens when it is absent. */
  erase(name: string): void;
  list(): string[];
  /** CRC-32 (zlib polynomial) of a binary string or bytes: E.CRC32 on Espruino. */
  crc32(data: string | Uint8Array): number;
  /** A binary string as bytes: E.toUint8Array on Espruino (one copy, out of flash). */
  toBytes(data: string): Uint8Array;
}

const PREFIX = 'kv.';
const SLOTS = ['a', 'b'];
const HEADER_BYTES = 12;
/** Espruino 2v29 file names are at most 28 characters: 28 − "kv." − ".a". */
export const KEY_MAX = 23;

function u32At(s: string, at: number): number {
  return (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
}

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

/** A slot's file that passed its CRC: generation and value length. */
interface Slot { readonly generation: number; readonly length: number }

function isKeyChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f || c === 0x2d || c === 0x2e; // 0-9 A-Z a-z _ - .
}

/** True for a logical key the store accepts: 1..23 of [A-Za-z0-9_.-]. */
export function isFlashKey(key: string): boolean {
  if (key.length < 1 || key.length > KEY_MAX) return false;
  for (let i = 0; i < key.length; i++) if (!isKeyChar(key.charCodeAt(i))) return false;
  return true;
}

export function createFlashStore(storage: StorageLike): KeyValueStore & { recover(): number } {
  const fileOf = (key: string, slot: number): string => PREFIX + key + '.' + SLOTS[slot];

  const checkKey = (key: string): void => {
    if (!isFlashKey(key)) throw new RangeError('invalid storage key: ' + key + ' (1..' + KEY_MAX + ' of [A-Za-z0-9_.-])');
  };

  /** The slot's header if its file is whole (length and CRC agree), else undefined. */
  const readSlot = (key: string, slot: number): Slot | undefined => {
    const name = fileOf(key, slot);
    const head = storage.read(name, 0, HEADER_BYTES);
    if (head === undefined || head.length !== HEADER_BYTES) return undefined;
    const length = u32At(head, 8);
    const rest = storage.read(name, 4);
    if (rest === undefined || rest.length !== HEADER_BYTES - 4 + length) return undefined;
    if (storage.crc32(rest) >>> 0 !== u32At(head, 0)) return undefined;
    return { generation: u32At(head, 4), length };
  };

  /** Index of the current slot (-1: none), with the other slot's state. */
  const current = (key: string): { slot: number; head: Slot | undefined; other: Slot | undefined } => {
    const a = readSlot(key, 0);
    const b = readSlot(key, 1);
    if (a === undefined && b === undefined) return { slot: -1, head: undefined, other: undefined };
    if (b === undefined || (a !== undefined && a.generation > b.generation)) return { slot: 0, head: a, other: b };
    return { slot: 1, head: b, other: a };
  };

  const erase = (key: string, slot: number): void => { storage.erase(fileOf(key, slot)); };

  /** Calls `visit` for each slot file of ours: its name, its key, and whether it holds the key's current value. */
  const eachSlotFile = (visit: (name: string, key: string, live: boolean) => void): void => {
    const names = storage.list();
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (name.indexOf(PREFIX) !== 0 || name.length < PREFIX.length + 3) continue;
      const key = name.slice(PREFIX.length, name.length - 2);
      const c = current(key);
      visit(name, key, c.slot >= 0 && name === fileOf(key, c.slot));
    }
  };

  return {
    get(key: string): Uint8Array | undefined {
      checkKey(key);
      const c = current(key);
      if (c.head === undefined) return undefined;
      if (c.head.length === 0) return new Uint8Array(0);
      const value = storage.read(fileOf(key, c.slot), HEADER_BYTES, c.head.length);
      return value === undefined ? undefined : storage.toBytes(value);
    },

    set(key: string, value: Uint8Array): void {
      checkKey(key);
      const c = current(key);
      const target = c.slot === 0 ? 1 : 0;
      erase(key, target);
      const file = new Uint8Array(HEADER_BYTES + value.length);
      putU32(file, 4, c.head === undefined ? 1 : c.head.generation + 1);
      putU32(file, 8, value.length);
      file.set(value, HEADER_BYTES);
      putU32(file, 0, storage.crc32(file.subarray(4)) >>> 0);
      if (!storage.write(fileOf(key, target), file)) {
        throw new RangeError('flash storage refused ' + key + ' (' + value.length + ' B): full?');
      }
      if (c.slot >= 0) erase(key, c.slot); // the new file is whole: the old one goes
    },

    delete(key: string): void {
      checkKey(key);
      const c = current(key);
      if (c.slot < 0) { erase(key, 0); erase(key, 1); return; }
      erase(key, 1 - c.slot); // an older value a cut left behind goes first
      erase(key, c.slot); // commit point
    },

    keys(): string[] {
      const out: string[] = [];
      eachSlotFile((_name, key, live) => { if (live && out.indexOf(key) < 0) out.push(key); });
      return out;
    },

    /** Erases invalid and superseded slot files; returns how many. Run once at start-up. */
    recover(): number {
      let removed = 0;
      eachSlotFile((name, _key, live) => { if (!live) { storage.erase(name); removed++; } });
      return removed;
    },
  };
}
