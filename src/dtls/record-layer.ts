/**
 * The DTLS 1.2 record layer of one association (RFC 6347 §4.1): epochs, 48-bit
 * sequence numbers, the anti-replay window and AES-128-CCM-8 protection (RFC 6655 §3:
 * nonce = 4-byte implicit IV ‖ 8-byte explicit nonce (epoch ‖ seq); AAD = epoch ‖ seq
 * ‖ type ‖ version ‖ plaintext length, RFC 5246 §6.2.3.3).
 *
 * Invariants: records are opened in place in the receive buffer; the caller sees the
 * plaintext as [start, end) of that buffer. A record with a bad MAC, a replayed or too
 * old sequence number, or an epoch we hold no keys for is dropped (§4.1.2.7: the view
 * says `badMac` for the first, the association decides) and does not move the window. No allocation on the open path.
 */
import type { Ccm8Cipher } from '../platform/crypto.ts';
import { ReplayWindow } from './replay-window.ts';
import { CCM8_RECORD_OVERHEAD, DTLS_1_0, DTLS_1_2, RECORD_HEADER_BYTES } from './wire.ts';

/** The implicit IV before an epoch's keys exist: read only (never used to seal or open), shared by every association. */
const NO_IV = new Uint8Array(4);

/** 2^48 - 1: the last sequence number of an epoch (RFC 6347 §4.1). */
const MAX_SEQ = 0xffffffffffff;

/** Copies src[start, end) to out[at…] without creating a view (XS: a subarray costs 7 slots). */
function copyBytes(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
  if (src === out) { out.copyWithin(at, start, end); return; }
  for (let i = start; i < end; i++) out[at++] = src[i]!;
}

/** The record just parsed by `RecordLayer.next`: header fields and the plaintext range. */
export interface RecordView {
  type: number;
  epoch: number;
  seq: number;
  /** Plaintext fragment [start, end) in the datagram buffer. */
  start: number;
  end: number;
  /** The record was dropped because it failed authentication under the current read keys (`type` is 0). */
  badMac: boolean;
}

/**
 * The CCM nonce and AAD of the record being opened or sealed (filled and read within one
 * `next` or `seal` call, which call nothing outside) and the view of the record just
 * parsed (read by the association before its next `next`; datagrams are handled one at a
 * time): one set serves every association (20 XS slots each saved). Built at run time:
 * Moddable preloads this module, and an object made at preload is read-only.
 */
let nonce: Uint8Array | undefined;
let aad: Uint8Array;
let sharedView: RecordView;

export class RecordLayer {
  readEpoch = 0;
  private readCipher: Ccm8Cipher | undefined;
  private readIv: Uint8Array = NO_IV;
  private readonly window = new ReplayWindow();
  /** Epoch 0's; a HelloVerifyRequest restarts the server's numbering, its history goes (RFC 6347 §4.2.1). */
  readonly window0 = new ReplayWindow();

  writeEpoch = 0;
  writeSeq = 0;
  private writeCipher: Ccm8Cipher | undefined;
  private writeIv: Uint8Array = NO_IV;
  /** Epoch-0 writer state kept to retransmit a flight started before the epoch change. */
  private writeSeq0 = 0;

  /** Shared by every record layer like the nonce: read by the caller between two `next` calls of one datagram. */
  readonly view: RecordView;

  constructor() {
    if (nonce === undefined) { nonce = new Uint8Array(12); aad = new Uint8Array(13); sharedView = { type: 0, epoch: 0, seq: 0, start: 0, end: 0, badMac: false }; }
    this.view = sharedView;
  }

  /** Installs the peer's keys for the next epoch (on its ChangeCipherSpec). */
  setReadKeys(cipher: Ccm8Cipher, iv: Uint8Array): void {
    this.readEpoch++;
    this.readCipher = cipher;
    this.readIv = iv;
    this.window.reset();
  }

  /** Installs our keys for the next epoch (after we send ChangeCipherSpec). */
  setWriteKeys(cipher: Ccm8Cipher, iv: Uint8Array): void {
    if (this.writeEpoch === 0) this.writeSeq0 = this.writeSeq;
    this.writeEpoch++;
    this.writeSeq = 0;
    this.writeCipher = cipher;
    this.writeIv = iv;
  }

