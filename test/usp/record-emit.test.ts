import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { emitRecord, emitRecordHead, encodedRecordLength, type RecordFields } from '../../src/usp/record-emit.ts';
import { RecordType, RecordView, createRecordViewConfig } from '../../src/usp/record-view.ts';
import { RecordError, UspErrorCode } from '../../src/usp/errors.ts';
import { utf8Bytes } from '../../src/usp/wire.ts';
import { canonical, protocReencode, RecordT } from './oracle.ts';
import { arbRecord } from './record-arb.ts';

const emit = suite('usp/record-emit');
const FIXTURE = Uint8Array.from([0x0a, 3, 0x31, 0x2e, 0x33, 0x12, 5, 0x6f, 0x73, 0x3a, 0x3a, 0x41, 0x1a, 7, 0x73, 0x65, 0x6c, 0x66, 0x3a, 0x3a, 0x63, 0x3a, 5, 0x12, 3, 1, 2, 3]);
const base = (): RecordFields => ({ version: utf8Bytes('1.3'), toId: utf8Bytes('os::A'), fromId: utf8Bytes('self::c'), recordType: RecordType.NoSessionContext });

emit('R-E2E.26 construct: a no_session_context Record emits the fixture bytes exactly', () => {
  const f = { ...base(), payload: Uint8Array.from([9, 1, 2, 3, 9]), payloadStart: 1, payloadEnd: 4 };
  assert.is(encodedRecordLength(f), FIXTURE.length);
  const out = new Uint8Array(40).fill(0xee);
  assert.is(emitRecord(out, 5, f), 5 + FIXTURE.length);
  assert.equal([...out.subarray(5, 5 + FIXTURE.length)], [...FIXTURE]);
  assert.is(out[4], 0xee);
  assert.is(out[5 + FIXTURE.length], 0xee);
});

emit('emitRecordHead leaves the payload to be written in place', () => {
  const out = new Uint8Array(FIXTURE.length);
  const at = emitRecordHead(out, 0, base(), 3);
  assert.is(at, FIXTURE.length - 3);
  out.set([1, 2, 3], at);
  assert.equal([...out], [...FIXTURE]);
});

emit('an output array too small → -1, nothing written past it', () => {
  const out = new Uint8Array(FIXTURE.length - 1);
  assert.is(emitRecord(out, 0, { ...base(), payload: Uint8Array.from([1, 2, 3]) }), -1);
});

emit('R-E2E.6a DisconnectRecord with reason_code 7106 round-trips through RecordView and protobufjs', () => {
  const f: RecordFields = { ...base(), recordType: RecordType.Disconnect, reason: utf8Bytes('session context not allowed'), reasonCode: UspErrorCode.SessionContextNotAllowed };
  const out = new Uint8Array(encodedRecordLength(f));
  assert.is(emitRecord(out, 0, f), out.length);
  const v = new RecordView();
  assert.is(v.wrap(out, 0, out.length), RecordError.Ok);
  assert.is(v.recordType, RecordType.Disconnect);
  assert.is(v.reasonCode, 7106);
  const o = RecordT.toObject(RecordT.decode(out)) as { disconnect: { reason: string; reason_code: number } };
  assert.equal(o.disconnect, { reason: 'session context not allowed', reason_code: 7106 });
});

emit('R-ENC.1 emitted Records of every type equal protobufjs’ reading of the same fields', () => {
  fc.assert(fc.property(arbRecord, ({ obj, fields }) => {
    const out = new Uint8Array(encodedRecordLength(fields));
    assert.is(emitRecord(out, 0, fields), out.length);
    assert.equal(canonical(RecordT, out), canonical(RecordT, RecordT.encode(RecordT.fromObject(obj)).finish()));
  }), { numRuns: 400 });
});

emit('R-ENC.1 emitted bytes are canonical: protoc decodes and re-encodes them to the same bytes', () => {
  const cases = fc.sample(arbRecord, { numRuns: 200, seed: 7 });
  const ours = cases.map(({ fields }) => {
    const out = new Uint8Array(encodedRecordLength(fields));
    emitRecord(out, 0, fields);
    return out;
  });
  protocReencode('RecordBatch', ours).forEach((b, i) => assert.equal([...b], [...ours[i]!]));
  const v = new RecordView(createRecordViewConfig({ sessionContext: true }));
  for (const b of ours) assert.is(v.wrap(b, 0, b.length), RecordError.Ok);
});

function emitted(f: RecordFields): Uint8Array {
  const out = new Uint8Array(encodedRecordLength(f));
  assert.is(emitRecord(out, 0, f), out.length);
  return out;
}

emit('R-E2E.26 version, to_id and from_id given as text emit the same bytes as their UTF-8 bytes (non-ASCII included)', () => {
  const payload = Uint8Array.from([1, 2, 3]);
  assert.equal([...emitted({ version: '1.3', toId: 'os::A', fromId: 'self::c', recordType: RecordType.NoSessionContext, payload })], [...FIXTURE]);
  const text: RecordFields = { version: '1.3', toId: 'self::Ω𠀀', fromId: 'os::A', recordType: RecordType.NoSessionContext, payload };
  const bytes: RecordFields = { version: utf8Bytes('1.3'), toId: utf8Bytes('self::Ω𠀀'), fromId: utf8Bytes('os::A'), recordType: RecordType.NoSessionContext, payload };
  assert.equal([...emitted(text)], [...emitted(bytes)]);
  assert.is((RecordT.toObject(RecordT.decode(emitted(text))) as { to_id: string }).to_id, 'self::Ω𠀀');
});

emit.run();
