/**
 * SHA-1 (FIPS 180-4 §6.1), portable, for one purpose only: the opening handshake's
 * Sec-WebSocket-Accept = base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2 item 5.4, §1.3).
 * It is not used for any security property (RFC 6455 §10.8: the accept value only proves
 * the server understood the WebSocket request), so the core need not reach the platform
 * crypto port for it and runs unchanged on XS and Espruino.
 *
 * 32-bit words stay in int32 (`| 0`, `>>>`); no Math.pow, no BigInt, no allocation beyond
 * the 80-word schedule, which the caller may pass in to reuse.
 */

const H0 = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** Processes the 64-byte block at `block[at…]` into `h`. */
function compress(h: Int32Array, block: Uint8Array, at: number, w: Int32Array): void {
  for (let t = 0; t < 16; t++) {
    const i = at + 4 * t;
    w[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
  }
  for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1);
  let a = h[0]!; let b = h[1]!; let c = h[2]!; let d = h[3]!; let e = h[4]!;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    const tmp = (rotl(a, 5) + f + e + k + w[t]!) | 0;
    e = d; d = c; c = rotl(b, 30); b = a; a = tmp;
  }
  h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0; h[4] = (h[4]! + e) | 0;
}

/** SHA-1 of `data[start, end)` into `out[0, 20)`. Inputs up to 2^29 bytes (the length fits 32 bits of bits). */
export function sha1(data: Uint8Array, start: number, end: number, out: Uint8Array): void {
  const h = new Int32Array(H0);
  const w = new Int32Array(80);
  const len = end - start;
  let p = start;
  for (; end - p >= 64; p += 64) compress(h, data, p, w);
  // Final block(s): the rest, 0x80, zeros, then the 64-bit big-endian bit length (§5.1.1).
  const tail = new Uint8Array(end - p < 56 ? 64 : 128);
  tail.set(data.subarray(p, end));
  tail[end - p] = 0x80;
  const bits = len * 8;
  const n = tail.length;
  tail[n - 5] = Math.floor(len / 0x20000000) & 0xff; // bits >>> 32, without 64-bit arithmetic
  tail[n - 4] = (bits >>> 24) & 0xff;
  tail[n - 3] = (bits >>> 16) & 0xff;
  tail[n - 2] = (bits >>> 8) & 0xff;
  tail[n - 1] = bits & 0xff;
  for (let q = 0; q < n; q += 64) compress(h, tail, q, w);
  for (let i = 0; i < 5; i++) {
    const v = h[i]!;
    out[4 * i] = v >>> 24; out[4 * i + 1] = (v >>> 16) & 0xff; out[4 * i + 2] = (v >>> 8) & 0xff; out[4 * i + 3] = v & 0xff;
  }
}
