/**
 * Outgoing Records (TR-369 "USP Record", R-E2E.26, R-MSG.0a, R-MSG.4, AGENT-REQUIREMENTS
 * §1.3, §1.8): wraps payloads in no_session_context Records from our Endpoint ID,
 * queues responses for the origin they answer, and remembers which requests are
 * queued but not yet handed to the MTP so a duplicate msg_id can be ignored.
 *
 * Invariants: at most `capacity` responses wait (more are refused and counted);
 * a response larger than `maxRecordBytes` is replaced by Error 7005; Records are written
 * with the version and to_id as text (no bytes kept per Controller); the UTF-8 bytes of
 * an MTP peer's Endpoint ID (`encoded`, compared with a Record's from_id) are cached, bounded.
 */
import { DmError } from '../dm/index.ts';
import { emitRecord, emitRecordHead, encodedRecordLength, encodeMsg, errorMsg, RecordType, utf8Bytes, type MsgInit, type RecordFields } from '../usp/index.ts';
import type { MtpOrigin, Transmit } from './types.ts';

const MAX_CACHED_IDS = 32;
/** A Msg length whose varint is as wide as any response's (4 bytes: < 256 MiB): the room left for a Record's head. */
const LONGEST_MSG = 0x0fffffff;

export class Outbox {
  /** Responses refused because the queue was full. */
  dropped = 0;
  private readonly queue: { t: Transmit; key: string }[] = [];
  /** R-MSG.4: fromId + NUL + msgId of requests whose response is still queued. */
  private readonly unanswered = new Set<string>();
  private readonly idBytes = new Map<string, Uint8Array>();

  constructor(private readonly ownId: Uint8Array, private readonly capacity: number, private readonly maxRecordBytes: number) {}

  get size(): number { return this.queue.length; }

  /** UTF-8 of an Endpoint ID or version (cached; Controllers are few). */
  encoded(s: string): Uint8Array {
    let b = this.idBytes.get(s);
    if (b === undefined) {
      if (this.idBytes.size >= MAX_CACHED_IDS) this.idBytes.clear();
      b = utf8Bytes(s);
      this.idBytes.set(s, b);
    }
    return b;
  }

  private emit(fields: RecordFields): Uint8Array {
    const bytes = new Uint8Array(encodedRecordLength(fields));
    emitRecord(bytes, 0, fields);
    return bytes;
  }

  /** A no_session_context Record carrying `payload` to `toId` (R-E2E.26). */
  record(toId: string, version: string, payload: Uint8Array): Uint8Array {
    return this.emit({ version, toId, fromId: this.ownId, recordType: RecordType.NoSessionContext, payload });
  }

  /** A DisconnectRecord (R-E2E.6a: reason_code 7106 for session_context). */
  disconnect(origin: MtpOrigin, toId: string, version: string, reasonCode: number, reason: string): void {
    const bytes = this.emit({
      version, toId, fromId: this.ownId, recordType: RecordType.Disconnect,
      reason: utf8Bytes(reason), reasonCode,
    });
    this.push({ bytes, origin, endpointId: toId, handle: 0 }, '');
  }

  /**
   * A no_session_context Record carrying `msg` to `toId`, the Msg encoded in place behind
   * the Record's head: one buffer, no copy of the Msg (a 6 KB GetSupportedDM response was
   * held twice: Class 2's chunk heap, #13 item 3).
   */
  private recordOf(toId: string, version: string, msg: MsgInit): Uint8Array {
    const fields: RecordFields = { version, toId, fromId: this.ownId, recordType: RecordType.NoSessionContext };
    const room = encodedRecordLength(fields, LONGEST_MSG) - LONGEST_MSG; // the head with the widest length varints
    const buf = encodeMsg(msg, room);
    const len = buf.length - room;
    const start = room - (encodedRecordLength(fields, len) - len);
    emitRecordHead(buf, start, fields, len);
    return buf.subarray(start);
  }

  /** Queues the response to request `msgId` of `toId`, back to `origin` (R-MSG.0a). */
  respond(origin: MtpOrigin, toId: string, version: string, msgId: string, msg: MsgInit): void {
    let bytes = this.recordOf(toId, version, msg);
    if (bytes.length > this.maxRecordBytes) { // §1.15 7005: the answer does not fit the MTP
      bytes = this.recordOf(toId, version, errorMsg(msgId, DmError.ResourcesExceeded, `response of ${bytes.length} bytes exceeds ${this.maxRecordBytes}`));
    }
    const key = toId + '\u0000' + msgId;
    if (this.push({ bytes, origin, endpointId: toId, handle: 0 }, key)) this.unanswered.add(key);
  }

  /** R-MSG.4: a request with this msg_id from this Controller is still waiting for its response. */
  pending(fromId: string, msgId: string): boolean {
    return this.unanswered.has(fromId + '\u0000' + msgId);
  }

  private push(t: Transmit, key: string): boolean {
    if (this.queue.length >= this.capacity) { this.dropped++; return false; }
    this.queue.push({ t, key });
    return true;
  }

  /** The oldest queued response, or null. */
  next(): Transmit | null {
    const r = this.queue.shift();
    if (r === undefined) return null;
    this.unanswered.delete(r.key);
    return r.t;
  }
}
