/**
 * USP over CoAP (TR-369 "CoAP Binding", R-COAP.0–13), sans-I/O on top of
 * `coap/CoapEndpoint`.
 *
 * Server side: the USP resource (`/usp` by default) accepts POST with Content-Format
 * 42 (R-COAP.6) and a `reply-to=<coap|coaps URI>` Uri-Query (R-COAP.2/2a); a Record
 * that passes `validateRecord` is answered 2.04 at once (R-COAP.7) and reported as a
 * `record` event — the first allocation of the receive path (the bytes are copied out
 * of the datagram). Failures: 4.00 undecodable Record or bad reply-to (R-COAP.13),
 * 4.04 unknown path, 4.05 wrong method (R-COAP.11), 4.15 wrong Content-Format
 * (R-COAP.12), 4.13 too large (RFC 7959 §2.9.3, in the CoAP layer), 5.03 when the
 * record queue is full. `GET /.well-known/core` lists the resource in RFC 6690 link
 * format (R-COAP.1).
 *
 * Client side: `sendRecord(now, uri, record)` POSTs a Record to a controller's URI (coap://,
 * or coaps:// when the binding runs over DTLS: `secure`) as a
 * new CON request carrying our own reply-to (R-COAP.2/2a), block-wise when large
 * (R-COAP.5), and reports a `sent` event with outcome Delivered (2.xx), Timeout
 * (R-COAP.9), CoapFailure with the 4.xx/5.xx code (R-COAP.10) or Reset.
 */
import {
  CoapCode, CoapEndpoint, CoapEventKind, CoapFailure, CoapOption, ContentFormat, type CoapConfig, type CoapEvent,
  type CoapMessageView, type CoapPeer, type CoapRequestFields, PeerTable, type RandomSource, type RequestScreen, readUtf8, type Transmit,
} from '../../coap/index.ts';
import { checkCoapUri, hostIs, parseCoapUri, UriTarget, uriPath } from './uri.ts';
import { SourceLimit, type SourceLimitConfig } from './source-limit.ts';
import { utf8Bytes } from '../../encoding/utf8.ts';

export interface UspCoapConfig {
  /** Our USP resource (R-COAP.1); default '/usp'. */
  readonly path: string;
  /** Our own CoAP server URI sent as reply-to in every request (R-COAP.2), e.g. 'coap://192.0.2.1:5683/usp'. */
  readonly replyTo: string;
  /** R-COAP.1 interface: 'bbf.usp.a' (Agent, the default) or 'bbf.usp.c' (Controller). */
  readonly interfaceName: 'bbf.usp.a' | 'bbf.usp.c';
  /** Decides whether bytes are a USP Record we can process (false → 4.00, R-COAP.13). */
  readonly validateRecord: (buf: Uint8Array, start: number, end: number) => boolean;
  /** Records received and not yet taken by pollEvent(); beyond this → 5.03. Default 8. */
  readonly maxPendingRecords: number;
  readonly coap: Partial<CoapConfig>;
  /**
   * This binding runs over DTLS (coaps, RFC 7252 §9): it sends to coaps:// URIs only;
   * a plain binding sends to coap:// only (the other scheme → SendRecordError.Unsupported).
   */
  readonly secure: boolean;
  /**
   * The NoSec reply-to rule, for an Agent (issue #16; no effect when `secure`): a reply-to
   * whose host is not the datagram's source address is refused with 4.03 unless
   * `admitReplyTo` says the Record's sender may use it, and Records to be answered to
   * destinations that never answered us are rate-limited per source (`sourceLimit`, 5.03).
   */
  readonly checkReplyTo: boolean;
  /** With checkReplyTo: may the sender of the Record `buf[start, end)` have answers sent to `host` (its Controller's provisioned CoAP MTP host)? */
  readonly admitReplyTo?: (host: string, buf: Uint8Array, start: number, end: number) => boolean;
  readonly sourceLimit: SourceLimitConfig;
}

/**
 * How a sendRecord ended (R-COAP.9, R-COAP.10). Unreachable: the datagram could not be
 * sent at all (the host did not resolve…); a request cut short because its peer never
 * answered and a peer that does needed the slot counts as Timeout.
 */
