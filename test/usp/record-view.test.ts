import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type Long from 'long';
import { createRecordViewConfig, firstSegment, nextSegment, RecordType, RecordView, uint64 } from '../../src/usp/record-view.ts';
import { RecordError, recordErrorAction, recordErrorUspCode, UspAction } from '../../src/usp/errors.ts';
import { utf8Bytes, WireError } from '../../src/usp/wire.ts';
import { protocEncode, RecordT, toText } from './oracle.ts';
import { arbRecord } from './record-arb.ts';

const dec = new TextDecoder();
const str = (v: RecordView, start: number, len: number) => dec.decode(v.buf.subarray(start, start + len));
const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
const withSessions = createRecordViewConfig({ sessionContext: true });

// version "1.3", to_id "os::A", from_id "self::c", no_session_context { payload 01 02 03 }
const FIXTURE = hex('0a03312e33 1205 6f733a3a41 1a07 73656c663a3a63 3a05 1203 010203');

const view = suite('usp/record-view');

view('§Record deconstruct: fields of a byte fixture as offsets into the caller bytes', () => {
  const v = new RecordView();
  assert.is(v.wrap(FIXTURE, 0, FIXTURE.length), RecordError.Ok);
  assert.is(v.buf, FIXTURE);
  assert.is(str(v, v.versionStart, v.versionLen), '1.3');
  assert.is(v.versionMajor, 1);
  assert.is(v.versionMinor, 3);
  assert.is(str(v, v.toIdStart, v.toIdLen), 'os::A');
  assert.is(str(v, v.fromIdStart, v.fromIdLen), 'self::c');
  assert.is(v.recordType, RecordType.NoSessionContext);
  assert.equal([...FIXTURE.subarray(v.payloadStart, v.payloadStart + v.payloadLen)], [1, 2, 3]);
  assert.is(v.payloadCount, 1);
});

view('R-E2E.1 toIdEquals / fromIdEquals compare bytes in place', () => {
  const v = new RecordView();
  v.wrap(FIXTURE, 0, FIXTURE.length);
  assert.ok(v.toIdEquals(utf8Bytes('os::A')));
  assert.not.ok(v.toIdEquals(utf8Bytes('os::B')));
  assert.not.ok(v.toIdEquals(utf8Bytes('os::AB')));
  assert.ok(v.fromIdEquals(utf8Bytes('self::c')));
  assert.not.ok(v.fromIdEquals(utf8Bytes('self::C')));
});

view('§Record wrap works on a slice inside a larger array and one view is reused', () => {
  const big = new Uint8Array(FIXTURE.length + 20).fill(0xff);
  big.set(FIXTURE, 7);
  const v = new RecordView();
  assert.is(v.wrap(new Uint8Array([0x0a]), 0, 1), RecordError.Truncated);
  assert.is(v.wrap(big, 7, 7 + FIXTURE.length), RecordError.Ok);
  assert.is(str(v, v.toIdStart, v.toIdLen), 'os::A');
  assert.is(big[v.payloadStart], 1);
});

