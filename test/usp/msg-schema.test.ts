import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import protobuf from 'protobufjs';
import { MSG_FIELDS, MSG_FIRST } from '../../src/usp/generated/usp-msg.js';
import { FIELD_BYTES, REPEATED, TableKind } from '../../src/usp/msg-codec.ts';
import { BODY_MESSAGE, fieldAt, MSG_TYPE_MAX } from '../../src/usp/msg-schema.ts';
import { root } from './oracle.ts';

const schema = suite('usp/msg-schema');

/** Compares table message `m` with `type` as protobufjs reads proto/usp-msg.proto; returns the fields compared. */
function compare(m: number, type: protobuf.Type, path: string): number {
  let checked = 0;
  const ids = new Set(type.fieldsArray.map((f) => f.id));
  for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]!; f++) assert.ok(ids.has(MSG_FIELDS[f * FIELD_BYTES]!), `${path}: field ${MSG_FIELDS[f * FIELD_BYTES]} not in proto`);
  for (const f of type.fieldsArray) {
    f.resolve();
    const at = fieldAt(m, f.id);
    const where = `${path}.${f.name}`;
    assert.ok(at >= 0, `${where} missing from the table`);
    const kind = MSG_FIELDS[at + 1]! & 15;
    assert.is(MSG_FIELDS[at + 4]! > 0, Boolean(f.partOf), `${where} oneof membership`);
    assert.is((MSG_FIELDS[at + 1]! & REPEATED) !== 0, f.repeated, `${where} repeated`);
    checked++;
    if (f.map) {
      assert.is(kind, TableKind.Map, where);
      assert.equal([(f as unknown as protobuf.MapField).keyType, f.type], ['string', 'string'], where);
    } else if (f.resolvedType instanceof protobuf.Type) {
      assert.is(kind, TableKind.Message, where);
      checked += compare(MSG_FIELDS[at + 3]!, f.resolvedType, where);
    } else if (f.resolvedType instanceof protobuf.Enum) {
      assert.is(kind, TableKind.Varint, where);
      assert.is(MSG_FIELDS[at + 3], Math.max(...Object.values(f.resolvedType.values)), `${where}: the enum's largest value`);
    } else {
      const expected = { string: TableKind.String, bool: TableKind.Bool, fixed32: TableKind.Fixed32 }[f.type];
      assert.is(kind, expected, `${where} (${f.type})`);
    }
  }
  return checked;
}

schema('R-ENC.0 the validation table (the codec\'s) matches proto/usp-msg.proto field by field (read by protobufjs): kinds, R-ENC.2 enum ranges, R-ENC.3 oneofs', () => {
  const n = compare(BODY_MESSAGE, root.lookupType('usp.Body'), 'Body');
  assert.ok(n > 200, `${n} fields compared`);
  const msgType = root.lookupEnum('usp.Header.MsgType');
  assert.is(MSG_TYPE_MAX, Math.max(...Object.values(msgType.values)));
});

schema.run();