export const SendOutcome = { Delivered: 0, Timeout: 1, CoapFailure: 2, Reset: 3, Unreachable: 4 } as const;
export type SendOutcome = (typeof SendOutcome)[keyof typeof SendOutcome];

/** Why sendRecord refused at once (returned instead of a handle). */
export const SendRecordError = { BadUri: -10, Unsupported: -11, PeerTableFull: -12, NotReady: -13, QueueFull: -1, TooBig: -2 } as const;

export type UspCoapEvent =
  | { readonly kind: 'record'; readonly bytes: Uint8Array; readonly replyTo: string; readonly peer: CoapPeer }
  | { readonly kind: 'sent'; readonly handle: number; readonly outcome: SendOutcome; readonly code: number };

const WELL_KNOWN = [utf8Bytes('.well-known'), utf8Bytes('core')];
const REPLY_TO = utf8Bytes('reply-to=');

export class UspCoapBinding implements RequestScreen {
  readonly coap: CoapEndpoint;
  readonly peers: PeerTable;
  /**
   * The settings this binding reads, as its own fields: no merged copy of the whole
   * configuration beside the caller's (XS RAM, #13 item 3).
   */
  readonly secure: boolean;
  private readonly checkReplyTo: boolean;
  private readonly maxPendingRecords: number;
  private readonly validateRecord: UspCoapConfig['validateRecord'];
  private readonly admitReplyTo: UspCoapConfig['admitReplyTo'];
  private readonly interfaceName: string;
  private readonly pathSegments: Uint8Array[];
  private readonly replyToQuery: readonly string[];
  private readonly events: UspCoapEvent[] = [];
  private pendingRecords = 0;
  /** Our requests in flight by handle; made by the first sendRecord (an Agent that only answers needs none: XS slots, #13 item 3). */
  private requests: Map<number, CoapRequestFields> | null = null;
  /** NoSec Records to destinations that never answered: the per-source and global buckets (issue #16). */
  readonly sourceLimit: SourceLimit;
  private readonly target = new UriTarget();
  private now = 0;

  constructor(random: RandomSource, config: Partial<UspCoapConfig> & Pick<UspCoapConfig, 'replyTo' | 'validateRecord'>) {
    // Defaults: path '/usp', an Agent's interface, 8 pending Records, no DTLS, no NoSec reply-to rule.
    if (parseCoapUri(config.replyTo) === null) throw new RangeError('replyTo must be a coap:// or coaps:// URI without a query');
    this.secure = config.secure ?? false;
    this.checkReplyTo = config.checkReplyTo ?? false;
    this.maxPendingRecords = config.maxPendingRecords ?? 8;
    this.validateRecord = config.validateRecord;
    this.admitReplyTo = config.admitReplyTo;
    this.interfaceName = config.interfaceName ?? 'bbf.usp.a';
    this.coap = new CoapEndpoint(random, config.coap, this); // screens the first block of a Block1 upload
    this.peers = new PeerTable(this.coap.config.maxPeers);
    const path = uriPath(config.path ?? '/usp');
    if (path.length === 0) throw new RangeError('path must name a resource, e.g. /usp');
    this.pathSegments = path.map(utf8Bytes);
    this.replyToQuery = Object.freeze([`reply-to=${config.replyTo}`]);
    this.sourceLimit = new SourceLimit(config.sourceLimit);
  }

  // ---- input (delegated to the CoAP endpoint, then our resources answer) ---------------

  handleDatagram(now: number, data: Uint8Array, start: number, end: number, peer: CoapPeer): void {
    this.now = now;
    this.coap.handleDatagram(now, data, start, end, peer);
    this.drainCoap();
  }

  handleTimeout(now: number): void {
    this.coap.handleTimeout(now);
    this.drainCoap();
  }

  /** Datagrams to address:port cannot be sent (the driver's write failed): its Records fail now. */
  handleUnreachable(now: number, address: string, port: number): void {
    const peer = this.peers.lookup(address, port);
    if (peer === null) return;
    this.coap.handleUnreachable(now, peer);
    this.drainCoap();
  }

  // ---- commands --------------------------------------------------------------------------

