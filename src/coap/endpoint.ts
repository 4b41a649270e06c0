/**
 * CoapEndpoint: one UDP socket's CoAP state, sans-I/O (RFC 7252 §4 messaging, §5
 * request/response; RFC 7959 block-wise). Client and server at once, as USP needs.
 *
 * Surface (STYLE.md rule 6): `handleDatagram(now, data, start, end, peer)`,
 * `handleTimeout(now)`, commands `sendRequest(…)` and `respond(…)`, then drain
 * `pollTransmit(out)`, `pollEvent()`, and read `pollTimeout()`.
 *
 * Receive rules: format errors → RST for CON, silence otherwise (§4.2, §4.3); an
 * empty CON ("ping") → RST (§4.3); CON/NON duplicates within EXCHANGE_LIFETIME are
 * answered from the dedup cache or dropped (§4.5); unknown critical options in a CON
 * request → 4.02 (§5.4.1); a CON response matching no request of ours → RST (§4.2).
 * Randomness (Message-ID start, tokens, ACK_RANDOM_FACTOR jitter) comes from the
 * caller's `random` function, never Math.random.
 */
import { BlockAssembler, BlockResult, blockErrorCode, blockNum, blockSize, blockSzx, encodeBlock } from './block.ts';
import {
  CoapCode, CoapOption, CoapType, createCoapConfig, exchangeLifetimeMs, maxTransmitWaitMs, nonLifetimeMs,
  type CoapConfig,
} from './constants.ts';
import { DedupTable, type DedupEntry } from './dedup.ts';
import { CoapEventKind, CoapEventQueue, CoapFailure, type CoapEvent } from './event.ts';
import { ClientExchange, ExchangeState, isSuccess, type CoapRequestFields } from './exchange.ts';
import { CoapMessageView, CoapParseError } from './message-view.ts';
import { copyBytes } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { Responder } from './responder.ts';
import { TransmitQueue, type Transmit } from './transmit.ts';
import { sendEmpty, sendRst } from './reply.ts';

/** Why `sendRequest` refused (negative, so any handle > 0 is a success). */
export const CoapSendError = { QueueFull: -1, TooBig: -2 } as const;

/** Fills `out` with random bytes (the platform's `randomBytes`; seeded in tests). */
export type RandomSource = (out: Uint8Array) => void;

/**
 * Looks at the first block of a Block1 upload before the body is gathered: ≤ 0 to go on,
 * or the final response code to end the transfer at once (RFC 7959 §2.3 lets the server
 * answer any block with a final response) — no reassembly of bodies that will be refused.
 */
export type RequestScreen = (request: CoapMessageView) => number;

export class CoapEndpoint {
  readonly config: CoapConfig;
  readonly view = new CoapMessageView();
  private readonly dedup: DedupTable;
  private readonly events = new CoapEventQueue(16);
  private readonly transmits = new TransmitQueue(8);
  private readonly exchanges: ClientExchange[] = [];
  private readonly assemblers: BlockAssembler[] = [];
  private readonly scratch = new Uint8Array(4);
  private nextMessageId: number;
  private nextHandle = 1;
  private readonly lifetimeMs: number;
  private readonly nonLifetime: number;
  /** Answers the request of the current Request event. */
  private readonly responder: Responder;
  private reqDedup: DedupEntry | null = null;
  /** The `now` of the current input (queued requests start at it). */
  private lastNow = 0;

  constructor(private readonly random: RandomSource, config: Partial<CoapConfig> = {}, private readonly screen: RequestScreen | null = null) {
    this.config = createCoapConfig(config);
    this.dedup = new DedupTable(this.config.dedupEntries);
    for (let i = 0; i < this.config.maxExchanges + this.config.maxQueuedRequests; i++) this.exchanges.push(new ClientExchange());
    for (let i = 0; i < this.config.maxReassemblies; i++) this.assemblers.push(new BlockAssembler(this.config.maxBodyBytes));
    this.responder = new Responder(this.transmits, this.config.preferredSzx, () => this.takeMessageId());
    this.lifetimeMs = exchangeLifetimeMs(this.config);
    this.nonLifetime = nonLifetimeMs(this.config);
    random(this.scratch);
    this.nextMessageId = (this.scratch[0]! << 8) | this.scratch[1]!;
  }

  // ---- input -------------------------------------------------------------------------

