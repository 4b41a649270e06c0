/**
 * The portable crypto port: pure JavaScript, runs inside XS (Moddable has no CCM, no
 * X25519, MODDABLE.md). SHA-256/HMAC from @noble/hashes, the AES block is ours
 * (`aes.ts`, allocation-free so the record path stays zero-allocation in XS; noble's
 * block API returns an object per block), CCM-8 in `ccm.ts` on that block, P-256 ECDH/ECDSA from @noble/curves, X25519 from tweetnacl
 * whose PRNG is wired to the platform random source.
 *
 * Invariants: randomness only from `random` (never crypto.getRandomValues); library
 * exceptions on hostile input become undefined/false.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { p256 } from '@noble/curves/nist.js';
import nacl from 'tweetnacl';
import type { CryptoPort, EcKeyPair } from '../../platform/crypto.ts';
import { Aes128 } from './aes.ts';
import { Ccm8 } from './ccm.ts';

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
    aes128: (key) => new Aes128(key),
    ccm8: (key) => new Ccm8(new Aes128(key)),
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
