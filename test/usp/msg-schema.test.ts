import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import protobuf from 'protobufjs';
import { BODY_RULE, FieldKind, MSG_TYPE_MAX, type MessageRule } from '../../src/usp/msg-schema.ts';
import { root } from './oracle.ts';

const schema = suite('usp/msg-schema');

function compare(rule: MessageRule, type: protobuf.Type, path: string): number {
  let checked = 0;
  const ids = new Set(type.fieldsArray.map((f) => f.id));
  rule.fields.forEach((r, n) => { if (r) assert.ok(ids.has(n), `${path}: field ${n} not in proto`); });
  for (const f of type.fieldsArray) {
    f.resolve();
    const r = rule.fields[f.id];
    const where = `${path}.${f.name}`;
    assert.ok(r, `${where} missing from msg-schema.ts`);
    assert.is(r!.oneof > 0, Boolean(f.partOf), `${where} oneof membership`);
    checked++;
    if (f.map) {
      assert.is(r!.kind, FieldKind.Message, where);
      assert.is(r!.message!.fields[1]!.kind, FieldKind.String);
      assert.is(r!.message!.fields[2]!.kind, FieldKind.String);
    } else if (f.resolvedType instanceof protobuf.Type) {
      assert.is(r!.kind, FieldKind.Message, where);
      checked += compare(r!.message!, f.resolvedType, where);
    } else if (f.resolvedType instanceof protobuf.Enum) {
      assert.is(r!.kind, FieldKind.Enum, where);
      assert.is(r!.enumMax, Math.max(...Object.values(f.resolvedType.values)), where);
    } else {
      const kind = { string: FieldKind.String, bool: FieldKind.Bool, fixed32: FieldKind.Fixed32 }[f.type];
      assert.is(r!.kind, kind, `${where} (${f.type})`);
    }
  }
  return checked;
}

schema('R-ENC.0 the validation table matches proto/usp-msg.proto field by field (read by protobufjs)', () => {
  const n = compare(BODY_RULE, root.lookupType('usp.Body'), 'Body');
  assert.ok(n > 200, `${n} fields compared`);
  const msgType = root.lookupEnum('usp.Header.MsgType');
  assert.is(MSG_TYPE_MAX, Math.max(...Object.values(msgType.values)));
});

schema.run();
