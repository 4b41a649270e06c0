/**
 * CoapEvent: what the endpoint reports to its user (the USP binding), from a fixed
 * ring of preallocated records. A Request event's `message` and body bytes stay valid
 * only until the next `handleDatagram` (they point into the datagram or a reassembly
 * buffer): drain events after every input (STYLE.md rule 6).
 */
import { NO_BYTES } from './constants.ts';
import type { CoapMessageView } from './message-view.ts';
import type { CoapPeer } from './peer.ts';

export const CoapEventKind = {
  /** A request for our resources: answer it with `respond()` before the next input. */
  Request: 1,
  /** The final response to one of our requests (any code). */
  Response: 2,
  /** One of our requests failed without a response (`failure` says why). */
  Failed: 3,
} as const;
export type CoapEventKind = (typeof CoapEventKind)[keyof typeof CoapEventKind];

/** Why a request of ours ended without a response (R-COAP.9). */
export const CoapFailure = {
  None: 0,
  /** MAX_RETRANSMIT exhausted, or no separate response in time (RFC 7252 §4.2). */
  Timeout: 1,
  /** The peer answered with RST (RFC 7252 §4.2). */
  Reset: 2,
  /** Block-wise transfer out of step or a response body larger than allowed (RFC 7959). */
  Protocol: 3,
  /** The datagram could not be sent to the peer (its name did not resolve, the network refused it). */
  Unreachable: 4,
  /** Gave its slot to a peer that answers (issue #16: slots are not held by silent peers). */
  Evicted: 5,
} as const;
export type CoapFailure = (typeof CoapFailure)[keyof typeof CoapFailure];

export class CoapEvent {
  kind: CoapEventKind = CoapEventKind.Request;
  /** Our request handle (Response/Failed). */
  handle = 0;
  peer: CoapPeer | null = null;
  /** Request method or response code. */
  code = 0;
  failure: CoapFailure = CoapFailure.None;
  /** The request (Request events only). */
  message: CoapMessageView | null = null;
  /** Body: `buf[start, end)` (the reassembled body for block-wise transfers). */
  buf: Uint8Array = NO_BYTES;
  start = 0;
  end = 0;
}

export class CoapEventQueue {
  /** Records are built on first use (an idle endpoint holds none: XS boot heap). */
  private readonly ring: (CoapEvent | null)[] = [];
  private head = 0;
  private count = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.ring.push(null);
  }

  /** The next free record to fill, or null when full (the caller then drops / fails). */
  push(): CoapEvent | null {
    if (this.count === this.ring.length) return null;
    const at = (this.head + this.count) % this.ring.length;
    let e = this.ring[at]!;
    if (e === null) { e = new CoapEvent(); this.ring[at] = e; }
    this.count++;
    e.message = null;
    e.failure = CoapFailure.None;
    return e;
  }

  poll(): CoapEvent | null {
    if (this.count === 0) return null;
    const at = this.head;
    const e = this.ring[at] as CoapEvent;
    this.count--;
    // Emptied: the next push takes record 0 or 1 (never the one just handed out, which
    // the caller may still read), so a drained-per-input queue builds two records, not
    // the whole ring (each is ≈ 17 XS slots and keeps its last datagram's bytes alive).
    this.head = this.count === 0 ? (at === 0 ? 1 : 0) : (at + 1) % this.ring.length;
    return e;
  }
}
