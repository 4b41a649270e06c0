/**
 * Decodes a usp.Body (or any message of the codec's table, msg-schema.ts) while it checks
 * the bytes, in one walk: well-formed wire format, the right wire type for every known
 * field, known enum values (R-ENC.2), exactly one member per oneof (R-ENC.3), bounded
 * nesting, well-formed UTF-8 in every string field. Unknown fields of any wire type are
 * skipped (§Unknown). Never throws.
 *
 * The objects are pbf's generated ones (the generated .d.ts types): every field of a
 * message at its proto3 default ("" / 0 / false, [] for repeated, {} for maps) — but a
 * oneof's members, its name and absent sub-messages are left out rather than set to
 * undefined (reading them gives undefined all the same: a decoded Request carried eleven
 * such slots, live while the request runs, Class 2, #13 item 3) — `<oneof>` naming the
 * member present, repeated fields in wire order, map entries in key = 1 / value = 2 order
 * (last wins). Built as the bytes are checked, not by a second walk after the check: one table
 * walker less in flash (#13 item 4). After an error the partly built object is garbage.
 */
import { MsgError } from './errors.ts';
import { MSG_FIELD_NAMES, MSG_FIELDS, MSG_FIRST, MSG_ONEOF_NAMES } from './generated/usp-msg.js';
import { FIELD_BYTES, REPEATED, TableKind, WIRE_OF_KIND, type Obj } from './msg-codec.ts';
import { MAP_ENTRY, TYPE_ONEOFS } from './msg-schema.ts';
import type { WireReader } from './wire.ts';
import { readUtf8 } from '../encoding/utf8.ts';

/** Deepest message nesting accepted (usp-msg.proto itself nests 8 deep). */
export const MAX_MSG_DEPTH = 16;

/**
 * Message `m` of the table from `r` up to `end` into `root` (an empty object);
 * `maxString` bounds every string field (paths, values, msg_ids) in bytes.
 * Sub-messages are opened on an explicit stack (the outer object, reader end, type, end,
 * oneofs seen, unknown flag), not by recursion: a Set's Body nests five deep and each
 * recursive frame held ≈ 25 XS stack slots — the deepest point of a Set in the 384-slot
 * Class 2 stack (#13 item 3).
 */