function agrees(v: RecordView, bytes: Uint8Array): void {
  const o = RecordT.toObject(RecordT.decode(bytes), { defaults: true, bytes: Array, oneofs: true }) as Record<string, any>;
  assert.is(str(v, v.versionStart, v.versionLen), o.version);
  assert.is(str(v, v.toIdStart, v.toIdLen), o.to_id);
  assert.is(str(v, v.fromIdStart, v.fromIdLen), o.from_id);
  assert.is(v.payloadSecurity, o.payload_security);
  assert.equal([...bytes.subarray(v.macSignatureStart, v.macSignatureStart + v.macSignatureLen)], o.mac_signature);
  assert.equal([...bytes.subarray(v.senderCertStart, v.senderCertStart + v.senderCertLen)], o.sender_cert);
  const type = o.record_type as string;
  assert.is(v.recordType, RecordT.fields[type]!.id);
  const b = o[type];
  if (type === 'no_session_context') {
    assert.equal([...bytes.subarray(v.payloadStart, v.payloadStart + v.payloadLen)], b.payload);
  } else if (type === 'session_context') {
    const halves = (l: Long) => [l.high >>> 0, l.low >>> 0];
    assert.equal([v.sessionIdHi, v.sessionIdLo], halves(b.session_id));
    assert.equal([v.sequenceIdHi, v.sequenceIdLo], halves(b.sequence_id));
    assert.equal([v.expectedIdHi, v.expectedIdLo], halves(b.expected_id));
    assert.equal([v.retransmitIdHi, v.retransmitIdLo], halves(b.retransmit_id));
    assert.is(v.payloadSarState, b.payload_sar_state);
    assert.is(v.payloadrecSarState, b.payloadrec_sar_state);
    assert.is(v.payloadCount, b.payload.length);
    const segs: number[][] = [];
    for (let ok = firstSegment(v); ok; ok = nextSegment(v)) segs.push([...bytes.subarray(v.payloadStart, v.payloadStart + v.payloadLen)]);
    assert.equal(segs, b.payload);
  } else if (type === 'disconnect') {
    assert.is(str(v, v.reasonStart, v.reasonLen), b.reason);
    assert.is(v.reasonCode, b.reason_code);
  } else if (type === 'mqtt_connect' || type === 'stomp_connect') {
    assert.is(v.connectVersion, b.version);
    assert.is(str(v, v.subscribedStart, v.subscribedLen), b.subscribed_topic ?? b.subscribed_destination);
  }
}

const oracle = suite('usp/record-view oracle');

oracle('R-ENC.1 RecordView agrees with protobufjs on every generated Record of every type', () => {
  const v = new RecordView(withSessions);
  fc.assert(fc.property(arbRecord, ({ obj }) => {
    const bytes = RecordT.encode(RecordT.fromObject(obj)).finish();
    assert.is(v.wrap(bytes, 0, bytes.length), RecordError.Ok);
    agrees(v, bytes);
  }), { numRuns: 400 });
});

oracle('R-ENC.1 RecordView reads Records that protoc encoded from text format', () => {
  const cases = fc.sample(arbRecord, { numRuns: 200, seed: 369 });
  const bins = protocEncode('RecordBatch', cases.map((c) => toText(RecordT, c.obj)));
  const v = new RecordView(withSessions);
  for (const b of bins) {
    assert.is(v.wrap(b, 0, b.length), RecordError.Ok);
    agrees(v, b);
  }
});

oracle('R-E2E (session ids) uint64 beyond 2^53 is exposed as 32-bit halves, uint64 says -1', () => {
  const [b] = protocEncode('RecordBatch', ['version: "1.4" to_id: "a" from_id: "b" session_context { session_id: 18446744073709551615 sequence_id: 9007199254740991 expected_id: 4294967296 payload: "x" }']);
  const v = new RecordView(withSessions);
  assert.is(v.wrap(b!, 0, b!.length), RecordError.Ok);
  assert.equal([v.sessionIdHi, v.sessionIdLo, uint64(v.sessionIdHi, v.sessionIdLo)], [0xffffffff, 0xffffffff, -1]);
  assert.is(uint64(v.sequenceIdHi, v.sequenceIdLo), Number.MAX_SAFE_INTEGER);
  assert.is(uint64(v.expectedIdHi, v.expectedIdLo), 4294967296);
});

const errors = suite('usp/record-view errors');

function enc(obj: Record<string, unknown>): Uint8Array {
  return RecordT.encode(RecordT.fromObject(obj)).finish();
}
const OK = { version: '1.3', to_id: 'os::A', from_id: 'self::c', no_session_context: { payload: [1] } };
function wrapCode(b: Uint8Array | number[], v = new RecordView()): RecordError {
  const u = Uint8Array.from(b);
  return v.wrap(u, 0, u.length);
}

errors('R-ENC.4 a reader failure is the Record error of the same number (wrap returns the reader\'s error as is)', () => {
  assert.equal([WireError.Truncated, WireError.VarintTooLong, WireError.LengthPastEnd, WireError.BadTag],
    [RecordError.Truncated, RecordError.VarintTooLong, RecordError.LengthPastEnd, RecordError.WireType]);
});

