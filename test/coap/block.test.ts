/** Block-wise transfers (RFC 7959): option codec, BlockAssembler, and the endpoint's Block1/Block2 conversations. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BlockAssembler, BlockResult, blockMore, blockNum, blockSize, blockSzx, CoapCode, CoapEndpoint, CoapEventKind,
  CoapOption, CoapType, ContentFormat, encodeBlock, type CoapPeer,
} from '../../src/coap/index.ts';
import { constantRandom, hex, msg, parse, peer } from './fixtures.ts';

const out = new Uint8Array(1500);
function transmits(ep: CoapEndpoint) {
  const list: Uint8Array[] = [];
  for (let t = ep.pollTransmit(out); t !== null; t = ep.pollTransmit(out)) list.push(out.slice(0, t.length));
  return list;
}
const feed = (ep: CoapEndpoint, now: number, p: CoapPeer, b: Uint8Array) => ep.handleDatagram(now, b, 0, b.length, p);
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);

const codec = suite('coap/block codec');

codec('RFC 7959 §2.2 Block value = NUM<<4 | M<<3 | SZX; size = 2^(SZX+4)', () => {
  assert.is(encodeBlock(0, true, 6), 0x0e);
  assert.is(encodeBlock(1, false, 6), 0x16);
  assert.is(encodeBlock(4096, false, 0), 0x010000);
  const v = encodeBlock(0xfffff, true, 2);
  assert.equal([blockNum(v), blockMore(v), blockSzx(v)], [0xfffff, true, 2]);
  assert.equal([0, 1, 2, 3, 4, 5, 6].map(blockSize), [16, 32, 64, 128, 256, 512, 1024]);
});

const asm = suite('coap/block BlockAssembler');

asm('RFC 7959 §2.5 blocks in order: Continue, Continue, Complete with the whole body', () => {
  const a = new BlockAssembler(4096);
  const body = bytes(600);
  assert.is(a.handleBlock(encodeBlock(0, true, 4), body, 0, 256, -1, 0, 1000), BlockResult.Continue);
  assert.is(a.handleBlock(encodeBlock(1, true, 4), body, 256, 512, -1, 0, 1000), BlockResult.Continue);
  assert.is(a.handleBlock(encodeBlock(2, false, 4), body, 512, 600, -1, 0, 1000), BlockResult.Complete);
  assert.equal(a.body.slice(0, a.length), body);
});

asm('RFC 7959 §2.9.2 a gap → Incomplete (4.08)', () => {
  const a = new BlockAssembler(4096);
  const body = bytes(1024);
  assert.is(a.handleBlock(encodeBlock(0, true, 4), body, 0, 256, -1, 0, 1000), BlockResult.Continue);
  assert.is(a.handleBlock(encodeBlock(2, true, 4), body, 512, 768, -1, 0, 1000), BlockResult.Incomplete);
});

asm('RFC 7959 §2.9.3 Size1 or the running total above the limit → TooLarge (4.13)', () => {
  const a = new BlockAssembler(512);
  const body = bytes(1024);
  assert.is(a.handleBlock(encodeBlock(0, true, 4), body, 0, 256, 1024, 0, 1000), BlockResult.TooLarge);
  assert.is(a.handleBlock(encodeBlock(0, true, 4), body, 0, 256, -1, 0, 1000), BlockResult.Continue);
  assert.is(a.handleBlock(encodeBlock(1, true, 4), body, 256, 512, -1, 0, 1000), BlockResult.Continue);
  assert.is(a.handleBlock(encodeBlock(2, true, 4), body, 512, 768, -1, 0, 1000), BlockResult.TooLarge);
});

asm('RFC 7959 §2.2 SZX 7 and a short non-last block → BadRequest (4.00)', () => {
  const a = new BlockAssembler(4096);
  assert.is(a.handleBlock(encodeBlock(0, true, 7), bytes(16), 0, 16, -1, 0, 1000), BlockResult.BadRequest);
  assert.is(a.handleBlock(encodeBlock(0, true, 4), bytes(100), 0, 100, -1, 0, 1000), BlockResult.BadRequest);
});

const server = suite('coap/block server');

function block1Post(mid: number, num: number, more: boolean, szx: number, body: Uint8Array, size1?: number) {
  const s = num * blockSize(szx);
  const e = Math.min(s + blockSize(szx), body.length);
  const options: Array<[number, number | string]> = [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.Block1, encodeBlock(num, more, szx)]];
  if (size1 !== undefined) options.push([CoapOption.Size1, size1]);
  return msg({ type: CoapType.Con, code: CoapCode.Post, mid, token: [5], options, payload: body.slice(s, e) });
}

server('RFC 7959 §2.3 Block1 upload: 2.31 per block, the request event carries the reassembled body, 2.04 echoes the last Block1', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const body = bytes(2500);
  feed(ep, 0, p, block1Post(1, 0, true, 6, body, 2500));
  assert.equal(transmits(ep).map(hex), ['61 5f 00 01 05 d1 0e 0e']); // ACK 2.31, Block1 0/M/6
  assert.is(ep.pollEvent(), null);
  feed(ep, 10, p, block1Post(2, 1, true, 6, body));
  assert.equal(transmits(ep).map(hex), ['61 5f 00 02 05 d1 0e 1e']);
  feed(ep, 20, p, block1Post(3, 2, false, 6, body));
  const ev = ep.pollEvent()!;
  assert.is(ev.kind, CoapEventKind.Request);
  assert.equal(ev.buf.slice(ev.start, ev.end), body);
  ep.respond(CoapCode.Changed, -1, null, 0, 0);
  assert.equal(transmits(ep).map(hex), ['61 44 00 03 05 d1 0e 26']); // 2.04 with Block1 2/-/6
});

server('RFC 7959 §2.9.3 Size1 above maxBodyBytes → 4.13 carrying Size1 = the limit', () => {
  const ep = new CoapEndpoint(constantRandom(0), { maxBodyBytes: 2048 });
  const p = peer();
  feed(ep, 0, p, block1Post(1, 0, true, 6, bytes(4000), 4000));
  const [r] = transmits(ep);
  const v = parse(r!);
  assert.equal([v.type, v.code, v.uintOption(CoapOption.Size1, -1)], [CoapType.Ack, CoapCode.RequestEntityTooLarge, 2048]);
});

server('RFC 7959 §2.9.2 a block with no first block → 4.08 Request Entity Incomplete', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  feed(ep, 0, peer(), block1Post(1, 3, true, 6, bytes(5000)));
  assert.equal(transmits(ep).map(hex), ['61 88 00 01 05']);
});

server('RFC 7959 §2.4 Block2: a large response is served block by block, Size2 on the first', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const doc = bytes(1500);
  feed(ep, 0, p, msg({ type: CoapType.Con, code: CoapCode.Get, mid: 1, token: [], options: [[CoapOption.UriPath, 'doc']] }));
  ep.pollEvent();
  ep.respond(CoapCode.Content, ContentFormat.LinkFormat, doc, 0, doc.length);
  let v = parse(transmits(ep)[0]!);
  assert.equal([v.code, v.uintOption(CoapOption.Block2, -1), v.uintOption(CoapOption.Size2, -1), v.end - v.payloadStart], [CoapCode.Content, encodeBlock(0, true, 6), 1500, 1024]);
  // the client asks for block 2 of 256 bytes (SZX 4) — we follow its smaller size
  feed(ep, 5, p, msg({ type: CoapType.Con, code: CoapCode.Get, mid: 2, options: [[CoapOption.UriPath, 'doc'], [CoapOption.Block2, encodeBlock(5, false, 4)]] }));
  ep.pollEvent();
  ep.respond(CoapCode.Content, ContentFormat.LinkFormat, doc, 0, doc.length);
  v = parse(transmits(ep)[0]!);
  assert.equal([v.uintOption(CoapOption.Block2, -1), v.uintOption(CoapOption.Size2, -1)], [encodeBlock(5, false, 4), -1]);
  assert.equal(v.buf.slice(v.payloadStart, v.end), doc.slice(1280, 1500));
  feed(ep, 6, p, msg({ type: CoapType.Con, code: CoapCode.Get, mid: 3, options: [[CoapOption.UriPath, 'doc'], [CoapOption.Block2, encodeBlock(9, false, 6)]] }));
  ep.pollEvent();
  ep.respond(CoapCode.Content, ContentFormat.LinkFormat, doc, 0, doc.length);
  assert.is(parse(transmits(ep)[0]!).code, CoapCode.BadOption, 'a block beyond the end');
});

const client = suite('coap/block client');

client('RFC 7959 §2.5 Block1 sending with Size1, adopting the smaller SZX the server returns in 2.31', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const body = bytes(2500);
  const req = { method: CoapCode.Post, uriPath: ['usp'], uriQuery: [], contentFormat: 42 };
  const h = ep.sendRequest(0, p, req, body, 0, body.length);
  let v = parse(transmits(ep)[0]!);
  assert.equal([v.uintOption(CoapOption.Block1, -1), v.uintOption(CoapOption.Size1, -1), v.end - v.payloadStart], [encodeBlock(0, true, 6), 2500, 1024]);
  feed(ep, 50, p, msg({ type: CoapType.Ack, code: CoapCode.Continue, mid: v.messageId, token: [0, 0, 0, 0], options: [[CoapOption.Block1, encodeBlock(0, true, 4)]] }));
  v = parse(transmits(ep)[0]!);
  // 1024 bytes acknowledged = block 4 of 256
  assert.equal([v.messageId, v.uintOption(CoapOption.Block1, -1), v.uintOption(CoapOption.Size1, -1)], [1, encodeBlock(4, true, 4), -1]);
  assert.equal(v.buf.slice(v.payloadStart, v.end), body.slice(1024, 1280));
  assert.is(ep.pollTimeout(), 50 + 2000);
  let mid = v.messageId;
  for (let num = 5; num <= 9; num++) {
    feed(ep, 60 + num, p, msg({ type: CoapType.Ack, code: CoapCode.Continue, mid, token: [0, 0, 0, 0], options: [[CoapOption.Block1, encodeBlock(num - 1, true, 4)]] }));
    v = parse(transmits(ep)[0]!);
    mid = v.messageId;
    assert.is(blockNum(v.uintOption(CoapOption.Block1, -1)), num);
  }
  assert.is(blockMore(v.uintOption(CoapOption.Block1, -1)), false);
  assert.equal(v.buf.slice(v.payloadStart, v.end), body.slice(2304));
  feed(ep, 100, p, msg({ type: CoapType.Ack, code: CoapCode.Changed, mid, token: [0, 0, 0, 0], options: [[CoapOption.Block1, encodeBlock(9, false, 4)]] }));
  const ev = ep.pollEvent()!;
  assert.equal([ev.kind, ev.handle, ev.code], [CoapEventKind.Response, h, CoapCode.Changed]);
});

client('RFC 7959 §2.4 following Block2 in a response: the body is gathered, one Response event', () => {
  const ep = new CoapEndpoint(constantRandom(0));
  const p = peer();
  const doc = bytes(1100);
  const h = ep.sendRequest(0, p, { method: CoapCode.Get, uriPath: ['.well-known', 'core'], uriQuery: [], contentFormat: -1 }, null, 0, 0);
  let v = parse(transmits(ep)[0]!);
  feed(ep, 10, p, msg({ type: CoapType.Ack, code: CoapCode.Content, mid: v.messageId, token: [0, 0, 0, 0], options: [[CoapOption.Block2, encodeBlock(0, true, 5)]], payload: doc.slice(0, 512) }));
  assert.is(ep.pollEvent(), null);
  v = parse(transmits(ep)[0]!);
  assert.is(v.uintOption(CoapOption.Block2, -1), encodeBlock(1, false, 5));
  feed(ep, 20, p, msg({ type: CoapType.Ack, code: CoapCode.Content, mid: v.messageId, token: [0, 0, 0, 0], options: [[CoapOption.Block2, encodeBlock(1, true, 5)]], payload: doc.slice(512, 1024) }));
  v = parse(transmits(ep)[0]!);
  feed(ep, 30, p, msg({ type: CoapType.Ack, code: CoapCode.Content, mid: v.messageId, token: [0, 0, 0, 0], options: [[CoapOption.Block2, encodeBlock(2, false, 5)]], payload: doc.slice(1024) }));
  const ev = ep.pollEvent()!;
  assert.equal([ev.kind, ev.handle, ev.code], [CoapEventKind.Response, h, CoapCode.Content]);
  assert.equal(ev.buf.slice(ev.start, ev.end), doc);
});

codec.run();
asm.run();
server.run();
client.run();
