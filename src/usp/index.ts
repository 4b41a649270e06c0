/** Public surface of the USP layer: Endpoint IDs, Records (RecordView / emit), Msg codec. */
export * from './endpoint-id.ts';
export * from './errors.ts';
export { WireReader, WireType, WireError, varintLength, writeVarint, writeFixed32, bytesEqual, utf8Bytes } from './wire.ts';
export { RecordView, RecordType, PayloadSecurity, PayloadSarState, createRecordViewConfig, firstSegment, nextSegment, uint64, type RecordViewConfig } from './record-view.ts';
export { encodedRecordLength, emitRecord, emitRecordHead, type RecordFields, type SessionContextFields } from './record-emit.ts';
export { decodeMsg, createMsgDecodeConfig, MsgType, BodyKind, type MsgDecodeConfig, type MsgDecodeResult } from './msg-decode.ts';
export * from './msg-build.ts';
export type * from './generated/usp-msg.js';
