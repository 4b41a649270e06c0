/**
 * Error codes of the USP codec and the one table (house style rule 5) that maps each
 * failure to what TR-369 requires the receiver to do:
 *   - a Record that cannot be parsed, violates R-ENC.3 (oneof) or misses a required
 *     field is discarded (R-ENC.4, §Record); a reply (Error, 7100…) is allowed only
 *     when R-MTP.5's conditions hold, which `RecordView.canReply()` reports;
 *   - a session_context Record while E2E sessions are unsupported gets a
 *     DisconnectRecord with reason_code 7106 (R-E2E.6a);
 *   - a Msg that cannot be parsed or breaks R-MSG.5–8 / R-ENC.2 / R-ENC.3 gets an Error
 *     7004 when its msg_id could be extracted (R-ENC.5, R-MTP.5), else it is dropped;
 *     an unknown message type gets 7001 (R-MSG.1), one beyond our bounds 7005.
 */

export const RecordError = {
  Ok: 0,
  Truncated: 1,
  VarintTooLong: 2,
  LengthPastEnd: 3,
  /** Bad tag, or a known field sent with the wrong wire type. */
  WireType: 4,
  /** Record larger than RecordViewConfig.maxRecordBytes. */
  TooLarge: 5,
  /** An ID, version, reason or topic longer than RecordViewConfig.maxFieldBytes. */
  FieldTooLong: 6,
  MissingVersion: 7,
  /** version is not "Major.Minor" (digits "." digits). */
  BadVersion: 8,
  MissingToId: 9,
  MissingFromId: 10,
  MissingRecordType: 11,
  /** More than one record_type member (R-ENC.3). */
  MultipleRecordTypes: 12,
  /** An enum value this schema does not know (R-ENC.2). */
  UnknownEnum: 13,
  /** no_session_context with an empty payload (R-E2E.26). */
  EmptyPayload: 14,
  /** session_context received while E2E sessions are not supported (R-E2E.6a). */
  SessionContextNotAllowed: 15,
  /** payload_security TLS12 outside a session context (R-E2E.41). */
  InvalidValue: 16,
} as const;
export type RecordError = (typeof RecordError)[keyof typeof RecordError];

export const MsgError = {
  Ok: 0,
  /** Malformed protobuf (truncated, overlong varint, length past end, bad tag). */
  Malformed: 1,
  /** A known field with the wrong wire type. */
  WireType: 2,
  /** R-MSG.6: no header, or more than one. */
  Header: 3,
  /** R-MSG.7: no body, or more than one. */
  Body: 4,
  /** R-MSG.8: msg_id missing or empty. */
  MissingMsgId: 5,
  /** R-ENC.3: a oneof with no member. */
  OneofEmpty: 6,
  /** R-ENC.3: a oneof with more than one member. */
  OneofMultiple: 7,
  /** R-ENC.2: unknown enum value in a known field. */
  UnknownEnum: 8,
  /** R-MSG.1: a request/response type this schema does not know. */
  UnknownMessageType: 9,
  /** Msg larger than the configured bound, or nested too deep. */
  TooLarge: 10,
  /** The generated decoder rejected the bytes (should not happen after validation). */
  Decoder: 11,
  /** A string field that is not well-formed UTF-8 (proto3 strings are UTF-8, 04-encoding). */
  InvalidUtf8: 12,
} as const;
export type MsgError = (typeof MsgError)[keyof typeof MsgError];

/** What a receiver does about a failure. */
export const UspAction = {
  /** Nothing wrong: process it. */
  Process: 0,
  /** Drop silently (R-ENC.4, R-E2E.1, R-MTP.5 when a reply is not allowed). */
  Discard: 1,
  /** Answer with a USP Error message carrying `uspErrorCode` (R-MTP.5, R-ENC.5, R-MSG.1). */
  ErrorMsg: 2,
  /** Answer with a DisconnectRecord carrying `uspErrorCode` as reason_code (R-E2E.6a). */
  Disconnect: 3,
} as const;
export type UspAction = (typeof UspAction)[keyof typeof UspAction];

/** USP error codes used by the codec (06-messages "Error Codes", 03-mtp "USP Record Errors"). */
export const UspErrorCode = {
  MessageNotSupported: 7001,
  InvalidArguments: 7004,
  ResourcesExceeded: 7005,
  RecordNotParsed: 7100,
  SecureSessionRequired: 7101,
  SecureSessionNotSupported: 7102,
  SegmentationNotSupported: 7103,
  InvalidRecordValue: 7104,
  SessionContextTerminated: 7105,
  SessionContextNotAllowed: 7106,
} as const;

/** Action for a RecordError. A failed Record is discarded unless `canReply()` allows 7100/7104. */
export function recordErrorAction(e: RecordError): UspAction {
  if (e === RecordError.Ok) return UspAction.Process;
  if (e === RecordError.SessionContextNotAllowed) return UspAction.Disconnect;
  return UspAction.Discard;
}

/** The USP error code that describes a RecordError (for logs, Error or DisconnectRecord). */
export function recordErrorUspCode(e: RecordError): number {
  switch (e) {
    case RecordError.Ok: return 0;
    case RecordError.SessionContextNotAllowed: return UspErrorCode.SessionContextNotAllowed;
    case RecordError.UnknownEnum:
    case RecordError.EmptyPayload:
    case RecordError.InvalidValue:
    case RecordError.BadVersion: return UspErrorCode.InvalidRecordValue;
    default: return UspErrorCode.RecordNotParsed;
  }
}

/** Action for a MsgError: an Error message when the msg_id was extracted, else discard. */
export function msgErrorAction(e: MsgError, msgIdKnown: boolean): UspAction {
  if (e === MsgError.Ok) return UspAction.Process;
  return msgIdKnown ? UspAction.ErrorMsg : UspAction.Discard;
}

/** The err_code of the Error message answering a MsgError. */
export function msgErrorUspCode(e: MsgError): number {
  if (e === MsgError.Ok) return 0;
  if (e === MsgError.UnknownMessageType) return UspErrorCode.MessageNotSupported;
  // 7005: the request exceeds our memory/processing limits (06-messages "Error Codes").
  return e === MsgError.TooLarge ? UspErrorCode.ResourcesExceeded : UspErrorCode.InvalidArguments;
}
