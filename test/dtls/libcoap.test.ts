/**
 * libcoap's `coap-client-openssl` and `coap-client-gnutls` (peers we did not write) in
 * PSK mode (-k/-u) and certificate mode (-c/-j/-C) against a minimal CoAP responder
 * behind our DTLS server endpoint (a hand-written 2.05 echo, RFC 7252 §3, independent
 * of src/coap); and our DTLS client against `coap-server-openssl`/`-gnutls`.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDtlsUdp, type DtlsUdp } from '../../src/platform/node/dtls-udp.ts';
import { createDtlsConfig } from '../../src/dtls/config.ts';
import type { DtlsAssociation } from '../../src/dtls/association.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { freeUdpPort, PeerProcess, sleep } from './peer-process.ts';
import { DtlsState } from '../../src/dtls/association.ts';
import { CONTROLLER_EID, makePki, type Pki } from './pki.ts';

const KEY = 'tinyusp-psk-secret';
const IDENTITY = 'controller-7';

/** RFC 7252 §3: a piggybacked ACK 2.05 echoing the request payload; undefined for non-requests. */
function echo(req: Uint8Array): Uint8Array | undefined {
  if (req.length < 4 || (req[0]! >> 6) !== 1) return undefined;
  const tkl = req[0]! & 0x0f;
  let p = 4 + tkl;
  while (p < req.length && req[p] !== 0xff) {
    const d = req[p]! >> 4; let l = req[p]! & 0x0f; p++;
    p += d === 13 ? 1 : d === 14 ? 2 : 0;
    if (l === 13) l = req[p++]! + 13; else if (l === 14) { l = ((req[p]! << 8) | req[p + 1]!) + 269; p += 2; }
    p += l;
  }
  const payload = p < req.length ? req.subarray(p + 1) : new Uint8Array(Buffer.from('tinyusp'));
  const out = new Uint8Array(4 + tkl + 1 + payload.length);
  out[0] = 0x60 | tkl; out[1] = 0x45; out[2] = req[2]!; out[3] = req[3]!;
  out.set(req.subarray(4, 4 + tkl), 4);
  out[4 + tkl] = 0xff;
  out.set(payload, 5 + tkl);
  return out;
}

const t = suite('dtls/libcoap interop');
let pki: Pki;
t.before(() => { pki = makePki(); });

for (const bin of ['coap-client-openssl', 'coap-client-gnutls']) {
  t(`RFC 7252 §9.1.3.1 + RFC 6655 ${bin} -k/-u reaches a CoAP 2.05 echo through our DTLS server`, async () => {
    const identities: string[] = [];
    const udp: DtlsUdp = openDtlsUdp({
      port: 0, address: '127.0.0.1', server: true, crypto: createNodeCrypto(),
      config: createDtlsConfig({ pskForIdentity: (id) => {
        identities.push(Buffer.from(id).toString());
        return Buffer.from(id).toString() === IDENTITY ? new Uint8Array(Buffer.from(KEY)) : undefined;
      } }),
      onData: (peer: DtlsAssociation, buf, s, e) => { const r = echo(buf.subarray(s, e)); if (r) udp.send(peer, r); },
    });
    const port = await udp.ready;
    const c = new PeerProcess(bin, ['-m', 'put', '-e', `hello from ${bin}`, '-k', KEY, '-u', IDENTITY, '-B', '5', `coaps://127.0.0.1:${port}/usp`]);
    try {
      await c.waitFor(`hello from ${bin}`);
      assert.equal(identities, [IDENTITY]);
      await c.waitExit();
    } finally { c.stop(); udp.close(); }
  });
}

for (const bin of ['coap-client-openssl', 'coap-client-gnutls']) {
  t(`RFC 7252 §9.1.3.3 + RFC 7251 ${bin} with an X.509 certificate: ECDHE-ECDSA-CCM8, peer EID from SAN (R-SEC.0a)`, async () => {
    const eids: Array<string | undefined> = []; const suites: number[] = [];
    const udp: DtlsUdp = openDtlsUdp({
      port: 0, address: '127.0.0.1', server: true, crypto: createNodeCrypto(),
      config: createDtlsConfig({ certificate: pki.config('agent'), wallClock: () => Date.now() }),
      onConnected: (peer) => { eids.push(peer.endpointId); suites.push(peer.cipherSuite); },
      onData: (peer: DtlsAssociation, buf, s, e) => { const r = echo(buf.subarray(s, e)); if (r) udp.send(peer, r); },
    });
    const port = await udp.ready;
    const c = new PeerProcess(bin, ['-m', 'put', '-e', `cert ${bin}`, '-c', pki.path('controller', 'crt'), '-j', pki.path('controller', 'key'),
      '-C', pki.path('ca', 'crt'), '-B', '5', `coaps://127.0.0.1:${port}/usp`]);
    try {
      await c.waitFor(`cert ${bin}`);
      assert.equal(eids, [CONTROLLER_EID]);
      assert.equal(suites, [0xc0ae]);
      await c.waitExit();
    } finally { c.stop(); udp.close(); }
  });
}

/** GET / as a CON with message ID 0x1234 and no token (RFC 7252 §3). */
const GET_ROOT = new Uint8Array([0x40, 0x01, 0x12, 0x34]);

for (const bin of ['coap-server-openssl', 'coap-server-gnutls']) {
  for (const mode of ['psk', 'cert'] as const) {
    t(`RFC 7252 §9.1 our DTLS client (${mode}) gets 2.05 from ${bin}`, async () => {
      const port = await freeUdpPort();
      const args = mode === 'psk' ? ['-k', KEY] : ['-c', pki.path('agent', 'crt'), '-j', pki.path('agent', 'key'), '-C', pki.path('ca', 'crt')];
      // coaps listens on port + 1 (libcoap: -p is the plain CoAP port)
      const srv = new PeerProcess(bin, ['-A', '127.0.0.1', '-p', String(port - 1), ...args]);
      await sleep(300);
      const got: Uint8Array[] = [];
      const udp: DtlsUdp = openDtlsUdp({ port: 0, address: '127.0.0.1', server: false, crypto: createNodeCrypto(),
        config: createDtlsConfig(mode === 'psk' ? { psk: { identity: new Uint8Array(Buffer.from(IDENTITY)), key: new Uint8Array(Buffer.from(KEY)) } }
          : { certificate: pki.config('controller'), wallClock: () => Date.now() }),
        onData: (_p, buf, a, b) => { got.push(buf.slice(a, b)); } });
      await udp.ready;
      try {
        const peer = udp.connect('127.0.0.1', port);
        for (let i = 0; i < 400 && peer.state !== DtlsState.Connected; i++) await sleep(10);
        assert.is(peer.state, DtlsState.Connected, srv.out.slice(-500));
        if (mode === 'cert') assert.is(peer.endpointId, 'os::00256D-0123456789');
        udp.send(peer, GET_ROOT);
        for (let i = 0; i < 300 && got.length === 0; i++) await sleep(10);
        const r = got[0]!;
        assert.is(r[1], 0x45, '2.05 Content');
        assert.equal([r[2], r[3]], [0x12, 0x34]);
        assert.match(Buffer.from(r).toString('latin1'), 'libcoap');
      } finally { udp.close(); srv.stop(); }
    });
  }
}

t.run();
