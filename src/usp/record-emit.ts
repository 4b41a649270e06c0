/**
 * Record encoding (usp-record.proto) straight into a caller-owned output array
 * (house style rule 4: `encodedRecordLength`, then `emitRecord(out, offset, …)`).
 * No intermediate arrays: the payload is copied once from `payload[payloadStart,
 * payloadEnd)`, or — with `emitRecordHead` — left for the caller to write in place at
 * the returned offset (e.g. a Msg encoded directly into the datagram).
 *
 * Fields are written in field-number order and proto3 defaults are omitted, as
 * protoc and protobufjs do, so the bytes equal theirs. Numbers are ≤ 2^53 − 1.
 */
import { RecordType } from './record-view.ts';
import { varintLength, writeFixed32, writeVarint } from './wire.ts';
import { utf8Length, writeUtf8 } from '../encoding/utf8.ts';

export interface SessionContextFields {
  sessionId: number;
  sequenceId: number;
  expectedId: number;
  retransmitId?: number;
  payloadSarState?: number;
  payloadrecSarState?: number;
  /** Further payload segments after the main payload (R-E2E SAR); rarely used. */
  extraSegments?: Uint8Array[];
}

export interface RecordFields {
  /**
   * "Major.Minor", to_id and from_id: their UTF-8 bytes, or the text itself, written
   * straight into the Record (no bytes to keep per Controller: XS slots, #13 item 3).
   */
  version: Uint8Array | string;
  toId: Uint8Array | string;
  fromId: Uint8Array | string;
  payloadSecurity?: number;
  macSignature?: Uint8Array;
  senderCert?: Uint8Array;
  recordType: RecordType;
  /** no_session_context / session_context payload: `payload[payloadStart, payloadEnd)`. */
  payload?: Uint8Array;
  payloadStart?: number;
  payloadEnd?: number;
  session?: SessionContextFields;
  /** disconnect: reason (UTF-8) and reason_code (fixed32, e.g. 7106 for R-E2E.6a). */
  reason?: Uint8Array;
  reasonCode?: number;
  /** mqtt_connect / stomp_connect: version enum and subscribed topic / destination. */
  connectVersion?: number;
  subscribed?: Uint8Array;
}

function lenField(n: number): number {
  return 1 + varintLength(n) + n;
}
function varintField(v: number): number {
  return v ? 1 + varintLength(v) : 0;
}
function optLen(b: Uint8Array | string | undefined): number {
  if (typeof b === 'string') return b === '' ? 0 : lenField(utf8Length(b));
  return b && b.length ? lenField(b.length) : 0;
}

function payloadLength(f: RecordFields): number {
  return f.payload ? (f.payloadEnd ?? f.payload.length) - (f.payloadStart ?? 0) : 0;
}

/** Length of the record_type member's body, the payload counting as `payloadLen` bytes. */
function bodyLength(f: RecordFields, payloadLen: number): number {
  switch (f.recordType) {
    case RecordType.NoSessionContext:
      return payloadLen ? lenField(payloadLen) : 0;
    case RecordType.SessionContext: {
      const s = f.session;
      if (!s) return 0;
      let n = varintField(s.sessionId) + varintField(s.sequenceId) + varintField(s.expectedId) +
        varintField(s.retransmitId ?? 0) + varintField(s.payloadSarState ?? 0) + varintField(s.payloadrecSarState ?? 0);
      n += lenField(payloadLen);
      const extra = s.extraSegments;
      if (extra) for (let i = 0; i < extra.length; i++) n += lenField(extra[i]!.length);
      return n;
    }
    case RecordType.Disconnect:
      return optLen(f.reason) + (f.reasonCode ? 5 : 0);
    case RecordType.MqttConnect:
    case RecordType.StompConnect:
      return varintField(f.connectVersion ?? 0) + optLen(f.subscribed);
    default:
      return 0;
  }
}

function headLength(f: RecordFields): number {
  return optLen(f.version) + optLen(f.toId) + optLen(f.fromId) + varintField(f.payloadSecurity ?? 0) +
    optLen(f.macSignature) + optLen(f.senderCert);
}

