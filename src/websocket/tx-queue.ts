/**
 * The session's transmit queue: bytes in order, drained by `pollTransmit`. A frame is
 * reserved whole (`reserve`) and written in place — header, payload, and for a client
 * the masking (RFC 6455 §5.3) — so the stream never carries half a frame; the queue
 * never grows past `limit` (a reservation that would is refused: TX_FULL). The buffer
 * starts small and grows to what is used.
 */
import { writeUtf8 } from '../encoding/utf8.ts';
import { applyMask, emitFrameHeader, frameHeaderLength } from './frame.ts';
import { WsError } from './types.ts';

export class TxQueue {
  buf: Uint8Array;
  private start = 0;
  private end = 0;

  constructor(readonly limit: number, initial = 256) {
    this.buf = new Uint8Array(Math.min(initial, limit));
  }

  get pending(): number {
    return this.end - this.start;
  }

  /** Room for `n` more bytes at the tail: their offset in `buf` (write them, then `commit(n)`), or -1. */
  reserve(n: number): number {
    if (this.pending + n > this.limit) return -1;
    if (this.start > 0 && this.end + n > this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (this.end + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.end + n) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.limit));
      grown.set(this.buf.subarray(this.start, this.end));
      this.end -= this.start;
      this.start = 0;
      this.buf = grown;
    }
    return this.end;
  }

  commit(n: number): void {
    this.end += n;
  }

  /** Copies up to out.length queued bytes into `out`; returns how many. */
  read(out: Uint8Array): number {
    const n = Math.min(out.length, this.end - this.start);
    out.set(this.buf.subarray(this.start, this.start + n));
    this.start += n;
    if (this.start === this.end) { this.start = 0; this.end = 0; }
    return n;
  }

  /** One unfragmented frame of `data[start, end)`; masked with `mask[0, 4)` when given (a client's). */
  writeFrame(opcode: number, data: Uint8Array, start: number, end: number, mask: Uint8Array | undefined): WsError {
    const len = end - start;
    const head = frameHeaderLength(len, mask !== undefined);
    const at = this.reserve(head + len);
    if (at < 0) return WsError.TX_FULL;
    const p = emitFrameHeader(this.buf, at, true, opcode, len, mask);
    this.buf.set(data.subarray(start, end), p);
    if (mask !== undefined) applyMask(this.buf, p, p + len, mask, 0);
    this.commit(head + len);
    return WsError.OK;
  }

  /** Text of the handshake (HTTP head), as UTF-8. */
  writeText(s: string): WsError {
    const at = this.reserve(s.length * 3);
    if (at < 0) return WsError.TX_FULL;
    this.commit(writeUtf8(s, this.buf, at) - at);
    return WsError.OK;
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
  }
}
