/**
 * RecordView — a USP Record (usp-record.proto, TR-369 §"USP Record", AGENT-REQUIREMENTS
 * §1.3/§3.1) parsed in place over bytes the caller owns (house style rule 4).
 *
 * `wrap(buf, start, end)` validates the whole Record once and re-points the single
 * instance made at start-up; every variable field becomes an offset/length pair into
 * `buf`, compared in place (`toIdEquals`, `fromIdEquals`). Nothing is allocated: no
 * strings, no subarrays, no objects (proved in XS by test/xs/record-view.xs.test.ts).
 *
 * Invariants after `wrap` returned RecordError.Ok: every …Start/…Len pair lies inside
 * [start, end); version is "Major.Minor"; to_id, from_id and exactly one record_type
 * member are present (§Record, R-ENC.3); enums are known (R-ENC.2); uint64 session
 * fields are exposed as 32-bit halves and as numbers when ≤ 2^53 − 1. After an error,
 * the fields read before the failure stay valid, so `canReply` can apply R-MTP.5.
 */
import { RecordError } from './errors.ts';
import { bytesEqual, WireReader, WireType } from './wire.ts';

/** record_type members, numbered as their field numbers in usp-record.proto. */
export const RecordType = {
  None: 0,
  NoSessionContext: 7,
  SessionContext: 8,
  WebSocketConnect: 9,
  MqttConnect: 10,
  StompConnect: 11,
  Disconnect: 12,
  UdsConnect: 13,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const PayloadSecurity = { Plaintext: 0, Tls12: 1 } as const;
export const PayloadSarState = { None: 0, Begin: 1, InProcess: 2, Complete: 3 } as const;

export interface RecordViewConfig {
  /** Largest Record accepted, in bytes. */
  readonly maxRecordBytes: number;
  /** Largest version / to_id / from_id / reason / topic, in bytes. */
  readonly maxFieldBytes: number;
  /** Accept session_context Records (E2E sessions, §1.4); when false → 7106 (R-E2E.6a). */
  readonly sessionContext: boolean;
}

export function createRecordViewConfig(overrides: Partial<RecordViewConfig> = {}): RecordViewConfig {
  return Object.freeze({ maxRecordBytes: 65536, maxFieldBytes: 256, sessionContext: false, ...overrides });
}

const DEFAULT_CONFIG = createRecordViewConfig();

/**
 * WireError 1–4 (Truncated, VarintTooLong, LengthPastEnd, BadTag) are RecordError 1–4
 * (BadTag reads as WireType): a reader's error is the Record's, no mapping function.
 */

export class RecordView {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  versionStart = 0; versionLen = 0;
  /** Parsed "Major.Minor" (valid after Ok). */
  versionMajor = 0; versionMinor = 0;
  toIdStart = 0; toIdLen = 0;
  fromIdStart = 0; fromIdLen = 0;
  payloadSecurity = 0;
  macSignatureStart = 0; macSignatureLen = 0;
  senderCertStart = 0; senderCertLen = 0;
  recordType: RecordType = RecordType.None;
  /** no_session_context payload, or the first session_context payload segment. */
  payloadStart = 0; payloadLen = 0;
  /** Number of payload segments (1 for no_session_context when non-empty). */
  payloadCount = 0;
  /** session_context uint64 fields as unsigned 32-bit halves. */
  sessionIdHi = 0; sessionIdLo = 0;
  sequenceIdHi = 0; sequenceIdLo = 0;
  expectedIdHi = 0; expectedIdLo = 0;
  retransmitIdHi = 0; retransmitIdLo = 0;
  payloadSarState = 0; payloadrecSarState = 0;
  /** disconnect */
  reasonStart = 0; reasonLen = 0; reasonCode = 0;
  /** mqtt_connect / stomp_connect: version enum, subscribed_topic / subscribed_destination. */
  connectVersion = 0;
  subscribedStart = 0; subscribedLen = 0;
  /** Where the record_type member's body lies (used to iterate payload segments). */
  bodyStart = 0;
  bodyEnd = 0;
  /** Where `nextSegment` looks next; the reader `wrap` and the segment functions use. */
  segmentPos = 0;
  readonly r = new WireReader();

  constructor(private readonly config: RecordViewConfig = DEFAULT_CONFIG) {}

  /**
   * Parses and validates the Record in `buf[start, end)`; RecordError.Ok when usable.
   * First it resets what every Record sets and the previous record_type member's
   * fields: only the current member's fields are ever non-zero, even after a failed wrap.
   */
  wrap(buf: Uint8Array, start: number, end: number): RecordError {
    this.buf = buf;
    this.start = start;
    this.end = end;
    const prev = this.recordType;
    if (prev === RecordType.SessionContext) {
      this.sessionIdHi = this.sessionIdLo = this.sequenceIdHi = this.sequenceIdLo = 0;
      this.expectedIdHi = this.expectedIdLo = this.retransmitIdHi = this.retransmitIdLo = 0;
      this.payloadSarState = this.payloadrecSarState = 0;
    } else if (prev > RecordType.SessionContext) { // websocket/mqtt/stomp/uds_connect, disconnect
      this.reasonLen = this.reasonCode = this.connectVersion = this.subscribedLen = 0;
    }
    this.versionLen = this.toIdLen = this.fromIdLen = this.macSignatureLen = this.senderCertLen = 0;
    this.payloadSecurity = 0;
    this.recordType = RecordType.None;
    this.payloadLen = this.payloadCount = 0;
    const config = this.config;
    if (end - start > config.maxRecordBytes) return RecordError.TooLarge;
    const r = this.r;
    const maxField = config.maxFieldBytes;
    r.reset(buf, start, end);
    for (;;) {
      const tag = r.tag();
      if (tag === 0) break;
      if (tag < 0) return r.error;
      const field = tag >>> 3;
      if (field > 13) {
        if (!r.skip(tag)) return r.error;
        continue;
      }
      if (field === 4) {
        if ((tag & 7) !== WireType.Varint) return RecordError.WireType;
        if (!r.varint()) return r.error;
        if (r.hi !== 0 || r.lo > 1) return RecordError.UnknownEnum;
        this.payloadSecurity = r.lo;
        continue;
      }
      if ((tag & 7) !== WireType.Len) return RecordError.WireType;
      const len = r.length();
      if (len < 0) return r.error;
      const at = r.pos;
      r.pos += len;
      if (field <= 3 && len > maxField) return RecordError.FieldTooLong;
      if (field === 1) { this.versionStart = at; this.versionLen = len; }
      else if (field === 2) { this.toIdStart = at; this.toIdLen = len; }
      else if (field === 3) { this.fromIdStart = at; this.fromIdLen = len; }
      else if (field === 5) { this.macSignatureStart = at; this.macSignatureLen = len; }
      else if (field === 6) { this.senderCertStart = at; this.senderCertLen = len; }
      else {
        if (this.recordType !== RecordType.None) return RecordError.MultipleRecordTypes;
        this.recordType = field as RecordType;
        this.bodyStart = at;
        this.bodyEnd = at + len;
      }
    }
    if (this.versionLen === 0) return RecordError.MissingVersion;
    // §Record: version is "Major.Minor", both decimal digit runs.
    let major = -1;
    let n = 0;
    let digits = 0;
    for (let i = this.versionStart; i < this.versionStart + this.versionLen; i++) {
      const c = buf[i]!;
      if (c >= 48 && c <= 57) {
        if (++digits > 9) return RecordError.BadVersion;
        n = n * 10 + (c - 48);
      } else if (c === 46 && major < 0 && digits > 0) {
        major = n;
        n = 0;
        digits = 0;
      } else return RecordError.BadVersion;
    }
    if (major < 0 || digits === 0) return RecordError.BadVersion;
    this.versionMajor = major;
    this.versionMinor = n;
    if (this.toIdLen === 0) return RecordError.MissingToId;
    if (this.fromIdLen === 0) return RecordError.MissingFromId;
    // The record_type member's fields; unknown fields are skipped (§Unknown).
    const type = this.recordType;
    if (type === RecordType.None) return RecordError.MissingRecordType;
    if (type === RecordType.SessionContext && !this.config.sessionContext) return RecordError.SessionContextNotAllowed;
    if (this.payloadSecurity === PayloadSecurity.Tls12 && type !== RecordType.SessionContext) return RecordError.InvalidValue;
    r.reset(buf, this.bodyStart, this.bodyEnd);
    for (;;) {
      const tag = r.tag();
      if (tag === 0) break;
      if (tag < 0) return r.error;
      const field = tag >>> 3;
      const wt = tag & 7;
      let known = false;
      if (type === RecordType.NoSessionContext) known = field === 2;
      else if (type === RecordType.SessionContext) known = field <= 7;
      else if (type === RecordType.Disconnect || type === RecordType.MqttConnect || type === RecordType.StompConnect) known = field <= 2;
      if (!known) {
        if (!r.skip(tag)) return r.error;
        continue;
      }
      const wantLen = type === RecordType.NoSessionContext || field === 7 ||
        (field === 1 && type === RecordType.Disconnect) || (field === 2 && type !== RecordType.SessionContext && type !== RecordType.Disconnect);
      if (wantLen) {
        if (wt !== WireType.Len) return RecordError.WireType;
        const len = r.length();
        if (len < 0) return r.error;
        const at = r.pos;
        r.pos += len;
        if (field === 7 || type === RecordType.NoSessionContext) {
          if (type === RecordType.NoSessionContext) this.payloadCount = 0; // singular: last one wins
          if (this.payloadCount++ === 0) { this.payloadStart = at; this.payloadLen = len; }
        } else if (len > this.config.maxFieldBytes) return RecordError.FieldTooLong;
        else if (type === RecordType.Disconnect) { this.reasonStart = at; this.reasonLen = len; }
        else { this.subscribedStart = at; this.subscribedLen = len; }
        continue;
      }
      if (type === RecordType.Disconnect) { // reason_code: fixed32
        if (wt !== WireType.I32) return RecordError.WireType;
        const v = r.fixed32();
        if (v < 0) return r.error;
        this.reasonCode = v;
        continue;
      }
      if (wt !== WireType.Varint) return RecordError.WireType;
      if (!r.varint()) return r.error;
      const hi = r.hi;
      const lo = r.lo;
      if (type !== RecordType.SessionContext) { // connect version enum
        if (hi !== 0 || lo > (type === RecordType.MqttConnect ? 1 : 0)) return RecordError.UnknownEnum;
        this.connectVersion = lo;
      } else if (field === 1) { this.sessionIdHi = hi; this.sessionIdLo = lo; }
      else if (field === 2) { this.sequenceIdHi = hi; this.sequenceIdLo = lo; }
      else if (field === 3) { this.expectedIdHi = hi; this.expectedIdLo = lo; }
      else if (field === 4) { this.retransmitIdHi = hi; this.retransmitIdLo = lo; }
      else if (hi !== 0 || lo > 3) return RecordError.UnknownEnum;
      else if (field === 5) this.payloadSarState = lo;
      else this.payloadrecSarState = lo;
    }
    if (type === RecordType.NoSessionContext && this.payloadLen === 0) return RecordError.EmptyPayload;
    return RecordError.Ok;
  }


  /** R-E2E.1: true when to_id equals `encoded` (the UTF-8 bytes of our Endpoint ID). */
  toIdEquals(encoded: Uint8Array): boolean {
    return bytesEqual(this.buf, this.toIdStart, this.toIdLen, encoded);
  }

  fromIdEquals(encoded: Uint8Array): boolean {
    return bytesEqual(this.buf, this.fromIdStart, this.fromIdLen, encoded);
  }

  /**
   * R-MTP.5 (the Record part): after a failed `wrap`, a reply is possible only when
   * from_id was read, to_id was read and is ours. The caller still checks that from_id
   * is a known controller with a return path, and that the payload is a Request whose
   * msg_id can be extracted.
   */
  canReply(ownId: Uint8Array): boolean {
    return this.fromIdLen > 0 && this.toIdLen > 0 && this.toIdEquals(ownId);
  }
}

/**
 * A session_context uint64 (`uint64(v.sessionIdHi, v.sessionIdLo)`) as a number, or -1
 * when it exceeds 2^53 − 1. Functions, not methods or getters: the agent refuses E2E
 * sessions (R-E2E.6a), so a build that never reads them carries none of this (#13 item 4).
 */
export function uint64(hi: number, lo: number): number {
  return hi < 0x200000 ? hi * 4294967296 + lo : -1;
}

/**
 * Iterates session_context payload segments without allocating: `firstSegment(v)` then
 * `nextSegment(v)` while true; each sets v.payloadStart/payloadLen.
 */
export function firstSegment(v: RecordView): boolean {
  v.segmentPos = v.bodyStart;
  return nextSegment(v);
}

export function nextSegment(v: RecordView): boolean {
  if (v.recordType !== RecordType.SessionContext) return false;
  const r = v.r;
  r.reset(v.buf, v.segmentPos, v.bodyEnd);
  for (;;) {
    const tag = r.tag();
    if (tag <= 0) return false; // validated by wrap: 0 = end
    if (tag === ((7 << 3) | WireType.Len)) {
      const len = r.length();
      v.payloadStart = r.pos;
      v.payloadLen = len;
      v.segmentPos = r.pos + len;
      return true;
    }
    r.skip(tag);
  }
}
