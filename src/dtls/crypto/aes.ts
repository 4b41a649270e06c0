/**
 * AES-128 block encryption (FIPS 197) with 32-bit T-tables, for the portable crypto
 * port: CCM (RFC 3610) only ever needs the forward cipher.
 *
 * Invariants: tables are built once at first use (5 × 256 words); `encryptBlock`
 * allocates nothing (XS: the receive path stays allocation-free, DESIGN.md) and works
 * in place. Not constant-time against cache-timing attackers on shared CPUs — the
 * same trade-off as Moddable's own table-based AES.
 */
import type { AesBlockCipher } from '../../platform/crypto.ts';

let SBOX: Uint8Array | undefined;
let T0: Uint32Array, T1: Uint32Array, T2: Uint32Array, T3: Uint32Array;

function buildTables(): Uint8Array {
  const sbox = new Uint8Array(256);
  // multiplicative inverse via log/antilog tables over GF(2^8) with generator 3
  const exp = new Uint8Array(256); const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = x; log[x] = i;
    x ^= (x << 1) ^ ((x & 0x80) !== 0 ? 0x1b : 0); x &= 0xff;
  }
  for (let i = 0; i < 256; i++) {
    let b = i === 0 ? 0 : exp[(255 - log[i]!) % 255]!;
    let s = b;
    for (let k = 0; k < 4; k++) { b = ((b << 1) | (b >>> 7)) & 0xff; s ^= b; }
    sbox[i] = s ^ 0x63;
  }
  T0 = new Uint32Array(256); T1 = new Uint32Array(256); T2 = new Uint32Array(256); T3 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const s = sbox[i]!;
    const s2 = ((s << 1) ^ ((s & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
    const s3 = s2 ^ s;
    const t = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    T0[i] = t;
    T1[i] = ((t >>> 8) | (t << 24)) >>> 0;
    T2[i] = ((t >>> 16) | (t << 16)) >>> 0;
    T3[i] = ((t >>> 24) | (t << 8)) >>> 0;
  }
  return sbox;
}

export class Aes128 implements AesBlockCipher {
  private readonly rk = new Uint32Array(44);
  private readonly sbox: Uint8Array;

  constructor(key: Uint8Array) {
    this.sbox = SBOX ??= buildTables();
    const s = this.sbox; const rk = this.rk;
    for (let i = 0; i < 4; i++) rk[i] = ((key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!) >>> 0;
    let rcon = 1;
    for (let i = 4; i < 44; i++) {
      let t = rk[i - 1]!;
      if (i % 4 === 0) {
        // RotWord, SubWord, Rcon (FIPS 197 §5.2)
        t = ((s[(t >>> 16) & 255]! << 24) | (s[(t >>> 8) & 255]! << 16) | (s[t & 255]! << 8) | s[t >>> 24]!) ^ (rcon << 24);
        rcon = ((rcon << 1) ^ ((rcon & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
      }
      rk[i] = (rk[i - 4]! ^ t) >>> 0;
    }
  }

  encryptBlock(src: Uint8Array, so: number, dst: Uint8Array, d: number): void {
    const rk = this.rk; const s = this.sbox;
    let s0 = ((src[so]! << 24) | (src[so + 1]! << 16) | (src[so + 2]! << 8) | src[so + 3]!) ^ rk[0]!;
    let s1 = ((src[so + 4]! << 24) | (src[so + 5]! << 16) | (src[so + 6]! << 8) | src[so + 7]!) ^ rk[1]!;
    let s2 = ((src[so + 8]! << 24) | (src[so + 9]! << 16) | (src[so + 10]! << 8) | src[so + 11]!) ^ rk[2]!;
    let s3 = ((src[so + 12]! << 24) | (src[so + 13]! << 16) | (src[so + 14]! << 8) | src[so + 15]!) ^ rk[3]!;
    let k = 4;
    for (let r = 1; r < 10; r++, k += 4) {
      const t0 = T0[s0 >>> 24]! ^ T1[(s1 >>> 16) & 255]! ^ T2[(s2 >>> 8) & 255]! ^ T3[s3 & 255]! ^ rk[k]!;
      const t1 = T0[s1 >>> 24]! ^ T1[(s2 >>> 16) & 255]! ^ T2[(s3 >>> 8) & 255]! ^ T3[s0 & 255]! ^ rk[k + 1]!;
      const t2 = T0[s2 >>> 24]! ^ T1[(s3 >>> 16) & 255]! ^ T2[(s0 >>> 8) & 255]! ^ T3[s1 & 255]! ^ rk[k + 2]!;
      const t3 = T0[s3 >>> 24]! ^ T1[(s0 >>> 16) & 255]! ^ T2[(s1 >>> 8) & 255]! ^ T3[s2 & 255]! ^ rk[k + 3]!;
      s0 = t0; s1 = t1; s2 = t2; s3 = t3;
    }
    // final round: SubBytes, ShiftRows, AddRoundKey (no MixColumns)
    const o0 = ((s[s0 >>> 24]! << 24) | (s[(s1 >>> 16) & 255]! << 16) | (s[(s2 >>> 8) & 255]! << 8) | s[s3 & 255]!) ^ rk[40]!;
    const o1 = ((s[s1 >>> 24]! << 24) | (s[(s2 >>> 16) & 255]! << 16) | (s[(s3 >>> 8) & 255]! << 8) | s[s0 & 255]!) ^ rk[41]!;
    const o2 = ((s[s2 >>> 24]! << 24) | (s[(s3 >>> 16) & 255]! << 16) | (s[(s0 >>> 8) & 255]! << 8) | s[s1 & 255]!) ^ rk[42]!;
    const o3 = ((s[s3 >>> 24]! << 24) | (s[(s0 >>> 16) & 255]! << 16) | (s[(s1 >>> 8) & 255]! << 8) | s[s2 & 255]!) ^ rk[43]!;
    dst[d] = o0 >>> 24; dst[d + 1] = (o0 >>> 16) & 255; dst[d + 2] = (o0 >>> 8) & 255; dst[d + 3] = o0 & 255;
    dst[d + 4] = o1 >>> 24; dst[d + 5] = (o1 >>> 16) & 255; dst[d + 6] = (o1 >>> 8) & 255; dst[d + 7] = o1 & 255;
    dst[d + 8] = o2 >>> 24; dst[d + 9] = (o2 >>> 16) & 255; dst[d + 10] = (o2 >>> 8) & 255; dst[d + 11] = o2 & 255;
    dst[d + 12] = o3 >>> 24; dst[d + 13] = (o3 >>> 16) & 255; dst[d + 14] = (o3 >>> 8) & 255; dst[d + 15] = o3 & 255;
  }
}
