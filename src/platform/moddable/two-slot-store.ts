/**
 * Atomic key-value storage over Moddable's `Preference` (ESP32 NVS, the simulator's
 * JSON file): the KeyValueStore contract of platform/types.ts — after a power cut at
 * any point, `get(key)` returns the old or the new value, never a torn one.
 *
 * Limits it works within (MODDABLE.md "Preference", SDK documentation/files):
 * NVS keys and domains are at most 15 characters and a value at most 4000 bytes; a
 * single `Preference.set`/`delete` is atomic (NVS writes one entry and commits).
 *
 * Scheme (two slots plus a commit record), for a logical key K (≤ 12 characters):
 * - chunk entries `K:a0`, `K:a1`, … and `K:b0`, … hold the value of slot a or b in
 *   pieces of at most CHUNK_BYTES (chunk index in base 36, so ≤ 36 chunks);
 * - the commit record `K` is one integer `byteLength * 2 + slot` naming the slot
 *   that holds the current value and its length.
 * `set` clears the other slot, writes the new chunks there, then rewrites the commit
 * record — that single write is the commit point — and finally clears the old slot.
 * `delete` removes the commit record first (the commit point), then both slots.
 * Invariant: chunk entries outside the committed slot are garbage; they are never
 * read, and `clearSlot`/`recover` remove them (deleting the highest chunk first so
 * that an interrupted clear always leaves a prefix `0..j`, which a probe finds).
 *
 * Pure logic over a tiny PreferenceLike, so Node tests can cut the power between
 * any two calls (test/platform/moddable/two-slot-store.test.ts).
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

function chunkName(key: string, slot: number, index: number): string {
  return key + SEPARATOR + SLOTS[slot] + index.toString(36);
}

/** Decodes a commit record; undefined when absent or not one of ours. */
function decodeCommit(v: PreferenceValue | undefined): { slot: number; length: number } | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_VALUE_BYTES * 2 + 1) return undefined;
  return { slot: v % 2, length: (v - (v % 2)) / 2 };
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

  /** Deletes every chunk of `slot`, highest first (see the invariant above). */
  const clearSlot = (key: string, slot: number): void => {
    let count = 0;
    while (count < MAX_CHUNKS && pref.get(domain, chunkName(key, slot, count)) !== undefined) count++;
    for (let i = count - 1; i >= 0; i--) pref.delete(domain, chunkName(key, slot, i));
  };

  const store = {
    get(key: string): Uint8Array | undefined {
      checkKey(key);
      const commit = decodeCommit(pref.get(domain, key));
      if (commit === undefined) return undefined;
      const out = new Uint8Array(commit.length);
      let offset = 0;
      for (let i = 0; offset < commit.length; i++) {
        const chunk = pref.get(domain, chunkName(key, commit.slot, i));
        if (!(chunk instanceof ArrayBuffer)) return undefined;
        const want = Math.min(chunkBytes, commit.length - offset);
        // A chunk of another size means the entries were changed behind our back.
        if (chunk.byteLength !== want) return undefined;
        out.set(new Uint8Array(chunk), offset);
        offset += want;
      }
      return out;
    },

    set(key: string, value: Uint8Array): void {
      checkKey(key);
      if (value.length > maxValue) throw new RangeError(`value of ${value.length} B exceeds ${maxValue} B`);
      const commit = decodeCommit(pref.get(domain, key));
      const target = commit === undefined ? 0 : 1 - commit.slot;
      clearSlot(key, target);
      for (let i = 0, offset = 0; offset < value.length; i++, offset += chunkBytes) {
        const end = Math.min(offset + chunkBytes, value.length);
        // A fresh ArrayBuffer per chunk: Preference stores whole ArrayBuffers.
        pref.set(domain, chunkName(key, target, i), value.slice(offset, end).buffer);
      }
      pref.set(domain, key, value.length * 2 + target); // commit point
      if (commit !== undefined) clearSlot(key, commit.slot);
      else clearSlot(key, 1 - target); // orphans of an earlier interrupted delete
    },

    delete(key: string): void {
      checkKey(key);
      pref.delete(domain, key); // commit point
      clearSlot(key, 0);
      clearSlot(key, 1);
    },

    keys(): string[] {
      const out: string[] = [];
      for (const name of pref.keys(domain)) {
        if (name.indexOf(SEPARATOR) < 0 && decodeCommit(pref.get(domain, name)) !== undefined) out.push(name);
      }
      return out;
    },

    /**
     * Removes garbage an interrupted `set` or `delete` left behind (chunks outside
     * the committed slot). Run once at start-up; returns how many entries it deleted.
     */
    recover(): number {
      let removed = 0;
      for (const name of pref.keys(domain)) {
        const sep = name.indexOf(SEPARATOR);
        if (sep < 0) continue;
        const commit = decodeCommit(pref.get(domain, name.slice(0, sep)));
        const slot = SLOTS.indexOf(name.charAt(sep + 1) as 'a' | 'b');
        if (commit === undefined || slot !== commit.slot || parseInt(name.slice(sep + 2), 36) * chunkBytes >= commit.length) {
          pref.delete(domain, name);
          removed++;
        }
      }
      return removed;
    },
  };
  return store;
}
