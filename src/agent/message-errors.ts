/**
 * What the Error message says when a Record or Msg cannot be processed (TR-369 R-MTP.5,
 * R-ENC.2, R-ENC.5, R-MSG.1; issue #16: "cannot decode" for a message that was merely too
 * large told the Controller nothing). One text per codec failure, naming the limit that
 * was hit, so a Controller can tell a bug of its own from a bound of this agent.
 */
import { MsgError, RecordError } from '../usp/index.ts';

/** Bounds the texts quote (the agent's Record limit and the codec's string and depth limits). */
export interface MessageLimits {
  readonly maxRecordBytes: number;
  readonly maxStringBytes: number;
  readonly maxDepth: number;
}

export function msgErrorText(e: MsgError, l: MessageLimits): string {
  switch (e) {
    case MsgError.TooLarge:
      return `the message exceeds this agent's limits (${l.maxRecordBytes} bytes, strings of ${l.maxStringBytes} bytes, nesting ${l.maxDepth} deep)`;
    case MsgError.Header: return 'the message has no header or more than one (R-MSG.6)';
    case MsgError.Body: return 'the message has no body or more than one (R-MSG.7)';
    case MsgError.MissingMsgId: return 'msg_id is missing (R-MSG.8)';
    case MsgError.UnknownEnum: return 'an enumeration value is unknown, e.g. msg_type (R-ENC.2)';
    case MsgError.OneofEmpty: return 'a oneof field has no member (R-ENC.3)';
    case MsgError.OneofMultiple: return 'a oneof field has more than one member (R-ENC.3)';
    case MsgError.UnknownMessageType: return 'the message type is not supported (R-MSG.1)';
    case MsgError.InvalidUtf8: return 'a string field is not well-formed UTF-8';
    case MsgError.WireType: return 'a field has the wrong protobuf wire type';
    default: return 'the message is not well-formed protobuf';
  }
}

export function recordErrorText(e: RecordError, l: MessageLimits): string {
  switch (e) {
    case RecordError.TooLarge: return `the Record exceeds ${l.maxRecordBytes} bytes`;
    case RecordError.FieldTooLong: return 'a Record field (an ID, the version) is too long';
    case RecordError.BadVersion: return 'the Record version is not "major.minor"';
    case RecordError.UnknownEnum: return 'an enumeration value of the Record is unknown (R-ENC.2)';
    case RecordError.EmptyPayload: return 'the Record carries no payload (R-E2E.26)';
    case RecordError.InvalidValue: return 'payload_security TLS12 outside a session context (R-E2E.41)';
    default: return 'the Record cannot be parsed';
  }
}
