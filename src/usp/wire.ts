/**
 * Protocol Buffers wire format (protobuf.dev "Encoding"): tags, base-128 varints,
 * length-delimited fields and the skipping of unknown fields of every wire type
 * (varint, I64, LEN, SGROUP…EGROUP, I32), as proto3 parsers must (§Unknown).
 *
 * Invariants: a WireReader never reads outside [pos, end) of its bytes, never throws
 * and never allocates; a failed read returns -1 / false and leaves `error` set.
 * 64-bit varints are kept as two unsigned 32-bit halves (`hi`, `lo`): no BigInt.
 */

export const WireType = { Varint: 0, I64: 1, Len: 2, StartGroup: 3, EndGroup: 4, I32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export const WireError = {
  Ok: 0,
  /** Input ended inside a tag, varint, fixed-width value or length-delimited field. */
  Truncated: 1,
  /** A varint longer than 10 bytes (or whose 10th byte has more than bit 0). */
  VarintTooLong: 2,
  /** A length prefix that points past the end of the enclosing field. */
  LengthPastEnd: 3,
  /** Wire type 6/7, field number 0, an unmatched end-group, or groups nested too deep. */
  BadTag: 4,
} as const;
export type WireError = (typeof WireError)[keyof typeof WireError];

/** Deepest group nesting skipped before giving up (bounds the work on hostile input). */
export const MAX_GROUP_DEPTH = 32;

export class WireReader {
  buf: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  error: WireError = WireError.Ok;
  /** Low / high unsigned 32-bit halves of the last varint read (a number: hi × 2^32 + lo, exact while hi < 2^21). */
  lo = 0;
  hi = 0;

  reset(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.error = WireError.Ok;
  }

  /** Reads a varint into `lo`/`hi`; false on truncation or a varint over 10 bytes. */
  varint(): boolean {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) { this.error = WireError.Truncated; return false; }
      const b = buf[pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else if (i === 9 && b > 1) { this.error = WireError.VarintTooLong; return false; }
      else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return true;
      }
    }
    this.error = WireError.VarintTooLong;
    return false;
  }

  /** Reads a tag: returns `field << 3 | wireType`, 0 at `end`, -1 on error. */
  tag(): number {
    const pos = this.pos;
    if (pos >= this.end) return 0;
    const b = this.buf[pos]!;
    if (b < 0x80 && b >= 8 && (b & 7) < 6) { // fast path: one-byte tag, fields 1–15
      this.pos = pos + 1;
      return b;
    }
    if (!this.varint()) return -1;
    const t = this.lo;
    // Field numbers are 1 … 2^29 − 1; wire types 6 and 7 do not exist.
    if (this.hi !== 0 || t >>> 3 === 0 || (t & 7) > 5) {
      this.error = WireError.BadTag;
      return -1;
    }
    return t;
  }

  /** Reads a length prefix and checks it against `end`; returns the length or -1. */
  length(): number {
    const pos = this.pos;
    if (pos < this.end) { // fast path: one-byte length
      const b = this.buf[pos]!;
      if (b < 0x80) {
        if (b > this.end - pos - 1) {
          this.error = WireError.LengthPastEnd;
          return -1;
        }
        this.pos = pos + 1;
        this.lo = b;
        this.hi = 0;
        return b;
      }
    }
    if (!this.varint()) return -1;
    if (this.hi !== 0 || this.lo > this.end - this.pos) {
      this.error = WireError.LengthPastEnd;
      return -1;
    }
    return this.lo;
  }

  /** Reads a little-endian fixed32 (wire type I32) as an unsigned number; -1 on error. */
  fixed32(): number {
    const p = this.pos;
    if (this.end - p < 4) {
      this.error = WireError.Truncated;
      return -1;
    }
    this.pos = p + 4;
    const b = this.buf;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /**
   * Skips the value of a field whose tag was just read. Groups (deprecated, still
   * legal on the wire) are skipped up to their matching end-group tag.
   */
  skip(tag: number): boolean {
    let depth = 0;
    let t = tag;
    for (;;) {
      switch (t & 7) {
        case WireType.Varint:
          if (!this.varint()) return false;
          break;
        case WireType.I64:
        case WireType.I32: { // fixed width: 8 or 4 bytes
          const n = (t & 7) === WireType.I64 ? 8 : 4;
          if (this.end - this.pos < n) { this.error = WireError.Truncated; return false; }
          this.pos += n;
          break;
        }
        case WireType.Len: {
          const n = this.length();
          if (n < 0) return false;
          this.pos += n;
          break;
        }
        case WireType.StartGroup:
          if (++depth > MAX_GROUP_DEPTH) { this.error = WireError.BadTag; return false; }
          break;
        default: // EndGroup: must close the innermost open group of the same field
          if (depth === 0) { this.error = WireError.BadTag; return false; }
          depth--;
      }
      if (depth === 0) return true;
      t = this.tag();
      if (t === 0) { this.error = WireError.Truncated; return false; }
      if (t < 0) return false;
    }
  }
}

/** Number of bytes of `v` (0 ≤ v ≤ 2^53 − 1) as a varint. */
export function varintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v` (0 ≤ v ≤ 2^53 − 1) as a varint at `pos`; returns the position after it. */
export function writeVarint(out: Uint8Array, pos: number, v: number): number {
  while (v >= 128) {
    out[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}

/** Writes `v` as a little-endian fixed32 at `pos`; returns the position after it. */
export function writeFixed32(out: Uint8Array, pos: number, v: number): number {
  out[pos] = v & 0xff;
  out[pos + 1] = (v >>> 8) & 0xff;
  out[pos + 2] = (v >>> 16) & 0xff;
  out[pos + 3] = (v >>> 24) & 0xff;
  return pos + 4;
}

/** Compares `a[aStart, aStart+len)` with all of `b`, byte by byte (no allocation). */
export function bytesEqual(a: Uint8Array, aStart: number, len: number, b: Uint8Array): boolean {
  if (len !== b.length) return false;
  // From the end: endpoint IDs of one deployment share their prefix, so a foreign ID
  // is usually told apart at the first byte compared.
  // Four bytes per step, XORs OR-ed together: one branch per word instead of per byte.
  let i = len;
  let j = aStart + len;
  while (i >= 4) {
    i -= 4;
    j -= 4;
    if (((a[j]! ^ b[i]!) | (a[j + 1]! ^ b[i + 1]!) | (a[j + 2]! ^ b[i + 2]!) | (a[j + 3]! ^ b[i + 3]!)) !== 0) return false;
  }
  while (i > 0) if (a[--j] !== b[--i]) return false;
  return true;
}

export { utf8Bytes } from '../encoding/utf8.ts';
