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
 * - Text values (`writeText`, the data model's state) are stored as NVS strings of at
 *   most TEXT_PIECE_BYTES, cut at character boundaries, and read back one piece at a
 *   time (`readText`): the value is never in RAM whole — and on the simulator, whose
 *   Preference keeps every entry in the XS heap, a string costs its bytes while an
 *   ArrayBuffer costs about four times as much (kept as "12,34,…") and ~32 B per byte
 *   while it is read back. The header's length is then the total in UTF-8 bytes.
 *
 * Pure logic over a tiny PreferenceLike, so Node tests can cut the power between any
 * two Preference operations, modelling set as erase + write
 * (test/platform/moddable/two-slot-store.test.ts).
 */
import { TextRead, type KeyValueStore, type TextSource } from '../types.ts';
import { PieceWriter, type PieceSink } from '../../encoding/utf8-pieces.ts';
import { readUtf8, utf8Length, writeUtf8 } from '../../encoding/utf8.ts';

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
/** UTF-8 bytes of one text piece: half an NVS string (≤ 3999 bytes + NUL), so reading one costs little RAM. */
export const TEXT_PIECE_BYTES = 2000;

const SEPARATOR = ':';
const HEADER_BYTES = 8;

export interface TwoSlotStoreConfig {
  readonly preference: PreferenceLike;
  /** Preference domain (≤ 15 characters). */
  readonly domain: string;
  /** Bytes per NVS entry; CHUNK_BYTES unless a test wants small chunks. */
  readonly chunkBytes?: number;
  /** UTF-8 bytes per text piece (≥ 4); TEXT_PIECE_BYTES unless a test wants small pieces. */
  readonly textPieceBytes?: number;
}

/** True for a logical key the store accepts: 1..12 of [A-Za-z0-9_.-]. */
export function isStoreKey(key: string): boolean {
  if (key.length < 1 || key.length > KEY_MAX) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x5f || c === 0x2d || c === 0x2e)) return false; // 0-9 A-Z a-z _ - .
  }
  return true;
}

/** `K:a` for slot 0, `K:b` for slot 1. */
const headerName = (key: string, slot: number): string => key + SEPARATOR + (slot === 0 ? 'a' : 'b');
const chunkName = (key: string, slot: number, index: number): string => headerName(key, slot) + index.toString(36);

interface Header { readonly generation: number; readonly length: number }

function encodeHeader(generation: number, length: number): ArrayBuffer {
  const b = new ArrayBuffer(HEADER_BYTES);
  const v = new DataView(b);
  v.setUint32(0, generation, true);
  v.setUint32(4, length, true);
  return b;
}

/** Bytes a stored chunk holds (UTF-8 bytes of a text piece), or -1 when it is neither. */
function chunkSize(chunk: PreferenceValue | undefined): number {
  return typeof chunk === 'string' ? utf8Length(chunk) : chunk instanceof ArrayBuffer ? chunk.byteLength : -1;
}

/** Writes a text value's pieces as the chunks of one slot (TwoSlotStore.writeText): an object, not a closure over the write's state. */
class SlotText implements PieceSink {
  count = 0;
  length = 0;

  constructor(private readonly pref: PreferenceLike, private readonly domain: string, private readonly key: string, private readonly slot: number, private readonly maxText: number) {}

  piece(text: string): void {
    if (this.count >= MAX_CHUNKS) throw new RangeError(`text value exceeds ${this.maxText} B`);
    this.pref.set(this.domain, chunkName(this.key, this.slot, this.count++), text);
    this.length += utf8Length(text);
  }
}

/**
 * The store (see the header): a class, so its methods sit once on the prototype — in
 * flash when the module is preloaded — rather than a dozen closures per store in RAM.
 */
export class TwoSlotStore implements Required<KeyValueStore> {
  private readonly pref: PreferenceLike;
  private readonly domain: string;
  private readonly chunkBytes: number;
  private readonly maxValue: number;
  private readonly textBytes: number;
  private readonly maxText: number;

