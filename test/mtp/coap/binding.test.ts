/** USP over CoAP binding (R-COAP.1–13) driven with plain calls: datagrams in, exact responses and events out. */
import { suite } from 'uvu';
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import { CoapCode, CoapOption, CoapType, ContentFormat, encodeBlock, readUtf8, type CoapPeer } from '../../../src/coap/index.ts';
import { SendOutcome, SendRecordError, UspCoapBinding, type UspCoapEvent } from '../../../src/mtp/coap/binding.ts';
import { constantRandom, msg, parse, peer } from '../../coap/fixtures.ts';
import { uspRecord, validateRecord } from '../record-fixture.ts';

const REPLY = 'coap://192.0.2.1:5683/usp/ctl';
const out = new Uint8Array(1500);
const make = (extra = {}) => new UspCoapBinding(constantRandom(0), { replyTo: 'coap://192.0.2.9:5683/usp', validateRecord, ...extra });
function responses(b: UspCoapBinding) {
  const list = [];
  for (let t = b.pollTransmit(out); t !== null; t = b.pollTransmit(out)) list.push(parse(out.slice(0, t.length)));
  return list;
}
function events(b: UspCoapBinding) {
  const list: UspCoapEvent[] = [];
  for (let e = b.pollEvent(); e !== null; e = b.pollEvent()) list.push(e);
  return list;
}
function post(opts: { path?: string[]; method?: number; cf?: number | null; query?: string[]; payload?: Uint8Array; mid?: number }) {
  const options: Array<[number, number | string]> = (opts.path ?? ['usp']).map((s) => [CoapOption.UriPath, s] as [number, string]);
  if (opts.cf !== null) options.push([CoapOption.ContentFormat, opts.cf ?? 42]);
  for (const q of opts.query ?? [`reply-to=${REPLY}`]) options.push([CoapOption.UriQuery, q]);
  return msg({ type: CoapType.Con, code: opts.method ?? CoapCode.Post, mid: opts.mid ?? 1, token: [1, 2], options, payload: opts.payload ?? uspRecord() });
}
const feed = (b: UspCoapBinding, p: CoapPeer, m: Uint8Array, now = 0) => b.handleDatagram(now, m, 0, m.length, p);

const server = suite('mtp/coap/binding server');

server('R-COAP.7 a valid Record POSTed with CF 42 and reply-to gets 2.04 and one record event (R-COAP.2a reply-to kept)', () => {
  const b = make();
  const p = peer();
  const rec = uspRecord(40);
  feed(b, p, post({ payload: rec }));
  const [r] = responses(b);
  assert.equal([r!.type, r!.code, r!.payloadStart < r!.end], [CoapType.Ack, CoapCode.Changed, false]);
  const [e] = events(b);
  assert.is(e!.kind, 'record');
  if (e!.kind !== 'record') return;
  assert.equal(e.bytes, rec);
  assert.is(e.replyTo, REPLY);
  assert.is(e.peer, p);
});

const CASES: Array<[string, Parameters<typeof post>[0], number]> = [
  ['R-COAP.11 GET on the USP resource → 4.05', { method: CoapCode.Get }, CoapCode.MethodNotAllowed],
  ['R-COAP.11 PUT on the USP resource → 4.05', { method: CoapCode.Put }, CoapCode.MethodNotAllowed],
  ['R-COAP.12 Content-Format 0 → 4.15', { cf: 0 }, CoapCode.UnsupportedContentFormat],
  ['R-COAP.12 no Content-Format → 4.15', { cf: null }, CoapCode.UnsupportedContentFormat],
  ['R-COAP.13 bytes that are no USP Record → 4.00', { payload: Uint8Array.of(0xff, 0xff, 0xff) }, CoapCode.BadRequest],
  ['R-COAP.2 missing reply-to → 4.00', { query: [] }, CoapCode.BadRequest],
  ['R-COAP.2 reply-to carrying a query → 4.00', { query: ['reply-to=coap://h/usp?x=1'] }, CoapCode.BadRequest],
  ['R-COAP.2 reply-to with an http URI → 4.00', { query: ['reply-to=http://h/usp'] }, CoapCode.BadRequest],
  ['R-COAP.2 two reply-to values → 4.00', { query: [`reply-to=${REPLY}`, `reply-to=${REPLY}`] }, CoapCode.BadRequest],
  ['RFC 7252 §5.9.2.5 unknown path → 4.04', { path: ['other'] }, CoapCode.NotFound],
  ['RFC 7252 §5.9.2.5 a longer path → 4.04', { path: ['usp', 'x'] }, CoapCode.NotFound],
];
for (const [title, opts, code] of CASES) {
  server(title, () => {
    const b = make();
    feed(b, peer(), post(opts));
    assert.equal(responses(b).map((r) => r.code), [code]);
    assert.equal(events(b), []);
  });
}

