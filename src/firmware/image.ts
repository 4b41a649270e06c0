/**
 * The tinyusp firmware image: a small header in front of the platform's own image (the
 * ESP-IDF app binary on ESP32, any file on the host). It names and versions the image
 * (FirmwareImage.{i}.Name/Version, DeviceInfo.SoftwareVersion after the switch), carries
 * the payload's SHA-256 (always checked, whatever the Controller's CheckSum says) and,
 * when the maker signs, an ECDSA P-256/SHA-256 signature over the header (which covers
 * the payload through its digest). tools/firmware builds and signs images.
 *
 *   0   4  magic "TUFW"
 *   4   1  format (1)
 *   5   1  name length N (1..64)      6  1  version length V (1..64)
 *   7   1  signature length S (0 = unsigned, ≤ 80; taken as 0 in the signed bytes)
 *   8   4  payload length (u32, little-endian)
 *   12 32  payload SHA-256
 *   44  N  name (UTF-8)   44+N  V  version (UTF-8)   44+N+V  S  signature (DER)
 *   then exactly `payload length` bytes.
 *
 * ImageReader takes the file in pieces: header bytes are kept (≤ 252), payload pieces
 * are handed on untouched.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { readUtf8, utf8Bytes } from '../encoding/utf8.ts';
import type { HashFactory, IncrementalHash } from '../platform/firmware.ts';

export const IMAGE_MAGIC = [0x54, 0x55, 0x46, 0x57]; // "TUFW"
export const IMAGE_FORMAT = 1;
const FIXED = 44;
export const MAX_HEADER_BYTES = FIXED + 64 + 64 + 80;

export interface ImageHeader {
  readonly name: string;
  readonly version: string;
  readonly payloadLength: number;
  readonly payloadSha256: Uint8Array;
  /** The signed bytes (header with the signature length zeroed) and the signature; empty when unsigned. */
  readonly signed: Uint8Array;
  readonly signature: Uint8Array;
}

/** Builds an image header (tools and tests); `sign` gets the bytes to sign and returns a DER signature. */
export function writeImageHeader(name: string, version: string, payload: Uint8Array, sign?: (msg: Uint8Array) => Uint8Array): Uint8Array {
  const n = utf8Bytes(name);
  const v = utf8Bytes(version);
  const head = new Uint8Array(FIXED + n.length + v.length);
  head.set(IMAGE_MAGIC, 0);
  head[4] = IMAGE_FORMAT;
  head[5] = n.length;
  head[6] = v.length;
  new DataView(head.buffer).setUint32(8, payload.length, true);
  head.set(sha256(payload), 12);
  head.set(n, FIXED);
  head.set(v, FIXED + n.length);
  const sig = sign === undefined ? new Uint8Array(0) : sign(head);
  const out = new Uint8Array(head.length + sig.length);
  out.set(head, 0);
  out[7] = sig.length;
  out.set(sig, head.length);
  return out;
}

export type ImageSink = (buf: Uint8Array, start: number, end: number) => string;

/** Splits a streamed image into its header and payload; errors are values ('' = fine). */
export class ImageReader {
  private readonly head = new Uint8Array(MAX_HEADER_BYTES);
  private have = 0;
  private need = FIXED;
  header: ImageHeader | null = null;
  /** Payload bytes passed on so far. */
  payloadBytes = 0;
  private readonly hash: IncrementalHash;
  error = '';

  /** `hashes` gives the payload's SHA-256. */
  constructor(private readonly sink: ImageSink, hashes: HashFactory) {
    const h = hashes('SHA-256');
    if (h === null) throw new RangeError('the platform has no SHA-256'); // programmer error: a port without SHA-256
    this.hash = h;
  }

  /** Header bytes still buffered before the payload starts. */
  get complete(): boolean { return this.header !== null && this.payloadBytes === this.header.payloadLength; }

  handle(buf: Uint8Array, start: number, end: number): string {
    let i = start;
    while (i < end && this.error === '') {
      if (this.header === null) {
        const n = Math.min(end - i, this.need - this.have);
        this.head.set(buf.subarray(i, i + n), this.have);
        this.have += n;
        i += n;
        if (this.have === this.need) this.error = this.headerStep();
        continue;
      }
      const room = this.header.payloadLength - this.payloadBytes;
      if (room === 0) { this.error = 'bytes after the end of the image'; break; }
      const n = Math.min(room, end - i);
      this.hash.update(buf.subarray(i, i + n));
      const w = this.sink(buf, i, i + n);
      if (w !== '') { this.error = w; break; }
      this.payloadBytes += n;
      i += n;
    }
    return this.error;
  }

  private headerStep(): string {
    const h = this.head;
    if (this.need === FIXED) {
      for (let k = 0; k < 4; k++) if (h[k] !== IMAGE_MAGIC[k]) return 'not a tinyusp firmware image (bad magic)';
      if (h[4] !== IMAGE_FORMAT) return `unsupported image format ${h[4]}`;
      if (h[5]! < 1 || h[5]! > 64 || h[6]! < 1 || h[6]! > 64 || h[7]! > 80) return 'bad image header lengths';
      this.need = FIXED + h[5]! + h[6]! + h[7]!;
      if (this.have < this.need) return '';
    }
    const dv = new DataView(h.buffer, 0, this.need);
    const nameEnd = FIXED + h[5]!;
    const verEnd = nameEnd + h[6]!;
    const name = readUtf8(h, FIXED, nameEnd);
    const version = readUtf8(h, nameEnd, verEnd);
    if (name === undefined || version === undefined) return 'image name or version is not UTF-8';
    const signed = h.slice(0, verEnd);
    signed[7] = 0;
    this.header = {
      name, version, payloadLength: dv.getUint32(8, true), payloadSha256: h.slice(12, 44), signed, signature: h.slice(verEnd, this.need),
    };
    return '';
  }

  /** The payload's SHA-256 as received (call once, after the last byte). */
  payloadDigest(): Uint8Array { return this.hash.digest(); }
}
