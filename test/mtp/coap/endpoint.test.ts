/**
 * The CoAP driver on real UDP sockets against peers we did not write: Debian's libcoap
 * (`coap-client-notls`, package libcoap3-bin) and the npm `coap` package (client and
 * server), plus a lossy UDP relay between two of our endpoints.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import coap from 'coap';
import { createNodePlatform } from '../../../src/platform/node/index.ts';
import type { Platform } from '../../../src/platform/types.ts';
import { startCoapEndpoint, type CoapEndpointHandle } from '../../../src/mtp/coap/endpoint.ts';
import { SendOutcome, type UspCoapEvent } from '../../../src/mtp/coap/binding.ts';
import { seededRandom } from '../../coap/fixtures.ts';
import { uspRecord, validateRecord } from '../record-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tinyusp-coap-'));
let datagramsIn = 0;
/** The Node platform, counting datagrams our endpoint reads (to see block-wise transfers happen). */
function platform(): Platform {
  const p = createNodePlatform({ stateDir: join(dir, 'state') });
  return {
    ...p,
    openUdp(o) {
      const s = p.openUdp(o);
      return { ...s, read() { const d = s.read(); if (d) datagramsIn++; return d; }, write: s.write, close: s.close };
    },
  };
}

interface Running { ep: CoapEndpointHandle; port: number; events: UspCoapEvent[]; next(): Promise<UspCoapEvent> }
function start(coapConfig = {}): Promise<Running> {
  return new Promise((resolve) => {
    const events: UspCoapEvent[] = [];
    let waiter: ((e: UspCoapEvent) => void) | null = null;
    const ep = startCoapEndpoint({
      platform: platform(), port: 0, address: '127.0.0.1',
      binding: { replyTo: (port) => `coap://127.0.0.1:${port}/usp`, validateRecord, coap: coapConfig },
      onEvent(e) { if (waiter) { const w = waiter; waiter = null; w(e); } else events.push(e); },
      onReady(port) {
        resolve({ ep, port, events, next: () => events.length > 0 ? Promise.resolve(events.shift()!) : new Promise((r) => { waiter = r; }) });
      },
    });
  });
}

function coapClient(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    // libcoap prints a response payload on stdout and an error code (e.g. "4.05") on stderr.
    execFile('coap-client-notls', args, { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: (stdout + stderr).trim() });
    });
  });
}

const libcoap = suite('mtp/coap/endpoint libcoap');
let agent: Running;
libcoap.before(async () => { agent = await start(); });
libcoap.after(() => agent.ep.close());

libcoap('R-COAP.1 coap-client GET /.well-known/core reads the USP resource in link format', async () => {
  const r = await coapClient(['-m', 'get', `coap://127.0.0.1:${agent.port}/.well-known/core`]);
  assert.equal(r, { code: 0, out: '</usp>;rt="bbf.usp.endpoint";if="bbf.usp.a"' });
});

libcoap('RFC 7959 §2.4 coap-client -b 16 reads /.well-known/core in 16-byte Block2 blocks', async () => {
  const before = datagramsIn;
  const r = await coapClient(['-m', 'get', '-b', '16', `coap://127.0.0.1:${agent.port}/.well-known/core`]);
  assert.equal(r, { code: 0, out: '</usp>;rt="bbf.usp.endpoint";if="bbf.usp.a"' });
  assert.ok(datagramsIn - before >= 3, `${datagramsIn - before} requests: one per block`);
});

libcoap('R-COAP.7 coap-client POST of a USP Record with CF 42 and reply-to → 2.04 and a record event', async () => {
  const rec = uspRecord(40);
  writeFileSync(join(dir, 'small.bin'), rec);
  const r = await coapClient(['-m', 'post', '-t', '42', '-f', join(dir, 'small.bin'), `coap://127.0.0.1:${agent.port}/usp?reply-to=coap://127.0.0.1:7777/ctl`]);
  assert.equal(r, { code: 0, out: '' }, 'libcoap prints nothing for 2.04');
  const e = await agent.next();
  assert.ok(e.kind === 'record');
  if (e.kind !== 'record') return;
  assert.equal(e.bytes, rec);
  assert.is(e.replyTo, 'coap://127.0.0.1:7777/ctl');
});

libcoap('R-COAP.5 coap-client -b 64 sends a 3 kB Record block-wise; it is reassembled', async () => {
  const rec = uspRecord(3000);
  writeFileSync(join(dir, 'big.bin'), rec);
  const before = datagramsIn;
  const r = await coapClient(['-m', 'post', '-b', '64', '-t', '42', '-f', join(dir, 'big.bin'), `coap://127.0.0.1:${agent.port}/usp?reply-to=coap://127.0.0.1:7777/ctl`]);
  assert.equal(r, { code: 0, out: '' });
  assert.ok(datagramsIn - before >= Math.ceil(rec.length / 64), `${datagramsIn - before} datagrams: one per 64-byte block`);
  const e = await agent.next();
  assert.ok(e.kind === 'record' && e.bytes.length === rec.length && e.bytes.every((b, i) => b === rec[i]));
});