server('R-COAP.2 other queries next to reply-to are ignored', () => {
  const b = make();
  feed(b, peer(), post({ query: ['a=b', `reply-to=${REPLY}`] }));
  assert.equal(responses(b).map((r) => r.code), [CoapCode.Changed]);
  assert.is(events(b).length, 1);
});

server('R-COAP.1 GET /.well-known/core lists the USP resource in RFC 6690 link format (configurable path)', () => {
  const b = make({ path: '/tinyusp/agent' });
  feed(b, peer(), msg({ type: CoapType.Con, code: CoapCode.Get, mid: 3, options: [[CoapOption.UriPath, '.well-known'], [CoapOption.UriPath, 'core']] }));
  const [r] = responses(b);
  assert.is(r!.code, CoapCode.Content);
  assert.is(r!.uintOption(CoapOption.ContentFormat, -1), ContentFormat.LinkFormat);
  assert.is(readUtf8(r!.buf, r!.payloadStart, r!.end), '</tinyusp/agent>;rt="bbf.usp.endpoint";if="bbf.usp.a"');
  feed(b, peer(), msg({ type: CoapType.Con, code: CoapCode.Post, mid: 4, options: [[CoapOption.UriPath, '.well-known'], [CoapOption.UriPath, 'core']] }));
  assert.equal(responses(b).map((x) => x.code), [CoapCode.MethodNotAllowed]);
  feed(b, peer(), msg({ type: CoapType.Con, code: CoapCode.Get, mid: 5, options: [[CoapOption.UriPath, '.well-known'], [CoapOption.UriPath, 'core'], [CoapOption.Accept, 50]] }));
  assert.equal(responses(b).map((x) => x.code), [CoapCode.NotAcceptable], 'RFC 7252 §5.10.4 Accept: JSON → 4.06');
});

server('RFC 7252 §5.9.3.4 the record queue is bounded: 5.03 when the agent has not taken earlier records', () => {
  const b = make({ maxPendingRecords: 1 });
  feed(b, peer(), post({ mid: 1 }));
  feed(b, peer(), post({ mid: 2 }));
  assert.equal(responses(b).map((r) => r.code), [CoapCode.Changed, CoapCode.ServiceUnavailable]);
});

server('R-COAP.5 a Record sent in Block1 blocks is reassembled, then accepted with 2.04', () => {
  const b = make();
  const p = peer();
  const rec = uspRecord(1800);
  for (let num = 0; num * 1024 < rec.length; num++) {
    const more = (num + 1) * 1024 < rec.length;
    feed(b, p, msg({ type: CoapType.Con, code: CoapCode.Post, mid: 10 + num, token: [num], payload: rec.slice(num * 1024, (num + 1) * 1024),
      options: [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.UriQuery, `reply-to=${REPLY}`], [CoapOption.Block1, encodeBlock(num, more, 6)]] }));
  }
  assert.equal(responses(b).map((r) => r.code), [CoapCode.Continue, CoapCode.Changed]);
  const [e] = events(b);
  assert.ok(e!.kind === 'record' && e!.bytes.length === rec.length);
});

server('RFC 7959 §2.3 R-COAP.12 a Block1 upload with the wrong Content-Format is refused at its first block (4.15, no 2.31)', () => {
  const b = make();
  feed(b, peer(), msg({ type: CoapType.Con, code: CoapCode.Post, mid: 20, token: [1], payload: new Uint8Array(1024),
    options: [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 0], [CoapOption.UriQuery, `reply-to=${REPLY}`], [CoapOption.Block1, encodeBlock(0, true, 6)], [CoapOption.Size1, 3000]] }));
  assert.equal(responses(b).map((r) => r.code), [CoapCode.UnsupportedContentFormat]);
  // the next block finds no transfer in progress
  feed(b, peer(), msg({ type: CoapType.Con, code: CoapCode.Post, mid: 21, token: [1], payload: new Uint8Array(1024),
    options: [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 0], [CoapOption.UriQuery, `reply-to=${REPLY}`], [CoapOption.Block1, encodeBlock(1, true, 6)]] }));
  assert.equal(responses(b).map((r) => r.code), [CoapCode.RequestEntityIncomplete]);
  assert.equal(events(b), []);
});

