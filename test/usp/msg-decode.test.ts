import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createMsgDecodeConfig, decodeMsg, BodyKind } from '../../src/usp/msg-decode.ts';
import { encodeMsg } from '../../src/usp/msg-build.ts';
import { MsgError, msgErrorAction, msgErrorUspCode, UspAction } from '../../src/usp/errors.ts';
import { arbMsg, canonical, MsgT, protocEncode, protocReencode, toText } from './oracle.ts';

const oracle = suite('usp/msg-decode oracle');

function jsEncode(obj: Record<string, unknown>): Uint8Array {
  return MsgT.encode(MsgT.fromObject(obj)).finish();
}

oracle('R-ENC.0 every body type decodes as protobufjs decodes it, and re-encodes to the same message', () => {
  fc.assert(fc.property(arbMsg, (obj) => {
    const bytes = jsEncode(obj);
    const res = decodeMsg(bytes, 0, bytes.length);
    assert.is(res.error, MsgError.Ok);
    assert.is(res.msgId, (obj.header as { msg_id: string }).msg_id);
    assert.is(res.bodyType, (obj.header as { msg_type: number }).msg_type);
    assert.equal(canonical(MsgT, encodeMsg(res.msg!)), canonical(MsgT, bytes));
  }), { numRuns: 300 });
});

oracle('R-ENC.0 protoc: text-format Msgs of every body type decode; our bytes survive protoc', () => {
  const objs = fc.sample(arbMsg, { numRuns: 200, seed: 369 });
  const bins = protocEncode('MsgBatch', objs.map((o) => toText(MsgT, o)));
  assert.is(bins.length, objs.length);
  const ours: Uint8Array[] = [];
  bins.forEach((bin, i) => {
    const res = decodeMsg(bin, 0, bin.length);
    assert.is(res.error, MsgError.Ok);
    assert.equal(canonical(MsgT, bin), canonical(MsgT, jsEncode(objs[i]!)));
    ours.push(encodeMsg(res.msg!));
  });
  protocReencode('MsgBatch', ours).forEach((bin, i) => assert.equal(canonical(MsgT, bin), canonical(MsgT, ours[i]!)));
});

oracle('§Unknown unknown fields of every wire type are skipped', () => {
  const base = jsEncode({ header: { msg_id: 'u1', msg_type: 1 }, body: { request: { get: { param_paths: ['Device.'] } } } });
  // field 15 varint, 16 I64, 17 LEN, 18 group{19 varint}, 20 I32 appended to the Msg
  const extra = [0x78, 0x01, 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x01, 0x01, 0x41, 0x93, 0x01, 0x98, 0x01, 0x05, 0x94, 0x01, 0xa5, 0x01, 9, 9, 9, 9];
  const bytes = Uint8Array.from([...extra.slice(0, 16), ...base, ...extra.slice(16)]);
  const res = decodeMsg(bytes, 0, bytes.length);
  // Groups (deprecated, still legal on the wire) are skipped too, up to their end-group tag.
  assert.is(res.error, MsgError.Ok);
  assert.equal(res.msg!.body!.request!.get!.param_paths, ['Device.']);
  const noGroup = Uint8Array.from([...extra.slice(0, 16), ...base, 0xa5, 0x01, 9, 9, 9, 9]);
  assert.is(decodeMsg(noGroup, 0, noGroup.length).error, MsgError.Ok);
});

const bad = suite('usp/msg-decode errors');

const hdr = (id: string, t: number) => ({ header: { msg_id: id, msg_type: t } });
const get = { body: { request: { get: { param_paths: ['Device.'] } } } };

function codeOf(bytes: number[] | Uint8Array) {
  const b = Uint8Array.from(bytes);
  return decodeMsg(b, 0, b.length);
}

bad('R-MSG.6 no header or two headers → Header; no msg_id extracted → discard', () => {
  const noHeader = jsEncode(get);
  const r = codeOf(noHeader);
  assert.is(r.error, MsgError.Header);
  assert.is(msgErrorAction(r.error, r.msgId !== ''), UspAction.Discard);
  const h = jsEncode(hdr('a', 1));
  assert.is(codeOf([...h, ...h, ...noHeader]).error, MsgError.Header);
});

bad('proto3 §string a msg_id the header repeats must be UTF-8 too: the last one is answered with 7004 (Decoder)', () => {
  const header = [0x0a, 0x02, 0xff, 0xfe, 0x0a, 0x02, 0x6f, 0x6b, 0x10, 0x01]; // msg_id ff fe, msg_id "ok", GET
  const r = codeOf([0x0a, header.length, ...header, ...jsEncode(get)]);
  assert.equal([r.error, r.msgId, r.msg], [MsgError.Decoder, 'ok', undefined]);
  assert.is(msgErrorUspCode(r.error), 7004);
});

