/**
 * Stand-in for the SDK's `hmac` (modules/crypt/etc/hmac.js, FIPS 198 over a Digest):
 * the key is an ArrayBuffer or a view; `process(...items)` resets, writes every item
 * and returns the MAC as an ArrayBuffer.
 */
import type { Digest } from './crypt.ts';

export default class HMAC {
  private readonly ipad: Uint8Array;
  private readonly opad: Uint8Array;

  constructor(private readonly h: Digest, key: ArrayBuffer | ArrayBufferView, bitlen = 0) {
    void bitlen;
    let k = key instanceof ArrayBuffer ? new Uint8Array(key) : new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
    if (k.length > h.blockSize) {
      h.reset();
      h.write(k);
      k = new Uint8Array(h.close());
    }
    this.ipad = new Uint8Array(h.blockSize).fill(0x36);
    this.opad = new Uint8Array(h.blockSize).fill(0x5c);
    for (let i = 0; i < k.length; i++) { this.ipad[i]! ^= k[i]!; this.opad[i]! ^= k[i]!; }
  }

  process(...items: (ArrayBuffer | ArrayBufferView)[]): ArrayBuffer {
    const h = this.h;
    h.reset();
    h.write(this.ipad);
    for (const item of items) h.write(item);
    const inner = h.close();
    h.reset();
    h.write(this.opad);
    h.write(inner);
    return h.close();
  }
}
