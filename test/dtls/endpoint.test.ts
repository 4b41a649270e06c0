/**
 * DTLS endpoints on a simulated link (test/dtls/link.ts) at explicit times: cookies,
 * retransmission deadlines, fragmentation, renegotiation refusal, replay/corruption of
 * application data, close_notify and the peer Endpoint ID (R-SEC.0a).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CLIENT_ADDR, Pair, SERVER_ADDR } from './link.ts';
import { createDtlsConfig } from '../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../src/dtls/endpoint.ts';
import { DtlsState } from '../../src/dtls/association.ts';
import { buildClientHello, frameHandshake } from '../../src/dtls/handshake-messages.ts';
import { AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup } from '../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { makePki, AGENT_EID, CONTROLLER_EID, type Pki } from './pki.ts';

const crypto = createNodeCrypto();
const PSK = new Uint8Array(16).fill(9);
const pskClient = createDtlsConfig({ psk: { identity: new Uint8Array([1, 2]), key: PSK } });
const pskServer = createDtlsConfig({ pskForIdentity: () => PSK });
let pki: Pki;

function hello(random: number): Uint8Array {
  const r = new Uint8Array(32).fill(random);
  const body = buildClientHello(r, new Uint8Array(0), [CipherSuite.PskAes128Ccm8], [NamedGroup.Secp256r1], false);
  const hs = frameHandshake(HandshakeType.ClientHello, 0, body);
  const d = new Uint8Array(13 + hs.length);
  d.set([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, random, hs.length >>> 8, hs.length & 0xff]);
  d.set(hs, 13);
  return d;
}

const t = suite('dtls/endpoint');
t.before(() => { pki = makePki(); });

t('RFC 6347 §4.2.1 a flood of cookieless ClientHellos creates no per-peer state', () => {
  const server = new DtlsEndpoint({ config: pskServer, crypto, server: true, onData: () => {} });
  for (let i = 0; i < 500; i++) server.handleDatagram(0, hello(i & 0xff), 0, hello(i & 0xff).length, '10.9.' + (i >> 8) + '.' + (i & 0xff), 1000 + i);
  assert.is(server.associationCount, 0);
  assert.is(server.helloVerifyRequests, 500);
  let n = 0;
  for (let x = server.pollTransmit(); x; x = server.pollTransmit()) {
    n++;
    assert.is(x.data[0], ContentType.Handshake);
    assert.is(x.data[13], HandshakeType.HelloVerifyRequest);
    assert.is(x.data.length, 13 + 12 + 3 + 16, 'HVR is small: no amplification');
  }
  assert.is(n, 500);
  assert.is(server.pollTimeout(), Infinity, 'no timers either');
});

t('RFC 6347 §4.2.1 a cookie issued to one address is refused from another', () => {
  const server = new DtlsEndpoint({ config: pskServer, crypto, server: true, onData: () => {} });
  const client = new DtlsEndpoint({ config: pskClient, crypto, server: false, onData: () => {} });
  client.connect(0, SERVER_ADDR, 5684);
  const ch1 = client.pollTransmit()!.data;
  server.handleDatagram(0, ch1, 0, ch1.length, CLIENT_ADDR, 4000);
  const hvr = server.pollTransmit()!.data;
  client.handleDatagram(0, hvr, 0, hvr.length, SERVER_ADDR, 5684);
  const ch2 = client.pollTransmit()!.data;
  server.handleDatagram(0, ch2.slice(), 0, ch2.length, '10.6.6.6', 4000);
  assert.is(server.associationCount, 0, 'spoofed source gets another HVR');
  server.pollTransmit();
  server.handleDatagram(0, ch2.slice(), 0, ch2.length, CLIENT_ADDR, 4000);
  assert.is(server.associationCount, 1);
});

t('RFC 6655 PSK handshake on the link; data both ways; §4.2.4 no deadline once connected', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  assert.is(p.client.pollTimeout(), 1000, 'RFC 6347 §4.2.4.1 initial timer 1 s');
  p.drive();
  assert.is(a.state, DtlsState.Connected);
  assert.is(a.cipherSuite, CipherSuite.PskAes128Ccm8);
  assert.not.ok(a.authenticates('anything'), 'R-SEC.0a no Endpoint ID is bound in PSK mode');
  assert.is(p.now, 0, 'no retransmission was needed');
  assert.is(p.client.pollTimeout(), Infinity);
  assert.is(p.server.pollTimeout(), Infinity);
  a.send(new Uint8Array(Buffer.from('up')));
  const s = p.server.peer(CLIENT_ADDR, 4000)!;
  s.send(new Uint8Array(Buffer.from('down')));
  p.drive();
  assert.equal(p.received, [{ side: 'server', text: 'up' }, { side: 'client', text: 'down' }]);
});

t('RFC 6347 §4.2.4 a lost flight is retransmitted at 1 s, then 2 s (doubling)', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  let dropped = 0;
  // lose the server's flight 4 (ServerHello…Done) twice
  p.filter = (from, d) => !(from === 'server' && d[13] === HandshakeType.ServerHello && dropped++ < 2);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  assert.is(a.state, DtlsState.Connected);
  assert.is(dropped, 3);
  assert.is(p.now, 3000, 'retransmissions at t=1000 and t=3000');
});

t('RFC 6347 §4.2.4 the handshake is abandoned after maxTransmissions', () => {
  const cfg = createDtlsConfig({ psk: pskClient.psk, maxTransmissions: 3 });
  const p = new Pair(cfg, pskServer, crypto);
  p.filter = (from) => from === 'server' ? false : true;
  const closed: number[] = [];
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  closed.push(a.closeAlert);
  assert.is(a.state, DtlsState.Closed);
  assert.equal(closed, [AlertDescription.HandshakeFailure]);
  assert.is(p.now, 1000 + 2000 + 4000);
  assert.is(p.client.associationCount, 0);
});

t('RFC 6347 §4.2.3 certificate flights are fragmented to the datagram limit and reassembled', () => {
  const small = (name: string) => createDtlsConfig({ certificate: pki.config(name), maxDatagramBytes: 256 });
  const p = new Pair(small('controller'), small('agent'), crypto);
  let biggest = 0; let fragments = 0;
  p.filter = (_f, d) => { biggest = Math.max(biggest, d.length); if (d[0] === 22 && d[13] === HandshakeType.Certificate && (d[19] | d[20] | d[21]) !== 0) fragments++; return true; };
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  assert.is(a.state, DtlsState.Connected);
  assert.ok(biggest <= 256, `largest datagram ${biggest}`);
  assert.ok(fragments >= 2, 'certificates went in several fragments');
});

t('R-SEC.0a the peer Endpoint ID comes from the certificate SAN URI on both sides', () => {
  const p = new Pair(createDtlsConfig({ certificate: pki.config('controller') }), createDtlsConfig({ certificate: pki.config('agent') }), crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  assert.is(a.endpointId, AGENT_EID);
  const s = p.server.peer(CLIENT_ADDR, 4000)!;
  assert.is(s.endpointId, CONTROLLER_EID);
  assert.ok(s.authenticates(CONTROLLER_EID));
  assert.not.ok(s.authenticates('self::someone-else'), 'a mismatching Record from_id is not authenticated');
  assert.not.ok(s.authenticates('self::controller'), 'prefixes do not match');
});

t('RFC 5746 renegotiation is refused with a no_renegotiation warning; the association stays up', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  const hs = frameHandshake(HandshakeType.ClientHello, 0, buildClientHello(new Uint8Array(32), new Uint8Array(0), [CipherSuite.PskAes128Ccm8], [], false));
  const rec = new Uint8Array(a.rl.sealedLength(hs.length));
  a.rl.seal(ContentType.Handshake, hs, 0, hs.length, rec, 0);
  const s = p.server.peer(CLIENT_ADDR, 4000)!;
  p.server.handleDatagram(p.now, rec, 0, rec.length, CLIENT_ADDR, 4000);
  const out = p.server.pollTransmit()!;
  assert.is(out.data[0], ContentType.Alert);
  const open = a.rl.next(out.data, 0, out.data.length);
  assert.ok(open > 0);
  assert.equal([...out.data.subarray(a.rl.view.start, a.rl.view.end)], [1, AlertDescription.NoRenegotiation]);
  assert.is(s.state, DtlsState.Connected);
});

t('RFC 6347 §4.1.2.6/§4.1.2.7 replayed and corrupted application records are dropped, the association stays up', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  a.send(new Uint8Array(Buffer.from('once')));
  const rec = p.client.pollTransmit()!.data;
  p.server.handleDatagram(1, rec.slice(), 0, rec.length, CLIENT_ADDR, 4000);
  p.server.handleDatagram(2, rec.slice(), 0, rec.length, CLIENT_ADDR, 4000);
  const bad = rec.slice(); bad[20] ^= 1;
  p.server.handleDatagram(3, bad, 0, bad.length, CLIENT_ADDR, 4000);
  assert.equal(p.received, [{ side: 'server', text: 'once' }]);
  assert.is(p.server.peer(CLIENT_ADDR, 4000)!.state, DtlsState.Connected);
  assert.is(p.server.pollTransmit(), undefined, 'nothing is sent back for dropped records');
});

t('RFC 6347 §4.1.2.7 a forged epoch-0 fatal alert does not tear down a protected association', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  const forged = new Uint8Array([21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2, 2, AlertDescription.HandshakeFailure]);
  p.server.handleDatagram(p.now, forged, 0, forged.length, CLIENT_ADDR, 4000);
  assert.is(p.server.peer(CLIENT_ADDR, 4000)!.state, DtlsState.Connected);
  a.send(new Uint8Array(Buffer.from('still')));
  p.drive();
  assert.equal(p.received.map((r) => r.text), ['still']);
});

t('RFC 5246 §7.2.1 close_notify closes both sides', () => {
  const closed: string[] = [];
  const p = new Pair(pskClient, pskServer, crypto, { onClosed: (x) => closed.push(`${x.isClient ? 'client' : 'server'}:${x.closeAlert}`) });
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  p.client.close(a);
  p.drive();
  assert.equal(closed, ['client:0', 'server:0']);
  assert.is(p.server.associationCount, 0);
});

t('RFC 6347 §4.2.8 a client that lost its state reconnects from the same address and port', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  const first = p.server.peer(CLIENT_ADDR, 4000)!;
  const again = p.client.connect(p.now, SERVER_ADDR, 5684); // a reboot: fresh association, same port
  p.drive();
  assert.is(again.state, DtlsState.Connected);
  const second = p.server.peer(CLIENT_ADDR, 4000)!;
  assert.ok(second !== first, 'the server replaced the association');
  assert.is(first.state, DtlsState.Closed);
  assert.is(p.server.associationCount, 1);
  again.send(new Uint8Array(Buffer.from('after')));
  p.drive();
  assert.equal(p.received.map((r) => r.text), ['after']);
});

t('RFC 6347 §4.2.4 a lost final server flight is resent when the client retransmits its flight', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  let dropped = 0;
  // the server's CCS + Finished datagram starts with a ChangeCipherSpec record
  p.filter = (from, d) => !(from === 'server' && d[0] === ContentType.ChangeCipherSpec && dropped++ === 0);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  assert.is(dropped, 2);
  assert.is(a.state, DtlsState.Connected);
  assert.is(p.now, 1000, 'one client retransmission at 1 s');
  assert.is(p.server.peer(CLIENT_ADDR, 4000)!.state, DtlsState.Connected);
});

t('per-controller PSK: connect() overrides the endpoint configuration', () => {
  const otherKey = new Uint8Array(16).fill(0x42);
  const server = createDtlsConfig({ pskForIdentity: (id) => (id[0] === 9 ? otherKey : undefined) });
  const p = new Pair(createDtlsConfig({ certificate: pki.config('controller') }), server, crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684, { psk: { identity: new Uint8Array([9]), key: otherKey } });
  p.drive();
  assert.is(a.state, DtlsState.Connected);
  assert.is(a.cipherSuite, CipherSuite.PskAes128Ccm8);
});

t('RFC 6347 §4.2.1 when the association table is full a verified hello evicts the connected peer idle longest', () => {
  const cfg = createDtlsConfig({ pskForIdentity: () => PSK, maxPeers: 2 });
  const server = new DtlsEndpoint({ config: cfg, crypto, server: true, onData: () => {} });
  const clients = [0, 1, 2].map(() => new DtlsEndpoint({ config: pskClient, crypto, server: false, onData: () => {} }));
  const run = (i: number, now: number): void => {
    const c = clients[i]!;
    c.connect(now, SERVER_ADDR, 5684);
    for (let k = 0; k < 10; k++) {
      for (let t = c.pollTransmit(); t; t = c.pollTransmit()) server.handleDatagram(now, t.data, 0, t.data.length, '10.1.0.' + i, 4000);
      for (let t = server.pollTransmit(); t; t = server.pollTransmit()) if (t.address === '10.1.0.' + i) c.handleDatagram(now, t.data, 0, t.data.length, SERVER_ADDR, 5684);
    }
  };
  run(0, 10); run(1, 20); run(2, 30);
  assert.is(server.associationCount, 2);
  assert.is(server.peer('10.1.0.0', 4000), undefined, 'the oldest went');
  assert.is(server.peer('10.1.0.2', 4000)?.state, DtlsState.Connected);
});

t('RFC 6347 §4.1 a DTLS 1.0 ClientHello is refused with protocol_version', () => {
  const closed: number[] = [];
  const p = new Pair(pskClient, pskServer, crypto, { onClosed: (x) => { if (!x.isClient) closed.push(x.closeAlert); } });
  p.transform = (from, d) => {
    if (from === 'client' && d[0] === ContentType.Handshake && d[13] === HandshakeType.ClientHello) { d[25] = 0xfe; d[26] = 0xff; }
    return d;
  };
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive(0);
  assert.equal(closed, [AlertDescription.ProtocolVersion]);
  assert.is(a.state, DtlsState.Closed, 'the client heard the fatal alert');
});

t('RFC 5246 §6.2.1 application data larger than one record or datagram is refused', () => {
  const p = new Pair(pskClient, pskServer, crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  assert.not.ok(a.send(new Uint8Array(2000)), 'over maxDatagramBytes');
  assert.ok(a.send(new Uint8Array(1000)));
});

t('RFC 8422 ECDHE with X25519 preferred by the server, P-256 signatures', () => {
  const p = new Pair(createDtlsConfig({ certificate: pki.config('controller') }),
    createDtlsConfig({ certificate: pki.config('agent'), groups: [NamedGroup.X25519, NamedGroup.Secp256r1] }), crypto);
  const a = p.client.connect(0, SERVER_ADDR, 5684);
  p.drive();
  assert.is(a.state, DtlsState.Connected);
  assert.is(a.ecdheGroup, NamedGroup.X25519);
});

t.run();