  /**
   * POSTs `record` to a controller's USP resource at `uri` (R-COAP.2, R-COAP.5, R-COAP.6).
   * Returns a handle > 0 reported in the `sent` event, or a SendRecordError. The record
   * bytes must stay unchanged until that event.
   */
  sendRecord(now: number, uri: string, record: Uint8Array): number {
    const target = parseCoapUri(uri);
    if (target === null) return SendRecordError.BadUri;
    if (target.secure !== this.secure) return SendRecordError.Unsupported; // the other socket's scheme
    const peer = this.peers.intern(target.host, target.port, now);
    if (peer === null) return SendRecordError.PeerTableFull;
    // Destinations that never answered may hold at most half the peer table (issue #16: spoofed
    // reply-tos to silent ports pinned every record and locked Controllers out).
    if (this.checkReplyTo && !peer.answered && peer.busy === 0 && this.peers.busyUnanswered() >= this.peers.maxPeers >> 1) {
      return SendRecordError.PeerTableFull;
    }
    const request: CoapRequestFields = {
      method: CoapCode.Post, uriPath: target.path, uriQuery: this.replyToQuery, contentFormat: ContentFormat.OctetStream,
    };
    const handle = this.coap.sendRequest(now, peer, request, record, 0, record.length);
    if (handle > 0) (this.requests ??= new Map<number, CoapRequestFields>()).set(handle, request);
    return handle;
  }

  // ---- output ----------------------------------------------------------------------------

  pollTransmit(out: Uint8Array): Transmit | null {
    return this.coap.pollTransmit(out);
  }

  pollEvent(): UspCoapEvent | null {
    const e = this.events.shift();
    if (e === undefined) return null;
    if (e.kind === 'record') this.pendingRecords--;
    return e;
  }

  pollTimeout(): number {
    return this.coap.pollTimeout();
  }

  // ---- internals -------------------------------------------------------------------------

  private drainCoap(): void {
    for (let ev = this.coap.pollEvent(); ev !== null; ev = this.coap.pollEvent()) {
      if (ev.kind === CoapEventKind.Request) { this.handleRequest(ev); continue; }
      // The outcome of one of our requests (R-COAP.9, R-COAP.10).
      if (this.requests === null || !this.requests.delete(ev.handle)) continue;
      let outcome: SendOutcome;
      if (ev.kind === CoapEventKind.Response) outcome = ev.code >> 5 === 2 ? SendOutcome.Delivered : SendOutcome.CoapFailure;
      else {
        const f = ev.failure;
        outcome = f === CoapFailure.Reset ? SendOutcome.Reset : f === CoapFailure.Timeout || f === CoapFailure.Evicted ? SendOutcome.Timeout
          : f === CoapFailure.Unreachable ? SendOutcome.Unreachable : SendOutcome.CoapFailure;
      }
      this.events.push({ kind: 'sent', handle: ev.handle, outcome, code: ev.code });
    }
  }

  /**
   * RequestScreen, run on every request and on the first block of a Block1 upload before
   * reassembly: what the options alone decide (R-COAP.11, R-COAP.12, R-COAP.2) — 0 to go
   * on, else the error code; /.well-known/core answers with −1 (handled by handleRequest).
   */
  screenRequest(m: CoapMessageView): number {
    const method = m.code;
    if (this.pathIs(m, WELL_KNOWN)) {
      if (method !== CoapCode.Get) return CoapCode.MethodNotAllowed;
      const accept = m.uintOption(CoapOption.Accept, ContentFormat.LinkFormat);
      return accept === ContentFormat.LinkFormat ? -1 : CoapCode.NotAcceptable; // RFC 7252 §5.10.4
    }
    if (!this.pathIs(m, this.pathSegments)) return CoapCode.NotFound;
    if (method !== CoapCode.Post) return CoapCode.MethodNotAllowed; // R-COAP.11
    if (m.uintOption(CoapOption.ContentFormat, -1) !== ContentFormat.OctetStream) return CoapCode.UnsupportedContentFormat; // R-COAP.12
    if (this.replyToOption(m) < 0) return CoapCode.BadRequest; // R-COAP.2
    return 0;
  }

