/**
 * CoapEndpoint as scripted conversations at explicit times (STYLE.md §1/§2): each
 * test feeds datagrams/timeouts and asserts the exact transmits, events and the next
 * deadline.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CoapCode, CoapEndpoint, CoapEventKind, CoapFailure, CoapOption, CoapSendError, CoapType, ContentFormat,
  exchangeLifetimeMs, maxTransmitWaitMs, DEFAULT_COAP_CONFIG, type CoapRequestFields, type CoapPeer,
} from '../../src/coap/index.ts';
import { constantRandom, hex, msg, parse, peer } from './fixtures.ts';

const POST_USP: CoapRequestFields = { method: CoapCode.Post, uriPath: ['usp'], uriQuery: [], contentFormat: ContentFormat.OctetStream };
const BODY = Uint8Array.of(1, 2, 3);
const out = new Uint8Array(1500);

function transmits(ep: CoapEndpoint): Array<{ to: CoapPeer; bytes: Uint8Array }> {
  const list = [];
  for (let t = ep.pollTransmit(out); t !== null; t = ep.pollTransmit(out)) list.push({ to: t.peer!, bytes: out.slice(0, t.length) });
  return list;
}
function events(ep: CoapEndpoint) {
  const list = [];
  for (let e = ep.pollEvent(); e !== null; e = ep.pollEvent()) list.push({ kind: e.kind, handle: e.handle, code: e.code, failure: e.failure, body: e.buf.slice(e.start, e.end) });
  return list;
}
function feed(ep: CoapEndpoint, now: number, p: CoapPeer, bytes: Uint8Array) {
  ep.handleDatagram(now, bytes, 0, bytes.length, p);
}

const client = suite('coap/endpoint client');

client('RFC 7252 §4.2 CON request retransmits at ACK_TIMEOUT·2^n, then times out (R-COAP.9)', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const h = ep.sendRequest(0, p, POST_USP, BODY, 0, 3);
  assert.ok(h > 0);
  const first = transmits(ep);
  assert.is(first.length, 1);
  // CON POST, TKL 4, MID 0x0000, token 00000000, Uri-Path "usp", Content-Format 42, payload 010203
  assert.is(hex(first[0]!.bytes), '44 02 00 00 00 00 00 00 b3 75 73 70 11 2a ff 01 02 03');
  assert.is(ep.pollTimeout(), 2000);
  const at = [2000, 6000, 14000, 30000];
  for (let i = 0; i < at.length; i++) {
    ep.handleTimeout(at[i]! - 1);
    assert.is(transmits(ep).length, 0, 'nothing before the deadline');
    ep.handleTimeout(at[i]!);
    const again = transmits(ep);
    assert.is(again.length, 1);
    assert.equal(again[0]!.bytes, first[0]!.bytes, 'a retransmission is the same message');
    assert.is(ep.pollTimeout(), at[i]! + 2000 * 2 ** (i + 1));
  }
  ep.handleTimeout(62000);
  assert.is(transmits(ep).length, 0);
  assert.equal(events(ep), [{ kind: CoapEventKind.Failed, handle: h, code: 0, failure: CoapFailure.Timeout, body: new Uint8Array(0) }]);
  assert.is(ep.pollTimeout(), Infinity);
});

client('RFC 7252 §4.8 initial timeout is ACK_TIMEOUT × (1 + r·(ACK_RANDOM_FACTOR − 1)) with r from the caller', () => {
  const ep = new CoapEndpoint(constantRandom(0x80));
  ep.sendRequest(1000, peer(), POST_USP, BODY, 0, 3);
  assert.is(ep.pollTimeout(), 1000 + Math.floor(2000 * (1 + 0.5 * (0x8080 / 65536))));
  const ep2 = new CoapEndpoint(constantRandom(0xff));
  ep2.sendRequest(0, peer(), POST_USP, BODY, 0, 3);
  assert.ok(ep2.pollTimeout() < 3000 && ep2.pollTimeout() >= 2999);
});

client('RFC 7252 §5.2.1 piggybacked 2.04 ends the exchange (R-COAP.7 seen from the client)', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const h = ep.sendRequest(0, p, POST_USP, BODY, 0, 3);
  transmits(ep);
  feed(ep, 40, p, msg({ type: CoapType.Ack, code: CoapCode.Changed, mid: 0, token: [0, 0, 0, 0] }));
  assert.equal(events(ep).map((e) => [e.kind, e.handle, e.code]), [[CoapEventKind.Response, h, CoapCode.Changed]]);
  assert.is(ep.pollTimeout(), Infinity);
  assert.is(transmits(ep).length, 0);
});

client('RFC 7252 §5.2.2 empty ACK, then a separate CON response is ACKed; its duplicate is ACKed again, reported once', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const h = ep.sendRequest(0, p, POST_USP, BODY, 0, 3);
  transmits(ep);
  feed(ep, 10, p, msg({ type: CoapType.Ack, code: 0, mid: 0 }));
  assert.is(ep.pollTimeout(), 10 + maxTransmitWaitMs(DEFAULT_COAP_CONFIG));
  ep.handleTimeout(2000);
  assert.is(transmits(ep).length, 0, 'no retransmission once ACKed');
  const sep = msg({ type: CoapType.Con, code: CoapCode.Changed, mid: 0x1234, token: [0, 0, 0, 0] });
  feed(ep, 500, p, sep);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['60 00 12 34']);
  assert.equal(events(ep).map((e) => [e.kind, e.handle, e.code]), [[CoapEventKind.Response, h, CoapCode.Changed]]);
  feed(ep, 600, p, sep);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['60 00 12 34']);
  assert.is(events(ep).length, 0);
});

client('RFC 7252 §4.2 a CON response matching no request gets RST; an unknown ACK is ignored', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  feed(ep, 0, p, msg({ type: CoapType.Con, code: CoapCode.Content, mid: 0x0a0b, token: [9] }));
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['70 00 0a 0b']);
  feed(ep, 0, p, msg({ type: CoapType.Ack, code: CoapCode.Content, mid: 0x0a0c, token: [9] }));
  assert.is(transmits(ep).length, 0);
  assert.is(events(ep).length, 0);
});

client('RFC 7252 §4.2 RST to our CON fails the request as Reset', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const h = ep.sendRequest(0, p, POST_USP, BODY, 0, 3);
  transmits(ep);
  feed(ep, 5, p, msg({ type: CoapType.Rst, code: 0, mid: 0 }));
  assert.equal(events(ep).map((e) => [e.kind, e.handle, e.failure]), [[CoapEventKind.Failed, h, CoapFailure.Reset]]);
});

client('RFC 7252 §4.7 NSTART = 1: a second request to the same peer waits; another peer goes at once', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const a = peer(1000);
  const b = peer(2000);
  const h1 = ep.sendRequest(0, a, POST_USP, BODY, 0, 3);
  const h2 = ep.sendRequest(0, a, POST_USP, BODY, 0, 2);
  const h3 = ep.sendRequest(0, b, POST_USP, BODY, 0, 1);
  const sent = transmits(ep);
  assert.equal(sent.map((t) => [t.to.port, parse(t.bytes).messageId]), [[1000, 0], [2000, 1]]);
  feed(ep, 100, a, msg({ type: CoapType.Ack, code: CoapCode.Changed, mid: 0, token: [0, 0, 0, 0] }));
  const next = transmits(ep);
  assert.equal(next.map((t) => [t.to.port, parse(t.bytes).messageId, parse(t.bytes).end - parse(t.bytes).payloadStart]), [[1000, 2, 2]]);
  assert.is(ep.pollTimeout(), 2000, 'b still due at 2000; the queued request started at 100 is due at 2100');
  assert.equal(events(ep).map((e) => e.handle), [h1]);
  assert.ok(h2 > 0 && h3 > 0);
});

client('RFC 7252 §4.7 the per-peer queue is bounded: QueueFull beyond it', () => {
  const ep = new CoapEndpoint(constantRandom(0), { maxExchanges: 1, maxQueuedRequests: 2 });
  const p = peer();
  assert.ok(ep.sendRequest(0, p, POST_USP, BODY, 0, 3) > 0);
  assert.ok(ep.sendRequest(0, p, POST_USP, BODY, 0, 3) > 0);
  assert.ok(ep.sendRequest(0, p, POST_USP, BODY, 0, 3) > 0);
  assert.is(ep.sendRequest(0, p, POST_USP, BODY, 0, 3), CoapSendError.QueueFull);
});

const server = suite('coap/endpoint server');

const POST_IN = msg({ type: CoapType.Con, code: CoapCode.Post, mid: 0x4321, token: [0xca, 0xfe],
  options: [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42]], payload: Uint8Array.of(7, 7) });

server('RFC 7252 §5.2.1 a CON request is answered piggybacked in the ACK; a duplicate replays it (§4.5)', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  feed(ep, 0, p, POST_IN);
  const ev = ep.pollEvent()!;
  assert.is(ev.kind, CoapEventKind.Request);
  assert.is(ev.code, CoapCode.Post);
  assert.equal([...ev.buf.subarray(ev.start, ev.end)], [7, 7]);
  ep.respond(CoapCode.Changed, -1, null, 0, 0);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['62 44 43 21 ca fe']);
  feed(ep, 3000, p, POST_IN);
  assert.is(ep.pollEvent(), null, 'the duplicate is not delivered again');
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['62 44 43 21 ca fe']);
  const life = exchangeLifetimeMs(DEFAULT_COAP_CONFIG);
  assert.is(life, 247_000, 'RFC 7252 §4.8.2 EXCHANGE_LIFETIME = 45 s + 2·100 s + 2 s');
  feed(ep, life, p, POST_IN);
  assert.is(ep.pollEvent()!.kind, CoapEventKind.Request, 'after EXCHANGE_LIFETIME the Message ID is new again');
});

server('RFC 7252 §5.2.3 a NON request gets a NON response with a fresh Message ID; a NON duplicate is dropped', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const non = msg({ type: CoapType.Non, code: CoapCode.Get, mid: 0x0101, token: [1], options: [[CoapOption.UriPath, 'x']] });
  feed(ep, 0, p, non);
  assert.is(ep.pollEvent()!.kind, CoapEventKind.Request);
  ep.respond(CoapCode.Content, 0, Uint8Array.of(0x41), 0, 1);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['51 45 00 00 01 c0 ff 41']);
  feed(ep, 1, p, non);
  assert.is(ep.pollEvent(), null);
  assert.is(transmits(ep).length, 0);
});

server('RFC 7252 §5.4.1 unknown critical option: 4.02 to a CON, silence to a NON', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  feed(ep, 0, p, msg({ type: CoapType.Con, code: CoapCode.Post, mid: 9, token: [1], options: [[CoapOption.UriPath, 'usp'], [2049, 1]] }));
  assert.is(ep.pollEvent(), null);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['61 82 00 09 01']);
  feed(ep, 0, p, msg({ type: CoapType.Non, code: CoapCode.Post, mid: 10, token: [1], options: [[2049, 1]] }));
  assert.is(transmits(ep).length, 0);
  assert.is(ep.pollEvent(), null);
  // an unknown *elective* option is ignored (§5.4.1)
  feed(ep, 0, p, msg({ type: CoapType.Con, code: CoapCode.Post, mid: 11, token: [1], options: [[2048, 1]] }));
  assert.is(ep.pollEvent()!.kind, CoapEventKind.Request);
});

server('RFC 7252 §4.2/§4.3 format errors: RST for a CON, silence for NON and ACK; empty CON (ping) → RST', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const bad = (t: number) => Uint8Array.of(0x40 | (t << 4), 0x02, 0x00, 0x05, 0xf1, 0x00);
  feed(ep, 0, p, bad(CoapType.Con));
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['70 00 00 05']);
  feed(ep, 0, p, bad(CoapType.Non));
  feed(ep, 0, p, bad(CoapType.Ack));
  feed(ep, 0, p, Uint8Array.of(0x80, 1, 0, 1)); // version 2
  feed(ep, 0, p, Uint8Array.of(0x40, 1)); // too short
  assert.is(transmits(ep).length, 0);
  feed(ep, 0, p, Uint8Array.of(0x40, 0x00, 0x33, 0x44));
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['70 00 33 44']);
  assert.is(ep.pollEvent(), null);
});

server('RFC 7252 §4.5 a duplicate GET whose response was too big to cache is processed again (GET is safe)', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const get = msg({ type: CoapType.Con, code: CoapCode.Get, mid: 0x77, token: [3], options: [[CoapOption.UriPath, 'doc']] });
  const doc = new Uint8Array(500).fill(0x61);
  feed(ep, 0, p, get);
  assert.is(ep.pollEvent()!.kind, CoapEventKind.Request);
  ep.respond(CoapCode.Content, 0, doc, 0, doc.length);
  assert.is(transmits(ep).length, 1);
  feed(ep, 10, p, get);
  assert.is(ep.pollEvent()!.kind, CoapEventKind.Request, 'processed again');
  ep.respond(CoapCode.Content, 0, doc, 0, doc.length);
  const again = transmits(ep);
  assert.equal(again.map((t) => t.bytes.length), [4 + 1 + 1 + 1 + 500], 'header, token, Content-Format 0 (empty), marker, payload: one response, no replay');
});

server('RFC 7252 §5.10.2 a request with Proxy-Uri gets 5.05: this endpoint is no proxy', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  feed(ep, 0, peer(), msg({ type: CoapType.Con, code: CoapCode.Get, mid: 2, token: [4], options: [[CoapOption.ProxyUri, 'coap://h/x']] }));
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['61 a5 00 02 04']);
  assert.is(ep.pollEvent(), null);
});

server('RFC 7252 §4.5 a response that found the transmit ring full is still replayed to the retransmitted request', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const req = (mid: number) => msg({ type: CoapType.Con, code: CoapCode.Post, mid, token: [mid], options: [[CoapOption.UriPath, 'usp']] });
  for (let mid = 1; mid <= 9; mid++) {
    feed(ep, 0, p, req(mid));
    ep.pollEvent();
    ep.respond(CoapCode.Changed, -1, null, 0, 0);
  }
  assert.is(transmits(ep).length, 8, 'the ring holds 8; the 9th answer was not sent');
  feed(ep, 2000, p, req(9));
  assert.is(ep.pollEvent(), null);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['61 44 00 09 09']);
});

server('RFC 7252 §5.2.2 a deferred answer: empty ACK now (replayed to duplicates), later a CON response with the token, done when ACKed', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const get = msg({ type: CoapType.Con, code: CoapCode.Get, mid: 0x0100, token: [7, 7], options: [[CoapOption.UriPath, 'x']] });
  feed(ep, 0, p, get);
  assert.is(ep.pollEvent()!.kind, CoapEventKind.Request);
  const ticket = ep.deferResponse();
  assert.is(ticket, 1);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['60 00 01 00']);
  feed(ep, 50, p, get);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['60 00 01 00'], 'duplicate → the same empty ACK');
  assert.is(ep.pollEvent(), null);
  const h = ep.respondSeparately(100, ticket, CoapCode.Content, 0, Uint8Array.of(0x68, 0x69), 0, 2);
  assert.ok(h > 0);
  assert.equal(transmits(ep).map((t) => hex(t.bytes)), ['42 45 00 00 07 07 c0 ff 68 69']);
  assert.is(ep.pollTimeout(), 2100);
  assert.is(ep.respondSeparately(100, ticket, CoapCode.Content, 0, null, 0, 0), CoapSendError.QueueFull, 'a ticket is used once');
  feed(ep, 120, p, msg({ type: CoapType.Ack, code: 0, mid: 0 }));
  assert.equal(events(ep).map((e) => [e.kind, e.handle, e.code]), [[CoapEventKind.Response, h, 0]]);
  assert.is(ep.pollTimeout(), Infinity);
});

client.run();
server.run();