  constructor(config: TwoSlotStoreConfig) {
    this.pref = config.preference;
    this.domain = config.domain;
    this.chunkBytes = config.chunkBytes ?? CHUNK_BYTES;
    if (this.domain.length < 1 || this.domain.length > NVS_NAME_MAX) throw new RangeError('preference domain must be 1..15 chars');
    if (!(this.chunkBytes >= 1 && this.chunkBytes <= CHUNK_BYTES)) throw new RangeError('chunkBytes must be 1..4000');
    this.maxValue = this.chunkBytes * MAX_CHUNKS;
    this.textBytes = Math.min(config.textPieceBytes ?? TEXT_PIECE_BYTES, this.chunkBytes);
    this.maxText = this.textBytes * MAX_CHUNKS;
  }

  private checkKey(key: string): void {
    if (!isStoreKey(key)) throw new RangeError(`invalid storage key: ${key} (1..${KEY_MAX} of [A-Za-z0-9_.-])`);
  }

  private readHeader(key: string, slot: number): Header | undefined {
    const v = this.pref.get(this.domain, headerName(key, slot));
    if (!(v instanceof ArrayBuffer) || v.byteLength !== HEADER_BYTES) return undefined;
    const d = new DataView(v);
    const length = d.getUint32(4, true);
    return length <= (this.maxValue > this.maxText ? this.maxValue : this.maxText) ? { generation: d.getUint32(0, true), length } : undefined;
  }

  /** The slot holding the current value (highest valid generation), or -1. */
  private currentSlot(key: string): { slot: number; header: Header | undefined; other: Header | undefined } {
    const a = this.readHeader(key, 0);
    const b = this.readHeader(key, 1);
    if (a === undefined && b === undefined) return { slot: -1, header: undefined, other: undefined };
    if (b === undefined || (a !== undefined && a.generation > b.generation)) return { slot: 0, header: a, other: b };
    return { slot: 1, header: b, other: a };
  }

  /** How many chunks the slot's value spans (walks the chunks: text pieces vary in size), or -1 if torn. */
  private chunkCount(key: string, slot: number, length: number): number {
    let n = 0;
    for (let offset = 0; offset < length; n++) {
      const size = n < MAX_CHUNKS ? chunkSize(this.pref.get(this.domain, chunkName(key, slot, n))) : -1;
      if (size <= 0) return -1;
      offset += size;
      if (offset > length) return -1;
    }
    return n;
  }

  /** Removes a slot: header first (it stops being valid at once), then its chunks, highest first. */
  private clearSlot(key: string, slot: number): void {
    const pref = this.pref;
    pref.delete(this.domain, headerName(key, slot));
    let count = 0;
    while (count < MAX_CHUNKS && pref.get(this.domain, chunkName(key, slot, count)) !== undefined) count++;
    for (let i = count - 1; i >= 0; i--) pref.delete(this.domain, chunkName(key, slot, i));
  }

  get(key: string): Uint8Array | undefined {
    this.checkKey(key);
    const { slot, header } = this.currentSlot(key);
    if (header === undefined) return undefined;
    const out = new Uint8Array(header.length);
    for (let i = 0, offset = 0; offset < header.length; i++) {
      const chunk = i < MAX_CHUNKS ? this.pref.get(this.domain, chunkName(key, slot, i)) : undefined;
      const size = chunkSize(chunk);
      // A missing or resized chunk means the entries were changed behind our back.
      if (size <= 0 || offset + size > header.length) return undefined;
      if (typeof chunk === 'string') writeUtf8(chunk, out, offset);
      else out.set(new Uint8Array(chunk as ArrayBuffer), offset);
      offset += size;
    }
    return out;
  }

  set(key: string, value: Uint8Array): void {
    this.checkKey(key);
    if (value.length > this.maxValue) throw new RangeError(`value of ${value.length} B exceeds ${this.maxValue} B`);
    const { slot, header } = this.currentSlot(key);
    const target = slot === 0 ? 1 : 0;
    this.clearSlot(key, target);
    const chunkBytes = this.chunkBytes;
    for (let i = 0, offset = 0; offset < value.length; i++, offset += chunkBytes) {
      // A fresh ArrayBuffer per chunk: Preference stores whole ArrayBuffers.
      this.pref.set(this.domain, chunkName(key, target, i), value.slice(offset, Math.min(offset + chunkBytes, value.length)).buffer);
    }
    this.pref.set(this.domain, headerName(key, target), encodeHeader((header?.generation ?? 0) + 1, value.length)); // commit point
    if (slot >= 0) this.clearSlot(key, slot);
  }

