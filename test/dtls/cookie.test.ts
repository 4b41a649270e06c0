import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CookieJar, COOKIE_SECRET_LIFETIME_MS } from '../../src/dtls/cookie.ts';
import type { ClientHelloFields } from '../../src/dtls/handshake-messages.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';

const hello = (random: number, cookie: Uint8Array = new Uint8Array(0)): ClientHelloFields => ({
  version: 0xfefd, random: new Uint8Array(32).fill(random), sessionId: new Uint8Array(0), cookie, suites: [0xc0a8],
  ext: { groups: [], sigAlgs: [], extendedMasterSecret: false, renegotiationInfo: false, uncompressedOk: true },
});

const t = suite('dtls/cookie');

t('RFC 6347 §4.2.1 a cookie verifies for the same peer and hello only', () => {
  const jar = new CookieJar(createNodeCrypto());
  const c = jar.issue(0, '192.0.2.1', 5000, hello(1));
  assert.is(c.length, 16);
  assert.ok(jar.verify(10, '192.0.2.1', 5000, hello(1, c)));
  assert.not.ok(jar.verify(10, '192.0.2.1', 5001, hello(1, c)), 'other port');
  assert.not.ok(jar.verify(10, '192.0.2.2', 5000, hello(1, c)), 'other address');
  assert.not.ok(jar.verify(10, '192.0.2.1', 5000, hello(2, c)), 'other client random');
  assert.not.ok(jar.verify(10, '192.0.2.1', 5000, hello(1, c.subarray(0, 8))), 'truncated');
});

t('RFC 6347 §4.2.1 the secret rotates: a cookie lives one to two lifetimes', () => {
  const jar = new CookieJar(createNodeCrypto());
  const c = jar.issue(0, '192.0.2.1', 5000, hello(1));
  assert.ok(jar.verify(COOKIE_SECRET_LIFETIME_MS + 1, '192.0.2.1', 5000, hello(1, c)), 'previous secret still accepted');
  assert.not.ok(jar.verify(2 * COOKIE_SECRET_LIFETIME_MS + 2, '192.0.2.1', 5000, hello(1, c)), 'two rotations later it is gone');
});

t.run();
