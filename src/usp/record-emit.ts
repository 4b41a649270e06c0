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

function payloadLength(f: RecordFields): number {
  return f.payload ? (f.payloadEnd ?? f.payload.length) - (f.payloadStart ?? 0) : 0;
}

/*
 * Every put… writes at `p` of `out` and returns the position after what it wrote; with
 * `out` null it only counts. One code path gives both the length and the bytes, so they
 * cannot disagree.
 */

/** A tag and a varint: a length prefix, or a varint field's value. */
function putLen(out: Uint8Array | null, p: number, tag: number, n: number): number {
  if (out === null) return p + 1 + varintLength(n);
  out[p] = tag;
  return writeVarint(out, p + 1, n);
}

/** A varint field; proto3 leaves out 0. */
function putVarint(out: Uint8Array | null, p: number, tag: number, v: number): number {
  return v ? putLen(out, p, tag, v) : p;
}

/** A bytes / string field (UTF-8 from the text); proto3 leaves out an empty one. */
function putBytes(out: Uint8Array | null, p: number, tag: number, b: Uint8Array | string | undefined): number {
  const n = typeof b === 'string' ? utf8Length(b) : b ? b.length : 0;
  if (n === 0) return p;
  p = putLen(out, p, tag, n);
  if (out === null) return p + n;
  if (typeof b === 'string') return writeUtf8(b, out, p);
  out.set(b!, p);
  return p + n;
}

/** The fields before record_type: version, to_id, from_id, payload_security, mac_signature, sender_cert. */
function putHead(out: Uint8Array | null, p: number, f: RecordFields): number {
  p = putBytes(out, p, 0x0a, f.version);
  p = putBytes(out, p, 0x12, f.toId);
  p = putBytes(out, p, 0x1a, f.fromId);
  p = putVarint(out, p, 0x20, f.payloadSecurity ?? 0);
  p = putBytes(out, p, 0x2a, f.macSignature);
  return putBytes(out, p, 0x32, f.senderCert);
}

/**
 * The record_type member's body up to its payload bytes, which the caller writes; counted
 * (`out` null), the whole body: the payload as `payloadLen` bytes and the extra segments.
 */
function putBody(out: Uint8Array | null, p: number, f: RecordFields, payloadLen: number): number {
  switch (f.recordType) {
    case RecordType.NoSessionContext:
      return payloadLen ? putLen(out, p, 0x12, payloadLen) + (out === null ? payloadLen : 0) : p;
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
      p = putLen(out, p, 0x3a, payloadLen);
      if (out !== null) return p;
      p += payloadLen;
      const extra = s.extraSegments;
      if (extra) for (let i = 0; i < extra.length; i++) p = putLen(null, p, 0x3a, extra[i]!.length) + extra[i]!.length;
      return p;
    }
    case RecordType.Disconnect:
      p = putBytes(out, p, 0x0a, f.reason);
      if (!f.reasonCode) return p;
      if (out === null) return p + 5;
      out[p] = 0x15;
      return writeFixed32(out, p + 1, f.reasonCode);
    case RecordType.MqttConnect:
    case RecordType.StompConnect:
      p = putVarint(out, p, 0x08, f.connectVersion ?? 0);
      return putBytes(out, p, 0x12, f.subscribed);
    default:
      return p;
  }
}

/** Bytes `emitRecord` writes for `f`. With `payloadLen` given, the payload is that long. */
export function encodedRecordLength(f: RecordFields, payloadLen = payloadLength(f)): number {
  const body = putBody(null, 0, f, payloadLen);
  return putLen(null, putHead(null, 0, f), 0, body) + body;
}

/**
 * Writes everything up to the payload bytes, which the caller then writes at the
 * returned offset (`payloadLen` of them); for record types without a payload the
 * returned offset is the end of the Record. Returns -1 if `out` is too small.
 */
export function emitRecordHead(out: Uint8Array, offset: number, f: RecordFields, payloadLen: number): number {
  const body = putBody(null, 0, f, payloadLen);
  if (out.length < putLen(null, putHead(null, offset, f), 0, body) + body) return -1;
  return putBody(out, putLen(out, putHead(out, offset, f), (f.recordType << 3) | 2, body), f, payloadLen);
}

/** Writes the whole Record at `offset`; returns the offset after it, or -1 if `out` is too small. */
export function emitRecord(out: Uint8Array, offset: number, f: RecordFields): number {
  const len = payloadLength(f);
  let p = emitRecordHead(out, offset, f, len);
  if (p < 0) return -1;
  const type = f.recordType;
  if (f.payload && len && (type === RecordType.NoSessionContext || type === RecordType.SessionContext)) {
    const from = f.payloadStart ?? 0;
    out.set(f.payload.subarray(from, from + len), p);
    p += len;
  }
  const extra = type === RecordType.SessionContext ? f.session?.extraSegments : undefined;
  if (extra) {
    for (let i = 0; i < extra.length; i++) { // each segment written, an empty one too (putBody counts it)
      const seg = extra[i]!;
      p = putLen(out, p, 0x3a, seg.length);
      out.set(seg, p);
      p += seg.length;
    }
  }
  return p;
}
