/** CoapMessageView: deconstruct / parse fixtures and one bad vector per CoapParseError (RFC 7252 §3, §3.1). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CoapMessageView, CoapParseError, CoapOption, CoapType, CoapCode, coapCode, MAX_OPTIONS } from '../../src/coap/index.ts';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));

const view = suite('coap/message-view');

// RFC 7252 Appendix-A-style GET: CON, code 0.01, MID 0x7d34, no token, Uri-Path "temperature".
const GET_TEMPERATURE = hex('40 01 7d 34 bb 74 65 6d 70 65 72 61 74 75 72 65');

view('RFC 7252 §12.1 the CoapCode literals are class << 5 | detail ("c.dd")', () => {
  const dotted: Record<string, string> = {
    Created: '2.01', Deleted: '2.02', Valid: '2.03', Changed: '2.04', Content: '2.05', Continue: '2.31', BadRequest: '4.00',
    Unauthorized: '4.01', BadOption: '4.02', Forbidden: '4.03', NotFound: '4.04', MethodNotAllowed: '4.05', NotAcceptable: '4.06',
    RequestEntityIncomplete: '4.08', PreconditionFailed: '4.12', RequestEntityTooLarge: '4.13', UnsupportedContentFormat: '4.15',
    InternalServerError: '5.00', NotImplemented: '5.01', ServiceUnavailable: '5.03', ProxyingNotSupported: '5.05',
  };
  for (const [name, cdd] of Object.entries(dotted)) {
    const [c, dd] = cdd.split('.').map(Number) as [number, number];
    assert.is(CoapCode[name as keyof typeof CoapCode], coapCode(c, dd), name);
  }
});

view('RFC 7252 §5.4.1 exactly the critical options of CoapOption are recognised (0..299, each once; repeats only If-Match, Uri-Path, Uri-Query)', () => {
  const known = new Set<number>(Object.values(CoapOption));
  const v = new CoapMessageView();
  for (let n = 0; n < 300; n++) {
    // One empty option n (delta in the extended forms where needed), then the same option again.
    const ext = (d: number): number[] => (d < 13 ? [d << 4] : d < 269 ? [13 << 4, d - 13] : [14 << 4, (d - 269) >> 8, (d - 269) & 0xff]);
    const once = Uint8Array.from([0x40, CoapCode.Post, 0, 1, ...ext(n)]);
    assert.is(v.wrap(once, 0, once.length), CoapParseError.Ok);
    assert.is(v.unrecognizedCriticalOption(), (n & 1) === 1 && !known.has(n) ? n : 0, `option ${n}`);
    const twice = Uint8Array.from([...once, 0x00]);
    assert.is(v.wrap(twice, 0, twice.length), CoapParseError.Ok);
    const repeatable = n === CoapOption.IfMatch || n === CoapOption.UriPath || n === CoapOption.UriQuery;
    assert.is(v.unrecognizedCriticalOption(), (n & 1) === 1 && !repeatable ? n : 0, `option ${n} twice`);
  }
});

view('RFC 7252 §3 deconstruct a CON GET with one Uri-Path option', () => {
  const v = new CoapMessageView();
  assert.is(v.wrap(GET_TEMPERATURE, 0, GET_TEMPERATURE.length), CoapParseError.Ok);
  assert.is(v.type, CoapType.Con);
  assert.is(v.code, CoapCode.Get);
  assert.is(v.messageId, 0x7d34);
  assert.is(v.tokenLength, 0);
  assert.is(v.optionCount, 1);
  assert.is(v.optionNumber[0], CoapOption.UriPath);
  assert.is(v.optionLength[0], 11);
  assert.is(v.payloadStart < v.end, false);
});

view('RFC 7252 §3.1 extended delta/length forms (13 and 14) and repeated options', () => {
  // token aabb; Uri-Path "a", "b" (repeat: delta 0); Size1 (60): delta 49 = 13+0x24; option 329: delta 269+0, length 269+31 = 300.
  const long = 'ab'.repeat(300);
  const bytes = hex(`42 02 00 01 aa bb b1 61 01 62 d1 24 05 ee 00 00 00 1f ${long} ff 01 02`);
  const v = new CoapMessageView();
  assert.is(v.wrap(bytes, 0, bytes.length), CoapParseError.Ok);
  assert.equal([...v.optionNumber.subarray(0, v.optionCount)], [11, 11, 60, 60 + 269]);
  assert.is(v.uintOption(CoapOption.Size1, -1), 5);
  assert.is(v.optionLength[3], 300);
  assert.is(v.end - v.payloadStart, 2);
  assert.is(v.findOption(CoapOption.UriPath, 1), 1);
  assert.is(v.unrecognizedCriticalOption(), 60 + 269); // 329 is odd (critical) and unknown
});

view('RFC 7252 §5.4.5 a repeated non-repeatable critical option counts as unrecognised', () => {
  const bytes = hex('40 02 00 01 c1 2a 01 2a'); // Content-Format twice (12 is elective) then ...
  const v = new CoapMessageView();
  assert.is(v.wrap(bytes, 0, bytes.length), CoapParseError.Ok);
  assert.is(v.unrecognizedCriticalOption(), 0, 'Content-Format is elective: ignored');
  const b2 = hex('40 02 00 01 d1 0e 10 01 10'); // Block1 (27) twice
  assert.is(v.wrap(b2, 0, b2.length), CoapParseError.Ok);
  assert.is(v.unrecognizedCriticalOption(), CoapOption.Block1);
});

view('RFC 7252 §3 parse at an offset inside a larger buffer', () => {
  const big = new Uint8Array(40);
  big.set(GET_TEMPERATURE, 7);
  const v = new CoapMessageView();
  assert.is(v.wrap(big, 7, 7 + GET_TEMPERATURE.length), CoapParseError.Ok);
  assert.is(v.messageId, 0x7d34);
});

const BAD: Array<[string, string, CoapParseError]> = [
  ['RFC 7252 §3 fewer than 4 bytes', '40 01 00', CoapParseError.TooShort],
  ['RFC 7252 §3 version 2 is ignored', '80 01 00 01', CoapParseError.Version],
  ['RFC 7252 §3 TKL 9 is a format error', '49 01 00 01 01 02 03 04 05 06 07 08 09', CoapParseError.TokenLength],
  ['RFC 7252 §3 token longer than the message', '44 01 00 01 01 02', CoapParseError.TokenLength],
  ['RFC 7252 §3.1 delta nibble 15 without payload marker', '40 01 00 01 f1 00', CoapParseError.Option],
  ['RFC 7252 §3.1 length nibble 15', '40 01 00 01 bf 00', CoapParseError.Option],
  ['RFC 7252 §3.1 option value past the end', '40 01 00 01 b5 61 62', CoapParseError.Option],
  ['RFC 7252 §3.1 extended delta byte missing', '40 01 00 01 d0', CoapParseError.Option],
  ['RFC 7252 §3 payload marker with empty payload', '40 02 00 01 ff', CoapParseError.EmptyPayload],
  ['RFC 7252 §4.1 empty message with a token', '41 00 00 01 aa', CoapParseError.EmptyMessage],
];
for (const [title, bytes, code] of BAD) {
  view(title, () => {
    const b = hex(bytes);
    assert.is(new CoapMessageView().wrap(b, 0, b.length), code);
  });
}

view('implementation bound: more than MAX_OPTIONS options → TooManyOptions', () => {
  const b = new Uint8Array(4 + MAX_OPTIONS + 1);
  b.set([0x40, 0x01, 0, 1]);
  b.fill(0xb0, 4, 5); // Uri-Path "" then repeats with delta 0
  b.fill(0x00, 5);
  assert.is(new CoapMessageView().wrap(b, 0, b.length), CoapParseError.TooManyOptions);
});

view('RFC 7252 §3 hostile bytes never throw, and an accepted view stays inside [start, end)', () => {
  const v = new CoapMessageView();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), (bytes, pad) => {
    const buf = new Uint8Array(bytes.length + 2 * pad);
    buf.set(bytes, pad);
    const rc = v.wrap(buf, pad, pad + bytes.length);
    if (rc !== CoapParseError.Ok) return true;
    for (let i = 0; i < v.optionCount; i++) {
      if (v.optionStart[i]! < pad || v.optionStart[i]! + v.optionLength[i]! > pad + bytes.length) return false;
    }
    return v.payloadStart <= v.end && v.tokenStart + v.tokenLength <= v.end;
  }), { numRuns: 3000, seed: 7252 });
});

view.run();
