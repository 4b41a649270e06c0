/**
 * usp.Msg decoding (usp-msg.proto; TR-369 "Messages", AGENT-REQUIREMENTS §1.8) from
 * a payload held as offset/length in a Record (RecordView.payloadStart/payloadLen).
 *
 * Order: walk the envelope (R-MSG.5–7: exactly one header and one body), read the
 * header (R-MSG.8 msg_id present, msg_type a known enum), then decode the body while
 * validating it against msg-schema.ts (msg-validate.ts: wire types, R-ENC.2 enums,
 * R-ENC.3 oneofs, UTF-8), one walk. MsgError.Decoder is left for a header that repeats
 * msg_id with an earlier one not UTF-8. msg_id is returned whenever it could be extracted, even on error,
 * so the caller can answer Error 7004/7001 (R-MTP.5, R-ENC.5); R-MSG.10: `bodyType`
 * (derived from the body) is what to trust, `msgType` is only what the header said.
 * This path allocates (strings, objects); only RecordView is allocation-free.
 */
import { readUtf8 } from '../encoding/utf8.ts';
import { MsgError } from './errors.ts';
import { FIELD_BYTES } from './msg-codec.ts';
import { BODY_MESSAGE, MSG_TYPE_MAX, REQUEST_MESSAGE, RESPONSE_MESSAGE } from './msg-schema.ts';
import { validateMessage } from './msg-validate.ts';
import { MSG_FIELD_NAMES, MSG_FIELDS, MSG_FIRST, type Body, type Msg } from './generated/usp-msg.js';
import { WireReader, WireType } from './wire.ts';

/** Header.MsgType values (usp-msg.proto). */
export const MsgType = {
  ERROR: 0, GET: 1, GET_RESP: 2, NOTIFY: 3, SET: 4, SET_RESP: 5, OPERATE: 6, OPERATE_RESP: 7, ADD: 8,
  ADD_RESP: 9, DELETE: 10, DELETE_RESP: 11, GET_SUPPORTED_DM: 12, GET_SUPPORTED_DM_RESP: 13,
  GET_INSTANCES: 14, GET_INSTANCES_RESP: 15, NOTIFY_RESP: 16, GET_SUPPORTED_PROTO: 17,
  GET_SUPPORTED_PROTO_RESP: 18, REGISTER: 19, REGISTER_RESP: 20, DEREGISTER: 21, DEREGISTER_RESP: 22,
} as const;
export type MsgType = (typeof MsgType)[keyof typeof MsgType];

/**
 * MsgType of each Request member (get = 1 … deregister = 11, usp-msg.proto), one
 * character per field number − 1; the Response member of the same number is the next
 * type but for NotifyResp (16). A string: no preloaded array of numbers.
 */
const REQUEST_TYPES = '\x01\x0c\x0e\x04\x08\x0a\x06\x03\x11\x13\x15';

/** The MsgType a Request (`response` false) or Response member named `name` carries (R-MSG.10); -1 for no member. */
export function memberType(response: boolean, name: string | undefined): number {
  const m = response ? RESPONSE_MESSAGE : REQUEST_MESSAGE;
  for (let f = MSG_FIRST[m]!; f < MSG_FIRST[m + 1]!; f++) {
    if (MSG_FIELD_NAMES[MSG_FIELDS[f * FIELD_BYTES + 2]!] !== name) continue;
    const n = MSG_FIELDS[f * FIELD_BYTES]!; // the member's field number
    return response && n === 8 ? MsgType.NOTIFY_RESP : REQUEST_TYPES.charCodeAt(n - 1) + (response ? 1 : 0);
  }
  return -1;
}

export const BodyKind = { None: 0, Request: 1, Response: 2, Error: 3 } as const;
export type BodyKind = (typeof BodyKind)[keyof typeof BodyKind];

export interface MsgDecodeResult {
  error: MsgError;
  /** The msg_id, "" when it could not be extracted. */
  msgId: string;
  /** Which Body member the bytes carry (known even when the body is invalid). */
  bodyKind: BodyKind;
  /** msg_type as the header said (informational, R-MSG.10); -1 when unreadable. */
  msgType: number;
  /** The type the body actually is; trust this one (R-MSG.10). -1 when unknown. */
  bodyType: number;
  /** The decoded message, set only when error is Ok. */
  msg: Msg | undefined;
}

export interface MsgDecodeConfig {
  /** Largest Msg accepted, in bytes. */
  readonly maxMsgBytes: number;
  /** Largest string field (msg_id, paths, values), in bytes. */
  readonly maxStringBytes: number;
}

export function createMsgDecodeConfig(overrides: Partial<MsgDecodeConfig> = {}): MsgDecodeConfig {
  return Object.freeze({ maxMsgBytes: 65536, maxStringBytes: 4096, ...overrides });
}