  handleDatagram(now: number, data: Uint8Array, start: number, end: number, peer: CoapPeer): void {
    const v = this.view;
    const rc = v.wrap(data, start, end);
    peer.lastSeen = now;
    this.lastNow = now;
    this.reqDedup = null;
    this.responder.peer = null;
    if (rc !== CoapParseError.Ok) {
      // §4.2/§4.3: reject a malformed CON with RST; ignore everything else.
      if (rc !== CoapParseError.TooShort && rc !== CoapParseError.Version && v.type === CoapType.Con) sendRst(this.transmits, peer, v.messageId);
      return;
    }
    if (v.isEmpty()) {
      if (v.type === CoapType.Con) sendRst(this.transmits, peer, v.messageId);
      else if (v.type === CoapType.Ack || v.type === CoapType.Rst) this.handleEmptyReply(now, peer, v.type);
      return;
    }
    if (v.type === CoapType.Con || v.type === CoapType.Non) {
      const seen = this.dedup.find(peer, v.messageId, now);
      if (seen !== null) {
        // §4.5: replay the cached response; without one, only a safe GET is processed again.
        if (seen.responseLength >= 0) { this.replay(peer, seen); return; }
        if (!seen.reprocess) return;
      } else if (v.code < 224) {
        this.reqDedup = this.dedup.insert(peer, v.messageId, now, v.type === CoapType.Con ? this.lifetimeMs : this.nonLifetime);
      }
    }
    if (v.isRequest()) {
      if (v.type === CoapType.Con || v.type === CoapType.Non) this.handleRequest(now, peer);
    } else if (v.isResponse()) {
      this.handleResponse(now, peer);
    } else if (v.type === CoapType.Con) {
      sendRst(this.transmits, peer, v.messageId); // reserved code class (1, 6, 7) in a CON
    }
  }

