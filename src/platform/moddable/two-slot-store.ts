/**
 * Atomic key-value storage over Moddable's `Preference` (ESP32 NVS, the simulator's
 * JSON file): the KeyValueStore contract of platform/types.ts — after a power cut at
 * any point, `get(key)` returns the old or the new value, never a torn one.
 *
 * What it works within (SDK 8.2.3: documentation/files/files.md "class Preference",
 * modules/files/preference/esp32/modPreference.c):
 * - NVS keys and domains are at most 15 characters, a value at most 4000 bytes;
 * - writing or erasing one NVS entry is atomic, but Moddable's `Preference.set`
 *   first ERASES the key and then writes it (an ESP-IDF type-change workaround), so
 *   overwriting a key is two steps: a cut between them loses the old value. This
 *   store therefore never overwrites a live entry — it only writes fresh keys and
 *   deletes keys.
 *
 * Scheme, for a logical key K (≤ 12 characters), two slots s ∈ {a, b}:
 * - chunks `K:s0`, `K:s1`, … hold a slot's value in pieces of ≤ CHUNK_BYTES (base-36
 *   index, so ≤ 36 chunks); the header `K:s` (8 bytes: generation u32, length u32,
 *   little-endian) marks the slot valid. The value of K is the valid slot with the
 *   highest generation.
 * - set: clear the other slot (header first), write its chunks, then its header with
 *   generation + 1 — that fresh write is the commit point — then clear the old slot
 *   (header first).
 * - delete: remove the older header (if a crash left two), then the current one —
 *   that is the commit point — then the chunks. Removing the current header first
 *   would let the older value resurface after a cut.
 * - Chunks of a slot without a valid header, or beyond its length, are garbage:
 *   never read, removed by `recover()` at start-up.
 *
 * Pure logic over a tiny PreferenceLike, so Node tests can cut the power between any
 * two Preference operations, modelling set as erase + write
 * (test/platform/moddable/two-slot-store.test.ts).
 */
import type { KeyValueStore } from '../types.ts';

/** The values Moddable's Preference stores. */
export type PreferenceValue = boolean | number | string | ArrayBuffer;

/** The four static methods of Moddable's `preference` module that the store uses. */
export interface PreferenceLike {
  get(domain: string, key: string): PreferenceValue | undefined;
  set(domain: string, key: string, value: PreferenceValue): void;
  delete(domain: string, key: string): void;
  keys(domain: string): string[];
}

/** NVS limit per value (SDK documentation/files/files.md, "class Preference"). */
export const CHUNK_BYTES = 4000;
/** NVS limit on key and domain names. */
export const NVS_NAME_MAX = 15;
/** Logical key length: 15 − ':' − slot letter − chunk digit. */
export const KEY_MAX = NVS_NAME_MAX - 3;
/** Chunk indices are one base-36 digit. */
export const MAX_CHUNKS = 36;
export const MAX_VALUE_BYTES = CHUNK_BYTES * MAX_CHUNKS;

const SLOTS = ['a', 'b'] as const;
const SEPARATOR = ':';
const HEADER_BYTES = 8;

export interface TwoSlotStoreConfig {
  readonly preference: PreferenceLike;
  /** Preference domain (≤ 15 characters). */
  readonly domain: string;
  /** Bytes per NVS entry; CHUNK_BYTES unless a test wants small chunks. */
  readonly chunkBytes?: number;
}

function isKeyChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f || c === 0x2d || c === 0x2e; // 0-9 A-Z a-z _ - .
}

/** True for a logical key the store accepts: 1..12 of [A-Za-z0-9_.-]. */
export function isStoreKey(key: string): boolean {
  if (key.length < 1 || key.length > KEY_MAX) return false;
  for (let i = 0; i < key.length; i++) if (!isKeyChar(key.charCodeAt(i))) return false;
  return true;
}

const headerName = (key: string, slot: number): string => key + SEPARATOR + SLOTS[slot];
const chunkName = (key: string, slot: number, index: number): string => headerName(key, slot) + index.toString(36);

interface Header { readonly generation: number; readonly length: number }

function encodeHeader(generation: number, length: number): ArrayBuffer {
  const b = new ArrayBuffer(HEADER_BYTES);
  const v = new DataView(b);
  v.setUint32(0, generation, true);
  v.setUint32(4, length, true);
  return b;
}

