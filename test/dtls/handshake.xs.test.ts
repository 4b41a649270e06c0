/**
 * DTLS inside the real XS engine: full PSK and ECDHE-ECDSA (P-256 and X25519)
 * handshakes with the portable crypto port between two in-memory endpoints, and the
 * application-data receive path (record parse + CCM-8 open in place) allocating no
 * XS slots (DESIGN.md "Embedded rules").
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import { ecPrivateKeyFromDer, pemBlocks } from '../../src/dtls/der.ts';
import { createDtlsConfig } from '../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../src/dtls/endpoint.ts';
import { DtlsState } from '../../src/dtls/association.ts';
import { AlertDescription } from '../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { makePki } from './pki.ts';

const xs = suite('dtls/handshake in XS');
let worker: XsWorker;
let certs = '';

xs.before(async () => {
  const pki = makePki();
  const der = (n: string) => Buffer.from(pemBlocks(readFileSync(pki.path(n, 'crt'), 'utf8'), 'CERTIFICATE')[0]!).toString('hex');
  const key = (n: string) => Buffer.from(ecPrivateKeyFromDer(pemBlocks(readFileSync(pki.path(n, 'key'), 'utf8'), 'EC PRIVATE KEY')[0]!)!).toString('hex');
  certs = JSON.stringify({ agent: der('agent'), agentKey: key('agent'), controller: der('controller'), controllerKey: key('controller'), ca: der('ca') });
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/dtls/xs/handshake-entry.ts')), 'd');
});
xs.after(() => worker?.close());

for (const mode of ['psk', 'p256', 'x25519']) {
  xs(`RFC 6347 §4.2 ${mode} handshake completes inside XS and carries data`, async () => {
    const { value } = await worker.call<[number, string | null, number]>(`(() => {
      const p = d.handshake(${JSON.stringify(mode)}, ${certs});
      p.peer.send(new Uint8Array([1, 2, 3]));
      d.receiveRecords(p, [p.client.pollTransmit().data], 0, 1);
      return [p.peer.state, p.peer.endpointId ?? null, p.received];
    })()`);
    assert.equal(value, [1, mode === 'psk' ? null : 'os::00256D-0123456789', 1]);
  });
}

xs('RFC 6347 §4.1.2 opening CCM-8 application records in place allocates no XS slots', async () => {
  await worker.evaluate(`globalThis.p = d.handshake('psk'); globalThis.recs = d.sealRecords(p, 1200, 100);
    globalThis.a = p.server.associations()[0];
    globalThis.feed = (from, to) => { for (let i = from; i < to; i++) a.handleDatagram(0, recs[i], 0, recs[i].length); };
    feed(0, 100);`);
  const before = (await worker.call<number>('p.received')).value;
  const slots = await worker.allocatedSlots('feed(100, 1100)');
  const after = (await worker.call<number>('p.received')).value;
  assert.is(after - before, 1000, 'all records were delivered');
  assert.is(slots, 0);
});

xs('DESIGN.md zero-allocation receive path: endpoint demux + open + pollTimeout allocate no XS slots', async () => {
  await worker.evaluate(`globalThis.q = d.handshake('psk'); globalThis.recs2 = d.sealRecords(q, 1200, 100);
    globalThis.addr = '10.0.0.1';
    globalThis.feed2 = (from, to) => { let t = 0; for (let i = from; i < to; i++) { q.server.handleDatagram(0, recs2[i], 0, recs2[i].length, addr, 4000); t = q.server.pollTimeout(); } return t; };
    feed2(0, 100);`);
  const before = (await worker.call<number>('q.received')).value;
  const slots = await worker.allocatedSlots('feed2(100, 1100)');
  assert.is((await worker.call<number>('q.received')).value - before, 1000);
  assert.is(slots, 0);
});

xs('DESIGN.md zero-allocation send path: sealInto a caller buffer allocates no XS slots', async () => {
  await worker.evaluate(`globalThis.z = d.handshake('psk'); globalThis.zout = new Uint8Array(1200); globalThis.zin = new Uint8Array(100);
    globalThis.seal = (n) => { let len = 0; for (let i = 0; i < n; i++) len = z.peer.sealInto(zin, 0, 100, zout, 0); return len; };
    seal(10);`);
  assert.is((await worker.call<number>('seal(1)')).value, 13 + 8 + 100 + 8);
  assert.is(await worker.allocatedSlots('seal(1000)'), 0);
  // the sealed record still opens on the other side
  const { value } = await worker.call<number>(`(() => { const n = z.peer.sealInto(zin, 0, 100, zout, 0); const before = z.received;
    z.server.handleDatagram(0, zout, 0, n, '10.0.0.1', 4000); return z.received - before; })()`);
  assert.is(value, 1);
});

/** A Node client of the XS server (`d.xsServerStart`) at 10.0.0.1:`port`; `flight()` carries its datagrams there and back. */
function nodeClient(port: number, key: Uint8Array): { a: ReturnType<DtlsEndpoint['connect']>; next(): Uint8Array; flight(now?: number): Promise<number> } {
  const ep = new DtlsEndpoint({ config: createDtlsConfig({ psk: { identity: new Uint8Array([1]), key } }), crypto: createNodeCrypto(), server: false, onData: () => {} });
  const a = ep.connect(0, '10.0.0.2', 5684);
  return {
    a,
    /** Takes the client's next datagram off its queue (to feed it by hand). */
    next: () => ep.pollTransmit()!.data,
    /** Sends what the client has queued (after its timers at `now`) and delivers the answers; returns how many came back. */
    async flight(now = 0) {
      ep.handleTimeout(now);
      const out: Uint8Array[] = [];
      for (let t = ep.pollTransmit(); t; t = ep.pollTransmit()) out.push(t.data);
      let answers = 0;
      for (const data of out) {
        const { value } = await worker.call<string[]>(`d.xsServerFeed('${Buffer.from(data).toString('hex')}', '10.0.0.1', ${port})`);
        for (const hex of value) { answers++; const d = Buffer.from(hex, 'hex'); ep.handleDatagram(now, d, 0, d.length, '10.0.0.2', 5684); }
      }
      return answers;
    },
  };
}
const XS_PSK = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

