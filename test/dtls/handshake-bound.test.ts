/**
 * The bound on handshakes under way (`maxHandshakes`, 1 on the device: DEVICE_DTLS) and
 * the wrong-PSK refusal at the Finished (issue #14: two refused handshakes at once overran
 * the ESP32 slot heap). A verified ClientHello beyond the bound gets no answer and leaves
 * no state; the client's retransmission (RFC 6347 §4.2.4) is served once the slot is free,
 * its cookie still verifying (§4.2.1). A handshake that missed its retransmission deadline
 * gives way (issue #16). Several clients and one server on an in-memory link, explicit times.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDtlsConfig, type DtlsConfig } from '../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../src/dtls/endpoint.ts';
import { DtlsState, type DtlsAssociation } from '../../src/dtls/association.ts';
import { AlertDescription } from '../../src/dtls/wire.ts';
import { DEVICE_DTLS } from '../../src/config/device-credentials.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';

const crypto = createNodeCrypto();
const PSK = new Uint8Array(16).fill(9);
const SERVER = '10.0.0.2';

/** A server and its clients by address; `run(now)` moves datagrams until the link is quiet. */
class Link {
  readonly server: DtlsEndpoint;
  readonly clients = new Map<string, { ep: DtlsEndpoint; a: DtlsAssociation; silent: boolean }>();
  /** The most associations handshaking at once on the server, seen after each datagram. */
  maxHandshaking = 0;
  closed: DtlsAssociation[] = [];

  constructor(extra: Partial<DtlsConfig>) {
    this.server = new DtlsEndpoint({
      config: createDtlsConfig({ pskForIdentity: () => PSK, ...extra }), crypto, server: true, onData: () => {},
      onClosed: (a) => { this.closed.push(a); },
    });
  }

  connect(address: string, now: number, key = PSK): DtlsAssociation {
    const ep = new DtlsEndpoint({ config: createDtlsConfig({ psk: { identity: new Uint8Array([1]), key } }), crypto, server: false, onData: () => {} });
    const a = ep.connect(now, SERVER, 5684);
    this.clients.set(address, { ep, a, silent: false });
    return a;
  }

  /** A client at `address` that passes the cookie round, sees the server's flight once, then goes silent. */
  halfOpen(address: string, now: number): DtlsAssociation {
    const a = this.connect(address, now);
    const ep = this.clients.get(address)!.ep;
    for (let round = 0; round < 2; round++) { // ClientHello → HelloVerifyRequest → ClientHello with the cookie
      for (let x = ep.pollTransmit(); x; x = ep.pollTransmit()) this.server.handleDatagram(now, x.data, 0, x.data.length, address, 4000);
      for (let x = this.server.pollTransmit(); x; x = this.server.pollTransmit()) if (round === 0) ep.handleDatagram(now, x.data, 0, x.data.length, SERVER, 5684);
    }
    this.clients.get(address)!.silent = true;
    assert.is(this.server.peer(address, 4000)?.state, DtlsState.Handshaking, `${address} is half-open`);
    return a;
  }

  handshaking(): number { return this.server.associations().filter((a) => a.state === DtlsState.Handshaking).length; }

  run(now: number): void {
    this.server.handleTimeout(now);
    for (const c of this.clients.values()) if (!c.silent) c.ep.handleTimeout(now);
    for (let round = 0; round < 20; round++) {
      let moved = 0;
      for (const [address, c] of this.clients) {
        for (let t = c.ep.pollTransmit(); t; t = c.ep.pollTransmit()) {
          moved++;
          if (c.silent) continue;
          this.server.handleDatagram(now, t.data, 0, t.data.length, address, 4000);
          this.maxHandshaking = Math.max(this.maxHandshaking, this.handshaking());
        }
      }
      for (let t = this.server.pollTransmit(); t; t = this.server.pollTransmit()) {
        moved++;
        const c = this.clients.get(t.address);
        if (c !== undefined && !c.silent) c.ep.handleDatagram(now, t.data, 0, t.data.length, SERVER, 5684);
      }
      if (moved === 0) return;
    }
  }
}

const t = suite('dtls/handshake bound');

t('RFC 6347 §4.2.1/§4.2.4 maxHandshakes 1: a second verified hello while one handshake is under way gets no answer and leaves no state', () => {
  const link = new Link({ maxHandshakes: 1 });
  const first = link.halfOpen('10.1.0.1', 0);
  assert.is(link.handshaking(), 1);
  assert.is(first.state, DtlsState.Handshaking);
  const second = link.connect('10.1.0.2', 10);
  link.run(10);
  assert.is(link.server.hellosDeferred, 1, 'the verified hello was left unanswered');
  assert.is(link.server.associationCount, 1, 'and created nothing');
  assert.is(link.server.peer('10.1.0.2', 4000), undefined);
  assert.is(second.state, DtlsState.Handshaking);
});

