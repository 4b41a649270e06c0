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
import { CoapOption, CoapType, isCriticalOption, isKnownOption, NO_BYTES } from './constants.ts';

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

function isRepeatable(num: number): boolean {
  return num === CoapOption.IfMatch || num === CoapOption.ETag || num === CoapOption.LocationPath
    || num === CoapOption.UriPath || num === CoapOption.UriQuery || num === CoapOption.LocationQuery;
}

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
      let delta = head >> 4;
      let len = head & 15;
      if (delta === 13) { if (pos >= end) return CoapParseError.Option; delta = buf[pos++]! + 13; }
      else if (delta === 14) { if (pos + 1 >= end) return CoapParseError.Option; delta = ((buf[pos]! << 8) | buf[pos + 1]!) + 269; pos += 2; }
      else if (delta === 15) return CoapParseError.Option;
      if (len === 13) { if (pos >= end) return CoapParseError.Option; len = buf[pos++]! + 13; }
      else if (len === 14) { if (pos + 1 >= end) return CoapParseError.Option; len = ((buf[pos]! << 8) | buf[pos + 1]!) + 269; pos += 2; }
      else if (len === 15) return CoapParseError.Option;
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

  isRequest(): boolean {
    return this.code >= 1 && this.code <= 31;
  }
  isResponse(): boolean {
    return this.code >= 64;
  }
  isEmpty(): boolean {
    return this.code === 0;
  }
  hasPayload(): boolean {
    return this.payloadStart < this.end;
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
    return this.uintAt(i);
  }

  uintAt(i: number): number {
    let v = 0;
    const s = this.optionStart[i]!;
    const n = this.optionLength[i]!;
    for (let k = 0; k < n; k++) v = v * 256 + this.buf[s + k]!;
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
      if (isCriticalOption(n) && (!isKnownOption(n) || (n === prev && !isRepeatable(n)))) return n;
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

  isConfirmable(): boolean {
    return this.type === CoapType.Con;
  }
}
