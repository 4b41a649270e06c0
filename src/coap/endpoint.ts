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
import { BlockResult, blockNum, blockSzx, encodeBlock, ReassemblyTable } from './block.ts';
import { CoapCode, CoapOption, CoapType, createCoapConfig, exchangeLifetimeMs, nonLifetimeMs, type CoapConfig } from './constants.ts';
import { DedupTable } from './dedup.ts';
import { CoapEventKind, type CoapEvent } from './event.ts';
import { CoapMessageView, CoapParseError } from './message-view.ts';
import { copyBytes } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';
import { Responder } from './responder.ts';
import { sendEmpty } from './reply.ts';
import type { RandomSource } from './requester.ts';
import type { Transmit } from './transmit.ts';

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

/**
 * The client half — sendRequest, handleTimeout, handleUnreachable, pollTimeout — is
 * Requester's (requester.ts), the answers — respond, deferResponse, respondSeparately —
 * Responder's (responder.ts); this class adds the receive path and the server's checks.
 */
export class CoapEndpoint extends Responder {
  // Initialised after super(), so from this.config. Dedup entries, reassemblies and deferred
  // tickets are built on first use, up to their bounds (XS boot heap).
  readonly view = new CoapMessageView();
  private readonly dedup = new DedupTable(this.config.dedupEntries);
  /** Block1 uploads (bounded by maxReassemblies; `busy(now)` counts those in progress: tests and the fuzzer watch it). */
  readonly reassemblyTable = new ReassemblyTable(this.config.maxReassemblies, this.config.maxBodyBytes);
  private readonly lifetimeMs = exchangeLifetimeMs(this.config);
  private readonly nonLifetime = nonLifetimeMs(this.config);

  constructor(random: RandomSource, config: Partial<CoapConfig> = {}, private readonly screen: RequestScreen | null = null) {
    super(random, createCoapConfig(config));
  }

  // ---- input -------------------------------------------------------------------------

  handleDatagram(now: number, data: Uint8Array, start: number, end: number, peer: CoapPeer): void {
    const v = this.view;
    const rc = v.wrap(data, start, end);
    peer.lastSeen = now;
    this.reqDedup = null;
    this.peer = null;
    const type = v.type;
    const code = v.code;
    // §4.2/§4.3: a malformed CON gets RST, anything else malformed is ignored; an empty CON
    // ("ping") gets RST; an empty ACK or RST ends one of our CONs.
    const empty = rc === CoapParseError.Ok && code === 0;
    if (rc !== CoapParseError.Ok || empty) {
      if (type === CoapType.Con && rc !== CoapParseError.TooShort && rc !== CoapParseError.Version) {
        sendEmpty(this.transmits, peer, CoapType.Rst, v.messageId, null);
      } else if (empty && type >= CoapType.Ack) {
        this.handleEmptyReply(now, v, peer);
        this.dropEnded();
      }
      return;
    }
    if (type <= CoapType.Non) {
      const seen = this.dedup.find(peer, v.messageId, now);
      if (seen !== null) {
        // §4.5: replay the cached response; without one, only a safe GET is processed again.
        if (seen.responseLength >= 0) {
          const out = this.transmits.reserve();
          if (out === null) return;
          copyBytes(out, 0, seen.store, seen.offset, seen.offset + seen.responseLength);
          this.transmits.commit(peer, seen.responseLength);
          return;
        }
        if (!seen.reprocess) return;
      } else if (code < 224) {
        this.reqDedup = this.dedup.insert(peer, v.messageId, now, type === CoapType.Con ? this.lifetimeMs : this.nonLifetime);
      }
    }
    if (code < 32) { // a request (§5.1)
      if (type <= CoapType.Non) this.handleRequest(now, peer);
    } else if (code >= 64) { // a response (§5.2)
      this.handleResponse(now, v, peer, this.reqDedup);
      this.dropEnded();
    } else if (type === CoapType.Con) {
      sendEmpty(this.transmits, peer, CoapType.Rst, v.messageId, null); // reserved code class 1 in a CON
    }
  }

