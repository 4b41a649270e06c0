/**
 * Checks the bytes of a usp.Body against msg-schema.ts before the pbf-generated
 * decoder sees them: well-formed wire format, the right wire type for every known
 * field, known enum values (R-ENC.2), exactly one member per oneof (R-ENC.3), bounded
 * nesting, well-formed UTF-8 in every string field. Unknown fields of any wire type are skipped (§Unknown). Never throws.
 */
import { MsgError } from './errors.ts';
import { FieldKind, type MessageRule } from './msg-schema.ts';
import { WireReader, WireType } from './wire.ts';
import { isUtf8 } from '../encoding/utf8.ts';

/** Deepest message nesting accepted (usp-msg.proto itself nests 8 deep). */
export const MAX_MSG_DEPTH = 16;

const WIRE_OF_KIND = [WireType.Len, WireType.Varint, WireType.I32, WireType.Varint, WireType.Len];

/** `maxString` bounds every string field (paths, values, msg_ids) in bytes. */
export function validateMessage(r: WireReader, end: number, rule: MessageRule, depth: number, maxString: number): MsgError {
  if (depth > MAX_MSG_DEPTH) return MsgError.TooLarge;
  // Oneof groups seen (bit per group) and whether an unknown field appeared.
  let seen = 0;
  let unknown = false;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag < 0) return MsgError.Malformed;
    const f = rule.fields[tag >>> 3];
    if (!f) {
      unknown = true;
      if (!r.skip(tag)) return MsgError.Malformed;
      if (r.pos > end) return MsgError.Malformed;
      continue;
    }
    if ((tag & 7) !== WIRE_OF_KIND[f.kind]) return MsgError.WireType;
    if (f.oneof) {
      const bit = 1 << f.oneof;
      if (seen & bit) return MsgError.OneofMultiple;
      seen |= bit;
    }
    switch (f.kind) {
      case FieldKind.Fixed32:
        if (r.fixed32() < 0) return MsgError.Malformed;
        break;
      case FieldKind.Bool:
      case FieldKind.Enum:
        if (!r.varint()) return MsgError.Malformed;
        if (f.kind === FieldKind.Enum && (r.hi !== 0 || r.lo > f.enumMax)) return MsgError.UnknownEnum;
        break;
      case FieldKind.String: {
        const n = r.length();
        if (n < 0) return MsgError.Malformed;
        if (n > maxString) return MsgError.TooLarge;
        // Issue #16: the decoder would turn bad bytes into U+FFFD and store them; refuse them (7004).
        if (r.pos + n > end || !isUtf8(r.buf, r.pos, r.pos + n)) return r.pos + n > end ? MsgError.Malformed : MsgError.InvalidUtf8;
        r.pos += n;
        break;
      }
      default: {
        const n = r.length();
        if (n < 0) return MsgError.Malformed;
        const subEnd = r.pos + n;
        const outerEnd = r.end;
        r.end = subEnd;
        const e = validateMessage(r, subEnd, f.message!, depth + 1, maxString);
        r.end = outerEnd;
        if (e !== MsgError.Ok) return e;
        r.pos = subEnd;
      }
    }
    if (r.pos > end) return MsgError.Malformed;
  }
  for (let g = 1; g <= rule.oneofCount; g++) {
    if (!(seen & (1 << g))) return unknown && rule.oneofNamesType ? MsgError.UnknownMessageType : MsgError.OneofEmpty;
  }
  return MsgError.Ok;
}
