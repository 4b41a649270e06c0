/**
 * The USP WebSocket binding (src/mtp/websocket/binding.ts) scripted at explicit times:
 * a client and a server binding linked in memory — Connect Record (R-MTP.6), R-WS.16
 * 1003, the R-WS.19 retry schedule with a fixed random source, R-WS.20 reset, R-WS.4
 * pause/resume, R-MTP.7 DisconnectRecord. Records checked with protobufjs.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TransportCommand, UspWebSocketBinding, WsRole, type UspWebSocketEvent } from '../../../src/mtp/websocket/index.ts';
import { parseWsUri } from '../../../src/mtp/websocket/uri.ts';
import { decodeRecord, encodeRecord, type PlainRecord } from './ws-controller.ts';

const AGENT = 'os::012345-bind';
const CTL = 'self::ctl';

interface Side { b: UspWebSocketBinding; events: UspWebSocketEvent[]; records: PlainRecord[] }

function side(role: 0 | 1, extra: { validate?: (buf: Uint8Array, start: number, end: number) => boolean } = {}): Side {
  const s: Side = { b: undefined as unknown as UspWebSocketBinding, events: [], records: [] };
  let x = 7;
  s.b = new UspWebSocketBinding({
    role, endpointId: role === WsRole.CLIENT ? AGENT : CTL, maxRecordBytes: 4096, keepAliveS: 0,
    ...(role === WsRole.CLIENT ? { controllerId: CTL, uri: parseWsUri('ws://127.0.0.1:9/usp')! } : {}),
    retry: { minimumWaitS: 5, intervalMultiplier: 2000 }, random: () => 0,
    randomBytes: (o) => { for (let i = 0; i < o.length; i++) { x = (x * 75 + 74) % 65537; o[i] = x & 0xff; } },
    validateRecord: extra.validate ?? (() => true),
    onRecord: (_n, buf, st, en) => { s.records.push(decodeRecord(buf.slice(st, en))); },
  });
  return s;
}

function pump(now: number, a: Side, b: Side): void {
  const out = new Uint8Array(8192);
  for (let i = 0; i < 20; i++) {
    let moved = false;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (let n = from.b.pollTransmit(out); n > 0; n = from.b.pollTransmit(out)) { to.b.handleBytes(now, out, 0, n); moved = true; }
      for (let e = from.b.pollEvent(); e !== undefined; e = from.b.pollEvent()) { from.events.push(e); if (e.kind === 'request') from.b.admit(now); moved = true; }
    }
    if (!moved) return;
  }
  throw new Error('livelock');
}

function link(now: number, c: Side, s: Side): void {
  c.b.start(now);
  assert.is(c.b.pollTransportCommand(), TransportCommand.OPEN);
  c.b.handleTransportUp(now);
  s.b.handleTransportUp(now);
  pump(now, c, s);
}

const bind = suite('mtp/websocket/binding');

bind('R-WS.10b the server learns the agent from eid=; R-MTP.6 a WebSocketConnectRecord follows the handshake both ways', () => {
  const c = side(WsRole.CLIENT); const s = side(WsRole.SERVER);
  link(0, c, s);
  assert.equal(s.events[0], { kind: 'request', endpointId: AGENT, path: '/usp' });
  assert.is(s.b.endpointId, AGENT);
  assert.ok(c.b.up && s.b.up);
  assert.ok(s.records[0]!.websocketConnect !== undefined, 'from the client');
  assert.equal([s.records[0]!.fromId, s.records[0]!.toId], [AGENT, CTL]);
  assert.ok(c.records[0]!.websocketConnect !== undefined, 'from the server');
});

bind('R-WS.14 a Record crosses as one binary message, in place; R-WS.16 one that cannot be extracted closes with 1003', () => {
  // The server takes Connect Records and Records whose payload begins with a Msg header; not other bytes.
  const s = side(WsRole.SERVER, { validate: (buf, st, en) => { try { decodeRecord(buf.slice(st, en)); return true; } catch { return false; } } });
  const c = side(WsRole.CLIENT);
  link(0, c, s);
  assert.is(c.b.sendRecord(encodeRecord(AGENT, CTL, { header: { msgId: '1', msgType: 'GET' }, body: { request: { get: { paramPaths: ['Device.'] } } } })), 0);
  pump(1, c, s);
  assert.is(s.records.length, 2, 'Connect Record, then the Get, handed over in place');
  assert.is(c.b.sendRecord(new Uint8Array([0xff, 0xff, 0xff])), 0);
  pump(2, c, s);
  c.b.handleTransportDown(3); // the server closed the TCP connection after the closing handshake (§7.1.1)
  const down = c.b.pollEvent() as Extract<UspWebSocketEvent, { kind: 'down' }>;
  assert.is(down.kind, 'down');
  assert.is(down.code, 1003);
  assert.is(s.records.length, 2, 'the bad one was not taken');
});

bind('R-WS.19 retries wait m·(k/1000)^(n−1) with random 0: 5 s, 10 s, 20 s; R-WS.20 the count resets once up', () => {
  const c = side(WsRole.CLIENT);
  c.b.start(0);
  c.b.pollTransportCommand();
  const waits: number[] = [];
  let now = 0;
  for (let n = 1; n <= 3; n++) {
    c.b.handleTransportDown(now);
    const e = c.b.pollEvent() as Extract<UspWebSocketEvent, { kind: 'down' }>;
    assert.is(e.retryCount, n);
    waits.push(e.retryAt - now);
    now = c.b.pollTimeout()!;
    c.b.handleTimeout(now);
    assert.is(c.b.pollTransportCommand(), TransportCommand.OPEN, `retry #${n} opens the stream`);
  }
  assert.equal(waits, [5000, 10000, 20000]);
  const s = side(WsRole.SERVER);
  c.b.handleTransportUp(now); s.b.handleTransportUp(now);
  pump(now, c, s);
  assert.is(c.b.retryCount, 0);
});

bind('R-WS.4 pause closes the session and holds the retries; resume dials at once', () => {
  const c = side(WsRole.CLIENT); const s = side(WsRole.SERVER);
  link(0, c, s);
  c.b.pause(1);
  pump(1, c, s);
  c.b.handleTransportDown(2);
  const down = c.b.pollEvent() as Extract<UspWebSocketEvent, { kind: 'down' }>;
  assert.is(down.retryAt, Infinity);
  assert.is(c.b.pollTimeout(), undefined, 'no retry armed');
  c.b.resume(3);
  assert.equal([c.b.pollTransportCommand(), c.b.pollTransportCommand()], [TransportCommand.OPEN, undefined]);
});

bind('R-MTP.7/9 stop sends a DisconnectRecord with its reason, then Close 1001; no retry', () => {
  const c = side(WsRole.CLIENT); const s = side(WsRole.SERVER);
  link(0, c, s);
  c.b.stop(5, 7105, 'bye');
  pump(5, c, s);
  const d = s.records.find((r) => r.disconnect !== undefined);
  assert.equal(d?.disconnect, { reason: 'bye', reasonCode: 7105 });
  const down = s.events.find((e) => e.kind === 'down') as Extract<UspWebSocketEvent, { kind: 'down' }>;
  assert.is(down.code, 1001);
  c.b.handleTransportDown(6);
  assert.ok(c.events.concat(c.b.pollEvent() ?? []).some((e) => e.kind === 'closed'));
  assert.is(c.b.pollTimeout(), undefined);
});

bind.run();
