/**
 * RFC 6455 connection state machine: a client and a server session linked in memory,
 * then scripted byte vectors for what a hostile or odd peer sends.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CloseCode, TransportCommand, WebSocketSession, WsError, WsRole, WsState, type WebSocketEvent } from '../../src/websocket/index.ts';
import { applyMask, emitFrameHeader, FrameView } from '../../src/websocket/frame.ts';

interface End { s: WebSocketSession; msgs: string[]; events: WebSocketEvent[] }

function seeded(seed: number): (out: Uint8Array) => void {
  let x = seed;
  return (out) => { for (let i = 0; i < out.length; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; } };
}

function end(role: 0 | 1, extra: Partial<ConstructorParameters<typeof WebSocketSession>[0]> = {}): End {
  const e: End = { s: undefined as unknown as WebSocketSession, msgs: [], events: [] };
  e.s = new WebSocketSession({
    role, protocol: 'v1.usp', host: '127.0.0.1:1', target: '/usp?eid=a', maxMessageBytes: 1024, randomBytes: seeded(role + 1),
    receiver: { handleMessage: (_n, d, s, t, bin) => e.msgs.push(`${bin ? 'b' : 't'}:${Buffer.from(d.subarray(s, t)).toString('latin1')}`) },
    ...extra,
  });
  return e;
}

/** Moves bytes both ways until quiet; drains events. */
function pump(now: number, a: End, b: End): void {
  const out = new Uint8Array(4096);
  for (let i = 0; i < 20; i++) {
    let moved = false;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (let n = from.s.pollTransmit(out); n > 0; n = from.s.pollTransmit(out)) { to.s.handleBytes(now, out, 0, n); moved = true; }
      for (let e = from.s.pollEvent(); e !== undefined; e = from.s.pollEvent()) {
        from.events.push(e);
        if (e.kind === 'request') from.s.accept(now);
      }
    }
    if (!moved) return;
  }
  throw new Error('livelock');
}

function connect(a: End, b: End): void {
  assert.is(a.s.open(0), WsError.OK);
  assert.is(a.s.pollTransportCommand(), TransportCommand.OPEN);
  a.s.handleTransportUp(0);
  b.s.handleTransportUp(0);
  pump(0, a, b);
}

const ses = suite('websocket/session');

ses('RFC 6455 §4 client and server open; R-WS.14 binary messages both ways, client frames masked', () => {
  const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
  connect(c, s);
  assert.is(c.s.state, WsState.OPEN); assert.is(s.s.state, WsState.OPEN);
  assert.equal(s.events.map((e) => e.kind), ['request', 'open']);
  assert.equal(s.events[0], { kind: 'request', path: '/usp', query: 'eid=a' });
  assert.is(c.s.send(Buffer.from('hello'), 0, 5), WsError.OK);
  const out = new Uint8Array(64);
  const n = c.s.pollTransmit(out);
  assert.is(n, 2 + 4 + 5);
  assert.is(out[1]! & 0x80, 0x80, 'MASK bit');
  assert.not.equal(Buffer.from(out.subarray(6, 11)).toString(), 'hello', 'payload masked on the wire');
  s.s.handleBytes(0, out, 0, n);
  s.s.send(Buffer.from('world'), 0, 5);
  pump(0, c, s);
  assert.equal(s.msgs, ['b:hello']); assert.equal(c.msgs, ['b:world']);
});

ses('R-WS.14b RFC 6455 §5.4 fragments (with a Ping between them) arrive as one message, byte by byte too', () => {
  const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
  connect(c, s);
  const key = new Uint8Array([1, 2, 3, 4]);
  const frames: number[] = [];
  const frame = (fin: boolean, op: number, text: string): void => {
    const b = new Uint8Array(14 + text.length);
    let p = emitFrameHeader(b, 0, fin, op, text.length, key);
    b.set(Buffer.from(text), p); applyMask(b, p, p + text.length, key, 0); p += text.length;
    frames.push(...b.subarray(0, p));
  };
  frame(false, 2, 'AAA'); frame(false, 0, 'BB'); frame(true, 9, 'p'); frame(true, 0, 'C');
  const bytes = Uint8Array.from(frames);
  for (let i = 0; i < bytes.length; i++) s.s.handleBytes(0, bytes, i, i + 1);
  assert.equal(s.msgs, ['b:AAABBC']);
  const out = new Uint8Array(64);
  const n = s.s.pollTransmit(out);
  assert.equal([...out.subarray(0, n)], [0x8a, 1, 0x70], '§5.5.2 Pong echoes the Ping payload');
});

ses('RFC 6455 §5.1 a server fails on an unmasked client frame with 1002', () => {
  const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
  connect(c, s);
  s.s.handleBytes(0, new Uint8Array([0x82, 0x01, 0x41]), 0, 3);
  assert.is(s.s.state, WsState.CLOSED);
  const closed = s.s.pollEvent()!;
  assert.equal(closed, { kind: 'closed', code: CloseCode.ProtocolError, reason: '', error: WsError.PROTOCOL, status: 0 });
  const out = new Uint8Array(16);
  const n = s.s.pollTransmit(out);
  assert.equal([...out.subarray(0, n)], [0x88, 2, 0x03, 0xea], 'Close 1002');
  assert.is(s.s.pollTransportCommand(), TransportCommand.CLOSE);
});

ses('RFC 6455 §10.4 a frame above maxMessageBytes fails with 1009 before its payload is buffered', () => {
  const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
  connect(c, s);
  c.s.handleBytes(0, new Uint8Array([0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0]), 0, 10);
  const e = c.s.pollEvent() as Extract<WebSocketEvent, { kind: 'closed' }>;
  assert.is(e.code, CloseCode.MessageTooBig);
  assert.is(e.error, WsError.TOO_LARGE);
});