libcoap('R-COAP.11 coap-client PUT → 4.05; R-COAP.12 CF 0 → 4.15; R-COAP.13 garbage → 4.00; unknown path → 4.04', async () => {
  writeFileSync(join(dir, 'small.bin'), uspRecord(10));
  writeFileSync(join(dir, 'junk.bin'), Uint8Array.of(0xff, 0xff, 0xff, 0xff));
  const uri = `coap://127.0.0.1:${agent.port}/usp?reply-to=coap://127.0.0.1:7777/ctl`;
  assert.is((await coapClient(['-m', 'put', '-t', '42', '-f', join(dir, 'small.bin'), uri])).out, '4.05');
  assert.is((await coapClient(['-m', 'post', '-t', '0', '-f', join(dir, 'small.bin'), uri])).out, '4.15');
  const before = datagramsIn;
  assert.is((await coapClient(['-m', 'post', '-b', '64', '-t', '0', '-f', join(dir, 'big.bin'), uri])).out, '4.15');
  assert.is(datagramsIn - before, 1, 'a block-wise upload is refused at its first block');
  assert.is((await coapClient(['-m', 'post', '-t', '42', '-f', join(dir, 'junk.bin'), uri])).out, '4.00');
  assert.is((await coapClient(['-m', 'post', '-t', '42', '-f', join(dir, 'small.bin'), `coap://127.0.0.1:${agent.port}/nope`])).out, '4.04');
  assert.is(agent.events.length, 0);
});

const npm = suite('mtp/coap/endpoint npm coap');

npm('R-COAP.5 our endpoint POSTs a 5 kB Record as Block1 to an npm-coap server, which reassembles it (R-COAP.2 reply-to sent)', async () => {
  const got: Array<{ url: string; payload: Buffer; format: unknown }> = [];
  const server = coap.createServer((req, res) => {
    got.push({ url: req.url, payload: req.payload, format: req.headers['Content-Format'] });
    res.code = '2.04';
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const serverPort = (server as unknown as { _sock: { address(): { port: number } } })._sock.address().port;
  const a = await start();
  try {
    const rec = uspRecord(5000);
    const h = a.ep.sendRecord(`coap://localhost:${serverPort}/usp`, rec);
    assert.ok(h > 0);
    const e = await a.next();
    assert.equal(e, { kind: 'sent', handle: h, outcome: SendOutcome.Delivered, code: 0x44 });
    assert.is(got.length, 1);
    assert.equal(new Uint8Array(got[0]!.payload), rec);
    assert.is(got[0]!.url, `/usp?reply-to=coap://127.0.0.1:${a.port}/usp`);
    assert.is(got[0]!.format, 'application/octet-stream');
  } finally {
    a.ep.close();
    server.close();
  }
});

npm('R-COAP.7 an npm-coap client POSTs a Record to us (Block1 from 3 kB) and reads 2.04', async () => {
  const a = await start();
  try {
    const rec = uspRecord(3000);
    const code = await new Promise<string>((resolve, reject) => {
      const req = coap.request({ hostname: '127.0.0.1', port: a.port, pathname: '/usp', method: 'POST', query: 'reply-to=coap://127.0.0.1:7777/ctl',
        options: { 'Content-Format': 'application/octet-stream' } });
      req.setOption('Block1', Buffer.of(6));
      req.on('response', (res) => resolve(res.code));
      req.on('error', reject);
      req.write(Buffer.from(rec));
      req.end();
    });
    assert.is(code, '2.04');
    const e = await a.next();
    assert.ok(e.kind === 'record' && e.bytes.length === rec.length && e.replyTo === 'coap://127.0.0.1:7777/ctl');
  } finally {
    a.ep.close();
  }
});

const relay = suite('mtp/coap/endpoint lossy relay');

relay('RFC 7252 §4.2/§4.5 through a UDP relay that drops 20 % and duplicates 20 % (seeded), every Record arrives once', async () => {
  const fast = { ackTimeoutMs: 30 };
  const a = await start(fast);
  const b = await start(fast);
  const rnd = seededRandom(42);
  const chance = () => rnd.next() / 0x100000000;
  const sock = createSocket('udp4');
  let dropped = 0;
  let duplicated = 0;
  sock.on('message', (m, from) => {
    const to = from.port === b.port ? a.port : b.port;
    if (chance() < 0.2) { dropped++; return; }
    sock.send(m, to, '127.0.0.1');
    if (chance() < 0.2) { duplicated++; sock.send(m, to, '127.0.0.1'); }
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const relayPort = sock.address().port;
  try {
    const records = [uspRecord(20), uspRecord(4000), uspRecord(300), uspRecord(50)];
    const handles = records.map((r) => a.ep.sendRecord(`coap://127.0.0.1:${relayPort}/usp`, r));
    const outcomes: UspCoapEvent[] = [];
    const received: UspCoapEvent[] = [];
    while (outcomes.length < records.length) outcomes.push(await a.next());
    while (received.length < records.length) received.push(await b.next());
    await new Promise((r) => setTimeout(r, 300)); // late duplicates must not deliver twice
    assert.is(b.events.length, 0, 'no Record delivered twice');
    assert.equal(outcomes, handles.map((handle) => ({ kind: 'sent', handle, outcome: SendOutcome.Delivered, code: 0x44 })));
    assert.equal(received.map((e) => e.kind === 'record' && e.bytes), records);
    assert.ok(dropped > 0 && duplicated > 0, `relay dropped ${dropped}, duplicated ${duplicated}`);
  } finally {
    a.ep.close();
    b.ep.close();
    sock.close();
  }
});

libcoap.run();
npm.run();
relay.run();
