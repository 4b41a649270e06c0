/**
 * Interop with openssl (a DTLS 1.2 stack we did not write) over real UDP sockets on
 * loopback: `openssl s_client -dtls1_2` against our server endpoint and our client
 * endpoint against `openssl s_server -dtls1_2`, for each suite and both crypto ports,
 * exchanging application data both ways. Negative cases: wrong PSK, untrusted and
 * expired certificates, no client certificate.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomFillSync } from 'node:crypto';
import { openDtlsUdp, type DtlsUdp } from '../../src/platform/node/dtls-udp.ts';
import { createDtlsConfig, type DtlsConfig } from '../../src/dtls/config.ts';
import { DtlsState, type DtlsAssociation } from '../../src/dtls/association.ts';
import { AlertDescription, CipherSuite, NamedGroup } from '../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { createPortableCrypto } from '../../src/dtls/crypto/portable.ts';
import type { CryptoPort } from '../../src/platform/crypto.ts';
import { AGENT_EID, CONTROLLER_EID, makePki, type Pki } from './pki.ts';
import { freeUdpPort, PeerProcess, sleep } from './peer-process.ts';
import { createSocket } from 'node:dgram';

const PSK_HEX = '00112233445566778899aabbccddeeff';
const PSK = new Uint8Array(Buffer.from(PSK_HEX, 'hex'));
const PSK_ID = 'usp-controller-1';
const CRYPTO: CryptoPort[] = [createNodeCrypto(), createPortableCrypto((o) => { randomFillSync(o); })];

let pki: Pki;

interface Served { udp: DtlsUdp; port: number; connected: DtlsAssociation[]; closed: DtlsAssociation[] }

/** Our server endpoint that answers application data with "echo:" + data. */
async function serve(crypto: CryptoPort, config: DtlsConfig): Promise<Served> {
  const connected: DtlsAssociation[] = []; const closed: DtlsAssociation[] = [];
  const udp: DtlsUdp = openDtlsUdp({
    port: 0, address: '127.0.0.1', server: true, crypto, config,
    onData: (peer, buf, s, e) => { udp.send(peer, new Uint8Array(Buffer.concat([Buffer.from('echo:'), Buffer.from(buf.subarray(s, e))]))); },
    onConnected: (p) => connected.push(p), onClosed: (p) => closed.push(p),
  });
  return { udp, port: await udp.ready, connected, closed };
}

/** Our client endpoint connected to 127.0.0.1:port; collects received text. */
async function dial(crypto: CryptoPort, config: DtlsConfig, port: number): Promise<{ udp: DtlsUdp; peer: DtlsAssociation; got: string[] }> {
  const got: string[] = [];
  const udp = openDtlsUdp({ port: 0, address: '127.0.0.1', server: false, crypto, config,
    onData: (_p, buf, s, e) => { got.push(Buffer.from(buf.subarray(s, e)).toString()); } });
  await udp.ready;
  return { udp, peer: udp.connect('127.0.0.1', port), got };
}

