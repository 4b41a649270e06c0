/**
 * CoapMessageView: a reused, check-once view over one received CoAP message
 * (RFC 7252 §3 message format, §3.1 option format).
 *
 * Invariants: `wrap()` validates every length the accessors rely on; after it returns
 * `CoapParseError.Ok` no accessor can read outside `[start, end)`. Options stay
 * offset/length pairs in preallocated typed arrays — parsing allocates nothing
 * (proved in XS by test/xs/coap.xs.test.ts). The view is only valid until the next
 * `wrap()` and until the caller reuses the datagram buffer.
 */
import { NO_BYTES } from './constants.ts';

/** Parse outcomes (RFC 7252 §3, §4.2, §4.3). */
export const CoapParseError = {
  Ok: 0,
  /** Fewer than 4 bytes: no header, silently ignored. */
  TooShort: 1,
  /** Version ≠ 1: silently ignored (§3). */
  Version: 2,
  /** TKL 9–15 (§3): message format error. */
  TokenLength: 3,
  /** Option delta/length nibble 15 without the marker, or an option running past the end (§3.1). */
  Option: 4,
  /** Payload marker followed by zero-length payload (§3). */
  EmptyPayload: 5,
  /** Code 0.00 with a token or anything after the header (§4.1). */
  EmptyMessage: 6,
  /** More options than this view holds (an implementation bound). */
  TooManyOptions: 7,
} as const;
export type CoapParseError = (typeof CoapParseError)[keyof typeof CoapParseError];

/** Options one message may carry here; a request with more is rejected as malformed. */
export const MAX_OPTIONS = 32;

export class CoapMessageView {
  buf: Uint8Array = NO_BYTES;
  start = 0;
  end = 0;
  type = 0;
  code = 0;
  messageId = 0;
  tokenStart = 0;
  tokenLength = 0;
  optionCount = 0;
  /**
   * Option numbers, values' start offsets and lengths, in message order (ascending
   * numbers): three views on one buffer (numbers and lengths in the upper half of
   * optionStart's), 17 XS slots rather than 23 for three buffers (#13 item 3).
   */
  readonly optionStart = new Uint32Array(MAX_OPTIONS * 2);
  readonly optionNumber = new Uint16Array(this.optionStart.buffer, MAX_OPTIONS * 4, MAX_OPTIONS);
  readonly optionLength = new Uint16Array(this.optionStart.buffer, MAX_OPTIONS * 6, MAX_OPTIONS);
  payloadStart = 0;

  /** Re-points the view at `buf[start, end)` and validates it once (smoltcp `new_checked`). */
  wrap(buf: Uint8Array, start: number, end: number): CoapParseError {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.optionCount = 0;
    this.tokenLength = 0;
    this.payloadStart = end;
    if (end - start < 4) return CoapParseError.TooShort;
    const b0 = buf[start]!;
    this.type = (b0 >> 4) & 3;
    this.code = buf[start + 1]!;
    this.messageId = (buf[start + 2]! << 8) | buf[start + 3]!;
    if (b0 >> 6 !== 1) return CoapParseError.Version;
    const tkl = b0 & 15;
    if (tkl > 8) return CoapParseError.TokenLength;
    let pos = start + 4;
    if (pos + tkl > end) return CoapParseError.TokenLength;
    this.tokenStart = pos;
    this.tokenLength = tkl;
    pos += tkl;
    if (this.code === 0 && (tkl !== 0 || pos !== end)) return CoapParseError.EmptyMessage;
    let num = 0;
    while (pos < end) {
      const head = buf[pos]!;
      if (head === 0xff) {
        if (pos + 1 === end) return CoapParseError.EmptyPayload;
        this.payloadStart = pos + 1;
        return CoapParseError.Ok;
      }
      pos++;
      // Delta, then length: a nibble 13/14 takes 1/2 extended bytes, 15 is reserved (§3.1).
      let delta = 0;
      let len = head >> 4;
      for (let j = 0; j < 2; j++) {
        if (j === 1) { delta = len; len = head & 15; }
        if (len === 13) { if (pos >= end) return CoapParseError.Option; len = buf[pos++]! + 13; }
        else if (len === 14) { if (pos + 1 >= end) return CoapParseError.Option; len = ((buf[pos]! << 8) | buf[pos + 1]!) + 269; pos += 2; }
        else if (len === 15) return CoapParseError.Option;
      }
      if (pos + len > end) return CoapParseError.Option;
      num += delta;
      if (num > 0xffff) return CoapParseError.Option;
      const i = this.optionCount;
      if (i === MAX_OPTIONS) return CoapParseError.TooManyOptions;
      this.optionNumber[i] = num;
      this.optionStart[i] = pos;
      this.optionLength[i] = len;
      this.optionCount = i + 1;
      pos += len;
    }
    return CoapParseError.Ok;
  }

  /** Index of the first option `num` at or after `from`, or −1. */
  findOption(num: number, from = 0): number {
    for (let i = from; i < this.optionCount; i++) {
      const n = this.optionNumber[i]!;
      if (n === num) return i;
      if (n > num) return -1;
    }
    return -1;
  }

  /** uint option value (RFC 7252 §3.2: big-endian, leading zeros allowed), or `missing`. */
  uintOption(num: number, missing: number): number {
    const i = this.findOption(num);
    if (i < 0) return missing;
    let v = 0;
    const s = this.optionStart[i]!;
    for (let k = 0; k < this.optionLength[i]!; k++) v = v * 256 + this.buf[s + k]!;
    return v;
  }

  /**
   * The first option that must be treated as unrecognised and critical (RFC 7252
   * §5.4.1, §5.4.5: a repeated non-repeatable option counts as unrecognised), or 0.
   */
  unrecognizedCriticalOption(): number {
    let prev = -1;
    for (let i = 0; i < this.optionCount; i++) {
      const n = this.optionNumber[i]!;
      // Odd numbers are critical. Known: one bit per option number of CoapOption (1 3 4 5 7 8 11 12 14 15
      // 17 20 23 27 28 | 35 39 60); of the known critical ones If-Match, Uri-Path and Uri-Query repeat (§5.10).
      const known = n < 64 && (((n < 32 ? 0x1892d9ba : 0x10000088) >>> (n & 31)) & 1) === 1;
      if ((n & 1) === 1 && (!known || (n === prev && n !== 1 && n !== 11 && n !== 15))) return n;
      prev = n;
    }
    return 0;
  }

  /** True when the option at `i` holds exactly `bytes[s, e)`. */
  optionEquals(i: number, bytes: Uint8Array, s: number, e: number): boolean {
    const len = e - s;
    if (this.optionLength[i] !== len) return false;
    const o = this.optionStart[i]!;
    for (let k = 0; k < len; k++) if (this.buf[o + k] !== bytes[s + k]) return false;
    return true;
  }

  /** True when this message's token equals `token[0, len)`. */
  tokenEquals(token: Uint8Array, len: number): boolean {
    if (this.tokenLength !== len) return false;
    for (let k = 0; k < len; k++) if (this.buf[this.tokenStart + k] !== token[k]) return false;
    return true;
  }
}
