/**
 * Responder: answers the one request being handled (RFC 7252 §5.2): piggybacked in
 * the ACK of a CON, as a NON to a NON (§5.2.3), echoing the request's token. It cuts
 * Block2 blocks from a large payload (RFC 7959 §2.4, stateless) and echoes Block1 on
 * block-wise uploads (§2.3).
 *
 * Invariant: the response to a CON is cached in the request's dedup entry even when the
 * transmit ring is full, so a retransmitted request still gets it (RFC 7252 §4.5).
 */
import { blockNum, blockSize, blockSzx, encodeBlock } from './block.ts';
import { CoapCode, CoapOption, CoapType, NO_BYTES } from './constants.ts';
import { DedupTable, type DedupEntry } from './dedup.ts';
import type { CoapMessageView } from './message-view.ts';
import { messageWriter } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { sendEmpty } from './reply.ts';
import { SLOT_BYTES, type TransmitQueue } from './transmit.ts';
import type { MessageIds } from './requester.ts';

/** A request whose answer comes later as a separate response (RFC 7252 §5.2.2). */
export class DeferredRequest {
  peer: CoapPeer | null = null;
  readonly token = new Uint8Array(8);
  tokenLength = 0;
}

export class Responder {
  peer: CoapPeer | null = null;
  private type = 0;
  private messageId = 0;
  private readonly token = new Uint8Array(8);
  private tokenLength = 0;
  /** Block1 value to echo (−1: none), the request's Block2 (−1: none). */
  block1 = -1;
  private block2 = -1;
  private dedup: DedupEntry | null = null;
  /** Where a response goes when the ring is full (then it is only cached); allocated on first need. */
  private spare: Uint8Array = NO_BYTES;

  constructor(
    private readonly transmits: TransmitQueue,
    private readonly preferredSzx: number,
    private readonly ids: MessageIds,
  ) {}

  /** Takes the request in `v` from `peer` as the one to answer. */
  begin(v: CoapMessageView, peer: CoapPeer, dedup: DedupEntry | null): void {
    this.peer = peer;
    this.type = v.type;
    this.messageId = v.messageId;
    this.tokenLength = v.tokenLength;
    for (let k = 0; k < v.tokenLength; k++) this.token[k] = v.buf[v.tokenStart + k]!;
    this.block1 = -1;
    this.block2 = v.uintOption(CoapOption.Block2, -1);
    this.dedup = dedup;
  }

  /**
   * Defers the answer (RFC 7252 §5.2.2): an empty ACK now for a CON (cached for its
   * duplicates), and the request's peer and token kept in `into` for the separate response.
   * Returns the peer, or null when no request is being handled.
   */
  defer(into: DeferredRequest): CoapPeer | null {
    const peer = this.peer;
    if (peer === null) return null;
    this.peer = null;
    into.peer = peer;
    into.tokenLength = this.tokenLength;
    for (let k = 0; k < this.tokenLength; k++) into.token[k] = this.token[k]!;
    if (this.type === CoapType.Con) sendEmpty(this.transmits, peer, CoapType.Ack, this.messageId, this.dedup);
    return peer;
  }

  /** Answers with `code`, an optional payload `payload[s, e)` and, when ≥ 0, a Size1 option (RFC 7959 §2.9.3). */
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
    if (payload !== null && (this.block2 >= 0 || len > blockSize(this.preferredSzx))) {
      let szx = this.preferredSzx;
      let num = 0;
      if (this.block2 >= 0) {
        // §2.4: the client may ask for a smaller size; a larger one is answered with ours.
        if (blockSzx(this.block2) < szx) szx = blockSzx(this.block2);
        num = Math.floor(blockNum(this.block2) * blockSize(blockSzx(this.block2)) / blockSize(szx));
      }
      bs = s + num * blockSize(szx);
      if (bs > e || (bs === e && num > 0)) { code = CoapCode.BadOption; payload = null; } // block out of range
      else { be = bs + blockSize(szx) < e ? bs + blockSize(szx) : e; b2 = encodeBlock(num, be < e, szx); }
    }
    const w = messageWriter.begin(out, 0, piggy ? CoapType.Ack : CoapType.Non, code,
      piggy ? this.messageId : this.ids.takeMessageId(), this.token, 0, this.tokenLength);
    if (payload !== null && len > 0 && contentFormat >= 0) w.optionUint(CoapOption.ContentFormat, contentFormat);
    if (b2 >= 0) w.optionUint(CoapOption.Block2, b2);
    if (this.block1 >= 0) w.optionUint(CoapOption.Block1, this.block1);
    if (b2 >= 0 && blockNum(b2) === 0) w.optionUint(CoapOption.Size2, len);
    if (size1 >= 0) w.optionUint(CoapOption.Size1, size1);
    if (payload !== null) w.payload(payload, bs, be);
    const n = w.finish();
    if (n < 0) return;
    if (queued !== null) this.transmits.commit(peer, n);
    if (piggy && this.dedup !== null) DedupTable.cache(this.dedup, out, 0, n);
  }
}
