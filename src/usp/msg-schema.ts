/**
 * The shape of usp-msg.proto (AGENT-REQUIREMENTS §3.2/§3.3) that msg-validate.ts checks
 * a body against — every known field's kind (so a wrong wire type is caught), enum
 * ranges (R-ENC.2) and oneof groups (R-ENC.3) — read from the codec's own table
 * (generated/usp-msg.js, written by tools/protogen from proto/usp-msg.proto; an enum
 * field's message byte holds the enum's largest value). One table for both: nothing to
 * keep in step, and no second copy of the proto in memory (a table of objects cost
 * Espruino ≈ 1 400 blocks at load, docs/espruino.md#memory).
 * Header and the Msg envelope are checked by msg-decode.ts itself.
 */
import { MSG_FIELDS, MSG_FIRST, MSG_ONEOF_NAMES, MSG_ROOT } from './generated/usp-msg.js';
import { FIELD_BYTES } from './msg-codec.ts';

/** The message "index" of a map<string, string> entry: key = 1, value = 2, both strings. */
export const MAP_ENTRY = -1;

/** Offset in MSG_FIELDS of field `number` of message `m` (a table index), -1 when it has none. */
export function fieldAt(m: number, number: number): number {
  for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]!; f++) if (MSG_FIELDS[f * FIELD_BYTES] === number) return f * FIELD_BYTES;
  return -1;
}

function targetOf(m: number, number: number): number {
  return MSG_FIELDS[fieldAt(m, number) + 3]!;
}

/** usp.Body (Msg.body = 2), the message msg-decode.ts validates. */
export const BODY_MESSAGE = targetOf(MSG_ROOT, 2);

/** usp.Request (Body.request = 1) and usp.Response (Body.response = 2): their members name the message type. */
export const REQUEST_MESSAGE = targetOf(BODY_MESSAGE, 1);
export const RESPONSE_MESSAGE = targetOf(BODY_MESSAGE, 2);

/** Header.MsgType's largest value (Msg.header = 1, Header.msg_type = 2). */
export const MSG_TYPE_MAX = targetOf(targetOf(MSG_ROOT, 1), 2);

/**
 * Oneofs naming the message type (Body.msg_body, Request.req_type, Response.resp_type),
 * one bit per oneof index + 1: left empty with an unknown field present, they mean "a
 * message type we do not know" (R-MSG.1 → 7001), not an empty oneof (7004).
 */
export const TYPE_ONEOFS = (1 << (MSG_ONEOF_NAMES.indexOf('msg_body') + 1)) | (1 << (MSG_ONEOF_NAMES.indexOf('req_type') + 1)) |
  (1 << (MSG_ONEOF_NAMES.indexOf('resp_type') + 1));