  /**
   * Parses the record at `buf[off]` (datagram ends at `end`) into `view` and opens it.
   * Returns the offset of the next record, or -1 when the rest of the datagram is
   * malformed; `view.type === 0` means this record was dropped.
   */
  next(buf: Uint8Array, off: number, end: number): number {
    const v = this.view;
    v.type = 0;
    v.badMac = false;
    if (end - off < RECORD_HEADER_BYTES) return -1;
    const version = (buf[off + 1]! << 8) | buf[off + 2]!;
    const len = (buf[off + 11]! << 8) | buf[off + 12]!;
    const recEnd = off + RECORD_HEADER_BYTES + len;
    if (recEnd > end || (version !== DTLS_1_2 && version !== DTLS_1_0)) return -1;
    const type = buf[off]!;
    if (type < 20 || type > 23) return recEnd;
    const epoch = (buf[off + 3]! << 8) | buf[off + 4]!;
    const seq = ((buf[off + 5]! << 8) | buf[off + 6]!) * 0x100000000 +
      (((buf[off + 7]! << 24) | (buf[off + 8]! << 16) | (buf[off + 9]! << 8) | buf[off + 10]!) >>> 0);
    const body = off + RECORD_HEADER_BYTES;
    if (epoch === 0) {
      // Unprotected: only handshake, alerts and CCS; application data needs keys (§4.1.2.7).
      if (type === 23 || !this.window0.check(seq)) return recEnd;
      this.window0.mark(seq);
      v.type = type; v.epoch = 0; v.seq = seq; v.start = body; v.end = recEnd;
      return recEnd;
    }
    if (epoch !== this.readEpoch || this.readCipher === undefined || len < CCM8_RECORD_OVERHEAD) return recEnd;
    if (!this.window.check(seq)) return recEnd;
    const n = nonce!;
    n.set(this.readIv, 0);
    for (let i = 0; i < 8; i++) n[4 + i] = buf[body + i]!;
    const plainLen = len - CCM8_RECORD_OVERHEAD;
    this.fillAad(buf, off, type, plainLen);
    if (!this.readCipher.open(n, aad, buf, body + 8, recEnd)) { v.badMac = true; return recEnd; }
    this.window.mark(seq);
    v.type = type; v.epoch = epoch; v.seq = seq; v.start = body + 8; v.end = body + 8 + plainLen;
    return recEnd;
  }

  private fillAad(hdr: Uint8Array, off: number, type: number, plainLen: number): void {
    const a = aad;
    for (let i = 0; i < 8; i++) a[i] = hdr[off + 3 + i]!;
    a[8] = type; a[9] = 0xfe; a[10] = 0xfd; // DTLS 1.2
    a[11] = plainLen >>> 8; a[12] = plainLen;
  }

  /** Bytes `seal` writes for `plainLen` bytes of payload in the current write epoch. */
  sealedLength(plainLen: number): number {
    return RECORD_HEADER_BYTES + plainLen + (this.writeEpoch > 0 ? CCM8_RECORD_OVERHEAD : 0);
  }

  /**
   * Writes one record of `type` carrying `src[start, end)` at `out[off]` (the caller
   * sized `out` with `sealedLength`). `epoch0` forces an unprotected epoch-0 record (a
   * retransmitted flight). Returns the offset after the record, or -1 when the epoch's
   * sequence numbers are exhausted.
   */
  seal(type: number, src: Uint8Array, start: number, end: number, out: Uint8Array, off: number, epoch0 = false): number {
    const epoch = epoch0 ? 0 : this.writeEpoch;
    const seq = epoch0 && this.writeEpoch > 0 ? this.writeSeq0++ : this.writeSeq++;
    if (seq > MAX_SEQ) return -1;
    const plainLen = end - start;
    out[off] = type; out[off + 1] = 0xfe; out[off + 2] = 0xfd; // DTLS 1.2
    out[off + 3] = epoch >>> 8; out[off + 4] = epoch;
    const hi = Math.floor(seq / 0x100000000); const lo = seq >>> 0;
    out[off + 5] = hi >>> 8; out[off + 6] = hi;
    out[off + 7] = lo >>> 24; out[off + 8] = lo >>> 16; out[off + 9] = lo >>> 8; out[off + 10] = lo;
    const body = off + RECORD_HEADER_BYTES;
    if (epoch === 0 || this.writeCipher === undefined) {
      out[off + 11] = plainLen >>> 8; out[off + 12] = plainLen;
      copyBytes(src, start, end, out, body);
      return body + plainLen;
    }
    const len = plainLen + CCM8_RECORD_OVERHEAD;
    out[off + 11] = len >>> 8; out[off + 12] = len;
    for (let i = 0; i < 8; i++) out[body + i] = out[off + 3 + i]!; // explicit nonce = epoch ‖ seq
    copyBytes(src, start, end, out, body + 8);
    const n = nonce!;
    n.set(this.writeIv, 0);
    for (let i = 0; i < 8; i++) n[4 + i] = out[body + i]!;
    this.fillAad(out, off, type, plainLen);
    this.writeCipher.seal(n, aad, out, body + 8, body + 8 + plainLen);
    return body + len;
  }
}