export function validateMessage(r: WireReader, end: number, m: number, maxString: number, root: Obj): MsgError {
  const stack: unknown[] = [];
  let depth = 0;
  let o = root;
  // Oneofs seen (bit per oneof index + 1) and whether an unknown field appeared, in message m.
  let seen = 0;
  let unknown = false;
  // The open map entry (m = MAP_ENTRY: entries hold no sub-messages, so one at a time): its map field, key and value.
  let entry = '';
  let key = '';
  let value = '';
  let opened = true; // message m was just opened: its defaults go in first
  for (;;) {
    if (opened) {
      opened = false;
      for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]!; f++) {
        const at = f * FIELD_BYTES;
        const kind = MSG_FIELDS[at + 1]!;
        const name = MSG_FIELD_NAMES[MSG_FIELDS[at + 2]!]!;
        if (kind & REPEATED) o[name] = [];
        else if (MSG_FIELDS[at + 4]! !== 0) continue;
        else if (kind === TableKind.String) o[name] = '';
        else if (kind === TableKind.Bool) o[name] = false;
        else if (kind === TableKind.Fixed32 || kind === TableKind.Varint) o[name] = 0;
        else if (kind === TableKind.Map) o[name] = {};
      }
    }
    if (r.pos >= end) { // message m is complete
      if (m === MAP_ENTRY) (o[entry] as Record<string, string>)[key] = value;
      else {
        // Every oneof of the message needs its member.
        for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]!; f++) {
          const oneof = MSG_FIELDS[f * FIELD_BYTES + 4]!;
          if (oneof !== 0 && !(seen & (1 << oneof))) return unknown && (TYPE_ONEOFS & (1 << oneof)) !== 0 ? MsgError.UnknownMessageType : MsgError.OneofEmpty;
        }
      }
      if (stack.length === 0) return MsgError.Ok;
      r.pos = end;
      unknown = stack.pop() === 1;
      seen = stack.pop() as number;
      end = stack.pop() as number;
      m = stack.pop() as number;
      r.end = stack.pop() as number;
      o = stack.pop() as Obj;
      depth--;
      if (r.pos > end) return MsgError.Malformed;
      continue;
    }
    const tag = r.tag();
    if (tag < 0) return MsgError.Malformed;
    const number = tag >>> 3;
    // Where field `number` of message m is in the table (msg-schema.ts fieldAt, inlined: this is its only caller at run time).
    let at = -1;
    if (m !== MAP_ENTRY) for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]! && at < 0; f++) if (MSG_FIELDS[f * FIELD_BYTES] === number) at = f * FIELD_BYTES;
    const kind = at >= 0 ? MSG_FIELDS[at + 1]! & 15 : m === MAP_ENTRY && (number === 1 || number === 2) ? TableKind.String : -1;
    if (kind < 0) {
      unknown = true;
      if (!r.skip(tag)) return MsgError.Malformed;
      if (r.pos > end) return MsgError.Malformed;
      continue;
    }
    if ((tag & 7) !== WIRE_OF_KIND[kind]) return MsgError.WireType;
    const repeated = at >= 0 && (MSG_FIELDS[at + 1]! & REPEATED) !== 0;
    const name = at >= 0 ? MSG_FIELD_NAMES[MSG_FIELDS[at + 2]!]! : '';
    const oneof = at >= 0 ? MSG_FIELDS[at + 4]! : 0;
    if (oneof !== 0) {
      const bit = 1 << oneof;
      if (seen & bit) return MsgError.OneofMultiple;
      seen |= bit;
      o[MSG_ONEOF_NAMES[oneof - 1]!] = name;
    }
    if (kind === TableKind.Fixed32) {
      const v = r.fixed32();
      if (v < 0) return MsgError.Malformed;
      o[name] = v;
    } else if (kind === TableKind.Bool || kind === TableKind.Varint) {
      if (!r.varint()) return MsgError.Malformed;
      if (kind === TableKind.Bool) o[name] = r.lo !== 0 || r.hi !== 0;
      else if (r.hi !== 0 || r.lo > MSG_FIELDS[at + 3]!) return MsgError.UnknownEnum;
      else o[name] = r.lo;
    } else if (kind === TableKind.String) {
      const n = r.length();
      if (n < 0) return MsgError.Malformed;
      if (n > maxString) return MsgError.TooLarge;
      if (r.pos + n > end) return MsgError.Malformed;
      // Issue #16: bad bytes are refused (7004), not turned into U+FFFD and stored.
      const s = readUtf8(r.buf, r.pos, r.pos + n);
      if (s === undefined) return MsgError.InvalidUtf8;
      r.pos += n;
      if (m === MAP_ENTRY) {
        if (number === 1) key = s;
        else value = s;
      } else if (repeated) (o[name] as string[]).push(s);
      else o[name] = s;
    } else { // a sub-message or a map entry: read it next, then come back to this one
      const n = r.length();
      if (n < 0) return MsgError.Malformed;
      if (depth + 1 > MAX_MSG_DEPTH) return MsgError.TooLarge;
      stack.push(o, r.end, m, end, seen, unknown ? 1 : 0);
      end = r.pos + n;
      r.end = end;
      seen = 0;
      unknown = false;
      depth++;
      if (kind === TableKind.Map) {
        m = MAP_ENTRY;
        entry = name;
        key = value = '';
      } else {
        m = MSG_FIELDS[at + 3]!;
        const child: Obj = {};
        if (repeated) (o[name] as Obj[]).push(child);
        else o[name] = child;
        o = child;
        opened = true;
      }
      continue;
    }
    if (r.pos > end) return MsgError.Malformed;
  }
}
