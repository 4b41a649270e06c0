/**
 * The crypto port, both implementations (node:crypto and the portable pure-JS one),
 * against published vectors and against each other.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomFillSync } from 'node:crypto';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { createPortableCrypto } from '../../src/dtls/crypto/portable.ts';
import { prfSha256 } from '../../src/dtls/crypto/prf.ts';
import { utf8Bytes as asciiBytes } from '../../src/encoding/utf8.ts';
import type { CryptoPort } from '../../src/platform/crypto.ts';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const PORTS: CryptoPort[] = [createNodeCrypto(), createPortableCrypto((out) => { randomFillSync(out); })];

/** RFC 3610 §8 Packet Vector #1 (M = 8, L = 2). */
const RFC3610_1 = {
  key: 'c0c1c2c3c4c5c6c7c8c9cacbcccdcecf', nonce: '00000003020100a0a1a2a3a4a5', aad: '0001020304050607',
  pt: '08090a0b0c0d0e0f101112131415161718191a1b1c1d1e',
  ct: '588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0',
};

for (const c of PORTS) {
  const t = suite(`dtls/crypto (${c.name})`);

  t('FIPS 180-4 SHA-256("abc") and RFC 4231 HMAC-SHA256 case 1', () => {
    assert.is(toHex(c.sha256(asciiBytes('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.is(toHex(c.hmacSha256(new Uint8Array(20).fill(0x0b), asciiBytes('Hi There'))),
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
  });

  t('FIPS 197 C.1 AES-128 block', () => {
    const out = new Uint8Array(20);
    c.aes128(hex('000102030405060708090a0b0c0d0e0f')).encryptBlock(hex('00112233445566778899aabbccddeeff'), 0, out, 2);
    assert.is(toHex(out.subarray(2, 18)), '69c4e0d86a7b0430d8cdb78070b4c55a');
  });

  t('RFC 3610 §8 packet vector #1 seals and opens in place', () => {
    const pt = hex(RFC3610_1.pt);
    const buf = new Uint8Array(pt.length + 8);
    buf.set(pt);
    const ccm = c.ccm8(hex(RFC3610_1.key));
    ccm.seal(hex(RFC3610_1.nonce), hex(RFC3610_1.aad), buf, 0, pt.length);
    assert.is(toHex(buf), RFC3610_1.ct);
    assert.ok(ccm.open(hex(RFC3610_1.nonce), hex(RFC3610_1.aad), buf, 0, buf.length));
    assert.is(toHex(buf.subarray(0, pt.length)), RFC3610_1.pt);
  });

  t('RFC 6655 §3 CCM-8 with a 12-byte nonce matches the other implementation and rejects a flipped bit', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f');
    const nonce = hex('0102030400000000000000a1');
    const aad = hex('0000000000000001170303001f');
    for (const len of [0, 1, 15, 16, 17, 100]) {
      const a = new Uint8Array(len + 8); for (let i = 0; i < len; i++) a[i] = i * 7;
      const b = a.slice();
      c.ccm8(key).seal(nonce, aad, a, 0, len);
      const other = PORTS.find((p) => p !== c)!;
      other.ccm8(key).seal(nonce, aad, b, 0, len);
      assert.is(toHex(a), toHex(b), `len ${len}`);
      a[len > 0 ? 0 : len] ^= 1;
      assert.not.ok(c.ccm8(key).open(nonce, aad, a, 0, len + 8), `tamper len ${len}`);
    }
  });

  t('RFC 5246 §5 PRF(SHA-256) test vector', () => {
    const out = prfSha256(c, hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
    assert.is(toHex(out), 'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66');
  });

  t('RFC 7748 §6.1 X25519 key agreement', () => {
    const aSk = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bPk = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    assert.is(toHex(c.x25519SharedSecret(aSk, bPk)!), '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    const k1 = c.x25519Keygen(); const k2 = c.x25519Keygen();
    assert.is(toHex(c.x25519SharedSecret(k1.privateKey, k2.publicKey)!), toHex(c.x25519SharedSecret(k2.privateKey, k1.publicKey)!));
    assert.is(c.x25519SharedSecret(aSk, new Uint8Array(32)), undefined, 'all-zero output rejected (RFC 8422 §5.11)');
  });

  t('NIST CAVS ECC CDH P-256 COUNT 0: public key and shared secret', () => {
    const d = hex('7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534');
    const peer = hex('04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac');
    assert.is(toHex(c.p256PublicKey(d)!), '04ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b23028af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141');
    assert.is(toHex(c.p256SharedSecret(d, peer)!), '46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b');
  });

  t('RFC 8422 §5.10 P-256 ECDH agrees with the other implementation; bad points give undefined', () => {
    const other = PORTS.find((p) => p !== c)!;
    const a = c.p256Keygen(); const b = other.p256Keygen();
    assert.is(a.publicKey.length, 65);
    assert.is(toHex(c.p256PublicKey(a.privateKey)!), toHex(a.publicKey));
    const s1 = c.p256SharedSecret(a.privateKey, b.publicKey)!;
    assert.is(s1.length, 32);
    assert.is(toHex(s1), toHex(other.p256SharedSecret(b.privateKey, a.publicKey)!));
    const bad = b.publicKey.slice(); bad[40] ^= 1;
    assert.is(c.p256SharedSecret(a.privateKey, bad), undefined);
  });

  t('SEC 1 §2.3.7: a P-256 private key is always 32 bytes, leading zero bytes kept (1 key in 256 has one)', () => {
    // node:crypto's getPrivateKey() drops them; 3 000 keys miss a short one with p ≈ 1e-5.
    for (let i = 0; i < 3000; i++) assert.is(c.p256Keygen().privateKey.length, 32);
  });

  t('RFC 8422 §5.4 ECDSA P-256 DER signatures verify across implementations', () => {
    const other = PORTS.find((p) => p !== c)!;
    const k = c.p256Keygen();
    const msg = asciiBytes('signed params');
    const sig = c.ecdsaP256Sign(k.privateKey, msg);
    assert.is(sig[0], 0x30);
    assert.ok(other.ecdsaP256Verify(k.publicKey, msg, sig));
    assert.ok(c.ecdsaP256Verify(k.publicKey, msg, other.ecdsaP256Sign(k.privateKey, msg)));
    assert.not.ok(c.ecdsaP256Verify(k.publicKey, asciiBytes('other'), sig));
    assert.not.ok(c.ecdsaP256Verify(k.publicKey, msg, sig.subarray(0, 10)));
  });

  t.run();
}