xs('RFC 6347 §4.2.4 maxHandshakes 1 inside XS: a second verified hello during a handshake is left unanswered, keeps no XS slot, and its retransmission connects once the first is done', async () => {
  await worker.evaluate(`d.xsServerStart('psk', undefined, { maxHandshakes: 1 })`);
  const first = nodeClient(4001, XS_PSK);
  const second = nodeClient(4002, XS_PSK);
  assert.is(await first.flight(), 1); // ClientHello → HelloVerifyRequest
  assert.ok(await first.flight() > 0); // ClientHello with the cookie → the server's flight: the first handshake is under way
  assert.is(first.a.state, DtlsState.Handshaking);
  assert.is(await second.flight(), 1); // → HelloVerifyRequest
  const hello = second.next(); // the second's verified hello, fed by hand to measure what it leaves in XS
  const feed = `d.xsServerFeed('${Buffer.from(hello).toString('hex')}', '10.0.0.1', 4002)`;
  await worker.evaluate(`globalThis.deferred = ${feed}.length`);
  assert.is((await worker.call<number>('deferred')).value, 0, 'no answer');
  assert.equal((await worker.call<[number, number]>('d.xsServerCounts()')).value, [1, 1], 'one association, one hello deferred');
  assert.is(await worker.retainedSlots(`${feed}`), 0, 'a deferred hello keeps nothing in XS');
  await first.flight(); // the first client's key exchange and Finished → the server's Finished
  assert.is(first.a.state, DtlsState.Connected);
  await second.flight(1000); // its timer fired: the same hello again (RFC 6347 §4.2.4)
  await second.flight(1000);
  assert.is(second.a.state, DtlsState.Connected);
  assert.equal((await worker.call<[number, number]>('d.xsServerCounts()')).value, [2, 2]);
});

xs('RFC 6347 §4.1.2.7 a wrong PSK inside XS: the Finished that fails its MAC ends the handshake with bad_record_mac and frees the association at once', async () => {
  await worker.evaluate(`d.xsServerStart('psk', undefined, { maxHandshakes: 1, initialRetransmitMs: 60000 })`);
  const wrong = nodeClient(4003, Buffer.alloc(16, 7));
  for (let i = 0; i < 3; i++) await wrong.flight();
  assert.is(wrong.a.state, DtlsState.Closed);
  assert.is(wrong.a.closeAlert, AlertDescription.BadRecordMac);
  assert.equal((await worker.call<[number, number]>('d.xsServerCounts()')).value, [0, 0]);
});

xs.run();
