/**
 * Requester: the client half of a CoAP endpoint — our requests from first transmission
 * to outcome (RFC 7252 §4.2 retransmission with exponential back-off, §4.7 NSTART = 1
 * with a bounded queue, §5.2 piggybacked and separate responses; RFC 7959 §2.5 Block1
 * sending and §2.4 Block2 following).
 *
 * Invariants: at most one exchange per peer is Sent/Waiting; every Sent/Waiting
 * exchange has a finite deadline and every other one Infinity; every exchange ends in
 * exactly one Response or Failed event (unless the event ring is full).
 */
import { blockNum, blockSize, blockSzx } from './block.ts';
import { CoapCode, CoapOption, CoapType, maxTransmitWaitMs, NO_BYTES, type CoapConfig } from './constants.ts';
import type { DedupEntry } from './dedup.ts';
import { CoapEventKind, CoapEventQueue, CoapFailure } from './event.ts';
import { ClientExchange, ExchangeState, type CoapRequestFields } from './exchange.ts';
import { activeBesides, silentVictim } from './slot-policy.ts';
import type { CoapMessageView } from './message-view.ts';
import { copyBytes } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { sendEmpty } from './reply.ts';
import { TransmitQueue } from './transmit.ts';

/** Why `sendRequest` refused (negative, so any handle > 0 is a success). */
export const CoapSendError = { QueueFull: -1, TooBig: -2 } as const;

/** Fills `out` with random bytes (the platform's `randomBytes`; seeded in tests). */
export type RandomSource = (out: Uint8Array) => void;

/** Where an endpoint's Message IDs come from (RFC 7252 §4.4): the CoapEndpoint (a Requester). */
export interface MessageIds {
  takeMessageId(): number;
}

/**
 * The base of CoapEndpoint (endpoint.ts), which adds the server side: one class, so the
 * endpoint's commands and polls of the client half are these methods, not forwarders.
 */
export class Requester implements MessageIds {
  private readonly exchanges: ClientExchange[] = [];
  private readonly scratch = new Uint8Array(4);
  private nextHandle = 1;
  private nextMessageId: number;
  protected readonly events: CoapEventQueue;
  protected readonly transmits = new TransmitQueue(8);
  /**
   * RFC 7252 §4.8.2 MAX_TRANSMIT_WAIT (93 s by default): how long a separate response is
   * waited for after the empty ACK, and how long a Block1 reassembly waits for its next
   * block — a client retransmits one block for MAX_TRANSMIT_SPAN at most (§4.2), its
   * previous block's, then the next one's, so a transfer silent longer is dead;
   * EXCHANGE_LIFETIME (247 s) held half-open uploads for 4 minutes (issue #16).
   */
  protected readonly maxTransmitWait: number;

  constructor(private readonly random: RandomSource, readonly config: CoapConfig) {
    // Exchanges are built on first use, up to maxExchanges + maxQueuedRequests (XS boot heap).
    // Room for every exchange's outcome plus one request: one input never loses an event.
    this.events = new CoapEventQueue(config.maxExchanges + config.maxQueuedRequests + 1);
    this.maxTransmitWait = maxTransmitWaitMs(config);
    this.nextMessageId = this.random16(); // RFC 7252 §4.4: a random first Message ID
  }

