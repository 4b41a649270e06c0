/**
 * Responder: answers the one request being handled (RFC 7252 §5.2): piggybacked in
 * the ACK of a CON, as a NON to a NON (§5.2.3), echoing the request's token. It cuts
 * Block2 blocks from a large payload (RFC 7959 §2.4, stateless) and echoes Block1 on
 * block-wise uploads (§2.3); or it answers later, by a separate response (§5.2.2).
 * The server half of CoapEndpoint (endpoint.ts), which extends it; it extends the client
 * half (requester.ts): one object, no forwarders.
 *
 * Invariant: the response to a CON is cached in the request's dedup entry even when the
 * transmit ring is full, so a retransmitted request still gets it (RFC 7252 §4.5).
 */
import { blockNum, blockSize, blockSzx, encodeBlock } from './block.ts';
import { CoapCode, CoapOption, CoapType, NO_BYTES, type CoapConfig } from './constants.ts';
import { DedupTable, type DedupEntry } from './dedup.ts';
import type { CoapRequestFields } from './exchange.ts';
import { messageWriter } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { sendEmpty } from './reply.ts';
import { CoapSendError, Requester, type RandomSource } from './requester.ts';
import { SLOT_BYTES } from './transmit.ts';

const NONE: readonly string[] = Object.freeze([]);

/** A request whose answer comes later as a separate response (RFC 7252 §5.2.2). */
class DeferredRequest {
  peer: CoapPeer | null = null;
  readonly token = new Uint8Array(8);
  tokenLength = 0;
}

export class Responder extends Requester {
  /** The request being answered (CoapEndpoint.handleRequest sets it): its peer, null when none is (or it was answered); its type, Message ID, token and Block2 (−1: none). */
  protected peer: CoapPeer | null = null;
  protected type = 0;
  protected messageId = 0;
  protected readonly token = new Uint8Array(8);
  protected tokenLength = 0;
  /** Block1 value to echo (−1: none), the request's Block2 (−1: none). */
  protected block1 = -1;
  protected block2 = -1;
  /** The dedup entry of the message being handled (its response is cached there). */
  protected reqDedup: DedupEntry | null = null;
  /** Where a response goes when the ring is full (then it is only cached); allocated on first need. */
  private spare: Uint8Array = NO_BYTES;
  /** Requests answered later by separate responses (§5.2.2); built on first use, up to maxDeferred. */
  private readonly deferred: DeferredRequest[] = [];

  // Spelled out: the implicit one, super(...arguments), is beyond the Espruino build's Babel.
  constructor(random: RandomSource, config: CoapConfig) {
    super(random, config);
  }

  /**
   * Answers the request of the current Request event: piggybacked in the ACK of a CON,
   * or as a NON to a NON (RFC 7252 §5.2). `payload[s, e)` larger than one block is
   * served block-wise by Block2 (RFC 7959 §2.4, stateless: the block is cut from the
   * payload the caller regenerates for each request). `size1` ≥ 0 adds a Size1 option
   * (RFC 7959 §2.9.3).
   */
  respond(code: number, contentFormat: number, payload: Uint8Array | null, s: number, e: number, size1 = -1): void {
    const peer = this.peer;
    if (peer === null) return;
    this.peer = null;
    const queued = this.transmits.reserve();
    if (queued === null && this.spare.length === 0) this.spare = new Uint8Array(SLOT_BYTES);
    const out = queued ?? this.spare;
    const piggy = this.type === CoapType.Con;
    let bs = s;
    let be = e;
    const len = e - s;
    let b2 = -1;
    if (payload !== null && (this.block2 >= 0 || len > blockSize(this.config.preferredSzx))) {
      let szx = this.config.preferredSzx;
      let num = 0;
      if (this.block2 >= 0) {
        // §2.4: the client may ask for a smaller size; a larger one is answered with ours.
        const asked = blockSzx(this.block2);
        if (asked < szx) szx = asked;
        num = Math.floor(blockNum(this.block2) * blockSize(asked) / blockSize(szx));
      }
      const size = blockSize(szx);
      bs = s + num * size;
      if (bs > e || (bs === e && num > 0)) { code = CoapCode.BadOption; payload = null; } // block out of range
      else { be = bs + size < e ? bs + size : e; b2 = encodeBlock(num, be < e, szx); }
    }
    const w = messageWriter.begin(out, 0, piggy ? CoapType.Ack : CoapType.Non, code,
      piggy ? this.messageId : this.takeMessageId(), this.token, 0, this.tokenLength);
    if (payload !== null && len > 0 && contentFormat >= 0) w.optionUint(CoapOption.ContentFormat, contentFormat);
    if (b2 >= 0) w.optionUint(CoapOption.Block2, b2);
    if (this.block1 >= 0) w.optionUint(CoapOption.Block1, this.block1);
    if (b2 >= 0 && blockNum(b2) === 0) w.optionUint(CoapOption.Size2, len);
    if (size1 >= 0) w.optionUint(CoapOption.Size1, size1);
    if (payload !== null) w.payload(payload, bs, be);
    const n = w.finish();
    if (n < 0) return;
    if (queued !== null) this.transmits.commit(peer, n);
    if (piggy && this.reqDedup !== null) DedupTable.cache(this.reqDedup, out, 0, n);
  }

  /**
   * Answers the current request later (RFC 7252 §5.2.2): ACKs a CON now (the ACK cached
   * for its duplicates) and returns a ticket > 0 for `respondSeparately`, or −1 when all
   * `maxDeferred` tickets are taken or no request is being handled.
   */
  deferResponse(): number {
    let i = 0;
    while (i < this.deferred.length && this.deferred[i]!.peer !== null) i++;
    if (i === this.deferred.length) {
      if (i >= this.config.maxDeferred) return -1;
      this.deferred.push(new DeferredRequest());
    }
    const peer = this.peer;
    if (peer === null) return -1;
    this.peer = null;
    const d = this.deferred[i]!;
    d.peer = peer;
    d.tokenLength = this.tokenLength;
    for (let k = 0; k < this.tokenLength; k++) d.token[k] = this.token[k]!;
    if (this.type === CoapType.Con) sendEmpty(this.transmits, peer, CoapType.Ack, this.messageId, this.reqDedup);
    peer.busy++; // keeps the peer record from eviction until the answer goes out
    return i + 1;
  }

  /**
   * Sends the separate response for `ticket` as a CON with the request's token, retransmitted
   * like a request; its outcome is a Response event with code 0 once ACKed, or Failed.
   * The payload must fit one message. Returns the exchange handle or a CoapSendError.
   */
  respondSeparately(now: number, ticket: number, code: number, contentFormat: number, payload: Uint8Array | null, s: number, e: number): number {
    const d = this.deferred[ticket - 1];
    if (d === undefined || d.peer === null) return CoapSendError.QueueFull;
    const peer = d.peer;
    d.peer = null;
    peer.busy--;
    const fields: CoapRequestFields = { method: code, uriPath: NONE, uriQuery: NONE, contentFormat };
    return this.sendRequest(now, peer, fields, payload, s, e, d.token, d.tokenLength);
  }
}
