/**
 * AES-CCM (RFC 3610) with M = 8 (tag bytes): the AEAD of the TLS_*_AES_128_CCM_8
 * suites (RFC 6655 §3, RFC 7251), which use a 12-byte nonce (L = 3). Other nonce
 * lengths (7..13, L = 15 - nonce length) work too so RFC 3610's vectors apply. Built on an AES block so
 * that platforms without CCM (Moddable's crypt, MODDABLE.md) can run it.
 *
 * Invariants: works in place in the caller's buffer; no allocation after creation
 * (three 16-byte scratch blocks, which ciphers may share: `CcmBlocks`); a failed `open`
 * never throws and compares the tag in constant time.
 */
import type { AesBlockCipher, Ccm8Cipher } from '../../platform/crypto.ts';

export const CCM8_TAG_BYTES = 8;
export const CCM_NONCE_BYTES = 12;
/** M' = (M-2)/2 in the B0 flags (RFC 3610 §2.2). */
const M_FLAG = ((CCM8_TAG_BYTES - 2) / 2) << 3;

/**
 * The scratch blocks of a CCM computation. Every seal/open fills and reads them within
 * the call and none is re-entrant, so one set may serve every cipher of a port (the
 * Moddable port shares one: 3 typed arrays, 21 XS slots, per cipher saved).
 */
export class CcmBlocks {
  readonly x = new Uint8Array(16);
  readonly ctr = new Uint8Array(16);
  readonly s = new Uint8Array(16);
}

export class Ccm8 implements Ccm8Cipher {
  private readonly x: Uint8Array;
  private readonly ctr: Uint8Array;
  private readonly s: Uint8Array;

  constructor(private readonly aes: AesBlockCipher, blocks: CcmBlocks = new CcmBlocks()) {
    this.x = blocks.x;
    this.ctr = blocks.ctr;
    this.s = blocks.s;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): void {
    this.mac(nonce, aad, buf, start, end);
    this.crypt(nonce, buf, start, end);
    // U = T xor S_0 (RFC 3610 §2.3)
    this.counter(nonce, 0);
    this.aes.encryptBlock(this.ctr, 0, this.s, 0);
    for (let i = 0; i < CCM8_TAG_BYTES; i++) buf[end + i] = this.x[i]! ^ this.s[i]!;
  }

  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
    const mEnd = end - CCM8_TAG_BYTES;
    if (mEnd < start || nonce.length < 7 || nonce.length > 13) return false;
    this.crypt(nonce, buf, start, mEnd);
    this.mac(nonce, aad, buf, start, mEnd);
    this.counter(nonce, 0);
    this.aes.encryptBlock(this.ctr, 0, this.s, 0);
    let diff = 0;
    for (let i = 0; i < CCM8_TAG_BYTES; i++) diff |= buf[mEnd + i]! ^ this.x[i]! ^ this.s[i]!;
    return diff === 0;
  }

  /** A_i = flags(L') | nonce | i in L bytes (RFC 3610 §2.3). */
  private counter(nonce: Uint8Array, i: number): void {
    const c = this.ctr;
    const n = nonce.length;
    c[0] = 14 - n;
    for (let k = 0; k < n; k++) c[1 + k] = nonce[k]!;
    for (let k = 15; k > n; k--) { c[k] = i & 0xff; i >>>= 8; }
  }

  /** CTR encryption with A_1, A_2, … (RFC 3610 §2.3). */
  private crypt(nonce: Uint8Array, buf: Uint8Array, start: number, end: number): void {
    let i = 1;
    for (let p = start; p < end; p += 16, i++) {
      this.counter(nonce, i);
      this.aes.encryptBlock(this.ctr, 0, this.s, 0);
      const n = Math.min(16, end - p);
      for (let k = 0; k < n; k++) buf[p + k] ^= this.s[k]!;
    }
  }

  /** CBC-MAC over B0, the length-prefixed AAD and the message (RFC 3610 §2.2); result in x. */
  private mac(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): void {
    const x = this.x;
    const len = end - start;
    const n = nonce.length;
    x[0] = (aad.length > 0 ? 0x40 : 0) | M_FLAG | (14 - n);
    for (let k = 0; k < n; k++) x[1 + k] = nonce[k]!;
    let l = len;
    for (let k = 15; k > n; k--) { x[k] = l & 0xff; l >>>= 8; }
    this.aes.encryptBlock(x, 0, x, 0);
    if (aad.length > 0) {
      // a < 2^16 - 2^8: two length bytes, then the AAD, zero padded to the block (§2.2)
      x[0] ^= (aad.length >>> 8) & 0xff;
      x[1] ^= aad.length & 0xff;
      let pos = 2;
      for (let k = 0; k < aad.length; k++) {
        x[pos++] ^= aad[k]!;
        if (pos === 16) { this.aes.encryptBlock(x, 0, x, 0); pos = 0; }
      }
      if (pos !== 0) this.aes.encryptBlock(x, 0, x, 0);
    }
    for (let p = start; p < end; p += 16) {
      const n = Math.min(16, end - p);
      for (let k = 0; k < n; k++) x[k] ^= buf[p + k]!;
      this.aes.encryptBlock(x, 0, x, 0);
    }
  }
}
