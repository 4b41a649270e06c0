/**
 * CoapMessageWriter: emits one CoAP message (RFC 7252 §3, §3.1) into a caller buffer.
 * Options must be added in ascending number order (a programmer error otherwise: the
 * writer records `failed`). Overflowing the buffer also sets `failed`; `finish()` then
 * returns −1 instead of a length. Nothing is allocated.
 */
import { NO_BYTES } from './constants.ts';
import { utf8Length, writeUtf8 } from '../encoding/utf8.ts';
export class CoapMessageWriter {
  buf: Uint8Array = NO_BYTES;
  pos = 0;
  start = 0;
  lastOption = 0;
  failed = false;

  /** Writes the header and token; `token[tokenStart, tokenStart+tokenLength)`. */
  begin(buf: Uint8Array, offset: number, type: number, code: number, messageId: number,
    token: Uint8Array, tokenStart: number, tokenLength: number): this {
    this.buf = buf;
    this.start = offset;
    this.lastOption = 0;
    this.failed = buf.length - offset < 4 + tokenLength || tokenLength > 8;
    if (this.failed) return this;
    buf[offset] = 0x40 | ((type & 3) << 4) | tokenLength;
    buf[offset + 1] = code;
    buf[offset + 2] = (messageId >> 8) & 0xff;
    buf[offset + 3] = messageId & 0xff;
    for (let k = 0; k < tokenLength; k++) buf[offset + 4 + k] = token[tokenStart + k]!;
    this.pos = offset + 4 + tokenLength;
    return this;
  }

  /** The option header (delta and length, RFC 7252 §3.1) before a value of `len` bytes; false when it does not fit. */
  protected head(num: number, len: number): boolean {
    if (this.failed || num < this.lastOption) { this.failed = true; return false; }
    const delta = num - this.lastOption;
    const need = 1 + (delta >= 269 ? 2 : delta >= 13 ? 1 : 0) + (len >= 269 ? 2 : len >= 13 ? 1 : 0) + len;
    if (this.pos + need > this.buf.length) { this.failed = true; return false; }
    const b = this.buf;
    const at = this.pos++;
    const dn = delta >= 269 ? 14 : delta >= 13 ? 13 : delta;
    const ln = len >= 269 ? 14 : len >= 13 ? 13 : len;
    b[at] = (dn << 4) | ln;
    if (dn === 13) b[this.pos++] = delta - 13;
    else if (dn === 14) { b[this.pos++] = (delta - 269) >> 8; b[this.pos++] = (delta - 269) & 0xff; }
    if (ln === 13) b[this.pos++] = len - 13;
    else if (ln === 14) { b[this.pos++] = (len - 269) >> 8; b[this.pos++] = (len - 269) & 0xff; }
    this.lastOption = num;
    return true;
  }

  /** uint option in the fewest bytes (RFC 7252 §3.2: 0 is the empty value). */
  optionUint(num: number, value: number): this {
    const len = value === 0 ? 0 : value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    if (!this.head(num, len)) return this;
    // Shifts, not value / 2 ** n: `**` becomes Math.pow, inexact in Espruino (docs/espruino.md). value < 2^32.
    for (let k = len - 1; k >= 0; k--) this.buf[this.pos++] = (value >>> (8 * k)) & 0xff;
    return this;
  }

  /** String option, UTF-8 encoded here (no TextEncoder in the core). */
  optionString(num: number, value: string): this {
    if (!this.head(num, utf8Length(value))) return this;
    this.pos = writeUtf8(value, this.buf, this.pos);
    return this;
  }

  /** Payload marker and payload; nothing is written for an empty payload (RFC 7252 §3). */
  payload(src: Uint8Array, s: number, e: number): this {
    if (this.failed || e <= s) return this;
    if (this.pos + 1 + (e - s) > this.buf.length) { this.failed = true; return this; }
    this.buf[this.pos++] = 0xff;
    this.pos = copyBytes(this.buf, this.pos, src, s, e);
    return this;
  }

  /** Message length, or −1 when an option was out of order or the buffer overflowed. */
  finish(): number {
    return this.failed ? -1 : this.pos - this.start;
  }
}

/** Copies `src[s, e)` to `dst` at `at`; returns the end offset. A loop, not `subarray`: no view allocated (XS). */
export function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, s: number, e: number): number {
  for (let k = s; k < e; k++) dst[at++] = src[k]!;
  return at;
}

/**
 * The one writer the requests and the responses of every endpoint are encoded with: each
 * message is written from `begin` to `finish` without a pause, so one object serves all.
 */
export const messageWriter = new CoapMessageWriter();
