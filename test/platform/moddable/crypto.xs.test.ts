/**
 * The Moddable crypto port (src/platform/moddable/crypto.ts) inside the real XS engine,
 * the SDK's crypt modules stood in for by test/platform/moddable/sdk (their shapes and
 * ArrayBuffer rules, the portable port's arithmetic): the on-device self-test
 * (crypto-self-test.ts: FIPS 180-2, RFC 4231, FIPS 197, RFC 3610, SP 800-38C, RFC 7748,
 * CAVS CDH, RFC 6979 and NIST ECDSA vectors) passes, and hostile input gives undefined/false.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../../tools/xs/index.ts';
import { SDK_CRYPT_STAND_INS } from './sdk/aliases.ts';
import { readFileSync } from 'node:fs';
import { ecPrivateKeyFromDer, pemBlocks } from '../../../src/dtls/der.ts';
import { makePki } from '../../dtls/pki.ts';

const xs = suite('platform/moddable/crypto in XS');
let worker: XsWorker;

xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/platform/moddable/xs/crypto-entry.ts'), { alias: SDK_CRYPT_STAND_INS }), 'm');
});
xs.after(() => worker?.close());

xs('FIPS 180-2, RFC 4231, FIPS 197, RFC 3610, SP 800-38C, RFC 7748, CAVS CDH, RFC 6979 and NIST ECDSA vectors, SEC1 §4.1.4 ranges: every self-test part passes inside XS', async () => {
  const { value } = await worker.call<string[]>('m.selfTest()');
  const parts = value.filter((l) => l.startsWith('crypto-')).map((l) => l.split(' ').slice(0, 2).join(' '));
  assert.equal(parts, ['crypto-sha256 ok', 'crypto-hmac ok', 'crypto-aes ok', 'crypto-ccm8 ok', 'crypto-x25519 ok', 'crypto-p256-ecdh ok', 'crypto-ecdsa ok', 'crypto-ecdsa-sec1 ok', 'crypto-keygen ok'], value.join('\n'));
  assert.is(value[value.length - 1], 'failed 0');
});

xs('the self-test is not a stub: one wrong primitive fails its part and only that part', async () => {
  for (const [method, part] of [['sha256', 'crypto-sha256'], ['hmacSha256', 'crypto-hmac'], ['x25519SharedSecret', 'crypto-x25519'], ['ecdsaP256Verify', 'crypto-ecdsa']] as const) {
    const { value } = await worker.call<string[]>(`m.selfTest(${JSON.stringify(method)})`);
    const failing = value.filter((l) => l.includes(' FAIL ')).map((l) => l.split(' ')[0]);
    assert.ok(failing.includes(part), `${method}: ${value.join('\n')}`);
    assert.not.ok(failing.includes('crypto-aes'), `${method} broke AES too`);
  }
});

xs('RFC 8422 §5.11 / RFC 3279: hostile points, scalars and signatures give undefined/false, never a throw', async () => {
  const { value } = await worker.call<string[]>(`(() => {
    const c = m.crypto, k = c.p256Keygen(), msg = new Uint8Array([1, 2, 3]);
    const sig = c.ecdsaP256Sign(k.privateKey, msg);
    const out = [];
    out.push(String(c.p256SharedSecret(k.privateKey, new Uint8Array(65))));                // (0,0) with tag 0: not a point
    out.push(String(c.p256SharedSecret(k.privateKey, k.publicKey.subarray(0, 64))));       // short
    out.push(String(c.p256SharedSecret(new Uint8Array(32), k.publicKey)));                 // scalar 0
    out.push(String(c.p256SharedSecret(new Uint8Array(32).fill(255), k.publicKey)));       // scalar >= n
    out.push(String(c.p256PublicKey(new Uint8Array(31).fill(1))));                          // wrong length
    out.push(String(c.ecdsaP256Verify(k.publicKey, msg, sig.subarray(0, sig.length - 1)))); // truncated DER
    const bad = sig.slice(); bad[bad.length - 1] ^= 1;
    out.push(String(c.ecdsaP256Verify(k.publicKey, msg, bad)));
    out.push(String(c.ecdsaP256Verify(k.publicKey, msg, new Uint8Array([0x30, 6, 2, 1, 0, 2, 1, 1]))));   // r = 0
    out.push(String(c.x25519SharedSecret(k.privateKey.subarray(0, 31), new Uint8Array(32))));
    out.push(String(c.ecdsaP256Verify(k.publicKey, msg, sig)));
    return out;
  })()`);
  assert.equal(value, ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'false', 'false', 'false', 'undefined', 'true']);
});

xs('the port hands the SDK ArrayBuffers where its C wants them: AES over subarray views at any offset, in place', async () => {
  const { value } = await worker.call<string>(`(() => {
    const key = new Uint8Array(20); for (let i = 0; i < 16; i++) key[i + 4] = i;
    const aes = m.crypto.aes128(key.subarray(4, 20));
    const buf = new Uint8Array(40); const pt = [0x00,0x11,0x22,0x33,0x44,0x55,0x66,0x77,0x88,0x99,0xaa,0xbb,0xcc,0xdd,0xee,0xff];
    for (let i = 0; i < 16; i++) buf[i + 7] = pt[i];
    aes.encryptBlock(buf.subarray(3), 4, buf, 7);
    let s = ''; for (let i = 7; i < 23; i++) s += (buf[i] < 16 ? '0' : '') + buf[i].toString(16);
    return s;
  })()`);
  assert.is(value, '69c4e0d86a7b0430d8cdb78070b4c55a');
});

const hs = suite('platform/moddable/crypto: DTLS handshakes in XS');
let hsWorker: XsWorker;
let certs = '';

hs.before(async () => {
  const pki = makePki();
  const der = (n: string) => Buffer.from(pemBlocks(readFileSync(pki.path(n, 'crt'), 'utf8'), 'CERTIFICATE')[0]!).toString('hex');
  const key = (n: string) => Buffer.from(ecPrivateKeyFromDer(pemBlocks(readFileSync(pki.path(n, 'key'), 'utf8'), 'EC PRIVATE KEY')[0]!)!).toString('hex');
  certs = JSON.stringify({ agent: der('agent'), agentKey: key('agent'), controller: der('controller'), controllerKey: key('controller'), ca: der('ca') });
  hsWorker = XsWorker.start();
  await hsWorker.loadBundle(await bundleForXs(join(ROOT, 'test/platform/moddable/xs/handshake-entry.ts'), { alias: SDK_CRYPT_STAND_INS }), 'h');
});
hs.after(() => hsWorker?.close());

for (const mode of ['psk', 'p256', 'x25519']) {
  hs(`RFC 6347 §4.2 / RFC 7251 ${mode} handshake with the Moddable port on both sides completes inside XS and carries data`, async () => {
    const { value } = await hsWorker.call<[number, string | null, number]>(`(() => {
      const p = h.handshake(${JSON.stringify(mode)}, ${certs}, h.crypto);
      p.peer.send(new Uint8Array([1, 2, 3]));
      h.receiveRecords(p, [p.client.pollTransmit().data], 0, 1);
      return [p.peer.state, p.peer.endpointId ?? null, p.received];
    })()`);
    assert.equal(value, [1, mode === 'psk' ? null : 'os::00256D-0123456789', 1]);
  });
}

xs.run();
hs.run();
