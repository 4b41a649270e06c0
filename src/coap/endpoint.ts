/**
 * CoapEndpoint: one UDP socket's CoAP state, sans-I/O (RFC 7252 §4 messaging, §5
 * request/response; RFC 7959 block-wise). Client and server at once, as USP needs.
 *
 * Surface (STYLE.md rule 6): `handleDatagram(now, data, start, end, peer)`,
 * `handleTimeout(now)`, commands `sendRequest(…)`, `respond(…)` (piggybacked) or
 * `deferResponse()` + `respondSeparately(…)` (separate response, §5.2.2), then drain
 * `pollTransmit(out)`, `pollEvent()`, and read `pollTimeout()`.
 *
 * Receive rules: format errors → RST for CON, silence otherwise (§4.2, §4.3); an
 * empty CON ("ping") → RST (§4.3); CON/NON duplicates within EXCHANGE_LIFETIME are
 * answered from the dedup cache or dropped (§4.5); unknown critical options in a CON
 * request → 4.02 (§5.4.1); a CON response matching no request of ours → RST (§4.2).
 * Randomness (Message-ID start, tokens, ACK_RANDOM_FACTOR jitter) comes from the
 * caller's `random` function, never Math.random.
 */
import { BlockResult, blockErrorCode, blockNum, blockSzx, encodeBlock, ReassemblyTable } from './block.ts';
import {
  CoapCode, CoapOption, CoapType, createCoapConfig, exchangeLifetimeMs, maxTransmitWaitMs, nonLifetimeMs,
  type CoapConfig,
} from './constants.ts';
import { DedupTable, type DedupEntry } from './dedup.ts';
import { CoapEventKind, CoapEventQueue, CoapFailure, type CoapEvent } from './event.ts';
import type { CoapRequestFields } from './exchange.ts';
import { CoapMessageView, CoapParseError } from './message-view.ts';
import { copyBytes } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { DeferredRequest, Responder } from './responder.ts';
import { sendRst } from './reply.ts';
import { CoapSendError, Requester, type RandomSource } from './requester.ts';
import { TransmitQueue, type Transmit } from './transmit.ts';

export { CoapSendError, type RandomSource } from './requester.ts';

/**
 * Looks at the first block of a Block1 upload before the body is gathered: ≤ 0 to go on,
 * or the final response code to end the transfer at once (RFC 7959 §2.3 lets the server
 * answer any block with a final response) — no reassembly of bodies that will be refused.
 */
export interface RequestScreen {
  /** An object, not a closure: a closure with its scope cost ≈ 11 XS slots of RAM. */
  screenRequest(request: CoapMessageView): number;
}

const NONE: readonly string[] = Object.freeze([]);

export class CoapEndpoint {
  readonly config: CoapConfig;
  readonly view = new CoapMessageView();
  private readonly dedup: DedupTable;
  private readonly events: CoapEventQueue;
  private readonly transmits = new TransmitQueue(8);
  private readonly reassemblyTable: ReassemblyTable;
  private nextMessageId: number;
  private readonly lifetimeMs: number;
  private readonly nonLifetime: number;
  /**
   * How long a Block1 reassembly waits for its next block: MAX_TRANSMIT_WAIT (93 s by
   * default). A client retransmits one block for MAX_TRANSMIT_SPAN at most (RFC 7252
   * §4.2) — its previous block's, then the next one's — so a transfer silent longer is
   * dead; EXCHANGE_LIFETIME (247 s) held half-open uploads for 4 minutes (issue #16).
   */
  private readonly blockLifetimeMs: number;
  /** Answers the request of the current Request event. */
  private readonly responder: Responder;
  /** Requests answered later by separate responses (§5.2.2). */
  private readonly deferred: DeferredRequest[] = [];
  /** Our requests: retransmission, NSTART, block-wise sending. */
  private readonly requester: Requester;
  /** The dedup entry of the message being handled (its response is cached there). */
  private reqDedup: DedupEntry | null = null;

  constructor(random: RandomSource, config: Partial<CoapConfig> = {}, private readonly screen: RequestScreen | null = null) {
    this.config = createCoapConfig(config);
    this.dedup = new DedupTable(this.config.dedupEntries);
    // Room for every exchange's outcome plus one request: one input never loses an event.
    this.events = new CoapEventQueue(this.config.maxExchanges + this.config.maxQueuedRequests + 1);
    this.requester = new Requester(this.config, this.transmits, this.events, random, this);
    // Deferred tickets and reassemblies are built on first use, up to their bounds (XS boot heap).
    this.reassemblyTable = new ReassemblyTable(this.config.maxReassemblies, this.config.maxBodyBytes);
    this.responder = new Responder(this.transmits, this.config.preferredSzx, this);
    this.lifetimeMs = exchangeLifetimeMs(this.config);
    this.nonLifetime = nonLifetimeMs(this.config);
    this.blockLifetimeMs = maxTransmitWaitMs(this.config);
    this.nextMessageId = this.requester.random16(); // its scratch bytes: one 7-slot typed array less
  }