  /**
   * Sends a CON request (bodies larger than one block go as Block1, RFC 7959 §2.5).
   * Returns a handle > 0 reported again in the Response/Failed event, or a CoapSendError.
   * NSTART = 1 (§4.7): a request to a peer with one outstanding waits in a bounded queue.
   * The body is not copied: keep it unchanged until the outcome. `token` is given for a
   * separate response only (CoapEndpoint.respondSeparately).
   */
  sendRequest(now: number, peer: CoapPeer, request: CoapRequestFields, body: Uint8Array | null, start: number, end: number,
    token: Uint8Array | null = null, tokenLength = 0): number {
    let ex: ClientExchange | null = null;
    let active = 0;
    let queued = 0;
    let peerBusy = false;
    for (let i = 0; i < this.exchanges.length; i++) {
      const x = this.exchanges[i]!;
      if (x.state === ExchangeState.Free) { if (ex === null) ex = x; continue; }
      if (x.state === ExchangeState.Queued) queued++; else active++;
      if (x.peer === peer) peerBusy = true;
    }
    if (ex === null && this.exchanges.length < this.config.maxExchanges + this.config.maxQueuedRequests) {
      ex = new ClientExchange();
      this.exchanges.push(ex);
    }
    const startNow = !peerBusy && active < this.config.maxExchanges;
    // A peer that answers may take the queue place of one that never did (issue #16).
    const queuedVictim = !startNow && queued >= this.config.maxQueuedRequests && peer.answered ? silentVictim(this.exchanges, ExchangeState.Queued) : null;
    if (queuedVictim !== null) { // an answering peer takes the queue place of one that never answered
      this.end(now, queuedVictim, CoapFailure.Evicted);
      queued--;
      if (ex === null) ex = queuedVictim;
    }
    if (ex === null) return CoapSendError.QueueFull;
    if (!startNow && queued >= this.config.maxQueuedRequests) return CoapSendError.QueueFull;
    ex.handle = this.nextHandle++;
    ex.peer = peer;
    ex.request = request;
    ex.body = body;
    ex.bodyStart = start;
    ex.bodyEnd = end;
    ex.szx = this.config.preferredSzx;
    ex.block1 = body !== null && end - start > blockSize(ex.szx);
    ex.offset = 0;
    ex.block2Szx = this.config.preferredSzx;
    if (token === null) {
      this.random(this.scratch);
      ex.token.set(this.scratch);
      ex.tokenLength = 4;
    } else {
      // A separate response carries the request's token (§5.2.2) and must fit one message.
      for (let k = 0; k < tokenLength; k++) ex.token[k] = token[k]!;
      ex.tokenLength = tokenLength;
      ex.separateResponse = true;
      if (ex.block1) { ex.reset(); return CoapSendError.TooBig; }
    }
    if (!ex.encode(0)) { ex.reset(); return CoapSendError.TooBig; }
    peer.busy++;
    ex.state = ExchangeState.Queued;
    const handle = ex.handle;
    if (startNow) this.next(now, ex);
    else if (peer.answered) this.rebalance(now);
    return handle;
  }

  /**
   * While a request to a peer that answers waits only for a free slot, the oldest exchange
   * to a peer that never answered gives way (slot-policy.ts); `finish` hands the slot to
   * the queue, answering peers first.
   */
  private rebalance(now: number): void {
    for (let i = 0; i < this.exchanges.length; i++) {
      const x = this.exchanges[i]!;
      if (x.state !== ExchangeState.Queued || !x.peer!.answered || activeBesides(this.exchanges, x.peer!) < 0) continue;
      const victim = silentVictim(this.exchanges, ExchangeState.Sent);
      if (victim === null) return;
      this.end(now, victim, CoapFailure.Evicted);
      i = -1; // the eviction may have started queued requests: look again from the start
    }
  }

  handleTimeout(now: number): void {
    for (let i = 0; i < this.exchanges.length; i++) {
      const ex = this.exchanges[i]!;
      if (ex.deadline > now) continue;
      if (ex.state === ExchangeState.Sent && ex.retransmits < this.config.maxRetransmit) {
        // §4.2: retransmit, doubling the timeout each time.
        ex.retransmits++;
        ex.timeoutMs *= 2;
        ex.deadline = now + ex.timeoutMs;
        this.queueMessage(ex);
      } else if (ex.state === ExchangeState.Sent || ex.state === ExchangeState.Waiting) {
        this.end(now, ex, CoapFailure.Timeout);
      }
    }
    this.rebalance(now);
    this.dropEnded();
  }