  handleTimeout(now: number): void {
    this.lastNow = now;
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
        this.fail(now, ex, CoapFailure.Timeout);
      }
    }
  }

  // ---- commands ----------------------------------------------------------------------

  /**
   * Sends a CON request (bodies larger than one block go as Block1, RFC 7959 §2.5).
   * Returns a handle > 0 reported again in the Response/Failed event, or a CoapSendError.
   * NSTART = 1 (§4.7): a request to a peer with one outstanding waits in a bounded queue.
   */
  sendRequest(now: number, peer: CoapPeer, request: CoapRequestFields, body: Uint8Array | null, start: number, end: number): number {
    this.lastNow = now;
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
    if (ex === null) return CoapSendError.QueueFull;
    const startNow = !peerBusy && active < this.config.maxExchanges;
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
    this.random(this.scratch);
    ex.token.set(this.scratch);
    ex.tokenLength = 4;
    if (!ex.encode(0)) { ex.reset(); return CoapSendError.TooBig; }
    peer.busy++;
    ex.state = ExchangeState.Queued;
    if (startNow) this.start(now, ex);
    return ex.handle;
  }

  /**
   * Answers the request of the current Request event: piggybacked in the ACK of a CON,
   * or as a NON to a NON (RFC 7252 §5.2). `payload[s, e)` larger than one block is
   * served block-wise by Block2 (RFC 7959 §2.4, stateless: the block is cut from the
   * payload the caller regenerates for each request).
   */
  respond(code: number, contentFormat: number, payload: Uint8Array | null, s: number, e: number): void {
    this.responder.respond(code, contentFormat, payload, s, e);
  }

  // ---- output ------------------------------------------------------------------------

  pollTransmit(out: Uint8Array): Transmit | null {
    return this.transmits.poll(out);
  }

  pollEvent(): CoapEvent | null {
    return this.events.poll();
  }

  /** Earliest deadline (ms), Infinity when idle. */
  pollTimeout(): number {
    let t = Infinity;
    for (let i = 0; i < this.exchanges.length; i++) if (this.exchanges[i]!.deadline < t) t = this.exchanges[i]!.deadline;
    return t;
  }

  // ---- server side -------------------------------------------------------------------

  private handleRequest(now: number, peer: CoapPeer): void {
    const v = this.view;
    this.responder.begin(v, peer, this.reqDedup);
    const dedup = this.reqDedup;
    if (dedup !== null) dedup.reprocess = v.code === CoapCode.Get && v.type === CoapType.Con;
    if (v.unrecognizedCriticalOption() !== 0) {
      // §5.4.1: 4.02 for a CON; a NON is rejected (silently here).
      if (v.type === CoapType.Con) this.respond(CoapCode.BadOption, -1, null, 0, 0);
      this.responder.peer = null;
      return;
    }
    let buf = v.buf;
    let s = v.payloadStart;
    let e = v.end;
    const block1 = v.uintOption(CoapOption.Block1, -1);
    if (block1 >= 0) {
      const refused = blockNum(block1) === 0 && this.screen !== null ? this.screen(v) : 0;
      if (refused > 0) { this.respondError(refused, false); return; }
      const asm = this.assemblerFor(peer, blockNum(block1) === 0, now);
      const r = asm === null ? BlockResult.Incomplete
        : asm.handleBlock(block1, v.buf, s, e, v.uintOption(CoapOption.Size1, -1), now, this.lifetimeMs);
      if (r === BlockResult.Continue) {
        // RFC 7959 §2.3: 2.31 echoing NUM; a smaller SZX asks the client to shrink blocks.
        const szx = blockSzx(block1) < this.config.preferredSzx ? blockSzx(block1) : this.config.preferredSzx;
        this.responder.block1 = encodeBlock(blockNum(block1), true, szx);
        asm!.peer = peer;
        this.respond(CoapCode.Continue, -1, null, 0, 0);
        return;
      }
      if (r !== BlockResult.Complete) {
        if (asm !== null) asm.release();
        this.respondError(blockErrorCode(r), r === BlockResult.TooLarge);
        return;
      }
      this.responder.block1 = encodeBlock(blockNum(block1), false, blockSzx(block1));
      buf = asm!.body;
      s = 0;
      e = asm!.length;
      asm!.release();
    } else if (v.uintOption(CoapOption.Size1, -1) > this.config.maxBodyBytes) {
      this.respondError(CoapCode.RequestEntityTooLarge, true);
      return;
    }
    const ev = this.events.push();
    if (ev === null) { this.respondError(CoapCode.ServiceUnavailable, false); return; }
    ev.kind = CoapEventKind.Request;
    ev.handle = 0;
    ev.peer = peer;
    ev.code = v.code;
    ev.message = v;
    ev.buf = buf;
    ev.start = s;
    ev.end = e;
  }

  private respondError(code: number, withSize1: boolean): void {
    // RFC 7959 §2.9.3: 4.13 carries Size1 = the largest body we accept.
    this.responder.respond(code, -1, null, 0, 0, withSize1 ? this.config.maxBodyBytes : -1);
  }

  private assemblerFor(peer: CoapPeer, first: boolean, now: number): BlockAssembler | null {
    let free: BlockAssembler | null = null;
    for (let i = 0; i < this.assemblers.length; i++) {
      const a = this.assemblers[i]!;
      if (a.peer === peer) return a;
      if (a.peer === null || a.expires <= now) free = a;
    }
    if (!first || free === null) return null;
    free.peer = peer;
    free.length = 0;
    return free;
  }

  private replay(peer: CoapPeer, entry: DedupEntry): void {
    const out = this.transmits.reserve();
    if (out === null) return;
    copyBytes(out, 0, entry.response, 0, entry.responseLength);
    this.transmits.commit(peer, entry.responseLength);
  }

  // ---- client side -------------------------------------------------------------------

  private handleEmptyReply(now: number, peer: CoapPeer, type: number): void {
    const mid = this.view.messageId;
    for (let i = 0; i < this.exchanges.length; i++) {
      const ex = this.exchanges[i]!;
      if (ex.state !== ExchangeState.Sent || ex.peer !== peer || ex.messageId !== mid) continue;
      if (type === CoapType.Rst) { this.fail(now, ex, CoapFailure.Reset); return; }
      // §5.2.2: empty ACK — a separate response follows; wait MAX_TRANSMIT_WAIT for it.
      ex.state = ExchangeState.Waiting;
      ex.deadline = now + maxTransmitWaitMs(this.config);
      return;
    }
  }

  private handleResponse(now: number, peer: CoapPeer): void {
    const v = this.view;
    let match: ClientExchange | null = null;
    for (let i = 0; i < this.exchanges.length; i++) {
      const ex = this.exchanges[i]!;
      if ((ex.state !== ExchangeState.Sent && ex.state !== ExchangeState.Waiting) || ex.peer !== peer) continue;
      if (v.type === CoapType.Ack && ex.messageId !== v.messageId) continue;
      if (!v.tokenEquals(ex.token, ex.tokenLength)) continue;
      match = ex;
      break;
    }
    if (v.type === CoapType.Con) {
      // §5.3.2: ACK a separate response we expect; RST one we do not.
      if (match === null) { sendRst(this.transmits, peer, v.messageId); return; }
      sendEmpty(this.transmits, peer, CoapType.Ack, v.messageId, this.reqDedup);
    }
    if (match === null) return;
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
    if (b2 >= 0 && isSuccess(code) && (ex.block2Num > 0 || blockNum(b2) === 0)) {
      const szx = blockSzx(b2);
      if (szx === 7 || !ex.appendBlock2(blockNum(b2) * blockSize(szx), v.buf, v.payloadStart, v.end, this.config.maxBodyBytes)) {
        this.fail(now, ex, CoapFailure.Protocol);
        return;
      }
      if ((b2 & 8) !== 0) {
        ex.block2Szx = szx;
        ex.block2Num = blockNum(b2) + 1;
        this.next(now, ex);
        return;
      }
      this.complete(ex, code, ex.received, 0, ex.receivedLength);
      return;
    }
    this.complete(ex, code, v.buf, v.payloadStart, v.end);
  }

  private complete(ex: ClientExchange, code: number, buf: Uint8Array, s: number, e: number): void {
    const ev = this.events.push();
    if (ev !== null) {
      ev.kind = CoapEventKind.Response;
      ev.handle = ex.handle;
      ev.peer = ex.peer;
      ev.code = code;
      ev.buf = buf;
      ev.start = s;
      ev.end = e;
    }
    this.finish(ex);
  }

  private fail(_now: number, ex: ClientExchange, failure: CoapFailure): void {
    const ev = this.events.push();
    if (ev !== null) {
      ev.kind = CoapEventKind.Failed;
      ev.handle = ex.handle;
      ev.peer = ex.peer;
      ev.code = 0;
      ev.failure = failure;
      ev.start = ev.end = 0;
    }
    this.finish(ex);
  }

  /** Frees the exchange and starts the next queued request to the same peer (NSTART = 1). */
  private finish(ex: ClientExchange): void {
    const peer = ex.peer!;
    peer.busy--;
    const wasActive = ex.state !== ExchangeState.Queued;
    ex.reset();
    if (!wasActive) return;
    let nextEx: ClientExchange | null = null;
    for (let i = 0; i < this.exchanges.length; i++) {
      const x = this.exchanges[i]!;
      if (x.state === ExchangeState.Queued && (nextEx === null || x.handle < nextEx.handle) && this.startable(x)) nextEx = x;
    }
    if (nextEx !== null) this.start(this.lastNow, nextEx);
  }

  private startable(x: ClientExchange): boolean {
    let active = 0;
    for (let i = 0; i < this.exchanges.length; i++) {
      const y = this.exchanges[i]!;
      if (y.state !== ExchangeState.Sent && y.state !== ExchangeState.Waiting) continue;
      if (y.peer === x.peer) return false;
      active++;
    }
    return active < this.config.maxExchanges;
  }

  /** First transmission of an exchange: new Message ID, randomised ACK timeout (§4.2). */
  private start(now: number, ex: ClientExchange): void {
    ex.state = ExchangeState.Sent;
    this.next(now, ex);
  }

  private next(now: number, ex: ClientExchange): void {
    ex.state = ExchangeState.Sent;
    if (!ex.encode(this.takeMessageId())) { this.fail(now, ex, CoapFailure.Protocol); return; }
    // §4.2: initial timeout is random in [ACK_TIMEOUT, ACK_TIMEOUT × ACK_RANDOM_FACTOR).
    this.random(this.scratch);
    const r = ((this.scratch[0]! << 8) | this.scratch[1]!) / 65536;
    ex.timeoutMs = Math.floor(this.config.ackTimeoutMs * (1 + (this.config.ackRandomFactor - 1) * r));
    ex.retransmits = 0;
    ex.deadline = now + ex.timeoutMs;
    this.queueMessage(ex);
  }

  private queueMessage(ex: ClientExchange): void {
    const out = this.transmits.reserve();
    if (out === null) return;
    for (let k = 0; k < ex.messageLength; k++) out[k] = ex.message[k]!;
    this.transmits.commit(ex.peer!, ex.messageLength);
  }

  private takeMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (id + 1) & 0xffff;
    return id;
  }
}