bad('R-MSG.7 no body or two bodies → Body, answered with 7004 (msg_id known)', () => {
  const h = jsEncode(hdr('m7', 1));
  const r = codeOf(h);
  assert.is(r.error, MsgError.Body);
  assert.is(r.msgId, 'm7');
  assert.is(msgErrorAction(r.error, true), UspAction.ErrorMsg);
  assert.is(msgErrorUspCode(r.error), 7004);
  const b = jsEncode(get);
  assert.is(codeOf([...h, ...b, ...b]).error, MsgError.Body);
});

bad('R-MSG.8 empty msg_id → MissingMsgId', () => {
  assert.is(codeOf(jsEncode({ ...hdr('', 1), ...get })).error, MsgError.MissingMsgId);
});

bad('R-ENC.3 oneof with two members → OneofMultiple; with none → OneofEmpty', () => {
  const h = jsEncode(hdr('o', 1));
  // Body { request { get {} } error {} } by hand: 12 06 0a 02 0a 00 1a 00
  const r = codeOf([...h, 0x12, 0x06, 0x0a, 0x02, 0x0a, 0x00, 0x1a, 0x00]);
  assert.is(r.error, MsgError.OneofMultiple);
  assert.is(r.bodyKind, BodyKind.Request);
  assert.is(codeOf([...h, 0x12, 0x00]).error, MsgError.OneofEmpty);
  // Notify with two notifications
  const n = jsEncode({ ...hdr('n', 3), body: { request: { notify: { event: { obj_path: 'a' } } } } });
  const two = Uint8Array.from([...n]);
  assert.is(decodeMsg(two, 0, two.length).error, MsgError.Ok);
  const notifyTwo = [...h, 0x12, 0x08, 0x0a, 0x06, 0x42, 0x04, 0x1a, 0x00, 0x32, 0x00];
  assert.is(codeOf(notifyTwo).error, MsgError.OneofMultiple);
});

bad('R-MSG.1 an unknown request type → UnknownMessageType → 7001', () => {
  const h = jsEncode(hdr('x', 1));
  const r = codeOf([...h, 0x12, 0x04, 0x0a, 0x02, 0x62, 0x00]); // request { field 12 {} }
  assert.is(r.error, MsgError.UnknownMessageType);
  assert.is(msgErrorUspCode(r.error), 7001);
});

bad('R-ENC.2 unknown enum value → UnknownEnum (header msg_type and nested enums)', () => {
  assert.is(codeOf(jsEncode({ ...hdr('e', 23), ...get })).error, MsgError.UnknownEnum);
  const h = jsEncode(hdr('e', 13));
  // response { get_supported_dm_resp { req_obj_results { supported_objs { access: 9 } } } }
  assert.is(codeOf([...h, 0x12, 0x0a, 0x12, 0x08, 0x12, 0x06, 0x0a, 0x04, 0x2a, 0x02, 0x10, 0x09]).error, MsgError.UnknownEnum);
});

bad('R-ENC.0 wrong wire type for a known field → WireType', () => {
  const h = jsEncode(hdr('w', 1));
  // Get.max_depth (fixed32) sent as varint
  assert.is(codeOf([...h, 0x12, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0x10, 0x01]).error, MsgError.WireType);
  assert.is(codeOf([0x08, 0x01]).error, MsgError.WireType); // header as varint
});

bad('malformed: truncated varint, 11-byte varint, length past end → Malformed', () => {
  const h = jsEncode(hdr('t', 1));
  assert.is(codeOf([...h, 0x12, 0x80]).error, MsgError.Malformed);
  assert.is(codeOf([...h, 0x12, ...Array(10).fill(0xff), 0x01]).error, MsgError.Malformed);
  assert.is(codeOf([...h, 0x12, 0x05, 0x0a]).error, MsgError.Malformed);
});

bad('bounds: oversize Msg, msg_id or string field (configurable) → TooLarge', () => {
  const b = jsEncode({ ...hdr('big', 1), ...get });
  assert.is(decodeMsg(b, 0, b.length, createMsgDecodeConfig({ maxMsgBytes: 8 })).error, MsgError.TooLarge);
  assert.is(decodeMsg(b, 0, b.length, createMsgDecodeConfig({ maxStringBytes: 2 })).error, MsgError.TooLarge);
  const long = jsEncode({ ...hdr('ok', 1), body: { request: { get: { param_paths: ['Device.' + 'x'.repeat(100)] } } } });
  const r = decodeMsg(long, 0, long.length, createMsgDecodeConfig({ maxStringBytes: 50 }));
  assert.is(r.error, MsgError.TooLarge);
  assert.is(r.msgId, 'ok');
  assert.is(msgErrorUspCode(r.error), 7005);
});

bad('random mutations of valid Msgs never throw', () => {
  fc.assert(fc.property(arbMsg, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), (obj, muts, cut) => {
    const b = jsEncode(obj);
    for (const [i, v] of muts) b[i % b.length] = v;
    const n = b.length ? cut % (b.length + 1) : 0;
    decodeMsg(b, 0, n);
  }), { numRuns: 500 });
});

oracle.run();
bad.run();
