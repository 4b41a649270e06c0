/**
 * X25519 on BigInt (src/dtls/crypto/x25519.ts, the Moddable crypto port's X25519)
 * against RFC 7748's vectors and against tweetnacl and node:crypto as oracles.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { x25519, X25519_BASE } from '../../../src/dtls/crypto/x25519.ts';
import { createNodeCrypto } from '../../../src/platform/node/crypto.ts';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const t = suite('dtls/crypto/x25519');

t('RFC 7748 §5.2 test vectors 1 and 2 (scalar clamping, u top bit masked)', () => {
  assert.is(toHex(x25519(hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
    hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'))), 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552');
  assert.is(toHex(x25519(hex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
    hex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'))), '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957');
});

t('RFC 7748 §6.1 Diffie-Hellman: both public keys and the shared secret', () => {
  const a = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const b = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
  const pa = x25519(a, X25519_BASE);
  const pb = x25519(b, X25519_BASE);
  assert.is(toHex(pa), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
  assert.is(toHex(pb), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
  assert.is(toHex(x25519(a, pb)), shared);
  assert.is(toHex(x25519(b, pa)), shared);
});

t('RFC 7748 §5: random scalars and points agree with tweetnacl; a node:crypto peer agrees on the secret', () => {
  for (let i = 0; i < 20; i++) {
    const k = new Uint8Array(randomBytes(32));
    const u = new Uint8Array(randomBytes(32));
    assert.is(toHex(x25519(k, u)), toHex(nacl.scalarMult(k, u)));
    assert.is(toHex(x25519(k, X25519_BASE)), toHex(nacl.scalarMult.base(k)));
  }
  const node = createNodeCrypto();
  const peer = node.x25519Keygen();
  const mine = new Uint8Array(randomBytes(32));
  const secret = node.x25519SharedSecret(peer.privateKey, x25519(mine, X25519_BASE));
  assert.ok(secret !== undefined);
  assert.is(toHex(x25519(mine, peer.publicKey)), toHex(secret!));
});

t('RFC 7748 §6.1: a low-order point gives the all-zero output the port rejects (RFC 8422 §5.11)', () => {
  assert.is(toHex(x25519(new Uint8Array(randomBytes(32)), new Uint8Array(32))), '00'.repeat(32));
});

t.run();