ses('RFC 6455 §5.2 reserved bits, reserved opcodes, long or fragmented control frames are protocol errors', () => {
  const v = new FrameView();
  assert.is(v.wrap(new Uint8Array([0xc2, 0]), 0, 2, 100), WsError.PROTOCOL, 'RSV1');
  assert.is(v.wrap(new Uint8Array([0x83, 0]), 0, 2, 100), WsError.PROTOCOL, 'opcode 3');
  assert.is(v.wrap(new Uint8Array([0x8b, 0]), 0, 2, 100), WsError.PROTOCOL, 'opcode 0xB');
  assert.is(v.wrap(new Uint8Array([0x09, 0]), 0, 2, 100), WsError.PROTOCOL, 'fragmented Ping');
  assert.is(v.wrap(new Uint8Array([0x89, 126, 0, 126]), 0, 4, 1000), WsError.PROTOCOL, 'Ping of 126 bytes');
  assert.is(v.wrap(new Uint8Array([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0]), 0, 10, 1000), WsError.PROTOCOL, '64-bit MSB');
  assert.is(v.wrap(new Uint8Array([0x82, 126, 1]), 0, 3, 1000), -1, 'NEED_MORE');
  assert.is(v.wrap(new Uint8Array([0x82, 126, 1, 0]), 0, 4, 1000), WsError.OK);
  assert.is(v.payloadLen, 256);
  assert.is(v.wrap(new Uint8Array([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]), 0, 10, 1 << 20), WsError.OK);
  assert.is(v.payloadLen, 65536, '64-bit length');
});

ses('RFC 6455 §5.4 a continuation with no message, or a new message inside one, is a protocol error', () => {
  for (const bytes of [[0x80, 0], [0x02, 0, 0x82, 0]]) {
    const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
    connect(c, s);
    c.s.handleBytes(0, Uint8Array.from(bytes), 0, bytes.length);
    const e = c.s.pollEvent() as Extract<WebSocketEvent, { kind: 'closed' }>;
    assert.is(e.code, CloseCode.ProtocolError);
  }
});

ses('RFC 6455 §7.1.2/§5.5.1 close: the peer echoes the code, the server closes TCP first, the client sees a clean close', () => {
  const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
  connect(c, s);
  c.s.close(0, CloseCode.Normal, 'bye');
  assert.is(c.s.state, WsState.CLOSING);
  pump(0, c, s);
  assert.is(s.s.state, WsState.CLOSED);
  assert.equal(s.events.at(-1), { kind: 'closed', code: 1000, reason: 'bye', error: WsError.OK, status: 0 });
  assert.is(s.s.pollTransportCommand(), TransportCommand.CLOSE);
  c.s.handleTransportDown(1);
  assert.equal(c.s.pollEvent(), { kind: 'closed', code: 1000, reason: 'bye', error: WsError.OK, status: 0 });
});

ses('RFC 6455 §7.4 a Close frame with 1005, a 1-byte body or non-UTF-8 reason fails the connection', () => {
  for (const [body, code] of [[[0x03, 0xed], 1002], [[0x03], 1002], [[0x03, 0xe8, 0xff], 1007]] as const) {
    const c = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
    connect(c, s);
    const b = Uint8Array.from([0x88, body.length, ...body]);
    c.s.handleBytes(0, b, 0, b.length);
    const e = c.s.pollEvent() as Extract<WebSocketEvent, { kind: 'closed' }>;
    assert.is(e.code, code, JSON.stringify(body));
  }
});

ses('R-WS.17 a Ping every pingIntervalMs; R-WS.18 no answer before the next one drops the connection', () => {
  const c = end(WsRole.CLIENT, { pingIntervalMs: 1000 }); const s = end(WsRole.SERVER);
  connect(c, s);
  assert.is(c.s.pollTimeout(), 1000);
  c.s.handleTimeout(1000);
  pump(1000, c, s); // the server answers with a Pong
  assert.is(c.s.pollTimeout(), 2000);
  c.s.handleTimeout(2000);
  const out = new Uint8Array(64);
  assert.ok(c.s.pollTransmit(out) > 0, 'second Ping sent');
  c.s.handleTimeout(3000); // nothing came back
  assert.is(c.s.state, WsState.CLOSED);
  const e = c.s.pollEvent() as Extract<WebSocketEvent, { kind: 'closed' }>;
  assert.is(e.error, WsError.TIMEOUT);
});

ses('RFC 6455 §4.1 the client gives up the handshake at handshakeTimeoutMs; a refused one reports its HTTP status', () => {
  const c = end(WsRole.CLIENT, { handshakeTimeoutMs: 500 });
  c.s.open(0);
  assert.is(c.s.pollTimeout(), 500);
  c.s.handleTimeout(500);
  assert.is((c.s.pollEvent() as Extract<WebSocketEvent, { kind: 'closed' }>).error, WsError.TIMEOUT);
  const d = end(WsRole.CLIENT); const s = end(WsRole.SERVER);
  d.s.open(0); d.s.handleTransportUp(0); s.s.handleTransportUp(0);
  const out = new Uint8Array(1024);
  const n = d.s.pollTransmit(out);
  s.s.handleBytes(0, out, 0, n);
  assert.is(s.s.pollEvent()!.kind, 'request');
  s.s.reject(0, 409, 'one session per Controller');
  const m = s.s.pollTransmit(out);
  assert.ok(Buffer.from(out.subarray(0, m)).toString().startsWith('HTTP/1.1 409 Conflict'));
  d.s.handleBytes(0, out, 0, m);
  const e = d.s.pollEvent() as Extract<WebSocketEvent, { kind: 'closed' }>;
  assert.is(e.error, WsError.HANDSHAKE);
  assert.is(e.status, 409);
});

ses.run();