  // ---- input -------------------------------------------------------------------------

  handleDatagram(now: number, data: Uint8Array, start: number, end: number, peer: CoapPeer): void {
    const v = this.view;
    const rc = v.wrap(data, start, end);
    peer.lastSeen = now;
    this.reqDedup = null;
    this.responder.peer = null;
    if (rc !== CoapParseError.Ok) {
      // §4.2/§4.3: reject a malformed CON with RST; ignore everything else.
      if (rc !== CoapParseError.TooShort && rc !== CoapParseError.Version && v.type === CoapType.Con) sendRst(this.transmits, peer, v.messageId);
      return;
    }
    if (v.isEmpty()) {
      if (v.type === CoapType.Con) sendRst(this.transmits, peer, v.messageId);
      else if (v.type === CoapType.Ack || v.type === CoapType.Rst) { this.requester.handleEmptyReply(now, v, peer); this.requester.dropEnded(); }
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
      this.requester.handleResponse(now, v, peer, this.reqDedup);
      this.requester.dropEnded();
    } else if (v.type === CoapType.Con) {
      sendRst(this.transmits, peer, v.messageId); // reserved code class (1, 6, 7) in a CON
    }
  }

  handleTimeout(now: number): void {
    this.requester.handleTimeout(now);
    this.requester.dropEnded();
  }

  /**
   * The driver could not send to `peer` (a name that does not resolve, a refused
   * destination): our requests to it fail now (Failed, CoapFailure.Unreachable) rather
   * than after MAX_TRANSMIT_WAIT. Concerns that peer only (issue #16).
   */
  handleUnreachable(now: number, peer: CoapPeer): void {
    this.requester.failPeer(now, peer, CoapFailure.Unreachable);
    this.requester.dropEnded();
  }

  // ---- commands ----------------------------------------------------------------------

  /**
   * Sends a CON request (bodies larger than one block go as Block1, RFC 7959 §2.5).
   * Returns a handle > 0 reported again in the Response/Failed event, or a CoapSendError.
   * NSTART = 1 (§4.7): a request to a peer with one outstanding waits in a bounded queue.
   * The body is not copied: keep it unchanged until the outcome.
   */
  sendRequest(now: number, peer: CoapPeer, request: CoapRequestFields, body: Uint8Array | null, start: number, end: number): number {
    return this.requester.sendRequest(now, peer, request, body, start, end);
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

  /**
   * Answers the current request later (RFC 7252 §5.2.2): ACKs a CON now and returns a
   * ticket > 0 for `respondSeparately`, or −1 when all `maxDeferred` tickets are taken.
   */
  deferResponse(): number {
    let i = 0;
    while (i < this.deferred.length && this.deferred[i]!.peer !== null) i++;
    if (i === this.deferred.length) {
      if (i >= this.config.maxDeferred) return -1;
      this.deferred.push(new DeferredRequest());
    }
    const peer = this.responder.defer(this.deferred[i]!);
    if (peer === null) return -1;
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
    return this.requester.sendRequest(now, peer, fields, payload, s, e, d.token, d.tokenLength);
  }

  // ---- output ------------------------------------------------------------------------

  pollTransmit(out: Uint8Array): Transmit | null {
    return this.transmits.poll(out);
  }

  pollEvent(): CoapEvent | null {
    return this.events.poll();
  }

  /** Block1 uploads in progress at `now` (bounded by maxReassemblies; the soak watches it). */
  reassemblies(now: number): number {
    return this.reassemblyTable.busy(now);
  }

  /** Earliest deadline (ms), Infinity when idle. */
  pollTimeout(): number {
    return this.requester.pollTimeout();
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
    if (v.findOption(CoapOption.ProxyUri) >= 0 || v.findOption(CoapOption.ProxyScheme) >= 0) {
      this.respondError(CoapCode.ProxyingNotSupported, false); // §5.10.2: we are no proxy
      return;
    }
    let buf = v.buf;
    let s = v.payloadStart;
    let e = v.end;
    const block1 = v.uintOption(CoapOption.Block1, -1);
    if (block1 >= 0) {
      const refused = blockNum(block1) === 0 && this.screen !== null ? this.screen.screenRequest(v) : 0;
      if (refused > 0) { this.respondError(refused, false); return; }
      const asm = this.reassemblyTable.slotFor(peer, blockNum(block1) === 0, now, this.config.ackTimeoutMs);
      const r = asm === null ? BlockResult.Incomplete
        : asm.handleBlock(block1, v.buf, s, e, v.uintOption(CoapOption.Size1, -1), now, this.blockLifetimeMs);
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

  private replay(peer: CoapPeer, entry: DedupEntry): void {
    const out = this.transmits.reserve();
    if (out === null) return;
    copyBytes(out, 0, entry.store, entry.offset, entry.offset + entry.responseLength);
    this.transmits.commit(peer, entry.responseLength);
  }

  /** The next Message ID (RFC 7252 §4.4), for the requester and the responder. */
  takeMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (id + 1) & 0xffff;
    return id;
  }
}