/** Bytes `emitRecord` writes for `f`. With `payloadLen` given, the payload is that long. */
export function encodedRecordLength(f: RecordFields, payloadLen = payloadLength(f)): number {
  return headLength(f) + lenField(bodyLength(f, payloadLen));
}

function putBytes(out: Uint8Array, pos: number, tag: number, b: Uint8Array | string | undefined): number {
  if (typeof b === 'string') {
    if (b === '') return pos;
    out[pos++] = tag;
    pos = writeVarint(out, pos, utf8Length(b));
    return writeUtf8(b, out, pos);
  }
  if (!b || !b.length) return pos;
  out[pos++] = tag;
  pos = writeVarint(out, pos, b.length);
  out.set(b, pos);
  return pos + b.length;
}
function putVarint(out: Uint8Array, pos: number, tag: number, v: number): number {
  if (!v) return pos;
  out[pos++] = tag;
  return writeVarint(out, pos, v);
}

/**
 * Writes everything up to the payload bytes, which the caller then writes at the
 * returned offset (`payloadLen` of them); for record types without a payload the
 * returned offset is the end of the Record. Returns -1 if `out` is too small.
 */
export function emitRecordHead(out: Uint8Array, offset: number, f: RecordFields, payloadLen: number): number {
  if (out.length - offset < encodedRecordLength(f, payloadLen)) return -1;
  let p = putBytes(out, offset, 0x0a, f.version);
  p = putBytes(out, p, 0x12, f.toId);
  p = putBytes(out, p, 0x1a, f.fromId);
  p = putVarint(out, p, 0x20, f.payloadSecurity ?? 0);
  p = putBytes(out, p, 0x2a, f.macSignature);
  p = putBytes(out, p, 0x32, f.senderCert);
  out[p++] = (f.recordType << 3) | 2;
  p = writeVarint(out, p, bodyLength(f, payloadLen));
  switch (f.recordType) {
    case RecordType.NoSessionContext:
      if (payloadLen) { out[p++] = 0x12; p = writeVarint(out, p, payloadLen); }
      return p;
    case RecordType.SessionContext: {
      const s = f.session;
      if (!s) return p;
      p = putVarint(out, p, 0x08, s.sessionId);
      p = putVarint(out, p, 0x10, s.sequenceId);
      p = putVarint(out, p, 0x18, s.expectedId);
      p = putVarint(out, p, 0x20, s.retransmitId ?? 0);
      p = putVarint(out, p, 0x28, s.payloadSarState ?? 0);
      p = putVarint(out, p, 0x30, s.payloadrecSarState ?? 0);
      // Extra segments go after the main payload: the caller's bytes are written first.
      out[p++] = 0x3a;
      return writeVarint(out, p, payloadLen);
    }
    case RecordType.Disconnect:
      p = putBytes(out, p, 0x0a, f.reason);
      if (f.reasonCode) { out[p++] = 0x15; p = writeFixed32(out, p, f.reasonCode); }
      return p;
    case RecordType.MqttConnect:
    case RecordType.StompConnect:
      p = putVarint(out, p, 0x08, f.connectVersion ?? 0);
      return putBytes(out, p, 0x12, f.subscribed);
    default:
      return p;
  }
}

/** Writes the whole Record at `offset`; returns the offset after it, or -1 if `out` is too small. */
export function emitRecord(out: Uint8Array, offset: number, f: RecordFields): number {
  const len = payloadLength(f);
  let p = emitRecordHead(out, offset, f, len);
  if (p < 0) return -1;
  if (f.payload && len && (f.recordType === RecordType.NoSessionContext || f.recordType === RecordType.SessionContext)) {
    const from = f.payloadStart ?? 0;
    out.set(f.payload.subarray(from, from + len), p);
    p += len;
  }
  const extra = f.recordType === RecordType.SessionContext ? f.session?.extraSegments : undefined;
  if (extra) {
    for (let i = 0; i < extra.length; i++) { // each segment written, an empty one too (bodyLength counts it)
      const seg = extra[i]!;
      out[p++] = 0x3a;
      p = writeVarint(out, p, seg.length);
      out.set(seg, p);
      p += seg.length;
    }
  }
  return p;
}
