/**
 * The portable crypto port inside the real XS engine (tools/xs): the bundle built with
 * the XS options evaluates published vectors (RFC 3610 CCM, RFC 7748 X25519) and a
 * P-256 ECDH + ECDSA round trip.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';

const xs = suite('dtls/crypto in XS');
let worker: XsWorker;

xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/dtls/xs/crypto-entry.ts')), 'c');
});
xs.after(() => worker?.close());

xs('RFC 3610 §8 packet vector #1 seals and opens inside XS', async () => {
  const { value } = await worker.call<string[]>(`(() => {
    const ccm = c.crypto.ccm8(c.fromHex('c0c1c2c3c4c5c6c7c8c9cacbcccdcecf'));
    const n = c.fromHex('00000003020100a0a1a2a3a4a5'), a = c.fromHex('0001020304050607');
    const buf = new Uint8Array(31); buf.set(c.fromHex('08090a0b0c0d0e0f101112131415161718191a1b1c1d1e'));
    ccm.seal(n, a, buf, 0, 23);
    const sealed = c.toHex(buf);
    const ok = ccm.open(n, a, buf, 0, 31);
    buf[0] ^= 1;
    return [sealed, String(ok), c.toHex(buf.subarray(1, 23)), String(ccm.open(n, a, buf, 0, 31))];
  })()`);
  assert.equal(value, ['588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0', 'true', '090a0b0c0d0e0f101112131415161718191a1b1c1d1e', 'false']);
});

xs('RFC 7748 §6.1 X25519 inside XS (tweetnacl)', async () => {
  const { value } = await worker.call<string>(
    `c.toHex(c.crypto.x25519SharedSecret(c.fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), c.fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')))`);
  assert.is(value, '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
});

xs('RFC 7748 §6.1 X25519 inside XS (BigInt ladder of the Moddable crypto port): public key and shared secret', async () => {
  const { value } = await worker.call<string[]>(`[
    c.toHex(c.x25519(c.fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), c.X25519_BASE)),
    c.toHex(c.x25519(c.fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'), c.fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'))),
  ]`);
  assert.equal(value, ['8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742']);
});

xs('NIST CAVS ECC CDH P-256 COUNT 0 inside XS', async () => {
  const { value } = await worker.call<string>(`c.toHex(c.crypto.p256SharedSecret(c.fromHex('7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534'),
    c.fromHex('04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac')))`);
  assert.is(value, '46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b');
});

xs('RFC 8422 §5.10 P-256 ECDH and §5.4 ECDSA inside XS', async () => {
  const { value } = await worker.call<boolean[]>(`(() => {
    const k = c.crypto, a = k.p256Keygen(), b = k.p256Keygen();
    const same = c.toHex(k.p256SharedSecret(a.privateKey, b.publicKey)) === c.toHex(k.p256SharedSecret(b.privateKey, a.publicKey));
    const m = c.fromHex('00112233'), sig = k.ecdsaP256Sign(a.privateKey, m);
    return [same, k.ecdsaP256Verify(a.publicKey, m, sig), k.ecdsaP256Verify(b.publicKey, m, sig)];
  })()`);
  assert.equal(value, [true, true, false]);
});

xs.run();
