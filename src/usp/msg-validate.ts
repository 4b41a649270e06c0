/**
 * Checks the bytes of a usp.Body against the codec's table (msg-schema.ts) before the
 * table decoder sees them: well-formed wire format, the right wire type for every known
 * field, known enum values (R-ENC.2), exactly one member per oneof (R-ENC.3), bounded
 * nesting, well-formed UTF-8 in every string field. Unknown fields of any wire type are skipped (§Unknown). Never throws.
 */
import { MsgError } from './errors.ts';
import { MSG_FIELDS, MSG_FIRST } from './generated/usp-msg.js';
import { FIELD_BYTES, TableKind, WIRE_OF_KIND } from './msg-codec.ts';
import { fieldAt, MAP_ENTRY, TYPE_ONEOFS } from './msg-schema.ts';
import type { WireReader } from './wire.ts';
import { isUtf8 } from '../encoding/utf8.ts';

/** Deepest message nesting accepted (usp-msg.proto itself nests 8 deep). */
export const MAX_MSG_DEPTH = 16;

/**
 * Message `m` of the table (or MAP_ENTRY); `maxString` bounds every string field (paths, values, msg_ids) in bytes.
 * Sub-messages are opened on an explicit stack (the outer reader end, type, end, oneofs
 * seen, unknown flag), not by recursion: a Set's Body nests five deep and each recursive
 * frame held ≈ 25 XS stack slots — the deepest point of a Set in the 384-slot Class 2
 * stack (#13 item 3).
 */
export function validateMessage(r: WireReader, end: number, m: number, depth: number, maxString: number): MsgError {
  if (depth > MAX_MSG_DEPTH) return MsgError.TooLarge;
  const stack: number[] = [];
  // Oneofs seen (bit per oneof index + 1) and whether an unknown field appeared, in message m.
  let seen = 0;
  let unknown = false;
  for (;;) {
    if (r.pos >= end) { // message m is complete
      if (m !== MAP_ENTRY) {
        // Every oneof of the message needs its member.
        for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]!; f++) {
          const oneof = MSG_FIELDS[f * FIELD_BYTES + 4]!;
          if (oneof !== 0 && !(seen & (1 << oneof))) return unknown && (TYPE_ONEOFS & (1 << oneof)) !== 0 ? MsgError.UnknownMessageType : MsgError.OneofEmpty;
        }
      }
      if (stack.length === 0) return MsgError.Ok;
      r.pos = end;
      unknown = stack.pop() === 1;
      seen = stack.pop()!;
      end = stack.pop()!;
      m = stack.pop()!;
      r.end = stack.pop()!;
      depth--;
      if (r.pos > end) return MsgError.Malformed;
      continue;
    }
    const tag = r.tag();
    if (tag < 0) return MsgError.Malformed;
    const number = tag >>> 3;
    const at = m === MAP_ENTRY ? -1 : fieldAt(m, number);
    const kind = at >= 0 ? MSG_FIELDS[at + 1]! & 15 : m === MAP_ENTRY && (number === 1 || number === 2) ? TableKind.String : -1;
    if (kind < 0) {
      unknown = true;
      if (!r.skip(tag)) return MsgError.Malformed;
      if (r.pos > end) return MsgError.Malformed;
      continue;
    }
    if ((tag & 7) !== WIRE_OF_KIND[kind]) return MsgError.WireType;
    const oneof = at >= 0 ? MSG_FIELDS[at + 4]! : 0;
    if (oneof !== 0) {
      const bit = 1 << oneof;
      if (seen & bit) return MsgError.OneofMultiple;
      seen |= bit;
    }
    if (kind === TableKind.Fixed32) {
      if (r.fixed32() < 0) return MsgError.Malformed;
    } else if (kind === TableKind.Bool || kind === TableKind.Varint) {
      if (!r.varint()) return MsgError.Malformed;
      if (kind === TableKind.Varint && (r.hi !== 0 || r.lo > MSG_FIELDS[at + 3]!)) return MsgError.UnknownEnum;
    } else if (kind === TableKind.String) {
      const n = r.length();
      if (n < 0) return MsgError.Malformed;
      if (n > maxString) return MsgError.TooLarge;
      // Issue #16: the decoder would turn bad bytes into U+FFFD and store them; refuse them (7004).
      if (r.pos + n > end || !isUtf8(r.buf, r.pos, r.pos + n)) return r.pos + n > end ? MsgError.Malformed : MsgError.InvalidUtf8;
      r.pos += n;
    } else { // a sub-message: validate it next, then come back to this one
      const n = r.length();
      if (n < 0) return MsgError.Malformed;
      if (depth + 1 > MAX_MSG_DEPTH) return MsgError.TooLarge;
      stack.push(r.end, m, end, seen, unknown ? 1 : 0);
      end = r.pos + n;
      r.end = end;
      m = kind === TableKind.Map ? MAP_ENTRY : MSG_FIELDS[at + 3]!;
      seen = 0;
      unknown = false;
      depth++;
      continue;
    }
    if (r.pos > end) return MsgError.Malformed;
  }
}
