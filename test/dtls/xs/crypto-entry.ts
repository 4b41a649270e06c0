/**
 * XS bundle entry for the crypto tests: the portable crypto port with a test-only
 * seeded PRNG (XS under xsnap has no entropy source; devices pass the platform's).
 */
import { createPortableCrypto } from '../../../src/dtls/crypto/portable.ts';
import type { CryptoPort } from '../../../src/platform/crypto.ts';
export { x25519, X25519_BASE } from '../../../src/dtls/crypto/x25519.ts';

let state = 0x9e3779b9;
/** xorshift32 — deterministic test randomness only. */
function testRandom(out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    out[i] = state & 0xff;
  }
}

export const crypto: CryptoPort = createPortableCrypto(testRandom);

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}
