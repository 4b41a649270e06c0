/**
 * The base framing protocol (RFC 6455 §5.2): a reused view over one frame in the
 * receive buffer, masking (§5.3), and the header emitter.
 *
 * `FrameView.wrap(buf, start, end, maxPayload)` reads one header in place and says how
 * many bytes the whole frame needs; it allocates nothing and never reads past `end`.
 * It rejects what §5.2 forbids without a negotiated extension (RSV1–3 set), reserved
 * opcodes, control frames that are fragmented or carry more than 125 bytes (§5.5), and
 * 64-bit lengths with the most significant bit set; a payload above `maxPayload` is
 * TOO_LARGE (→ 1009) before any of it is buffered. Masking/unmasking is done in place.
 */
import { Opcode, WsError } from './types.ts';

/** `wrap` result: the header (or the frame) is not all there yet. */
export const NEED_MORE = -1;
/** 2 + 8 (64-bit length) + 4 (masking key). */
export const MAX_FRAME_HEADER = 14;
/** §5.5: control frames carry at most 125 bytes. */
export const MAX_CONTROL_PAYLOAD = 125;
const TWO_POW_32 = 4294967296;

export class FrameView {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  fin = false;
  opcode = 0;
  masked = false;
  /** Offset of the masking key in `buf` (when `masked`). */
  maskAt = 0;
  payloadStart = 0;
  payloadLen = 0;
  /** Offset just past the frame (payloadStart + payloadLen). */
  frameEnd = 0;

  /**
   * Reads the header at `buf[start…end)`. Returns NEED_MORE until the header is
   * complete, then WsError.OK (the payload may still be incomplete: compare `frameEnd`
   * with what is buffered) or the error that fails the connection.
   */
  wrap(buf: Uint8Array, start: number, end: number, maxPayload: number): number {
    if (end - start < 2) return NEED_MORE;
    const b0 = buf[start]!;
    const b1 = buf[start + 1]!;
    if ((b0 & 0x70) !== 0) return WsError.PROTOCOL; // RSV1-3: no extension negotiated
    const op = b0 & 0x0f;
    const control = (op & 0x08) !== 0;
    if (op > Opcode.Binary && op < Opcode.Close) return WsError.PROTOCOL;
    if (op > Opcode.Pong) return WsError.PROTOCOL;
    const fin = (b0 & 0x80) !== 0;
    if (control && !fin) return WsError.PROTOCOL; // §5.5: control frames MUST NOT be fragmented
    const masked = (b1 & 0x80) !== 0;
    let len = b1 & 0x7f;
    let p = start + 2;
    if (len === 126) {
      if (end - p < 2) return NEED_MORE;
      len = (buf[p]! << 8) | buf[p + 1]!;
      p += 2;
    } else if (len === 127) {
      if (end - p < 8) return NEED_MORE;
      if ((buf[p]! & 0x80) !== 0) return WsError.PROTOCOL; // §5.2: MSB MUST be 0
      const hi = ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
      const lo = ((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0;
      len = hi * TWO_POW_32 + lo;
      p += 8;
    }
    if (control && len > MAX_CONTROL_PAYLOAD) return WsError.PROTOCOL;
    if (len > maxPayload) return WsError.TOO_LARGE;
    if (masked) {
      if (end - p < 4) return NEED_MORE;
      this.maskAt = p;
      p += 4;
    }
    this.buf = buf; this.start = start; this.fin = fin; this.opcode = op; this.masked = masked;
    this.payloadStart = p; this.payloadLen = len; this.frameEnd = p + len;
    return WsError.OK;
  }
}

/**
 * §5.3: XORs `buf[start, end)` with the 4-byte key at `key[keyAt…]`, in place; `phase`
 * is the payload offset of `start` (0 for a whole payload). Masking and unmasking are
 * the same operation.
 */
export function applyMask(buf: Uint8Array, start: number, end: number, key: Uint8Array, keyAt: number, phase = 0): void {
  const k0 = key[keyAt]!; const k1 = key[keyAt + 1]!; const k2 = key[keyAt + 2]!; const k3 = key[keyAt + 3]!;
  let j = phase & 3;
  for (let i = start; i < end; i++) {
    buf[i] ^= j === 0 ? k0 : j === 1 ? k1 : j === 2 ? k2 : k3;
    j = (j + 1) & 3;
  }
}

/** Header length of a frame with `len` payload bytes (§5.2), with the masking key when `masked`. */
export function frameHeaderLength(len: number, masked: boolean): number {
  return (len < 126 ? 2 : len < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Writes a frame header at `out[at…]`: FIN, opcode, the shortest length encoding (§5.2
 * "the minimal number of bytes MUST be used") and, when `mask` is given, the masking
 * key `mask[0, 4)`. Returns the offset just past the header.
 */
export function emitFrameHeader(out: Uint8Array, at: number, fin: boolean, opcode: number, len: number, mask: Uint8Array | undefined): number {
  out[at++] = (fin ? 0x80 : 0) | opcode;
  const m = mask !== undefined ? 0x80 : 0;
  if (len < 126) {
    out[at++] = m | len;
  } else if (len < 65536) {
    out[at++] = m | 126;
    out[at++] = len >>> 8; out[at++] = len & 0xff;
  } else {
    out[at++] = m | 127;
    const hi = Math.floor(len / TWO_POW_32);
    out[at++] = hi >>> 24; out[at++] = (hi >>> 16) & 0xff; out[at++] = (hi >>> 8) & 0xff; out[at++] = hi & 0xff;
    out[at++] = len >>> 24; out[at++] = (len >>> 16) & 0xff; out[at++] = (len >>> 8) & 0xff; out[at++] = len & 0xff;
  }
  if (mask !== undefined) {
    out[at++] = mask[0]!; out[at++] = mask[1]!; out[at++] = mask[2]!; out[at++] = mask[3]!;
  }
  return at;
}