errors('§Record missing version / to_id / from_id / record_type → specific codes, discarded', () => {
  assert.is(wrapCode(enc({ ...OK, version: '' })), RecordError.MissingVersion);
  assert.is(wrapCode(enc({ ...OK, to_id: '' })), RecordError.MissingToId);
  assert.is(wrapCode(enc({ ...OK, from_id: '' })), RecordError.MissingFromId);
  assert.is(wrapCode(enc({ ...OK, no_session_context: undefined })), RecordError.MissingRecordType);
  assert.is(recordErrorAction(RecordError.MissingToId), UspAction.Discard);
});

errors('§Record version must be "Major.Minor"', () => {
  for (const bad of ['1', '1.', '.3', '1.3.0', 'a.b', '1.3 ', '1234567890.1']) assert.is(wrapCode(enc({ ...OK, version: bad })), RecordError.BadVersion, bad);
  assert.is(wrapCode(enc({ ...OK, version: '10.12' })), RecordError.Ok);
});

errors('R-ENC.3/R-ENC.4 two record_type members → MultipleRecordTypes (discard)', () => {
  const b = enc(OK);
  assert.is(wrapCode([...b, 0x4a, 0x00]), RecordError.MultipleRecordTypes); // + websocket_connect {}
  assert.is(wrapCode([...b, 0x3a, 0x03, 0x12, 0x01, 0x09]), RecordError.MultipleRecordTypes);
});

errors('R-E2E.6a session_context while unsupported → DisconnectRecord 7106', () => {
  const b = enc({ ...OK, no_session_context: undefined, session_context: { session_id: 1, payload: [[1]] } });
  assert.is(wrapCode(b), RecordError.SessionContextNotAllowed);
  assert.is(recordErrorAction(RecordError.SessionContextNotAllowed), UspAction.Disconnect);
  assert.is(recordErrorUspCode(RecordError.SessionContextNotAllowed), 7106);
  assert.is(wrapCode(b, new RecordView(withSessions)), RecordError.Ok);
});

errors('R-ENC.2 unknown enum values → UnknownEnum (7104)', () => {
  assert.is(wrapCode(enc({ ...OK, payload_security: 2 })), RecordError.UnknownEnum);
  assert.is(wrapCode(enc({ ...OK, no_session_context: undefined, mqtt_connect: { version: 2 } })), RecordError.UnknownEnum);
  assert.is(wrapCode(enc({ ...OK, no_session_context: undefined, stomp_connect: { version: 1 } })), RecordError.UnknownEnum);
  const sc = enc({ ...OK, no_session_context: undefined, session_context: { payload_sar_state: 4, payload: [[1]] } });
  assert.is(wrapCode(sc, new RecordView(withSessions)), RecordError.UnknownEnum);
  assert.is(recordErrorUspCode(RecordError.UnknownEnum), 7104);
});

errors('R-E2E.41 TLS12 payload_security outside a session context → InvalidValue', () => {
  assert.is(wrapCode(enc({ ...OK, payload_security: 1 })), RecordError.InvalidValue);
});

errors('R-E2E.26 no_session_context with empty payload → EmptyPayload', () => {
  assert.is(wrapCode(enc({ ...OK, no_session_context: {} })), RecordError.EmptyPayload);
});

errors('malformed input: truncated, varint > 10 bytes, length past end, bad wire types', () => {
  const b = enc(OK);
  assert.is(wrapCode(b.subarray(0, b.length - 1)), RecordError.LengthPastEnd);
  assert.is(wrapCode([0x0a]), RecordError.Truncated);
  assert.is(wrapCode([0x0a, 0x80]), RecordError.Truncated);
  assert.is(wrapCode([0x20, ...Array(10).fill(0x80), 0x01]), RecordError.VarintTooLong);
  assert.is(wrapCode([0x0a, 0x05, 0x31]), RecordError.LengthPastEnd);
  assert.is(wrapCode([0x08, 0x01]), RecordError.WireType); // version as varint
  assert.is(wrapCode([0x22, 0x00]), RecordError.WireType); // payload_security as LEN
  assert.is(wrapCode([0x0f]), RecordError.WireType); // wire type 7
  assert.is(wrapCode([0x00]), RecordError.WireType); // field 0
  assert.is(wrapCode([...b, 0x94, 0x01]), RecordError.WireType); // stray end-group
});