const client = suite('mtp/coap/binding client');

client('R-COAP.2 sendRecord POSTs a new CON to the controller path with CF 42 and our own reply-to', () => {
  const b = make();
  const rec = uspRecord(20);
  const h = b.sendRecord(0, 'coap://192.0.2.5:6000/usp/ctl', rec);
  assert.ok(h > 0);
  const t = b.pollTransmit(out)!;
  assert.equal([t.peer!.address, t.peer!.port], ['192.0.2.5', 6000]);
  const v = parse(out.slice(0, t.length));
  assert.equal([v.type, v.code, v.uintOption(CoapOption.ContentFormat, -1)], [CoapType.Con, CoapCode.Post, 42]);
  const q = v.findOption(CoapOption.UriQuery);
  assert.is(readUtf8(v.buf, v.optionStart[q]!, v.optionStart[q]! + v.optionLength[q]!), 'reply-to=coap://192.0.2.9:5683/usp');
  assert.equal(v.buf.slice(v.payloadStart, v.end), rec);
  // 2.04 → delivered
  feed(b, t.peer!, msg({ type: CoapType.Ack, code: CoapCode.Changed, mid: v.messageId, token: [0, 0, 0, 0] }));
  assert.equal(events(b), [{ kind: 'sent', handle: h, outcome: SendOutcome.Delivered, code: CoapCode.Changed }]);
});

client('R-COAP.10 a 4.xx/5.xx answer is reported as a CoAP failure with its code', () => {
  const b = make();
  const h = b.sendRecord(0, 'coap://192.0.2.5/usp', uspRecord());
  const t = b.pollTransmit(out)!;
  const v = parse(out.slice(0, t.length));
  feed(b, t.peer!, msg({ type: CoapType.Ack, code: CoapCode.UnsupportedContentFormat, mid: v.messageId, token: [0, 0, 0, 0] }));
  assert.equal(events(b), [{ kind: 'sent', handle: h, outcome: SendOutcome.CoapFailure, code: CoapCode.UnsupportedContentFormat }]);
});

client('R-COAP.9 no answer after MAX_RETRANSMIT is reported as a timeout', () => {
  const b = make();
  const h = b.sendRecord(0, 'coap://192.0.2.5/usp', uspRecord());
  let n = 0;
  for (let now = 0; now !== Infinity; now = b.pollTimeout()) {
    b.handleTimeout(now);
    while (b.pollTransmit(out) !== null) n++;
  }
  assert.is(n, 5, 'first transmission + MAX_RETRANSMIT (4)');
  assert.equal(events(b), [{ kind: 'sent', handle: h, outcome: SendOutcome.Timeout, code: 0 }]);
});

client('R-COAP.2 bad controller URIs are refused at once; a plain binding sends coap:// only, a secure one coaps:// only', () => {
  const b = make();
  assert.is(b.sendRecord(0, 'coap://h/usp?x', uspRecord()), SendRecordError.BadUri);
  assert.is(b.sendRecord(0, 'coaps://h/usp', uspRecord()), SendRecordError.Unsupported);
  const s = make({ secure: true, replyTo: 'coaps://192.0.2.9:5684/usp' });
  assert.is(s.sendRecord(0, 'coap://h/usp', uspRecord()), SendRecordError.Unsupported);
  assert.ok(s.sendRecord(0, 'coaps://h/usp', uspRecord()) > 0);
  assert.is(s.pollTransmit(new Uint8Array(1500))!.peer!.port, 5684, 'RFC 7252 §6.2 default coaps port');
  assert.throws(() => make({ replyTo: 'coap://h/usp?q=1' }), /replyTo/);
});

server('RFC 7252 §4.2 hostile datagrams (random and mutated POSTs) never throw and get at most one answer each', () => {
  const b = make();
  const p = peer();
  const base = post({});
  fc.assert(fc.property(fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc.tuple(fc.nat(base.length - 1), fc.nat(255)).map(([i, x]) => { const m = base.slice(); m[i] = x; return m; }),
    fc.nat(base.length).map((n) => base.slice(0, n)),
  ), (bytes) => {
    b.handleDatagram(0, bytes, 0, bytes.length, p);
    let n = 0;
    for (let t = b.pollTransmit(out); t !== null; t = b.pollTransmit(out)) n++;
    events(b);
    return n <= 1;
  }), { numRuns: 2000, seed: 7959 });
});

server.run();
client.run();
