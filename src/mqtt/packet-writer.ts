/**
 * The client's transmit queue and packet emitter (MQTT 5.0 §2.1, 3.1.1 §2.2). Packets
 * are written straight into one byte queue: the fixed header's Remaining Length (a
 * Variable Byte Integer, 5.0 §1.5.5) is unknown until the body is written, so
 * `beginPacket` reserves 5 bytes and `endPacket` shifts the body down to close the gap
 * (pbf's writeMessage trick); MQTT 5.0 property blocks work the same way.
 *
 * Invariants: the queue never grows past `limit` bytes; a packet that would overflow
 * is rolled back whole (`endPacket` returns TX_FULL/TOO_LARGE) so the stream never
 * holds half a packet; `read` drains bytes in order.
 */
import { MqttError } from './types.ts';
import { utf8Length, writeUtf8 } from './utf8.ts';

/** Largest Remaining Length a Variable Byte Integer can carry (5.0 §1.5.5). */
export const MAX_REMAINING_LENGTH = 268_435_455;

export function varintSize(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

export class PacketWriter {
  buf: Uint8Array;
  /** Queue head (next byte to send) and tail (next byte to write). */
  start = 0;
  end = 0;
  private overflow = false;
  /** Packets completed so far (keep-alive: did anything go out?). */
  packets = 0;

  /** `limit` bounds the queue; `initial` is the first allocation. */
  constructor(readonly limit: number, initial = 512) {
    this.buf = new Uint8Array(Math.min(initial, limit));
  }

  /** Bytes waiting to be sent. */
  get pending(): number {
    return this.end - this.start;
  }

  /** Copies up to `out.length - offset` queued bytes into `out`; returns how many. */
  read(out: Uint8Array, offset = 0): number {
    const n = Math.min(this.end - this.start, out.length - offset);
    out.set(this.buf.subarray(this.start, this.start + n), offset);
    this.start += n;
    if (this.start === this.end) { this.start = 0; this.end = 0; }
    return n;
  }

  clear(): void {
    this.start = 0; this.end = 0; this.overflow = false;
  }

  /** Room for `n` more bytes; grows up to `limit`. Only called while a packet is open (start = 0). */
  private room(n: number): boolean {
    if (this.overflow) return false;
    if (this.end + n <= this.buf.length) return true;
    if (this.end + n > this.limit) { this.overflow = true; return false; }
    const next = new Uint8Array(Math.min(this.limit, Math.max(this.buf.length * 2, this.end + n)));
    next.set(this.buf.subarray(0, this.end));
    this.buf = next;
    return true;
  }

  /** Starts a packet; returns its mark for `endPacket`. */
  beginPacket(): number {
    this.overflow = false;
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (!this.room(5)) return -1;
    const mark = this.end;
    this.end += 5;
    return mark;
  }

  /**
   * Finishes the packet begun at `mark` with fixed-header byte `first`. `maxSize` is
   * the peer's Maximum Packet Size (5.0 §3.2.2.3.6). Returns OK or rolls back.
   */
  endPacket(mark: number, first: number, maxSize = MAX_REMAINING_LENGTH): MqttError {
    if (mark < 0 || this.overflow) { this.rollback(mark); return MqttError.TX_FULL; }
    const body = this.end - mark - 5;
    const n = varintSize(body);
    if (body > MAX_REMAINING_LENGTH || 1 + n + body > maxSize) { this.rollback(mark); return MqttError.TOO_LARGE; }
    this.buf.copyWithin(mark + 1 + n, mark + 5, this.end);
    this.buf[mark] = first;
    this.writeVarintAt(body, mark + 1);
    this.end = mark + 1 + n + body;
    this.packets++;
    return MqttError.OK;
  }

  private rollback(mark: number): void {
    if (mark >= 0) this.end = mark;
    this.overflow = false;
  }

  /** Reserves a 4-byte Property Length; `endProperties` closes it (5.0 §2.2.2.1). */
  beginProperties(): number {
    const at = this.end;
    if (this.room(4)) this.end += 4;
    return at;
  }

  endProperties(at: number): void {
    if (this.overflow) return;
    const len = this.end - at - 4;
    const n = varintSize(len);
    this.buf.copyWithin(at + n, at + 4, this.end);
    this.writeVarintAt(len, at);
    this.end = at + n + len;
  }

  private writeVarintAt(v: number, at: number): void {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 128;
      this.buf[at++] = b;
    } while (v > 0);
  }

  byte(v: number): void {
    if (this.room(1)) this.buf[this.end++] = v;
  }

  u16(v: number): void {
    if (this.room(2)) { this.buf[this.end++] = v >> 8; this.buf[this.end++] = v & 255; }
  }

  u32(v: number): void {
    if (!this.room(4)) return;
    this.buf[this.end++] = (v >>> 24) & 255; this.buf[this.end++] = (v >>> 16) & 255;
    this.buf[this.end++] = (v >>> 8) & 255; this.buf[this.end++] = v & 255;
  }

  varint(v: number): void {
    if (this.room(varintSize(v))) { this.writeVarintAt(v, this.end); this.end += varintSize(v); }
  }

  /** UTF-8 Encoded String: 2-byte length + bytes (5.0 §1.5.4). */
  utf8(s: string): void {
    const n = utf8Length(s);
    if (n > 65_535) { this.overflow = true; return; }
    this.u16(n);
    if (this.room(n)) this.end = writeUtf8(s, this.buf, this.end);
  }

  /** Binary Data: 2-byte length + bytes (5.0 §1.5.6). */
  binary(b: Uint8Array): void {
    if (b.length > 65_535) { this.overflow = true; return; }
    this.u16(b.length);
    this.raw(b, 0, b.length);
  }

  raw(b: Uint8Array, start: number, end: number): void {
    if (this.room(end - start)) { this.buf.set(b.subarray(start, end), this.end); this.end += end - start; }
  }
}