async function until(cond: () => boolean, ms = 8000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const certArgs = (name: string): string[] => ['-cert', pki.path(name, 'crt'), '-key', pki.path(name, 'key'), '-CAfile', pki.path('ca', 'crt')];

for (const crypto of CRYPTO) {
  const t = suite(`dtls/openssl interop (${crypto.name} crypto)`);
  t.before(() => { pki ??= makePki(); });

  t('RFC 7251 ECDHE-ECDSA-AES128-CCM8: openssl s_client ↔ our server, client certificate required (R-MTP.1, R-SEC.0a)', async () => {
    const s = await serve(crypto, createDtlsConfig({ certificate: pki.config('agent'), wallClock: () => Date.now() }));
    const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
      ...certArgs('controller'), '-verify_return_error']);
    try {
      await c.waitFor('Verify return code: 0');
      c.write('hello\n');
      await c.waitFor('echo:hello');
      assert.is(s.connected.length, 1);
      assert.is(s.connected[0]!.endpointId, CONTROLLER_EID, 'peer EID from SAN urn:bbf:usp:id:');
      assert.is(s.connected[0]!.cipherSuite, CipherSuite.EcdheEcdsaAes128Ccm8);
      assert.ok(s.udp.endpoint.helloVerifyRequests >= 1, 'cookie exchange happened');
    } finally { c.stop(); s.udp.close(); }
  });

  t('RFC 8422 §5.1 X25519 is negotiated with openssl s_client when both prefer it (P-256 still signs)', async () => {
    const s = await serve(crypto, createDtlsConfig({ certificate: pki.config('agent'), groups: [NamedGroup.X25519, NamedGroup.Secp256r1] }));
    // supported_groups also names the certificate's curve in TLS 1.2, so P-256 stays listed
    const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
      '-groups', 'X25519:P-256', ...certArgs('controller'), '-verify_return_error']);
    try {
      await c.waitFor('Verify return code: 0');
      assert.match(c.out, /Server Temp Key: X25519/);
      c.write('x\n');
      await c.waitFor('echo:x');
      assert.is(s.connected[0]!.ecdheGroup, NamedGroup.X25519);
    } finally { c.stop(); s.udp.close(); }
  });

  t('RFC 7251 our client ↔ openssl s_server -listen (cookie round), both certificates (R-COAP.16), data both ways', async () => {
    const port = await freeUdpPort();
    const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
      // -listen: openssl answers with a HelloVerifyRequest first (RFC 6347 §4.2.1 cookie round)
      ...certArgs('agent'), '-Verify', '1', '-verify_return_error', '-listen']);
    await srv.waitFor('ACCEPT');
    const d = await dial(crypto, createDtlsConfig({ certificate: pki.config('controller'), wallClock: () => Date.now() }), port);
    try {
      await until(() => d.peer.state === DtlsState.Connected);
      assert.is(d.peer.endpointId, AGENT_EID);
      assert.is(d.peer.cookieRounds, 1, 'HelloVerifyRequest handled');
      d.udp.send(d.peer, new Uint8Array(Buffer.from('ping\n')));
      await srv.waitFor('ping');
      srv.write('pong\n');
      await until(() => d.got.join('').includes('pong'));
    } finally { d.udp.close(); srv.stop(); }
  });

  t('RFC 6655 PSK-AES128-CCM8: openssl s_client ↔ our server, and our client ↔ openssl s_server', async () => {
    const s = await serve(crypto, createDtlsConfig({ pskForIdentity: (id) => (Buffer.from(id).toString() === PSK_ID ? PSK : undefined) }));
    const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'PSK-AES128-CCM8',
      '-psk', PSK_HEX, '-psk_identity', PSK_ID]);
    try {
      await c.waitFor('Cipher is PSK-AES128-CCM8');
      c.write('psk\n');
      await c.waitFor('echo:psk');
      assert.is(Buffer.from(s.connected[0]!.pskIdentity!).toString(), PSK_ID);
    } finally { c.stop(); s.udp.close(); }

    const port = await freeUdpPort();
    const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-nocert', '-cipher', 'PSK-AES128-CCM8', '-psk', PSK_HEX]);
    await srv.waitFor('ACCEPT');
    const d = await dial(crypto, createDtlsConfig({ psk: { identity: new Uint8Array(Buffer.from(PSK_ID)), key: PSK } }), port);
    try {
      await until(() => d.peer.state === DtlsState.Connected);
      d.udp.send(d.peer, new Uint8Array(Buffer.from('ping\n')));
      await srv.waitFor('ping');
      assert.match(srv.out, 'CIPHER is PSK-AES128-CCM8');
      srv.write('pong\n');
      await until(() => d.got.join('').includes('pong'));
    } finally { d.udp.close(); srv.stop(); }
  });

  t.run();
}

const neg = suite('dtls/openssl negative cases');
neg.before(() => { pki ??= makePki(); });
const node = CRYPTO[0]!;

neg('RFC 4279 §2 + RFC 6347 §4.1.2.7 wrong PSK: the Finished record fails its MAC; the server ends the handshake at once with a fatal bad_record_mac', async () => {
  // Retransmission timers of 60 s: the refusal cannot come from giving up on them.
  const s = await serve(node, createDtlsConfig({ pskForIdentity: () => PSK, initialRetransmitMs: 60_000 }));
  const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'PSK-AES128-CCM8',
    '-psk', 'ffeeddccbbaa99887766554433221100', '-psk_identity', PSK_ID]);
  try {
    await until(() => s.closed.length === 1);
    assert.is(s.connected.length, 0);
    assert.is(s.closed[0]!.closeAlert, AlertDescription.BadRecordMac);
    assert.is(s.udp.endpoint.associationCount, 0);
    await c.waitFor(/alert bad record mac/);
  } finally { c.stop(); s.udp.close(); }
});

neg('RFC 4279 §2 + RFC 6347 §4.1.2.7 our client with a wrong PSK: openssl drops our Finished, we give up after the retransmissions', async () => {
  const port = await freeUdpPort();
  const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-nocert', '-cipher', 'PSK-AES128-CCM8', '-psk', PSK_HEX]);
  await srv.waitFor('ACCEPT');
  const d = await dial(node, createDtlsConfig({ psk: { identity: new Uint8Array(Buffer.from(PSK_ID)), key: new Uint8Array(16) },
    initialRetransmitMs: 100, maxTransmissions: 3 }), port);
  try {
    await until(() => d.peer.state === DtlsState.Closed);
    assert.is(d.peer.closeAlert, AlertDescription.HandshakeFailure);
    assert.not.ok(srv.out.includes('CIPHER is'), 'openssl never completed either');
  } finally { d.udp.close(); srv.stop(); }
});

