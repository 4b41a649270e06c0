/**
 * The portable crypto port: pure JavaScript, runs inside XS (Moddable has no CCM, no
 * X25519, MODDABLE.md). SHA-256/HMAC from @noble/hashes, the AES block from
 * @noble/ciphers (its low-level `unsafe` single-block API, pinned version), CCM-8 in
 * `ccm.ts` on that block, P-256 ECDH/ECDSA from @noble/curves, X25519 from tweetnacl
 * whose PRNG is wired to the platform random source.
 *
 * Invariants: randomness only from `random` (never crypto.getRandomValues); library
 * exceptions on hostile input become undefined/false.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { unsafe as aesUnsafe } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import nacl from 'tweetnacl';
import type { AesBlockCipher, CryptoPort, EcKeyPair } from '../../platform/crypto.ts';
import { Ccm8 } from './ccm.ts';

class NobleAes implements AesBlockCipher {
  private readonly xk: Uint32Array;
  constructor(key: Uint8Array) { this.xk = aesUnsafe.expandKeyLE(key); }

  encryptBlock(src: Uint8Array, so: number, dst: Uint8Array, dOff: number): void {
    // The noble core works on little-endian 32-bit words of the block.
    const r = aesUnsafe.encrypt(this.xk, le32(src, so), le32(src, so + 4), le32(src, so + 8), le32(src, so + 12));
    put32(dst, dOff, r.s0); put32(dst, dOff + 4, r.s1); put32(dst, dOff + 8, r.s2); put32(dst, dOff + 12, r.s3);
  }
}

function le32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = (v >>> 24) & 0xff;
}

export function createPortableCrypto(random: (out: Uint8Array) => void): CryptoPort {
  nacl.setPRNG((x: Uint8Array, n: number) => {
    const tmp = new Uint8Array(n);
    random(tmp);
    x.set(tmp);
  });
  const p256Public = (sk: Uint8Array): Uint8Array | undefined => {
    try { return p256.getPublicKey(sk, false); } catch { return undefined; }
  };
  return {
    name: 'portable',
    randomBytes: random,
    sha256: (data) => sha256(data),
    hmacSha256: (key, data) => hmac(sha256, key, data),
    aes128: (key) => new NobleAes(key),
    ccm8: (key) => new Ccm8(new NobleAes(key)),
    p256Keygen(): EcKeyPair {
      const sk = new Uint8Array(32);
      do random(sk); while (!p256.utils.isValidSecretKey(sk));
      return { privateKey: sk, publicKey: p256.getPublicKey(sk, false) };
    },
    p256PublicKey: p256Public,
    p256SharedSecret(sk, pub) {
      try { return p256.getSharedSecret(sk, pub, true).subarray(1); } catch { return undefined; }
    },
    x25519Keygen(): EcKeyPair {
      const sk = new Uint8Array(32);
      random(sk);
      return { privateKey: sk, publicKey: nacl.scalarMult.base(sk) };
    },
    x25519SharedSecret(sk, pub) {
      if (pub.length !== 32 || sk.length !== 32) return undefined;
      const s = nacl.scalarMult(sk, pub);
      let acc = 0;
      for (let i = 0; i < 32; i++) acc |= s[i]!;
      return acc === 0 ? undefined : s;
    },
    ecdsaP256Sign: (sk, msg) => p256.sign(msg, sk, { format: 'der', prehash: true }),
    ecdsaP256Verify(pub, msg, sig) {
      // lowS: false — openssl and mbedTLS emit high-S signatures as often as low-S.
      try { return p256.verify(sig, msg, pub, { format: 'der', prehash: true, lowS: false }); } catch { return false; }
    },
  };
}
