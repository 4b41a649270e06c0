/**
 * DTLS: handshake time per suite on Node with each crypto port (node:crypto vs the
 * portable pure-JS one), CCM-8 record protect/unprotect throughput, and inside XS the
 * computrons and heap of a portable handshake and of opening one record.
 */
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDtlsConfig, type DtlsConfig } from '../../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../../src/dtls/endpoint.ts';
import { DtlsState } from '../../../src/dtls/association.ts';
import { RecordLayer } from '../../../src/dtls/record-layer.ts';
import { ecPrivateKeyFromDer, pemBlocks } from '../../../src/dtls/der.ts';
import { NamedGroup } from '../../../src/dtls/wire.ts';
import { createPortableCrypto } from '../../../src/dtls/crypto/portable.ts';
import { createNodeCrypto } from '../../../src/platform/node/crypto.ts';
import type { CryptoPort } from '../../../src/platform/crypto.ts';
import { makePki } from '../../../test/dtls/pki.ts';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';

function handshakeOnce(crypto: CryptoPort, cc: DtlsConfig, sc: DtlsConfig): void {
  const c = new DtlsEndpoint({ config: cc, crypto, server: false, onData: () => {} });
  const s = new DtlsEndpoint({ config: sc, crypto, server: true, onData: () => {} });
  const a = c.connect(0, '10.0.0.2', 5684);
  for (let i = 0; i < 20; i++) {
    let n = 0;
    for (let t = c.pollTransmit(); t; t = c.pollTransmit()) { s.handleDatagram(0, t.data, 0, t.data.length, '10.0.0.1', 4000); n++; }
    for (let t = s.pollTransmit(); t; t = s.pollTransmit()) { c.handleDatagram(0, t.data, 0, t.data.length, '10.0.0.2', 5684); n++; }
    if (n === 0) break;
  }
  if (a.state !== DtlsState.Connected) throw new Error('bench handshake failed');
}

function msPerHandshake(crypto: CryptoPort, cc: DtlsConfig, sc: DtlsConfig): number {
  handshakeOnce(crypto, cc, sc);
  let n = 0; const t0 = performance.now();
  while (performance.now() - t0 < 700 || n < 3) { handshakeOnce(crypto, cc, sc); n++; }
  return (performance.now() - t0) / n;
}

/** MB/s of seal + open for 1 KiB application records. */
function ccmThroughput(crypto: CryptoPort): { seal: number; open: number } {
  const tx = new RecordLayer(); const rx = new RecordLayer();
  const key = new Uint8Array(16).fill(1); const iv = new Uint8Array(4);
  tx.setWriteKeys(crypto.ccm8(key), iv); rx.setReadKeys(crypto.ccm8(key), iv);
  const payload = new Uint8Array(1024);
  const N = 2000;
  const recs: Uint8Array[] = [];
  let t0 = performance.now();
  for (let i = 0; i < N; i++) { const out = new Uint8Array(tx.sealedLength(1024)); tx.seal(23, payload, 0, 1024, out, 0); recs.push(out); }
  const seal = (N * 1024) / 1e6 / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (const r of recs) { rx.next(r, 0, r.length); if (rx.view.type !== 23) throw new Error('open failed'); }
  const open = (N * 1024) / 1e6 / ((performance.now() - t0) / 1000);
  return { seal, open };
}