errors('§Unknown unknown fields of every wire type are skipped, in the Record and in its body', () => {
  const b = enc(OK);
  const unknown = [0x78, 0x05, 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x01, 0x01, 0x41, 0x93, 0x01, 0x98, 0x01, 0x05, 0x94, 0x01, 0xa5, 0x01, 9, 9, 9, 9];
  assert.is(wrapCode([...unknown, ...b, ...unknown]), RecordError.Ok);
  const nsc = [0x3a, 2 + unknown.length + 3, 0x08, 0x01, ...unknown, 0x12, 0x01, 0x07];
  const v = new RecordView();
  assert.is(wrapCode([...enc({ ...OK, no_session_context: undefined }), ...nsc], v), RecordError.Ok);
  assert.is(v.payloadLen, 1);
});

errors('bounds: oversize Record and oversize IDs (configurable) → TooLarge / FieldTooLong', () => {
  const b = enc(OK);
  assert.is(wrapCode(b, new RecordView(createRecordViewConfig({ maxRecordBytes: b.length - 1 }))), RecordError.TooLarge);
  assert.is(wrapCode(b, new RecordView(createRecordViewConfig({ maxFieldBytes: 4 }))), RecordError.FieldTooLong);
});

errors('R-MTP.5 canReply only when from_id was read and to_id is ours', () => {
  const own = utf8Bytes('os::A');
  const v = new RecordView();
  const b = enc({ ...OK, version: 'x' });
  assert.is(v.wrap(b, 0, b.length), RecordError.BadVersion);
  assert.ok(v.canReply(own));
  assert.not.ok(v.canReply(utf8Bytes('os::B')));
  const noFrom = enc({ ...OK, from_id: '' });
  v.wrap(noFrom, 0, noFrom.length);
  assert.not.ok(v.canReply(own));
  assert.is(recordErrorUspCode(RecordError.BadVersion), 7104);
  assert.is(recordErrorUspCode(RecordError.Truncated), 7100);
});

errors('random byte mutations never throw and never read outside [start, end)', () => {
  const v = new RecordView(withSessions);
  const w = new RecordView(withSessions);
  fc.assert(fc.property(arbRecord, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }), fc.nat(), ({ obj }, muts, cut) => {
    const rec = RecordT.encode(RecordT.fromObject(obj)).finish();
    for (const [i, x] of muts) rec[i % rec.length] = x;
    const n = cut % (rec.length + 1);
    // Same bytes between guard regions of 0x00 and of 0xff: any read outside would differ.
    const a = new Uint8Array(n + 32).fill(0x00);
    const c = new Uint8Array(n + 32).fill(0xff);
    a.set(rec.subarray(0, n), 16);
    c.set(rec.subarray(0, n), 16);
    const ea = v.wrap(a, 16, 16 + n);
    const ec = w.wrap(c, 16, 16 + n);
    assert.is(ea, ec);
    // Every offset the view exposes (even after an error, none is stale) lies inside the input.
    for (const [s, l] of [[v.versionStart, v.versionLen], [v.toIdStart, v.toIdLen], [v.fromIdStart, v.fromIdLen], [v.payloadStart, v.payloadLen],
      [v.reasonStart, v.reasonLen], [v.subscribedStart, v.subscribedLen], [v.macSignatureStart, v.macSignatureLen], [v.senderCertStart, v.senderCertLen]] as const) {
      if (l > 0) assert.ok(s >= 16 && s + l <= 16 + n);
    }
    assert.equal([v.recordType, v.payloadLen, v.toIdLen, v.sessionIdLo, v.reasonCode], [w.recordType, w.payloadLen, w.toIdLen, w.sessionIdLo, w.reasonCode]);
  }), { numRuns: 3000 });
});

view.run();
oracle.run();
errors.run();
