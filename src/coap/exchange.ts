/**
 * ClientExchange: one request of ours from first transmission to its final response
 * (RFC 7252 §4.2 CON retransmission, §5.2 piggybacked/separate responses; RFC 7959
 * Block1 sending §2.5 and Block2 following §2.4).
 *
 * States: Free → Queued (behind NSTART=1, §4.7) → Sent (CON awaiting ACK) →
 * Waiting (empty ACK seen, separate response pending) → Free. Every block of a
 * block-wise transfer is a new CON with a new Message ID and the same token.
 * The request body is the caller's bytes, not copied: keep them unchanged until the
 * Response/Failed event.
 */
import { CoapOption, CoapType, NO_BYTES } from './constants.ts';
import { blockSize, encodeBlock, grownBuffer } from './block.ts';
import { messageWriter } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { SLOT_BYTES } from './transmit.ts';

export const ExchangeState = { Free: 0, Queued: 1, Sent: 2, Waiting: 3 } as const;
export type ExchangeState = (typeof ExchangeState)[keyof typeof ExchangeState];

/** What a request carries (the caller keeps these unchanged until the outcome). */
export interface CoapRequestFields {
  readonly method: number;
  /** Uri-Path segments, e.g. ['usp'] (RFC 7252 §6.4). */
  readonly uriPath: readonly string[];
  /** Uri-Query values, e.g. ['reply-to=coap://…'] (RFC 7252 §6.4). */
  readonly uriQuery: readonly string[];
  /** Content-Format of the body, or −1 for none. */
  readonly contentFormat: number;
}

export class ClientExchange {
  state: ExchangeState = ExchangeState.Free;
  handle = 0;
  peer: CoapPeer | null = null;
  request: CoapRequestFields | null = null;
  body: Uint8Array | null = null;
  bodyStart = 0;
  bodyEnd = 0;
  readonly token = new Uint8Array(8);
  tokenLength = 0;
  messageId = 0;
  /** The encoded current message; allocated when the slot is first used, then kept. */
  message: Uint8Array = NO_BYTES;
  messageLength = 0;
  retransmits = 0;
  timeoutMs = 0;
  deadline = Infinity;
  /** Block1: whether the body goes block-wise, the current SZX and the current block's offset. */
  block1 = false;
  szx = 6;
  offset = 0;
  /** Block2 following: the next NUM to ask for (0 = not following) and its SZX. */
  block2Num = 0;
  block2Szx = 6;
  /** A separate response of ours (RFC 7252 §5.2.2): done when ACKed, never answered. */
  separateResponse = false;
  /** Response body gathered from Block2 blocks. */
  received: Uint8Array = NO_BYTES;
  receivedLength = 0;

  reset(): void {
    this.state = ExchangeState.Free;
    this.peer = null;
    this.request = null;
    this.body = null;
    this.deadline = Infinity;
    this.block1 = false;
    this.block2Num = 0;
    this.receivedLength = 0;
    this.separateResponse = false;
  }

  /** End of the current Block1 block (or of the body when not block-wise). */
  blockEnd(): number {
    if (!this.block1) return this.bodyEnd;
    const e = this.bodyStart + this.offset + blockSize(this.szx);
    return e < this.bodyEnd ? e : this.bodyEnd;
  }

  /** Encodes the current request message (new Message ID given); returns false if it does not fit. */
  encode(messageId: number): boolean {
    const r = this.request!;
    if (this.message.length === 0) this.message = new Uint8Array(SLOT_BYTES);
    this.messageId = messageId;
    const w = messageWriter.begin(this.message, 0, CoapType.Con, r.method, messageId, this.token, 0, this.tokenLength);
    for (let i = 0; i < r.uriPath.length; i++) w.optionString(CoapOption.UriPath, r.uriPath[i]!);
    const sendsBody = this.block2Num === 0 && this.body !== null && this.bodyEnd > this.bodyStart;
    if (sendsBody && r.contentFormat >= 0) w.optionUint(CoapOption.ContentFormat, r.contentFormat);
    for (let i = 0; i < r.uriQuery.length; i++) w.optionString(CoapOption.UriQuery, r.uriQuery[i]!);
    if (this.block2Num > 0) w.optionUint(CoapOption.Block2, encodeBlock(this.block2Num, false, this.block2Szx));
    const s = this.bodyStart + this.offset;
    const e = this.blockEnd();
    if (sendsBody && this.block1) {
      const num = this.offset / blockSize(this.szx);
      w.optionUint(CoapOption.Block1, encodeBlock(num, e < this.bodyEnd, this.szx));
      // RFC 7959 §4: Size1 tells the server the whole size up front (lets it answer 4.13 at once).
      if (num === 0) w.optionUint(CoapOption.Size1, this.bodyEnd - this.bodyStart);
    }
    if (sendsBody) w.payload(this.body!, s, e);
    const len = w.finish();
    if (len < 0) return false;
    this.messageLength = len;
    return true;
  }

  /** Appends a Block2 block at `offset`; false when out of step or over `max` (RFC 7959 §2.4). */
  appendBlock2(offset: number, src: Uint8Array, s: number, e: number, max: number): boolean {
    const total = this.receivedLength + (e - s);
    if (offset !== this.receivedLength || total > max) return false;
    this.received = grownBuffer(this.received, this.receivedLength, total, max);
    this.received.set(src.subarray(s, e), this.receivedLength);
    this.receivedLength = total;
    return true;
  }
}