  // ---- output ------------------------------------------------------------------------

  pollTransmit(out: Uint8Array): Transmit | null {
    return this.transmits.poll(out);
  }

  pollEvent(): CoapEvent | null {
    return this.events.poll();
  }

  // ---- server side -------------------------------------------------------------------

  private handleRequest(now: number, peer: CoapPeer): void {
    const v = this.view;
    this.peer = peer; // the request to answer (responder.ts)
    this.type = v.type;
    this.messageId = v.messageId;
    this.tokenLength = v.tokenLength;
    for (let k = 0; k < v.tokenLength; k++) this.token[k] = v.buf[v.tokenStart + k]!;
    this.block1 = -1;
    this.block2 = v.uintOption(CoapOption.Block2, -1);
    const dedup = this.reqDedup;
    if (dedup !== null) dedup.reprocess = v.code === CoapCode.Get && v.type === CoapType.Con;
    if (v.unrecognizedCriticalOption() !== 0) {
      // §5.4.1: 4.02 for a CON; a NON is rejected (silently here).
      if (v.type === CoapType.Con) this.respond(CoapCode.BadOption, -1, null, 0, 0);
      this.peer = null;
      return;
    }
    if (v.findOption(CoapOption.ProxyUri) >= 0 || v.findOption(CoapOption.ProxyScheme) >= 0) {
      this.respondError(CoapCode.ProxyingNotSupported, -1); // §5.10.2: we are no proxy
      return;
    }
    let buf = v.buf;
    let s = v.payloadStart;
    let e = v.end;
    const block1 = v.uintOption(CoapOption.Block1, -1);
    if (block1 >= 0) {
      const num = blockNum(block1);
      const szx = blockSzx(block1);
      const refused = num === 0 && this.screen !== null ? this.screen.screenRequest(v) : 0;
      if (refused > 0) { this.respondError(refused, -1); return; }
      const asm = this.reassemblyTable.slotFor(peer, num === 0, now, this.config.ackTimeoutMs);
      const r = asm === null ? BlockResult.Incomplete
        : asm.handleBlock(block1, v.buf, s, e, v.uintOption(CoapOption.Size1, -1), now, this.maxTransmitWait);
      if (r === BlockResult.Continue) {
        // RFC 7959 §2.3: 2.31 echoing NUM; a smaller SZX asks the client to shrink blocks.
        this.block1 = encodeBlock(num, true, szx < this.config.preferredSzx ? szx : this.config.preferredSzx);
        asm!.peer = peer;
        this.respond(CoapCode.Continue, -1, null, 0, 0);
        return;
      }
      if (r !== BlockResult.Complete) {
        if (asm !== null) asm.release();
        // RFC 7959 §2.9.3: 4.13 carries Size1 = the largest body we accept; §2.9.2: 4.08; §2.2: 4.00.
        if (r === BlockResult.TooLarge) this.respondError(CoapCode.RequestEntityTooLarge, this.config.maxBodyBytes);
        else this.respondError(r === BlockResult.Incomplete ? CoapCode.RequestEntityIncomplete : CoapCode.BadRequest, -1);
        return;
      }
      this.block1 = encodeBlock(num, false, szx);
      buf = asm!.body;
      s = 0;
      e = asm!.length;
      asm!.release();
    } else if (v.uintOption(CoapOption.Size1, -1) > this.config.maxBodyBytes) {
      this.respondError(CoapCode.RequestEntityTooLarge, this.config.maxBodyBytes);
      return;
    }
    const ev = this.events.push();
    if (ev === null) { this.respondError(CoapCode.ServiceUnavailable, -1); return; }
    ev.kind = CoapEventKind.Request;
    ev.handle = 0;
    ev.peer = peer;
    ev.code = v.code;
    ev.message = v;
    ev.buf = buf;
    ev.start = s;
    ev.end = e;
  }

  /** An error answer without payload; `size1` ≥ 0 adds that Size1 option (RFC 7959 §2.9.3). */
  private respondError(code: number, size1: number): void {
    this.respond(code, -1, null, 0, 0, size1);
  }
}