  private handleRequest(ev: CoapEvent): void {
    const m = ev.message!;
    let code = this.screenRequest(m);
    if (code === -1) { // R-COAP.1, RFC 6690 §4
      // RFC 6690 §2 link format, R-COAP.1 attributes: built per (rare) discovery, not kept.
      let path = '';
      for (let i = 0; i < this.pathSegments.length; i++) path += '/' + readUtf8(this.pathSegments[i]!, 0, this.pathSegments[i]!.length);
      const link = utf8Bytes(`<${path}>;rt="bbf.usp.endpoint";if="${this.interfaceName}"`);
      this.coap.respond(CoapCode.Content, ContentFormat.LinkFormat, link, 0, link.length);
      return;
    }
    let replyTo: string | undefined;
    if (code === 0) {
      const q = this.replyToOption(m);
      const s = m.optionStart[q]! + REPLY_TO.length;
      const e = m.optionStart[q]! + m.optionLength[q]!;
      if (ev.end <= ev.start || !this.validateRecord(ev.buf, ev.start, ev.end)) code = CoapCode.BadRequest; // R-COAP.13
      else if (this.pendingRecords >= this.maxPendingRecords) code = CoapCode.ServiceUnavailable;
      else if (this.checkReplyTo && !this.secure) code = this.screenNoSec(m.buf, s, e, ev);
      // Accepted: from here the Record leaves the datagram buffer.
      if (code === 0) replyTo = readUtf8(m.buf, s, e);
      if (code === 0 && replyTo === undefined) code = CoapCode.BadRequest; // R-COAP.2
    }
    this.coap.respond(code === 0 ? CoapCode.Changed : code, -1, null, 0, 0); // R-COAP.7
    if (code !== 0) return;
    this.pendingRecords++;
    this.events.push({ kind: 'record', bytes: ev.buf.slice(ev.start, ev.end), replyTo: replyTo!, peer: ev.peer! });
  }

  /**
   * NoSec reply-to rule (issue #16): 0 to go on, 4.03 when the reply-to host is neither the
   * datagram's source address nor admitted by `admitReplyTo`, 5.03 when the answer would go
   * to a host where no peer ever answered us and the source is over its rate (SourceLimit).
   * Allocates nothing when the host is the source address.
   */
  private screenNoSec(b: Uint8Array, s: number, e: number, ev: CoapEvent): number {
    const t = this.target;
    const from = ev.peer!;
    if (checkCoapUri(b, s, e, t) < 0) return CoapCode.BadRequest;
    let destHost = from.address;
    if (!hostIs(b, t.hostStart, t.hostEnd, from.address)) {
      const host = readUtf8(b, t.hostStart, t.hostEnd);
      const admit = this.admitReplyTo;
      if (host === undefined || admit === undefined || !admit(host, ev.buf, ev.start, ev.end)) return CoapCode.Forbidden;
      destHost = host;
    }
    // Not limited: a destination on a host where some peer answered one of our CONs (the
    // Controller, also its next run from a new port: usp-ctl opens one per command).
    if (this.peers.hostAnswered(destHost)) return 0;
    return this.sourceLimit.admit(from.address, this.now) ? 0 : CoapCode.ServiceUnavailable;
  }

  /** Uri-Path options equal `segments` exactly (compared in place). */
  private pathIs(m: CoapMessageView, segments: readonly Uint8Array[]): boolean {
    let i = m.findOption(CoapOption.UriPath);
    for (let k = 0; k < segments.length; k++) {
      if (i < 0 || i >= m.optionCount || m.optionNumber[i] !== CoapOption.UriPath) return false;
      const seg = segments[k]!;
      if (!m.optionEquals(i, seg, 0, seg.length)) return false;
      i++;
    }
    return i < 0 || i >= m.optionCount || m.optionNumber[i] !== CoapOption.UriPath;
  }

  /** Index of the one valid `reply-to=` Uri-Query option (R-COAP.2), or −1. */
  private replyToOption(m: CoapMessageView): number {
    let found = -1;
    for (let i = m.findOption(CoapOption.UriQuery); i >= 0 && i < m.optionCount && m.optionNumber[i] === CoapOption.UriQuery; i++) {
      const s = m.optionStart[i]!;
      const len = m.optionLength[i]!;
      let k = 0;
      while (k < REPLY_TO.length && k < len && m.buf[s + k] === REPLY_TO[k]) k++;
      if (k < REPLY_TO.length) continue; // not a reply-to value
      if (found >= 0) return -1; // two reply-to values: ambiguous
      if (checkCoapUri(m.buf, s + REPLY_TO.length, s + len) < 0) return -1;
      found = i;
    }
    return found;
  }
}
