/**
 * CoapEndpoint against hostile peers (issue #16), as scripted conversations at explicit
 * times: a destination that cannot be reached fails only its own requests; half-open
 * Block1 uploads cannot hold the reassembly slots; peers that never answer cannot
 * hold the exchange slots of peers that do.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CoapCode, CoapEndpoint, CoapEventKind, CoapFailure, CoapOption, CoapType, encodeBlock, maxTransmitWaitMs, DEFAULT_COAP_CONFIG,
  PeerTable, type CoapPeer, type CoapRequestFields,
} from '../../src/coap/index.ts';
import { constantRandom, msg, parse, peer } from './fixtures.ts';

const POST_USP: CoapRequestFields = { method: CoapCode.Post, uriPath: ['usp'], uriQuery: [], contentFormat: 42 };
const BODY = Uint8Array.of(1, 2, 3);
const out = new Uint8Array(1500);

function transmits(ep: CoapEndpoint): { to: CoapPeer; code: number; block1: number; mid: number }[] {
  const list = [];
  for (let t = ep.pollTransmit(out); t !== null; t = ep.pollTransmit(out)) {
    const v = parse(out.slice(0, t.length));
    list.push({ to: t.peer!, code: v.code, block1: v.uintOption(CoapOption.Block1, -1), mid: v.messageId });
  }
  return list;
}
function events(ep: CoapEndpoint): { kind: number; handle: number; failure: number }[] {
  const list = [];
  for (let e = ep.pollEvent(); e !== null; e = ep.pollEvent()) list.push({ kind: e.kind, handle: e.handle, failure: e.failure });
  return list;
}

const unreachable = suite('coap/hardening: unreachable destination');

unreachable('issue #16 a destination that cannot be reached fails its requests at once (queued ones too); other peers go on', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const bad = peer(1000);
  const good = peer(2000);
  const h1 = ep.sendRequest(0, bad, POST_USP, BODY, 0, 3);
  const h2 = ep.sendRequest(0, bad, POST_USP, BODY, 0, 3); // queued behind h1 (NSTART = 1)
  const h3 = ep.sendRequest(0, good, POST_USP, BODY, 0, 3);
  transmits(ep);
  ep.handleUnreachable(10, bad);
  assert.equal(events(ep), [
    { kind: CoapEventKind.Failed, handle: h2, failure: CoapFailure.Unreachable },
    { kind: CoapEventKind.Failed, handle: h1, failure: CoapFailure.Unreachable },
  ]);
  assert.is(transmits(ep).length, 0, 'the queued request did not start');
  ep.handleTimeout(3000);
  assert.equal(transmits(ep).map((t) => t.to.port), [2000], 'the other peer is retransmitted as before');
  assert.ok(h3 > 0);
});

const blocks = suite('coap/hardening: Block1 reassembly slots');

function firstBlock(mid: number, num = 0): Uint8Array {
  return msg({ type: CoapType.Con, code: CoapCode.Post, mid, token: [mid & 0xff],
    options: [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.Block1, encodeBlock(num, true, 2)]],
    payload: new Uint8Array(64).fill(mid & 0xff) });
}
function feed(ep: CoapEndpoint, now: number, p: CoapPeer, bytes: Uint8Array): void {
  ep.handleDatagram(now, bytes, 0, bytes.length, p);
}

blocks('issue #16 / RFC 7959 §2.9.2 two half-open uploads do not lock out a third peer: the idlest gives way after ACK_TIMEOUT, and its next block gets 4.08', () => {
  const ep = new CoapEndpoint(constantRandom(0)); // 2 reassembly slots, ACK_TIMEOUT 2 s
  const [a, b, c] = [peer(1), peer(2), peer(3)];
  feed(ep, 0, a, firstBlock(1));
  feed(ep, 100, b, firstBlock(2));
  assert.equal(transmits(ep).map((t) => t.code), [CoapCode.Continue, CoapCode.Continue]);
  feed(ep, 500, c, firstBlock(3));
  assert.equal(transmits(ep).map((t) => t.code), [CoapCode.RequestEntityIncomplete], 'both transfers are young: wait');
  feed(ep, 2000, c, firstBlock(4));
  assert.equal(transmits(ep).map((t) => [t.to.port, t.code]), [[3, CoapCode.Continue]], 'a (idle 2 s) gave way');
  feed(ep, 2100, a, firstBlock(5, 1));
  assert.equal(transmits(ep).map((t) => [t.to.port, t.code]), [[1, CoapCode.RequestEntityIncomplete]], 'a starts again');
});

blocks('issue #16 one peer holds one slot: a second upload from it restarts its own transfer', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const [a, b] = [peer(1), peer(2)];
  feed(ep, 0, a, firstBlock(1));
  feed(ep, 10, a, firstBlock(2));
  feed(ep, 20, b, firstBlock(3));
  assert.equal(transmits(ep).map((t) => t.code), [CoapCode.Continue, CoapCode.Continue, CoapCode.Continue]);
});

blocks('issue #16 a transfer with no new block for MAX_TRANSMIT_WAIT is dead and counted no more (was EXCHANGE_LIFETIME, 247 s)', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  feed(ep, 0, peer(1), firstBlock(1));
  transmits(ep);
  const wait = maxTransmitWaitMs(DEFAULT_COAP_CONFIG);
  assert.is(ep.reassemblyTable.busy(wait - 1), 1);
  assert.is(ep.reassemblyTable.busy(wait), 0);
});

const slots = suite('coap/hardening: exchange slots');

slots('issue #16 a peer that answers takes the slot of one that never did at once; the silent exchange ends Evicted', () => {
  const ep = new CoapEndpoint(constantRandom(0), { maxExchanges: 2 });
  const [real, s1, s2] = [peer(1), peer(2), peer(3)];
  // The real Controller answered before: it is known to receive what we send.
  const h0 = ep.sendRequest(0, real, POST_USP, BODY, 0, 3);
  const first = transmits(ep)[0]!;
  feed(ep, 5, real, msg({ type: CoapType.Ack, code: CoapCode.Changed, mid: first.mid, token: [0, 0, 0, 0] }));
  assert.equal(events(ep).map((e) => e.handle), [h0]);
  const hs1 = ep.sendRequest(10, s1, POST_USP, BODY, 0, 3);
  ep.sendRequest(20, s2, POST_USP, BODY, 0, 3);
  transmits(ep);
  const h = ep.sendRequest(30, real, POST_USP, BODY, 0, 3);
  assert.equal(events(ep), [{ kind: CoapEventKind.Failed, handle: hs1, failure: CoapFailure.Evicted }]);
  assert.equal(transmits(ep).map((t) => t.to.port), [1], 'the request to the real Controller started at once in s1\'s slot');
  ep.handleTimeout(2100);
  assert.equal(transmits(ep).map((t) => t.to.port), [3, 1], 's2 and the real Controller\'s request are retransmitted; s1 is gone');
  assert.ok(h > 0);
});

slots('issue #16 a peer that never answered evicts nobody: it waits in the queue as before (RFC 7252 §4.7)', () => {
  const ep = new CoapEndpoint(constantRandom(0), { maxExchanges: 1 });
  ep.sendRequest(0, peer(1), POST_USP, BODY, 0, 3);
  transmits(ep);
  ep.handleTimeout(2100);
  transmits(ep);
  ep.sendRequest(2200, peer(2), POST_USP, BODY, 0, 3);
  assert.is(transmits(ep).length, 0);
  assert.is(events(ep).length, 0);
});

const table = suite('coap/hardening: peer table');

table('issue #16 a flood of new source ports evicts peers that never answered first: the Controller that answers keeps its record (and `answered`)', () => {
  const t = new PeerTable(4);
  const ctl = t.intern('127.0.0.1', 40000, 0)!;
  ctl.answered = true;
  for (let port = 1; port <= 100; port++) assert.ok(t.intern('127.0.0.2', port, port) !== null);
  assert.is(t.lookup('127.0.0.1', 40000), ctl, 'the oldest peer, but the one that answers, stayed');
  assert.is(t.size, 4);
});

table('issue #16 a peer that answered keeps its standing after its record is evicted (remembered by address and port)', () => {
  const t = new PeerTable(2);
  const ctl = t.intern('127.0.0.1', 40000, 0)!;
  ctl.answered = true;
  t.intern('127.0.0.1', 40001, 1)!.answered = true; // a second answering peer: now both records are answered ones
  t.intern('127.0.0.2', 1, 2); // evicts the older answered one, as nothing else is idle
  assert.is(t.lookup('127.0.0.1', 40000), null);
  assert.ok(t.hostAnswered('127.0.0.1'));
  assert.ok(t.intern('127.0.0.1', 40000, 3)!.answered, 'back with its standing');
  assert.not.ok(t.hostAnswered('127.0.0.2'));
});

unreachable.run();
table.run();
blocks.run();
slots.run();