for (const [name, alert, title] of [
  ['untrusted', AlertDescription.UnknownCa, 'R-MTP.1 a client certificate from an untrusted CA is refused with unknown_ca'],
  ['expired', AlertDescription.CertificateExpired, 'R-MTP.2 an expired client certificate is refused with certificate_expired when the clock is known'],
] as const) {
  neg(title, async () => {
    const s = await serve(node, createDtlsConfig({ certificate: pki.config('agent'), wallClock: () => Date.now() }));
    const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
      '-cert', pki.path(name, 'crt'), '-key', pki.path(name, 'key'), '-CAfile', pki.path('ca', 'crt')]);
    try {
      await until(() => s.closed.length === 1);
      assert.is(s.closed[0]!.closeAlert, alert);
      assert.is(s.connected.length, 0);
      await c.waitFor(/alert/i);
    } finally { c.stop(); s.udp.close(); }
  });
}

neg('R-MTP.2 an expired certificate is accepted while the wall clock is unknown', async () => {
  const s = await serve(node, createDtlsConfig({ certificate: pki.config('agent'), wallClock: () => undefined }));
  const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
    '-cert', pki.path('expired', 'crt'), '-key', pki.path('expired', 'key'), '-CAfile', pki.path('ca', 'crt')]);
  try {
    await until(() => s.connected.length === 1);
    assert.is(s.connected[0]!.endpointId, 'self::expired');
  } finally { c.stop(); s.udp.close(); }
});

neg('R-MTP.1 a client without a certificate is refused (handshake_failure)', async () => {
  const s = await serve(node, createDtlsConfig({ certificate: pki.config('agent') }));
  const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${s.port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8', '-CAfile', pki.path('ca', 'crt')]);
  try {
    await until(() => s.closed.length === 1);
    assert.is(s.closed[0]!.closeAlert, AlertDescription.HandshakeFailure);
  } finally { c.stop(); s.udp.close(); }
});

neg('R-MTP.1 our client refuses a server certificate from an untrusted CA (unknown_ca)', async () => {
  const port = await freeUdpPort();
  const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
    '-cert', pki.path('untrusted', 'crt'), '-key', pki.path('untrusted', 'key')]);
  await srv.waitFor('ACCEPT');
  const d = await dial(node, createDtlsConfig({ certificate: pki.config('controller') }), port);
  try {
    await until(() => d.peer.state === DtlsState.Closed);
    assert.is(d.peer.closeAlert, AlertDescription.UnknownCa);
  } finally { d.udp.close(); srv.stop(); }
});

neg('RFC 8422 §5.1 our client offers secp256r1 and X25519; openssl s_server picks X25519', async () => {
  const port = await freeUdpPort();
  const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
    ...certArgs('agent'), '-groups', 'X25519:P-256', '-serverpref']);
  await srv.waitFor('ACCEPT');
  const d = await dial(node, createDtlsConfig({ certificate: pki.config('controller'), groups: [NamedGroup.Secp256r1, NamedGroup.X25519] }), port);
  try {
    await until(() => d.peer.state === DtlsState.Connected);
    assert.is(d.peer.ecdheGroup, NamedGroup.X25519);
  } finally { d.udp.close(); srv.stop(); }
});

neg('RFC 6347 §4.1.2.6/§4.1.2.7 on real sockets: replayed and corrupted copies of openssl\'s records are dropped', async () => {
  const received: string[] = [];
  const udp: DtlsUdp = openDtlsUdp({ port: 0, address: '127.0.0.1', server: true, crypto: node, config: createDtlsConfig({ pskForIdentity: () => PSK }),
    onData: (peer, buf, a, b) => { const text = Buffer.from(buf.subarray(a, b)).toString(); received.push(text); udp.send(peer, new Uint8Array(Buffer.from('echo:' + text))); } });
  const serverPort = await udp.ready;
  // a UDP proxy between openssl and us: every application-data datagram from openssl is
  // sent as is, then replayed, then with a flipped bit in its ciphertext
  const proxy = createSocket('udp4');
  let clientPort = 0; let tampered = 0;
  proxy.on('message', (msg, rinfo) => {
    if (rinfo.port === serverPort) { proxy.send(msg, clientPort, '127.0.0.1'); return; }
    clientPort = rinfo.port;
    proxy.send(msg, serverPort, '127.0.0.1');
    if (msg[0] === 23) {
      tampered++;
      proxy.send(msg, serverPort, '127.0.0.1');
      const bad = Buffer.from(msg); bad[bad.length - 3] ^= 0x10;
      proxy.send(bad, serverPort, '127.0.0.1');
    }
  });
  const proxyPort = await new Promise<number>((r) => proxy.bind(0, '127.0.0.1', () => r(proxy.address().port)));
  const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${proxyPort}`, '-cipher', 'PSK-AES128-CCM8',
    '-psk', PSK_HEX, '-psk_identity', PSK_ID]);
  try {
    await c.waitFor('Cipher is PSK-AES128-CCM8');
    c.write('one\n');
    await c.waitFor('echo:one');
    c.write('two\n');
    await c.waitFor('echo:two');
    await sleep(100);
    assert.ok(tampered >= 2);
    assert.equal(received, ['one\n', 'two\n']);
    assert.is(udp.endpoint.associationCount, 1, 'the association survived');
  } finally { c.stop(); udp.close(); proxy.close(); }
});

neg.run();
