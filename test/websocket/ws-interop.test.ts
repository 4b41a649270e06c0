/**
 * Interop of the RFC 6455 core over real loopback sockets (the Node stream port,
 * src/platform/node/stream-port.ts) with the npm `ws` package as the independent peer:
 * our client against a `ws` server and a `ws` client against our server — handshake
 * with the `v1.usp` subprotocol, binary messages, fragmented input, Ping/Pong and the
 * closing handshake with codes.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { randomFillSync } from 'node:crypto';
import { nodeStreamPort } from '../../src/platform/node/stream-port.ts';
import { CloseCode, WebSocketSession, WsRole, WsState, type WebSocketEvent } from '../../src/websocket/index.ts';
import type { StreamDriver, StreamListener } from '../../src/platform/stream.ts';

const port = nodeStreamPort();

interface Ours { session: WebSocketSession; driver: StreamDriver; msgs: Buffer[]; events: WebSocketEvent[]; wait(kind: string): Promise<WebSocketEvent> }

function ours(role: 0 | 1, extra: { target?: string; host?: string; onRequest?: (s: WebSocketSession) => void } = {}): Omit<Ours, 'driver'> & { service: () => void } {
  const msgs: Buffer[] = [];
  const events: WebSocketEvent[] = [];
  const waiters: [string, (e: WebSocketEvent) => void][] = [];
  const session = new WebSocketSession({
    role, protocol: 'v1.usp', maxMessageBytes: 1 << 20, host: extra.host ?? '127.0.0.1', target: extra.target ?? '/usp?eid=self%3A%3Ac',
    randomBytes: (o) => { randomFillSync(o); },
    receiver: { handleMessage: (_n, d, s, e) => { msgs.push(Buffer.from(d.subarray(s, e))); } },
  });
  const service = (): void => {
    for (let e = session.pollEvent(); e !== undefined; e = session.pollEvent()) {
      events.push(e);
      if (e.kind === 'request') { if (extra.onRequest) extra.onRequest(session); else session.accept(performance.now()); }
      for (const w of waiters.filter(([k]) => k === e.kind)) { waiters.splice(waiters.indexOf(w), 1); w[1](e); }
    }
  };
  const wait = (kind: string): Promise<WebSocketEvent> => {
    const seen = events.find((e) => e.kind === kind);
    return seen !== undefined ? Promise.resolve(seen) : new Promise((r) => { waiters.push([kind, r]); });
  };
  return { session, msgs, events, wait, service };
}

function until(cond: () => boolean, ms = 3000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => { if (cond()) resolve(); else if (Date.now() - t0 > ms) reject(new Error('timeout')); else setTimeout(tick, 5); };
    tick();
  });
}

async function wsServer(opts: { protocol?: string | false } = {}): Promise<{ wss: WebSocketServer; port: number; peer: Promise<WebSocket> }> {
  const wss = new WebSocketServer({
    port: 0, host: '127.0.0.1',
    handleProtocols: (protocols) => (opts.protocol === false ? false : protocols.has(opts.protocol ?? 'v1.usp') ? (opts.protocol ?? 'v1.usp') : false),
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const peer = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
  return { wss, port: (wss.address() as AddressInfo).port, peer };
}

const ws = suite('websocket/ws-interop');

ws('RFC 6455 / R-WS.9 our client ⇄ ws server: v1.usp, binary both ways, ws fragments joined (R-WS.14b), Ping answered', async () => {
  const { wss, port: p, peer } = await wsServer();
  const c = ours(WsRole.CLIENT, { host: `127.0.0.1:${p}` });
  const driver = port.dial(c.session, { host: '127.0.0.1', port: p, onService: c.service });
  try {
    c.session.open(performance.now());
    driver.service();
    await c.wait('open');
    const server = await peer;
    assert.is(server.protocol, 'v1.usp');
    const got: Buffer[] = [];
    server.on('message', (d: Buffer, binary: boolean) => { assert.ok(binary); got.push(d); });
    const big = Buffer.alloc(200_000, 7);
    c.session.send(big, 0, big.length);
    driver.service();
    await until(() => got.length === 1);
    assert.ok(got[0]!.equals(big), '200 kB message, 64-bit length');
    server.send(Buffer.from('abc'), { binary: true, fin: false });
    server.send(Buffer.from('def'), { binary: true, fin: false });
    server.send(Buffer.from('g'), { binary: true, fin: true });
    const pong = new Promise<Buffer>((r) => server.once('pong', r));
    server.ping(Buffer.from('hi'));
    await until(() => c.msgs.length === 1);
    assert.is(c.msgs[0]!.toString(), 'abcdefg');
    assert.is((await pong).toString(), 'hi', '§5.5.2 our Pong echoes the Ping');
    const closed = new Promise<[number, string]>((r) => server.once('close', (code, reason) => r([code, reason.toString()])));
    c.session.close(performance.now(), 4000, 'done');
    driver.service();
    assert.equal(await closed, [4000, 'done']);
    const e = await c.wait('closed') as Extract<WebSocketEvent, { kind: 'closed' }>;
    assert.is(e.code, 4000);
    assert.is(c.session.state, WsState.CLOSED);
  } finally {
    driver.close();
    wss.close();
  }
});

ws('R-WS.12 our client refuses a ws server that does not choose v1.usp', async () => {
  const { wss, port: p } = await wsServer({ protocol: false });
  const c = ours(WsRole.CLIENT, { host: `127.0.0.1:${p}` });
  const driver = port.dial(c.session, { host: '127.0.0.1', port: p, onService: c.service });
  try {
    c.session.open(performance.now());
    driver.service();
    const e = await c.wait('closed') as Extract<WebSocketEvent, { kind: 'closed' }>;
    assert.is(e.error, 4, 'HANDSHAKE');
    assert.not.ok(c.events.some((x) => x.kind === 'open'));
  } finally {
    driver.close();
    wss.close();
  }
});

async function ourServer(onRequest?: (s: WebSocketSession) => void): Promise<{ listener: StreamListener; port: number; next: () => Promise<ReturnType<typeof ours> & { driver: StreamDriver }> }> {
  const accepted: (ReturnType<typeof ours> & { driver: StreamDriver })[] = [];
  let wake: (() => void) | undefined;
  let bound = 0;
  const listener = port.listen({
    port: 0, address: '127.0.0.1',
    onReadable() {
      for (let inc = listener.read(); inc !== undefined; inc = listener.read()) {
        const o = ours(WsRole.SERVER, onRequest === undefined ? {} : { onRequest });
        const driver = port.accept(inc, o.session, { onService: o.service });
        accepted.push({ ...o, driver });
      }
      wake?.();
    },
    onReady(p) { bound = p; wake?.(); },
  });
  await until(() => bound !== 0);
  return {
    listener, port: bound,
    next: async () => { await until(() => accepted.length > 0); return accepted.shift()!; },
  };
}

ws('RFC 6455 / R-WS.11 ws client ⇄ our server: 101 with v1.usp, masked frames read, fragments joined, Close 1000', async () => {
  const srv = await ourServer();
  const client = new WebSocket(`ws://127.0.0.1:${srv.port}/usp?eid=self%3A%3Actl`, 'v1.usp');
  try {
    await new Promise<void>((r, j) => { client.once('open', () => r()); client.once('error', j); });
    assert.is(client.protocol, 'v1.usp');
    const o = await srv.next();
    assert.equal(o.events[0], { kind: 'request', path: '/usp', query: 'eid=self%3A%3Actl' });
    const got: Buffer[] = [];
    client.on('message', (d: Buffer) => got.push(d));
    client.send(Buffer.from([1, 2]), { fin: false });
    client.send(Buffer.from([3]), { fin: true });
    await until(() => o.msgs.length === 1);
    assert.equal([...o.msgs[0]!], [1, 2, 3]);
    o.session.send(Buffer.from('ok'), 0, 2);
    o.driver.service();
    await until(() => got.length === 1);
    assert.is(got[0]!.toString(), 'ok');
    const pong = new Promise<void>((r) => client.once('pong', () => r()));
    client.ping();
    await pong;
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    client.close(1000, 'bye');
    assert.is(await closed, 1000);
    const e = await o.wait('closed') as Extract<WebSocketEvent, { kind: 'closed' }>;
    assert.equal([e.code, e.reason], [1000, 'bye']);
    o.driver.close();
  } finally {
    srv.listener.close();
  }
});

ws('R-WS.12a our server refuses a ws client that does not offer v1.usp (HTTP 400)', async () => {
  const srv = await ourServer();
  try {
    const client = new WebSocket(`ws://127.0.0.1:${srv.port}/usp?eid=x%3A%3Ay`, 'chat');
    client.on('error', () => { /* terminate() below */ });
    const status = await new Promise<number>((r) => client.once('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
    assert.is(status, 400);
    client.terminate();
  } finally {
    srv.listener.close();
  }
});