export function createTwoSlotStore(config: TwoSlotStoreConfig): KeyValueStore & { recover(): number } {
  const pref = config.preference;
  const domain = config.domain;
  const chunkBytes = config.chunkBytes ?? CHUNK_BYTES;
  if (domain.length < 1 || domain.length > NVS_NAME_MAX) throw new RangeError('preference domain must be 1..15 chars');
  if (!(chunkBytes >= 1 && chunkBytes <= CHUNK_BYTES)) throw new RangeError('chunkBytes must be 1..4000');
  const maxValue = chunkBytes * MAX_CHUNKS;

  const checkKey = (key: string): void => {
    if (!isStoreKey(key)) throw new RangeError(`invalid storage key: ${key} (1..${KEY_MAX} of [A-Za-z0-9_.-])`);
  };

  const readHeader = (key: string, slot: number): Header | undefined => {
    const v = pref.get(domain, headerName(key, slot));
    if (!(v instanceof ArrayBuffer) || v.byteLength !== HEADER_BYTES) return undefined;
    const d = new DataView(v);
    const length = d.getUint32(4, true);
    return length <= maxValue ? { generation: d.getUint32(0, true), length } : undefined;
  };

  /** The slot holding the current value (highest valid generation), or -1. */
  const currentSlot = (key: string): { slot: number; header: Header | undefined; other: Header | undefined } => {
    const a = readHeader(key, 0);
    const b = readHeader(key, 1);
    if (a === undefined && b === undefined) return { slot: -1, header: undefined, other: undefined };
    if (b === undefined || (a !== undefined && a.generation > b.generation)) return { slot: 0, header: a, other: b };
    return { slot: 1, header: b, other: a };
  };

  /** Removes a slot: header first (it stops being valid at once), then its chunks, highest first. */
  const clearSlot = (key: string, slot: number): void => {
    pref.delete(domain, headerName(key, slot));
    let count = 0;
    while (count < MAX_CHUNKS && pref.get(domain, chunkName(key, slot, count)) !== undefined) count++;
    for (let i = count - 1; i >= 0; i--) pref.delete(domain, chunkName(key, slot, i));
  };

  return {
    get(key: string): Uint8Array | undefined {
      checkKey(key);
      const { slot, header } = currentSlot(key);
      if (header === undefined) return undefined;
      const out = new Uint8Array(header.length);
      for (let i = 0, offset = 0; offset < header.length; i++, offset += chunkBytes) {
        const chunk = pref.get(domain, chunkName(key, slot, i));
        const want = Math.min(chunkBytes, header.length - offset);
        // A missing or resized chunk means the entries were changed behind our back.
        if (!(chunk instanceof ArrayBuffer) || chunk.byteLength !== want) return undefined;
        out.set(new Uint8Array(chunk), offset);
      }
      return out;
    },

    set(key: string, value: Uint8Array): void {
      checkKey(key);
      if (value.length > maxValue) throw new RangeError(`value of ${value.length} B exceeds ${maxValue} B`);
      const { slot, header } = currentSlot(key);
      const target = slot === 0 ? 1 : 0;
      clearSlot(key, target);
      for (let i = 0, offset = 0; offset < value.length; i++, offset += chunkBytes) {
        // A fresh ArrayBuffer per chunk: Preference stores whole ArrayBuffers.
        pref.set(domain, chunkName(key, target, i), value.slice(offset, Math.min(offset + chunkBytes, value.length)).buffer);
      }
      pref.set(domain, headerName(key, target), encodeHeader((header?.generation ?? 0) + 1, value.length)); // commit point
      if (slot >= 0) clearSlot(key, slot);
    },

    delete(key: string): void {
      checkKey(key);
      const { slot } = currentSlot(key);
      if (slot >= 0) clearSlot(key, 1 - slot); // an older value left by a cut goes first
      if (slot >= 0) pref.delete(domain, headerName(key, slot)); // commit point
      clearSlot(key, 0);
      clearSlot(key, 1);
    },

    keys(): string[] {
      const out: string[] = [];
      for (const name of pref.keys(domain)) {
        const sep = name.indexOf(SEPARATOR);
        // Headers are `K:a` / `K:b`; list K once, from the slot that is current.
        if (sep < 0 || name.length !== sep + 2) continue;
        const key = name.slice(0, sep);
        const { slot } = currentSlot(key);
        if (slot >= 0 && name.charAt(sep + 1) === SLOTS[slot]) out.push(key);
      }
      return out;
    },

    /**
     * Removes what an interrupted set or delete left behind: a superseded slot, chunks
     * of slots without a valid header and chunks beyond a slot's length. Run once at
     * start-up; returns how many entries it deleted.
     */
    recover(): number {
      let removed = 0;
      for (const name of pref.keys(domain)) {
        const sep = name.indexOf(SEPARATOR);
        if (sep < 0) continue;
        const key = name.slice(0, sep);
        const slot = SLOTS.indexOf(name.charAt(sep + 1) as 'a' | 'b');
        const current = currentSlot(key);
        const isHeader = name.length === sep + 2;
        let live = slot >= 0 && slot === current.slot;
        if (live && !isHeader) live = parseInt(name.slice(sep + 2), 36) * chunkBytes < current.header!.length;
        if (!live) {
          pref.delete(domain, name);
          removed++;
        }
      }
      return removed;
    },
  };
}
