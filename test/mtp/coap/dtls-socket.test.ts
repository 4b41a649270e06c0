/**
 * The secure datagram socket (src/main/dtls-socket.ts) over real UDP on the Node
 * platform: connect on demand with queued writes, one association used both ways,
 * the admits gate (R-SEC.0a) closing a client association with bad_certificate, and a
 * new handshake after an association closed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AlertDescription, createDtlsConfig, type DtlsAssociation, type DtlsConfig } from '../../../src/dtls/index.ts';
import { openDtlsSocket, type DtlsSocket } from '../../../src/mtp/coap/dtls-socket.ts';
import { createNodePlatform } from '../../../src/platform/node/index.ts';
import { LogLevel } from '../../../src/platform/types.ts';
import { makePki } from '../../dtls/pki.ts';

const platform = createNodePlatform({ stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-dtls-socket-')), logLevel: LogLevel.Error });
const key = new Uint8Array(16).fill(7);
const PSK = createDtlsConfig({ psk: { identity: new Uint8Array([0x61]), key }, pskForIdentity: () => key, initialRetransmitMs: 200 });

interface Side { socket: DtlsSocket; port: number; got: string[]; closed: DtlsAssociation[] }

function open(config: DtlsConfig, port = 0, admits?: (a: DtlsAssociation) => boolean): Promise<Side> {
  return new Promise((resolve, reject) => {
    const side: Side = { socket: null as unknown as DtlsSocket, port: 0, got: [], closed: [] };
    side.socket = openDtlsSocket({
      port, address: '127.0.0.1',
      onReadable() {
        for (let d = side.socket.read(); d !== undefined; d = side.socket.read()) side.got.push(`${Buffer.from(d.data).toString()} from ${d.port}`);
      },
      onReady(p) { side.port = p; resolve(side); },
      onError: reject,
    }, platform, platform.crypto!, config, {
      ...(admits !== undefined ? { admits } : {}),
      onClosed(a) { side.closed.push(a); },
    });
  });
}

const until = async (f: () => boolean): Promise<void> => { for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10)); };
const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

const t = suite('mtp/coap/dtls-socket');

t('RFC 6347 §4.2 a write connects on demand; queued datagrams follow the handshake and the association carries both directions', async () => {
  const a = await open(PSK); const b = await open(PSK);
  try {
    assert.ok(a.socket.write(text('one'), 0, 3, '127.0.0.1', b.port), 'queued while handshaking');
    assert.ok(a.socket.write(text('two'), 0, 3, '127.0.0.1', b.port));
    await until(() => b.got.length === 2);
    assert.equal(b.got, [`one from ${a.port}`, `two from ${a.port}`]);
    assert.ok(b.socket.write(text('back'), 0, 4, '127.0.0.1', a.port));
    await until(() => a.got.length === 1);
    assert.equal(a.got, [`back from ${b.port}`]);
    assert.is(b.socket.endpoint.helloVerifyRequests, 1, 'one handshake only');
    assert.is(b.socket.endpoint.peer('127.0.0.1', a.port)!.isClient, false);
  } finally { a.socket.close(); b.socket.close(); }
});

t('R-SEC.0a a client association whose certificate does not name the expected Endpoint ID is closed with bad_certificate; nothing is sent', async () => {
  const pki = makePki();
  const cfg = (name: string): DtlsConfig => createDtlsConfig({ certificate: pki.config(name), wallClock: () => Date.now(), initialRetransmitMs: 200 });
  const a = await open(cfg('controller'), 0, (peer) => peer.authenticates('self::someone-else'));
  const b = await open(cfg('agent'));
  try {
    a.socket.write(text('secret'), 0, 6, '127.0.0.1', b.port);
    await until(() => a.closed.length === 1);
    assert.is(a.closed[0]!.closeAlert, AlertDescription.BadCertificate);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.got, []);
  } finally { a.socket.close(); b.socket.close(); }
});

t('RFC 6347 §4.2.8 a closed association is forgotten: the next write handshakes again and the peer replaces its old state', async () => {
  const a = await open(PSK); const b = await open(PSK);
  try {
    a.socket.write(text('first'), 0, 5, '127.0.0.1', b.port);
    await until(() => b.got.length === 1);
    a.socket.endpoint.close(a.socket.endpoint.peer('127.0.0.1', b.port)!);
    assert.is(a.socket.endpoint.peer('127.0.0.1', b.port), undefined);
    a.socket.write(text('again'), 0, 5, '127.0.0.1', b.port);
    await until(() => b.got.length === 2);
    assert.equal(b.got, [`first from ${a.port}`, `again from ${a.port}`]);
    assert.is(b.socket.endpoint.helloVerifyRequests, 2, 'a second handshake');
  } finally { a.socket.close(); b.socket.close(); }
});

t.run();