ws('RFC 6455 §5.1 our server fails an unmasked frame from a raw client with Close 1002', async () => {
  const srv = await ourServer();
  const { connect } = await import('node:net');
  const sock = connect(srv.port, '127.0.0.1');
  try {
    const data: Buffer[] = [];
    sock.on('data', (d) => data.push(d));
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('GET /usp?eid=a%3A%3Ab HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
      + 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v1.usp\r\n\r\n');
    await until(() => Buffer.concat(data).includes('\r\n\r\n'));
    assert.ok(Buffer.concat(data).toString().includes('s3pPLMBiTxaQ9kYGzzhZRbK+xOo='), 'RFC 6455 §1.3 accept value');
    sock.write(Buffer.from([0x82, 0x01, 0x41]));
    const ended = new Promise<void>((r) => sock.once('close', () => r()));
    await ended;
    const all = Buffer.concat(data);
    const at = all.indexOf('\r\n\r\n') + 4;
    assert.equal([...all.subarray(at)], [0x88, 2, 0x03, 0xea]);
    const o = await srv.next();
    assert.is(o.session.state, WsState.CLOSED);
    assert.ok(o.events.some((e) => e.kind === 'closed' && e.code === CloseCode.ProtocolError));
  } finally {
    sock.destroy();
    srv.listener.close();
  }
});

ws.run();