t('issue #16 a silent peer cannot hold the one handshake slot: once it missed its retransmission deadline the next hello takes it', () => {
  const link = new Link({ maxHandshakes: 1 });
  link.halfOpen('10.1.0.1', 0);
  const second = link.connect('10.1.0.2', 100);
  link.run(100);
  assert.is(second.state, DtlsState.Handshaking, 'the silent peer has not missed a deadline yet');
  link.run(1000); // the server's flight to the silent peer goes out again: it missed its deadline
  link.run(1100); // the second client's ClientHello goes out again (its timer: 1 s)
  assert.is(second.state, DtlsState.Connected, 'the retransmitted hello took the slot');
  assert.is(link.server.peer('10.1.0.1', 4000), undefined, 'the stalled half-open handshake gave way');
  assert.is(link.closed[0]!.closeAlert, AlertDescription.HandshakeFailure);
});

t('RFC 6347 §4.2.4 three clients at once with maxHandshakes 1: never two handshakes under way, all three connect through their retransmissions', () => {
  const link = new Link({ maxHandshakes: 1, maxPeers: 3 });
  const a = ['10.1.0.1', '10.1.0.2', '10.1.0.3'].map((addr) => link.connect(addr, 0));
  for (let now = 0; now <= 8000; now += 100) link.run(now);
  assert.equal(a.map((x) => x.state), [DtlsState.Connected, DtlsState.Connected, DtlsState.Connected]);
  assert.is(link.maxHandshaking, 1);
  assert.ok(link.server.hellosDeferred >= 2, `${link.server.hellosDeferred} hellos waited`);
  assert.is(link.server.associationCount, 3);
});

t('RFC 6347 §4.2.4 without a bound (host default) three clients handshake at once', () => {
  const link = new Link({ maxPeers: 3 });
  const a = ['10.1.0.1', '10.1.0.2', '10.1.0.3'].map((addr) => link.connect(addr, 0));
  link.run(0);
  assert.equal(a.map((x) => x.state), [DtlsState.Connected, DtlsState.Connected, DtlsState.Connected]);
  assert.is(link.maxHandshaking, 3);
  assert.is(link.server.hellosDeferred, 0);
});

t('issue #16 our own connect at the bound starts anyway (the CoAP layer bounds those), a stalled handshake giving way first', () => {
  const link = new Link({ maxHandshakes: 1 });
  link.halfOpen('10.1.0.1', 0);
  link.server.connect(10, '10.9.0.1', 5684);
  assert.is(link.handshaking(), 2, 'the half-open peer had not missed a deadline: both go on');
  link.server.close(link.server.peer('10.9.0.1', 5684)!);
  link.run(1000); // the half-open peer missed its deadline
  link.server.connect(1010, '10.9.0.1', 5684);
  assert.is(link.server.peer('10.1.0.1', 4000), undefined, 'the stalled handshake gave way to ours');
  assert.is(link.handshaking(), 1);
});

t('issue #14 the device profile bounds handshakes to one (DEVICE_DTLS)', () => {
  assert.is(DEVICE_DTLS.maxHandshakes, 1);
  assert.is(createDtlsConfig({}).maxHandshakes, Infinity);
});

t('RFC 6347 §4.1.2.7 + RFC 4279 §2 a wrong PSK: the Finished record that fails its MAC ends the handshake at once with a fatal bad_record_mac, nothing kept', () => {
  const link = new Link({ maxHandshakes: 1, initialRetransmitMs: 60_000 });
  const wrong = link.connect('10.1.0.1', 0, new Uint8Array(16).fill(7));
  link.run(0);
  assert.is(link.server.associationCount, 0, 'no association left at the Finished');
  assert.is(link.closed.length, 1);
  assert.is(link.closed[0]!.closeAlert, AlertDescription.BadRecordMac);
  assert.is(wrong.state, DtlsState.Closed, 'the client heard the fatal alert');
  assert.is(wrong.closeAlert, AlertDescription.BadRecordMac);
  const right = link.connect('10.1.0.2', 10);
  link.run(10);
  assert.is(right.state, DtlsState.Connected, 'the slot is free for the next peer at once');
});

t('RFC 6347 §4.1.2.7 a connected association still drops a record that fails its MAC silently', () => {
  const link = new Link({});
  const c = link.connect('10.1.0.1', 0);
  link.run(0);
  assert.is(c.state, DtlsState.Connected);
  const ep = link.clients.get('10.1.0.1')!.ep;
  c.send(new Uint8Array([1, 2, 3]));
  const d = ep.pollTransmit()!.data;
  d[d.length - 1] ^= 1;
  link.server.handleDatagram(1, d, 0, d.length, '10.1.0.1', 4000);
  assert.is(link.server.peer('10.1.0.1', 4000)?.state, DtlsState.Connected);
  assert.is(link.closed.length, 0);
});

t.run();