const suite: BenchSuite = {
  name: 'dtls',
  async run() {
    const pki = makePki();
    const psk = new Uint8Array(16).fill(5);
    const modes: Array<[string, DtlsConfig, DtlsConfig]> = [
      ['PSK-AES128-CCM8', createDtlsConfig({ psk: { identity: new Uint8Array([1]), key: psk } }), createDtlsConfig({ pskForIdentity: () => psk })],
      ['ECDHE-ECDSA-AES128-CCM8 P-256', createDtlsConfig({ certificate: pki.config('controller') }), createDtlsConfig({ certificate: pki.config('agent') })],
      ['ECDHE-ECDSA-AES128-CCM8 X25519', createDtlsConfig({ certificate: pki.config('controller'), groups: [NamedGroup.X25519] }),
        createDtlsConfig({ certificate: pki.config('agent'), groups: [NamedGroup.X25519] })],
    ];
    const ports = [createNodeCrypto(), createPortableCrypto((o) => { randomFillSync(o); })];
    for (const [name, cc, sc] of modes) {
      for (const crypto of ports) {
        const ms = msPerHandshake(crypto, cc, sc);
        console.log(`dtls handshake ${name} (${crypto.name} crypto, both sides): ${ms.toFixed(2)} ms`);
      }
    }
    for (const crypto of ports) {
      const r = ccmThroughput(crypto);
      console.log(`dtls CCM-8 record protect (${crypto.name} crypto, 1 KiB): ${r.seal.toFixed(1)} MB/s`);
      console.log(`dtls CCM-8 record unprotect (${crypto.name} crypto, 1 KiB): ${r.open.toFixed(1)} MB/s`);
    }

    const w = XsWorker.start();
    try {
      const der = (n: string) => Buffer.from(pemBlocks(readFileSync(pki.path(n, 'crt'), 'utf8'), 'CERTIFICATE')[0]!).toString('hex');
      const key = (n: string) => Buffer.from(ecPrivateKeyFromDer(pemBlocks(readFileSync(pki.path(n, 'key'), 'utf8'), 'EC PRIVATE KEY')[0]!)!).toString('hex');
      const certs = JSON.stringify({ agent: der('agent'), agentKey: key('agent'), controller: der('controller'), controllerKey: key('controller'), ca: der('ca') });
      await w.loadBundle(await bundleForXs(join(ROOT, 'test/dtls/xs/handshake-entry.ts')), 'd');
      for (const mode of ['psk', 'p256', 'x25519']) {
        await w.evaluate(`d.handshake('${mode}', ${certs})`);
        const r = await w.evaluate(`globalThis.hp = d.handshake('${mode}', ${certs}); if (hp.peer.state !== 1) throw new Error('xs handshake')`);
        const live = await w.retainedSlots(`globalThis.keep_${mode} = d.handshake('${mode}', ${certs})`);
        console.log(`dtls XS handshake ${mode} (portable crypto, both sides): ${(r.meter.compute / 1e6).toFixed(1)} M computrons; two connected endpoints hold ${live} slots`);
      }
      await w.evaluate(`globalThis.kp = d.crypto.p256Keygen(); globalThis.kq = d.crypto.p256Keygen(); globalThis.xk = d.crypto.x25519Keygen(); globalThis.xq = d.crypto.x25519Keygen();
        globalThis.msg = new Uint8Array(200); globalThis.sig = d.crypto.ecdsaP256Sign(kp.privateKey, msg);`);
      const ops: Array<[string, string]> = [
        ['P-256 keygen', 'd.crypto.p256Keygen()'],
        ['P-256 ECDH', 'd.crypto.p256SharedSecret(kp.privateKey, kq.publicKey)'],
        ['ECDSA P-256 sign', 'd.crypto.ecdsaP256Sign(kp.privateKey, msg)'],
        ['ECDSA P-256 verify', 'd.crypto.ecdsaP256Verify(kp.publicKey, msg, sig)'],
        ['X25519 keygen', 'd.crypto.x25519Keygen()'],
        ['X25519 ECDH', 'd.crypto.x25519SharedSecret(xk.privateKey, xq.publicKey)'],
      ];
      for (const [name, code] of ops) {
        await w.evaluate(code);
        const m = (await w.evaluate(code)).meter.compute;
        console.log(`dtls XS ${name} (portable): ${(m / 1e6).toFixed(2)} M computrons`);
      }
      await w.evaluate(`globalThis.p = d.handshake('psk'); globalThis.recs = d.sealRecords(p, 1100, 1024);
        globalThis.a = p.server.associations()[0];
        globalThis.feed = (from, to) => { for (let i = from; i < to; i++) a.handleDatagram(0, recs[i], 0, recs[i].length); }; feed(0, 100);`);
      const c0 = (await w.evaluate('feed(100, 100)')).meter.compute;
      const c1 = (await w.evaluate('feed(100, 1100)')).meter.compute;
      const slots = await w.allocatedSlots('feed(100, 100)');
      console.log(`dtls XS CCM-8 record unprotect (1 KiB): ${((c1 - c0) / 1000).toFixed(0)} computrons/record, ${slots} slots allocated`);
    } finally {
      w.close();
    }
  },
};
export default suite;
