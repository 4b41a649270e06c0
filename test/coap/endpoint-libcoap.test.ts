/**
 * CoapEndpoint (the client half) against libcoap's `coap-server-notls` on real UDP: a
 * Block1 PUT of 3 kB in 256-byte blocks (RFC 7959 §2.5), then a GET whose 2.05 comes
 * back in Block2 blocks that we follow (§2.4); and libcoap's `coap-client-notls` reading a
 * separate response from us (RFC 7252 §5.2.2). The loop here is the smallest driver:
 * datagrams in, transmits out, one timer at pollTimeout().
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { CoapCode, CoapEndpoint, CoapEventKind, PeerTable, type CoapPeer } from '../../src/coap/index.ts';
import { seededRandom } from './fixtures.ts';

const PORT = 40000 + (process.pid % 20000);
const lib = suite('coap/endpoint libcoap server');
let server: ChildProcess;
let sock: Socket;
let ep: CoapEndpoint;
const peers = new PeerTable(4);
const waiting = new Map<number, (r: { code: number; body: Uint8Array }) => void>();
let timer: NodeJS.Timeout | undefined;
const out = new Uint8Array(1500);
const LATE = Uint8Array.from('separate answer', (c) => c.charCodeAt(0));
const t0 = performance.now();
const now = () => performance.now() - t0;

function drain() {
  for (let t = ep.pollTransmit(out); t !== null; t = ep.pollTransmit(out)) sock.send(out.slice(0, t.length), t.peer!.port, t.peer!.address);
  for (let e = ep.pollEvent(); e !== null; e = ep.pollEvent()) {
    if (e.kind === CoapEventKind.Request) {
      // RFC 7252 §5.2.2: answer every request separately, 150 ms later.
      const ticket = ep.deferResponse();
      setTimeout(() => { ep.respondSeparately(now(), ticket, CoapCode.Content, 0, LATE, 0, LATE.length); drain(); }, 150);
      continue;
    }
    waiting.get(e.handle)?.({ code: e.kind === CoapEventKind.Response ? e.code : -e.failure, body: e.buf.slice(e.start, e.end) });
  }
  clearTimeout(timer);
  const at = ep.pollTimeout();
  if (at !== Infinity) timer = setTimeout(() => { ep.handleTimeout(now()); drain(); }, Math.max(0, at - now()));
}

function request(peer: CoapPeer, method: number, body: Uint8Array | null) {
  return new Promise<{ code: number; body: Uint8Array }>((resolve) => {
    const h = ep.sendRequest(now(), peer, { method, uriPath: ['example_data'], uriQuery: [], contentFormat: 42 }, body, 0, body?.length ?? 0);
    waiting.set(h, resolve);
    drain();
  });
}

lib.before(async () => {
  server = spawn('coap-server-notls', ['-A', '127.0.0.1', '-p', String(PORT)], { stdio: 'ignore' });
  ep = new CoapEndpoint(seededRandom(5).fill, { preferredSzx: 4 });
  sock = createSocket('udp4');
  sock.on('message', (m, r) => {
    const p = peers.intern(r.address, r.port, now());
    if (p === null) return;
    ep.handleDatagram(now(), new Uint8Array(m.buffer, m.byteOffset, m.length), 0, m.length, p);
    drain();
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  await new Promise((r) => setTimeout(r, 300)); // let the server bind
});
lib.after(() => { clearTimeout(timer); sock.close(); server.kill(); });

lib('RFC 7959 §2.5 a 3 kB PUT in 256-byte Block1 blocks, then §2.4 the GET answer followed through Block2', async () => {
  const peer = peers.intern('127.0.0.1', PORT, now())!;
  const data = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) & 0xff);
  const put = await request(peer, CoapCode.Put, data);
  assert.ok(put.code === CoapCode.Created || put.code === CoapCode.Changed, `PUT answered ${put.code >> 5}.${put.code & 31}`);
  const got = await request(peer, CoapCode.Get, null);
  assert.is(got.code, CoapCode.Content);
  assert.equal(got.body, data);
});

lib('RFC 7252 §5.2.2 coap-client receives our separate response (empty ACK first, CON 2.05 later)', async () => {
  const port = sock.address().port;
  const outText = await new Promise<string>((resolve) => {
    execFile('coap-client-notls', ['-m', 'get', `coap://127.0.0.1:${port}/late`], { timeout: 10_000 }, (_e, stdout) => resolve(stdout.trim()));
  });
  assert.is(outText, 'separate answer');
});

lib.run();
