/**
 * DTLS running inside the real XS engine (portable crypto) as the server, reached by
 * `openssl s_client -dtls1_2` over a real UDP socket on loopback: Node only moves the
 * datagrams between the socket and the XS endpoint.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import { ecPrivateKeyFromDer, pemBlocks } from '../../src/dtls/der.ts';
import { CONTROLLER_EID, makePki, type Pki } from './pki.ts';
import { PeerProcess } from './peer-process.ts';

const xs = suite('dtls/openssl ↔ DTLS inside XS');
let worker: XsWorker;
let pki: Pki;

xs.before(async () => {
  pki = makePki();
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/dtls/xs/handshake-entry.ts')), 'd');
});
xs.after(() => worker?.close());

/** Binds a UDP socket whose datagrams go through the XS server endpoint, in order. */
async function bridge(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  let chain = Promise.resolve();
  socket.on('message', (msg, rinfo) => {
    chain = chain.then(async () => {
      const { value } = await worker.call<string[]>(`d.xsServerFeed('${msg.toString('hex')}', '${rinfo.address}', ${rinfo.port})`);
      for (const hex of value) socket.send(Buffer.from(hex, 'hex'), rinfo.port, rinfo.address);
    });
  });
  const port = await new Promise<number>((r) => socket.bind(0, '127.0.0.1', () => r(socket.address().port)));
  return { socket, port };
}

xs('RFC 6655 PSK-AES128-CCM8: openssl s_client ↔ our server inside XS', async () => {
  await worker.evaluate(`d.xsServerStart('psk')`);
  const { socket, port } = await bridge();
  const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-cipher', 'PSK-AES128-CCM8',
    '-psk', '00112233445566778899aabbccddeeff', '-psk_identity', 'xs']);
  try {
    await c.waitFor('Cipher is PSK-AES128-CCM8', 20_000);
    c.write('from-openssl\n');
    await c.waitFor('echo:from-openssl', 20_000);
  } finally { c.stop(); socket.close(); }
});

xs('RFC 7251 ECDHE-ECDSA-AES128-CCM8 with client certificate: openssl s_client ↔ our server inside XS (R-SEC.0a)', async () => {
  const der = (n: string) => Buffer.from(pemBlocks(readFileSync(pki.path(n, 'crt'), 'utf8'), 'CERTIFICATE')[0]!).toString('hex');
  const key = (n: string) => Buffer.from(ecPrivateKeyFromDer(pemBlocks(readFileSync(pki.path(n, 'key'), 'utf8'), 'EC PRIVATE KEY')[0]!)!).toString('hex');
  await worker.evaluate(`d.xsServerStart('cert', ${JSON.stringify({ agent: der('agent'), agentKey: key('agent'), ca: der('ca') })})`);
  const { socket, port } = await bridge();
  const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-cipher', 'ECDHE-ECDSA-AES128-CCM8',
    '-cert', pki.path('controller', 'crt'), '-key', pki.path('controller', 'key'), '-CAfile', pki.path('ca', 'crt'), '-verify_return_error']);
  try {
    await c.waitFor('Verify return code: 0', 20_000);
    c.write('cert-data\n');
    await c.waitFor('echo:cert-data', 20_000);
    assert.equal((await worker.call<Array<string | null>>('d.xsServerPeers()')).value, [CONTROLLER_EID]);
  } finally { c.stop(); socket.close(); }
});

xs.run();