  /**
   * The driver could not send to `peer` (a name that does not resolve, a refused
   * destination): our requests to it fail now (Failed, CoapFailure.Unreachable) rather
   * than after MAX_TRANSMIT_WAIT — queued ones first, so none of them starts in the freed
   * slot. Concerns that peer only (issue #16).
   */
  handleUnreachable(now: number, peer: CoapPeer): void {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < this.exchanges.length; i++) {
        const ex = this.exchanges[i]!;
        if (ex.peer !== peer || ex.state === ExchangeState.Free) continue;
        if ((ex.state === ExchangeState.Queued) === (pass === 0)) this.end(now, ex, CoapFailure.Unreachable);
      }
    }
    this.dropEnded();
  }

  /** An empty ACK or RST (RFC 7252 §4.2, §5.2.2) for one of our CONs. */
  handleEmptyReply(now: number, v: CoapMessageView, peer: CoapPeer): void {
    const mid = v.messageId;
    const type = v.type;
    for (let i = 0; i < this.exchanges.length; i++) {
      const ex = this.exchanges[i]!;
      if (ex.state !== ExchangeState.Sent || ex.peer !== peer || ex.messageId !== mid) continue;
      if (type === CoapType.Rst) { this.end(now, ex, CoapFailure.Reset); return; }
      peer.answered = true;
      if (ex.separateResponse) { this.end(now, ex, CoapFailure.None); return; } // delivered
      // §5.2.2: empty ACK — a separate response follows; wait MAX_TRANSMIT_WAIT for it.
      ex.state = ExchangeState.Waiting;
      ex.deadline = now + this.maxTransmitWait;
      return;
    }
  }

  /** A response (piggybacked or separate); `dedup` caches the empty ACK of a separate CON response. */
  handleResponse(now: number, v: CoapMessageView, peer: CoapPeer, dedup: DedupEntry | null): void {
    let match: ClientExchange | null = null;
    for (let i = 0; i < this.exchanges.length; i++) {
      const ex = this.exchanges[i]!;
      if ((ex.state !== ExchangeState.Sent && ex.state !== ExchangeState.Waiting) || ex.peer !== peer || ex.separateResponse) continue;
      if (v.type === CoapType.Ack && ex.messageId !== v.messageId) continue;
      if (!v.tokenEquals(ex.token, ex.tokenLength)) continue;
      match = ex;
      break;
    }
    if (v.type === CoapType.Con) {
      // §5.3.2: ACK a separate response we expect; RST one we do not.
      if (match === null) { sendEmpty(this.transmits, peer, CoapType.Rst, v.messageId, null); return; }
      sendEmpty(this.transmits, peer, CoapType.Ack, v.messageId, dedup);
    }
    if (match === null) return;
    peer.answered = true;
    const ex = match;
    const code = v.code;
    if (ex.block1 && code === CoapCode.Continue && ex.blockEnd() < ex.bodyEnd) {
      // RFC 7959 §2.5: next block; adopt a smaller SZX the server asked for.
      const acked = ex.blockEnd() - ex.bodyStart;
      const b1 = v.uintOption(CoapOption.Block1, -1);
      if (b1 >= 0 && blockSzx(b1) < ex.szx) ex.szx = blockSzx(b1);
      ex.offset = acked;
      this.next(now, ex);
      return;
    }
    const b2 = v.uintOption(CoapOption.Block2, -1);
    const num = blockNum(b2);
    if (b2 >= 0 && code >> 5 === 2 && (ex.block2Num > 0 || num === 0)) {
      const szx = blockSzx(b2);
      if (szx === 7 || !ex.appendBlock2(num * blockSize(szx), v.buf, v.payloadStart, v.end, this.config.maxBodyBytes)) {
        this.end(now, ex, CoapFailure.Protocol);
        return;
      }
      if ((b2 & 8) !== 0) {
        ex.block2Szx = szx;
        ex.block2Num = num + 1;
        this.next(now, ex);
        return;
      }
      this.end(now, ex, CoapFailure.None, code, ex.received, 0, ex.receivedLength);
      return;
    }
    this.end(now, ex, CoapFailure.None, code, v.buf, v.payloadStart, v.end);
  }

  /**
   * Reports the outcome — a Response (`failure` None: `code` and body `buf[s, e)`) or
   * Failed (`failure` says why) — and frees the exchange.
   */
  private end(now: number, ex: ClientExchange, failure: CoapFailure, code = 0, buf = NO_BYTES, s = 0, e = 0): void {
    const ev = this.events.push();
    if (ev !== null) {
      ev.kind = failure === CoapFailure.None ? CoapEventKind.Response : CoapEventKind.Failed;
      ev.handle = ex.handle;
      ev.peer = ex.peer;
      ev.code = code;
      ev.failure = failure;
      ev.buf = buf;
      ev.start = s;
      ev.end = e;
    }
    this.finish(now, ex);
  }

  /** Frees the exchange and starts the next queued request to the same peer (NSTART = 1). */
  private finish(now: number, ex: ClientExchange): void {
    const peer = ex.peer!;
    peer.busy--;
    const wasActive = ex.state !== ExchangeState.Queued;
    ex.reset();
    if (!wasActive) return;
    let nextEx: ClientExchange | null = null;
    for (let i = 0; i < this.exchanges.length; i++) {
      const x = this.exchanges[i]!;
      if (x.state !== ExchangeState.Queued) continue;
      // NSTART = 1 and maxExchanges: startable when its peer has none active and a slot is free.
      const active = activeBesides(this.exchanges, x.peer!);
      if (active < 0 || active >= this.config.maxExchanges) continue;
      // Answering peers first (issue #16), then first come first served.
      if (nextEx === null || (x.peer!.answered ? !nextEx.peer!.answered || x.handle < nextEx.handle : !nextEx.peer!.answered && x.handle < nextEx.handle)) nextEx = x;
    }
    if (nextEx !== null) this.next(now, nextEx);
  }

  /** Two random bytes as 0..65535 (also the endpoint's first Message ID, RFC 7252 §4.4). */
  random16(): number {
    this.random(this.scratch);
    return (this.scratch[0]! << 8) | this.scratch[1]!;
  }

  /** Sends the exchange's next message (its first, or a block's): new Message ID, randomised ACK timeout (§4.2). */
  private next(now: number, ex: ClientExchange): void {
    ex.state = ExchangeState.Sent;
    if (!ex.encode(this.takeMessageId())) { this.end(now, ex, CoapFailure.Protocol); return; }
    // §4.2: initial timeout is random in [ACK_TIMEOUT, ACK_TIMEOUT × ACK_RANDOM_FACTOR).
    const r = this.random16() / 65536;
    ex.timeoutMs = Math.floor(this.config.ackTimeoutMs * (1 + (this.config.ackRandomFactor - 1) * r));
    ex.retransmits = 0;
    ex.deadline = now + ex.timeoutMs;
    this.queueMessage(ex);
  }

  private queueMessage(ex: ClientExchange): void {
    const out = this.transmits.reserve();
    if (out === null) return;
    copyBytes(out, 0, ex.message, 0, ex.messageLength);
    this.transmits.commit(ex.peer!, ex.messageLength);
  }

  /**
   * Lets go of the records of ended exchanges, keeping the order of the others: an idle
   * requester holds none (each is ≈ 38 XS slots with its token and message buffer; RFC
   * 7228 Class 2, issue #13). Runs after each input, never while iterating.
   */
  protected dropEnded(): void {
    const xs = this.exchanges;
    let j = 0;
    for (let i = 0; i < xs.length; i++) if (xs[i]!.state !== ExchangeState.Free) xs[j++] = xs[i]!;
    while (xs.length > j) xs.pop();
  }

  /** Earliest retransmission / response deadline, Infinity when idle. */
  pollTimeout(): number {
    let t = Infinity;
    for (let i = 0; i < this.exchanges.length; i++) if (this.exchanges[i]!.deadline < t) t = this.exchanges[i]!.deadline;
    return t;
  }

  /** The next Message ID (RFC 7252 §4.4), for the requester and the responder. */
  takeMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (id + 1) & 0xffff;
    return id;
  }
}