  readText(key: string, visit: (piece: string) => void): TextRead {
    this.checkKey(key);
    const { slot, header } = this.currentSlot(key);
    if (header === undefined) return TextRead.Absent;
    const first = header.length > 0 ? this.pref.get(this.domain, chunkName(key, slot, 0)) : '';
    if (typeof first !== 'string') {
      // Bytes written by set(): decoded whole (a value stored before text pieces existed).
      const bytes = this.get(key);
      const text = bytes === undefined ? undefined : readUtf8(bytes, 0, bytes.length);
      if (text === undefined) return TextRead.Malformed;
      visit(text);
      return TextRead.Read;
    }
    if (this.chunkCount(key, slot, header.length) < 0) return TextRead.Malformed; // torn: check before handing anything over
    for (let i = 0, offset = 0; offset < header.length; i++) {
      const piece = i === 0 ? first : this.pref.get(this.domain, chunkName(key, slot, i));
      if (typeof piece !== 'string') return TextRead.Malformed;
      offset += utf8Length(piece);
      visit(piece);
    }
    return TextRead.Read;
  }

  writeText(key: string, source: TextSource): void {
    this.checkKey(key);
    // As currentSlot, without its objects (the state write is a Set's peak, #13 item 3).
    const a = this.readHeader(key, 0)?.generation ?? -1;
    const b = this.readHeader(key, 1)?.generation ?? -1;
    const slot = a < 0 && b < 0 ? -1 : b < 0 || a > b ? 0 : 1;
    const target = slot === 0 ? 1 : 0;
    this.clearSlot(key, target);
    const text = new SlotText(this.pref, this.domain, key, target, this.maxText);
    const pieces = new PieceWriter(this.textBytes, text);
    for (let t = source.next(); t !== null; t = source.next()) pieces.add(t);
    pieces.finish();
    this.pref.set(this.domain, headerName(key, target), encodeHeader((a > b ? a : b < 0 ? 0 : b) + 1, text.length)); // commit point
    if (slot >= 0) this.clearSlot(key, slot);
  }

  delete(key: string): void {
    this.checkKey(key);
    const { slot } = this.currentSlot(key);
    if (slot >= 0) this.clearSlot(key, 1 - slot); // an older value left by a cut goes first
    if (slot >= 0) this.pref.delete(this.domain, headerName(key, slot)); // commit point
    this.clearSlot(key, 0);
    this.clearSlot(key, 1);
  }

  keys(): string[] {
    const out: string[] = [];
    const names = this.pref.keys(this.domain);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const sep = name.indexOf(SEPARATOR);
      // Headers are `K:a` / `K:b`; list K once, from the slot that is current.
      if (sep < 0 || name.length !== sep + 2) continue;
      const key = name.slice(0, sep);
      const { slot } = this.currentSlot(key);
      if (slot >= 0 && name === headerName(key, slot)) out.push(key);
    }
    return out;
  }

  /**
   * Removes what an interrupted set or delete left behind: a superseded slot, chunks
   * of slots without a valid header and chunks beyond a slot's length. Run once at
   * start-up; returns how many entries it deleted.
   */
  recover(): number {
    let removed = 0;
    const counts = new Map<string, number>();
    const names = this.pref.keys(this.domain);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const sep = name.indexOf(SEPARATOR);
      if (sep < 0) continue;
      const key = name.slice(0, sep);
      const letter = name.charAt(sep + 1);
      const slot = letter === 'a' ? 0 : letter === 'b' ? 1 : -1;
      const current = this.currentSlot(key);
      const isHeader = name.length === sep + 2;
      let live = slot >= 0 && slot === current.slot;
      if (live && !isHeader) {
        let n = counts.get(key);
        if (n === undefined) { n = this.chunkCount(key, slot, current.header!.length); counts.set(key, n); }
        live = n < 0 || parseInt(name.slice(sep + 2), 36) < n; // a torn value keeps its chunks
      }
      if (!live) {
        this.pref.delete(this.domain, name);
        removed++;
      }
    }
    return removed;
  }
}

export function createTwoSlotStore(config: TwoSlotStoreConfig): TwoSlotStore {
  return new TwoSlotStore(config);
}
