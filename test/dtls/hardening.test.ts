/**
 * The DTLS server against half-open handshakes (issue #16): peers that pass the cookie
 * round (RFC 6347 §4.2.1) and then go silent must not hold the association table, and
 * what the server retransmits to them is capped per peer and in all. Explicit times.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDtlsConfig } from '../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../src/dtls/endpoint.ts';
import { DtlsState } from '../../src/dtls/association.ts';
import { ContentType, HandshakeType } from '../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';

const crypto = createNodeCrypto();
const PSK = new Uint8Array(16).fill(9);
const clientCfg = createDtlsConfig({ psk: { identity: new Uint8Array([1, 2]), key: PSK } });
const SERVER = '10.0.0.2';

interface Sent { to: string; flight: boolean }

/** A server endpoint and what it sent, by destination. */
function server(extra = {}): { ep: DtlsEndpoint; sent: Sent[]; drain(now: number, deliver?: (to: string, d: Uint8Array) => void): void } {
  const ep = new DtlsEndpoint({ config: createDtlsConfig({ pskForIdentity: () => PSK, ...extra }), crypto, server: true, onData: () => {} });
  const sent: Sent[] = [];
  return {
    ep, sent,
    drain(now, deliver) {
      ep.handleTimeout(now);
      for (let t = ep.pollTransmit(); t; t = ep.pollTransmit()) {
        sent.push({ to: t.address, flight: t.data[0] === ContentType.Handshake && t.data[13] === HandshakeType.ServerHello });
        deliver?.(t.address, t.data);
      }
    },
  };
}

/** A client from `address` that passes the cookie round, sees the server's flight once, then goes silent. */
function halfOpen(s: ReturnType<typeof server>, address: string, now: number): void {
  const c = new DtlsEndpoint({ config: clientCfg, crypto, server: false, onData: () => {} });
  c.connect(now, SERVER, 5684);
  for (let round = 0; round < 2; round++) { // ClientHello → HelloVerifyRequest → ClientHello with the cookie
    for (let t = c.pollTransmit(); t; t = c.pollTransmit()) s.ep.handleDatagram(now, t.data, 0, t.data.length, address, 4000);
    s.drain(now, (to, d) => { if (to === address) c.handleDatagram(now, d, 0, d.length, SERVER, 5684); });
  }
  assert.is(s.ep.peer(address, 4000)?.state, DtlsState.Handshaking, `${address} is half-open`);
}

/** A client that completes its handshake at `now`. */
function connects(s: ReturnType<typeof server>, address: string, now: number): boolean {
  const c = new DtlsEndpoint({ config: clientCfg, crypto, server: false, onData: () => {} });
  const a = c.connect(now, SERVER, 5684);
  for (let round = 0; round < 6; round++) {
    for (let t = c.pollTransmit(); t; t = c.pollTransmit()) s.ep.handleDatagram(now, t.data, 0, t.data.length, address, 4000);
    s.drain(now, (to, d) => { if (to === address) c.handleDatagram(now, d, 0, d.length, SERVER, 5684); });
  }
  return a.state === DtlsState.Connected;
}

const t = suite('dtls/hardening: half-open handshakes');

t('issue #16 16 peers that stop after the cookie round do not lock the table: once they miss a deadline a 17th connects (the oldest half-open gives way)', () => {
  const s = server();
  for (let i = 0; i < 16; i++) halfOpen(s, `10.1.0.${i}`, i);
  assert.is(s.ep.associationCount, 16);
  assert.not.ok(connects(s, '10.2.0.1', 100), 'handshakes that may still be going on are kept (concurrent clients)');
  s.drain(1100); // every half-open peer missed its first retransmission deadline (1 s)
  assert.ok(connects(s, '10.2.0.1', 1200), 'a real client connects while the table is full of half-open peers');
  assert.is(s.ep.peer('10.1.0.0', 4000), undefined, 'the half-open peer started first gave way');
  assert.is(s.ep.associationCount, 16);
});

t('issue #16 a connected association is evicted only when no stalled half-open one is left', () => {
  const s = server({ maxPeers: 2 });
  assert.ok(connects(s, '10.2.0.1', 0));
  halfOpen(s, '10.1.0.1', 10);
  s.drain(1100);
  assert.ok(connects(s, '10.2.0.2', 1200));
  assert.is(s.ep.peer('10.2.0.1', 4000)?.state, DtlsState.Connected, 'the connected peer stayed');
  assert.is(s.ep.peer('10.1.0.1', 4000), undefined);
});

t('issue #16 a silent half-open peer gets its flight 3 times (0, 1 s, 3 s) and is forgotten at 7 s (was 7 times, 2 minutes)', () => {
  const s = server();
  halfOpen(s, '10.1.0.1', 0);
  for (let now = 0; now <= 130_000; now += 250) s.drain(now);
  assert.is(s.sent.filter((x) => x.to === '10.1.0.1' && x.flight).length, 3);
  assert.is(s.ep.associationCount, 0);
  const t2 = server();
  halfOpen(t2, '10.1.0.1', 0);
  for (let now = 0; now < 7000; now += 250) t2.drain(now);
  assert.is(t2.ep.associationCount, 1);
  t2.drain(7000);
  assert.is(t2.ep.associationCount, 0, 'abandoned at 1 + 2 + 4 s');
});

t('issue #16 all half-open peers together get at most maxRetransmitsPerSecond flights again (twice that at once)', () => {
  const s = server({ maxRetransmitsPerSecond: 4 });
  for (let i = 0; i < 16; i++) halfOpen(s, `10.1.0.${i}`, 0);
  const first = s.sent.filter((x) => x.flight).length;
  assert.is(first, 16);
  for (let now = 0; now <= 10_000; now += 100) s.drain(now);
  const again = s.sent.filter((x) => x.flight).length - first;
  assert.ok(again <= 8 + 4 * 10, `${again} flights retransmitted in 10 s`);
  assert.ok(s.ep.retransmitsRefused > 0);
  assert.is(s.ep.associationCount, 0, 'all abandoned after their three transmissions');
});

t.run();
