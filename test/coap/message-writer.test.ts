/** CoapMessageWriter: construct the fixtures the view parses, and emit → parse round trips (RFC 7252 §3, §3.1). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CoapMessageView, CoapMessageWriter, CoapOption, CoapType, CoapCode, readUtf8 } from '../../src/coap/index.ts';

const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const writer = suite('coap/message-writer');

writer('RFC 7252 §3 construct the CON GET /temperature fixture', () => {
  const out = new Uint8Array(64);
  const n = new CoapMessageWriter().begin(out, 0, CoapType.Con, CoapCode.Get, 0x7d34, new Uint8Array(0), 0, 0)
    .optionString(CoapOption.UriPath, 'temperature').finish();
  assert.is(toHex(out.subarray(0, n)), '40 01 7d 34 bb 74 65 6d 70 65 72 61 74 75 72 65');
});

writer('RFC 7252 §3.2 uint options use the fewest bytes; 0 is empty', () => {
  const out = new Uint8Array(64);
  const n = new CoapMessageWriter().begin(out, 0, CoapType.Ack, CoapCode.Changed, 1, Uint8Array.of(9), 0, 1)
    .optionUint(CoapOption.ContentFormat, 0).optionUint(CoapOption.Block1, 0x0e).optionUint(CoapOption.Size1, 65536).finish();
  // 12: delta 12 len 0; 27: delta 15 (13+2) len 1; 60: delta 33 (13+20) len 3
  assert.is(toHex(out.subarray(0, n)), '61 44 00 01 09 c0 d1 02 0e d3 14 01 00 00');
});

writer('RFC 7252 §3.1 emit → parse round trip with 269+ deltas, long values, UTF-8 and payload', () => {
  const out = new Uint8Array(1400);
  const token = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const payload = Uint8Array.from({ length: 700 }, (_, i) => i & 0xff);
  const n = new CoapMessageWriter().begin(out, 3, CoapType.Non, CoapCode.Post, 0xbeef, token, 0, 8)
    .optionString(CoapOption.UriPath, 'ünï').optionString(CoapOption.UriQuery, 'x'.repeat(300))
    .optionUint(400, 7).payload(payload, 0, payload.length).finish();
  const v = new CoapMessageView();
  assert.is(v.wrap(out, 3, 3 + n), 0);
  assert.is(v.type, CoapType.Non);
  assert.is(v.messageId, 0xbeef);
  assert.ok(v.tokenEquals(token, 8));
  assert.is(readUtf8(v.buf, v.optionStart[0]!, v.optionStart[0]! + v.optionLength[0]!), 'ünï');
  assert.is(v.optionLength[1], 300);
  assert.is(v.uintOption(400, -1), 7);
  assert.equal(v.buf.subarray(v.payloadStart, v.end), payload);
});

writer('RFC 7252 §3.1 options out of order or overflow → finish() = −1', () => {
  const out = new Uint8Array(8);
  assert.is(new CoapMessageWriter().begin(out, 0, 0, 1, 1, out, 0, 0).optionUint(12, 1).optionUint(11, 1).finish(), -1);
  assert.is(new CoapMessageWriter().begin(out, 0, 0, 1, 1, out, 0, 0).optionString(11, 'too long for eight').finish(), -1);
});

writer.run();
