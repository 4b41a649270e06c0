/**
 * The crypto port on Node (node:crypto): native SHA-256, HMAC, AES-128-CCM-8,
 * P-256 ECDH/ECDSA and X25519. Keys cross the port as raw bytes; KeyObjects are
 * built from JWK / raw SPKI on the way in.
 */
import {
  createCipheriv, createDecipheriv, createECDH, createHash, createHmac, createPrivateKey,
  createPublicKey, diffieHellman, generateKeyPairSync, randomFillSync, sign, verify, type KeyObject,
} from 'node:crypto';
import type { AesBlockCipher, Ccm8Cipher, CryptoPort, EcKeyPair } from '../crypto.ts';

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
/** DER SubjectPublicKeyInfo prefix for an uncompressed P-256 point (RFC 5480). */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
/** DER SubjectPublicKeyInfo prefix for X25519 (RFC 8410). */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function p256PublicKeyObject(pub: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, pub]), format: 'der', type: 'spki' });
}

function p256PrivateKeyObject(sk: Uint8Array): KeyObject {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(sk);
  const pub = ecdh.getPublicKey();
  return createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64u(sk), x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33, 65)) },
    format: 'jwk',
  });
}

class NodeAes implements AesBlockCipher {
  private readonly cipher;
  constructor(key: Uint8Array) {
    this.cipher = createCipheriv('aes-128-ecb', key, null);
    this.cipher.setAutoPadding(false);
  }
  encryptBlock(src: Uint8Array, so: number, dst: Uint8Array, dOff: number): void {
    dst.set(this.cipher.update(src.subarray(so, so + 16)), dOff);
  }
}

class NodeCcm8 implements Ccm8Cipher {
  constructor(private readonly key: Uint8Array) {}
  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): void {
    const c = createCipheriv('aes-128-ccm', this.key, nonce, { authTagLength: 8 });
    c.setAAD(aad, { plaintextLength: end - start });
    const out = c.update(buf.subarray(start, end));
    c.final();
    buf.set(out, start);
    buf.set(c.getAuthTag(), end);
  }
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
    const mEnd = end - 8;
    if (mEnd < start) return false;
    try {
      const d = createDecipheriv('aes-128-ccm', this.key, nonce, { authTagLength: 8 });
      d.setAuthTag(buf.subarray(mEnd, end));
      d.setAAD(aad, { plaintextLength: mEnd - start });
      const out = d.update(buf.subarray(start, mEnd));
      d.final();
      buf.set(out, start);
      return true;
    } catch {
      return false;
    }
  }
}

export function createNodeCrypto(): CryptoPort {
  return {
    name: 'node',
    randomBytes: (out) => { randomFillSync(out); },
    sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
    hmacSha256: (key, data) => new Uint8Array(createHmac('sha256', key).update(data).digest()),
    aes128: (key) => new NodeAes(key),
    ccm8: (key) => new NodeCcm8(Uint8Array.from(key)),
    p256Keygen(): EcKeyPair {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      // getPrivateKey() drops leading zero bytes (≈ 1 key in 256 is 31 bytes): a P-256 scalar is 32.
      const d = ecdh.getPrivateKey();
      const privateKey = new Uint8Array(32);
      privateKey.set(d, 32 - d.length);
      return { privateKey, publicKey: new Uint8Array(ecdh.getPublicKey()) };
    },
    p256PublicKey(sk) {
      try {
        const ecdh = createECDH('prime256v1');
        ecdh.setPrivateKey(sk);
        return new Uint8Array(ecdh.getPublicKey());
      } catch { return undefined; }
    },
    p256SharedSecret(sk, pub) {
      try {
        const ecdh = createECDH('prime256v1');
        ecdh.setPrivateKey(sk);
        return new Uint8Array(ecdh.computeSecret(pub));
      } catch { return undefined; }
    },
    x25519Keygen(): EcKeyPair {
      const { privateKey, publicKey } = generateKeyPairSync('x25519');
      const sk = privateKey.export({ format: 'der', type: 'pkcs8' });
      const pk = publicKey.export({ format: 'der', type: 'spki' });
      return { privateKey: new Uint8Array(sk.subarray(sk.length - 32)), publicKey: new Uint8Array(pk.subarray(pk.length - 32)) };
    },
    x25519SharedSecret(sk, pub) {
      if (sk.length !== 32 || pub.length !== 32) return undefined;
      try {
        const s = diffieHellman({
          privateKey: createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, sk]), format: 'der', type: 'pkcs8' }),
          publicKey: createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, pub]), format: 'der', type: 'spki' }),
        });
        let acc = 0;
        for (const b of s) acc |= b;
        return acc === 0 ? undefined : new Uint8Array(s);
      } catch { return undefined; }
    },
    ecdsaP256Sign: (sk, msg) => new Uint8Array(sign('sha256', msg, { key: p256PrivateKeyObject(sk), dsaEncoding: 'der' })),
    ecdsaP256Verify(pub, msg, sig) {
      try { return verify('sha256', msg, { key: p256PublicKeyObject(pub), dsaEncoding: 'der' }, sig); } catch { return false; }
    },
  };
}