const DEFAULT_CONFIG = createMsgDecodeConfig();

const reader = new WireReader();

/** Decodes and validates the Msg in `buf[start, end)`. Never throws. */
export function decodeMsg(buf: Uint8Array, start: number, end: number, config: MsgDecodeConfig = DEFAULT_CONFIG): MsgDecodeResult {
  const res: MsgDecodeResult = { error: MsgError.Ok, msgId: '', bodyKind: BodyKind.None, msgType: -1, bodyType: -1, msg: undefined };
  res.error = decodeInto(res, buf, start, end, config);
  return res;
}

function decodeInto(res: MsgDecodeResult, buf: Uint8Array, start: number, end: number, config: MsgDecodeConfig): MsgError {
  if (end - start > config.maxMsgBytes) return MsgError.TooLarge;
  const r = reader;
  r.reset(buf, start, end);
  let headers = 0, bodies = 0, headerStart = 0, headerEnd = 0, bodyStart = 0, bodyEnd = 0;
  for (;;) {
    const tag = r.tag();
    if (tag === 0) break;
    if (tag < 0) return MsgError.Malformed;
    const field = tag >>> 3;
    if (field !== 1 && field !== 2) {
      if (!r.skip(tag)) return MsgError.Malformed;
      continue;
    }
    if ((tag & 7) !== WireType.Len) return MsgError.WireType;
    const n = r.length();
    if (n < 0) return MsgError.Malformed;
    if (field === 1) { headers++; headerStart = r.pos; headerEnd = r.pos + n; }
    else { bodies++; bodyStart = r.pos; bodyEnd = r.pos + n; }
    r.pos += n;
  }
  if (headers !== 1) return MsgError.Header;
  if (bodies === 1) { // which Body member the bytes carry, known even when the header or body is invalid
    r.reset(buf, bodyStart, bodyEnd);
    for (;;) {
      const tag = r.tag();
      if (tag <= 0) break;
      if (tag >>> 3 >= 1 && tag >>> 3 <= 3) { res.bodyKind = (tag >>> 3) as BodyKind; break; }
      if (!r.skip(tag)) break;
    }
  }
  // The header: R-MSG.8 msg_id present (the last one counts), msg_type a known enum.
  r.reset(buf, headerStart, headerEnd);
  let idStart = 0;
  let idLen = 0;
  let type = 0;
  let unknownType = false;
  let staleBadId = false;
  for (;;) {
    const tag = r.tag();
    if (tag === 0) break;
    if (tag < 0) return MsgError.Malformed;
    const field = tag >>> 3;
    if (field === 1) {
      if ((tag & 7) !== WireType.Len) return MsgError.WireType;
      const n = r.length();
      if (n < 0) return MsgError.Malformed;
      if (n > config.maxStringBytes) return MsgError.TooLarge;
      // A msg_id the next one replaces must still be UTF-8 (a decoder of the whole Msg reads it): 7004 below.
      if (idLen > 0 && readUtf8(buf, idStart, idStart + idLen) === undefined) staleBadId = true;
      idStart = r.pos;
      idLen = n;
      r.pos += n;
    } else if (field === 2) {
      if ((tag & 7) !== WireType.Varint) return MsgError.WireType;
      if (!r.varint()) return MsgError.Malformed;
      // R-ENC.2: reported (7004) — so the msg_id, wherever it stands, is still read (issue #16).
      if (r.hi !== 0 || r.lo > MSG_TYPE_MAX) unknownType = true;
      else type = r.lo;
    } else if (!r.skip(tag)) return MsgError.Malformed;
  }
  res.msgType = unknownType ? -1 : type;
  if (idLen === 0) return MsgError.MissingMsgId;
  // No msg_id to answer with when it is not UTF-8: dropped (R-MTP.5).
  const id = readUtf8(buf, idStart, idStart + idLen);
  if (id === undefined) return MsgError.InvalidUtf8;
  res.msgId = id;
  if (unknownType) return MsgError.UnknownEnum;
  if (bodies !== 1) return MsgError.Body;
  r.reset(buf, bodyStart, bodyEnd);
  const body = {} as Body;
  const be = validateMessage(r, bodyEnd, BODY_MESSAGE, config.maxStringBytes, body as unknown as Record<string, unknown>);
  if (be !== MsgError.Ok) return be;
  if (staleBadId) return MsgError.Decoder;
  res.msg = { header: { msg_id: id, msg_type: type }, body };
  // Validated: the Body's member, and its Request/Response member, present exactly once.
  if (body.msg_body === 'error') res.bodyType = MsgType.ERROR;
  else res.bodyType = body.request ? memberType(false, body.request.req_type) : memberType(true, body.response?.resp_type);
  return MsgError.Ok;
}
