/**
 * A DTLS endpoint on one UDP socket (sans-I/O): the agent's coaps listener (server,
 * default port 5684) and its client associations to controllers at coaps URIs.
 *
 * Drive it like quinn's Endpoint: `handleDatagram(now, bytes, address, port)` for
 * every received datagram, `handleTimeout(now)` when `pollTimeout()` passes, and
 * drain `pollTransmit()` after each call. Plaintext comes out through
 * `options.onData(peer, buf, start, end)` (a range of the buffer just handed in,
 * valid until that call returns); send with `send(peer, bytes)`.
 *
 * Invariants: before a ClientHello carries a valid cookie the server keeps no state
 * for the peer (RFC 6347 §4.2.1): the HelloVerifyRequest is computed from the
 * datagram and a rotating secret. At most `config.maxPeers` associations exist (when
 * full, a verified hello or our own connect evicts the connected association idle
 * longest; only handshakes under way can exceed it); a datagram
 * for an unknown peer that is not a ClientHello is dropped.
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { DtlsAssociation, DtlsState, type AssociationHost } from './association.ts';
import { startClient } from './client-flow.ts';
import { suitesFor, type DtlsConfig } from './config.ts';
import { CookieJar } from './cookie.ts';
import { PeerTable } from './peer-table.ts';
import { parseClientHello } from './handshake-messages.ts';
import { bytesEqual } from './der.ts';
import { AlertDescription, ContentType, HANDSHAKE_HEADER_BYTES, HandshakeType, RECORD_HEADER_BYTES } from './wire.ts';

export interface DtlsTransmit {
  readonly data: Uint8Array;
  readonly address: string;
  readonly port: number;
}

export interface DtlsEndpointOptions {
  readonly config: DtlsConfig;
  readonly crypto: CryptoPort;
  /** Accept ClientHellos (the coaps listener). */
  readonly server: boolean;
  /** Decrypted application data from `peer`: `buf[start, end)`, valid during the call. */
  readonly onData: (peer: DtlsAssociation, buf: Uint8Array, start: number, end: number) => void;
  /** The handshake finished; `peer.endpointId` / `peer.pskIdentity` say who it is. */
  readonly onConnected?: (peer: DtlsAssociation) => void;
  /** The association ended (`peer.closeAlert` tells why). */
  readonly onClosed?: (peer: DtlsAssociation) => void;
}

export class DtlsEndpoint implements AssociationHost {
  private readonly peers = new PeerTable();
  private readonly queue: DtlsTransmit[] = [];
  private readonly cookies: CookieJar;
  /** ClientHellos answered with a HelloVerifyRequest (statistics for tests). */
  helloVerifyRequests = 0;
  /** Flight retransmissions refused by the endpoint's budget (statistics for tests and the flood bench). */
  retransmitsRefused = 0;
  /** Verified ClientHellos left unanswered because `maxHandshakes` were under way (statistics for tests). */
  hellosDeferred = 0;
  private retransmitTokens = Infinity;
  private retransmitAt = 0;

  constructor(private readonly options: DtlsEndpointOptions) {
    this.cookies = new CookieJar(options.crypto);
  }

  /** Number of associations held (handshaking or connected). */
  get associationCount(): number { return this.peers.list.length; }

  /** All associations (handshaking or connected). */
  associations(): DtlsAssociation[] { return this.peers.list.slice(); }

  /** The association with address:port, if any. */
  peer(address: string, port: number): DtlsAssociation | undefined { return this.peers.get(address, port); }

  /**
   * Starts a client handshake to address:port (replacing any association with it).
   * `overrides` adjust the configuration for this controller only (its PSK, trust
   * anchors, suites).
   */
  connect(now: number, address: string, port: number, overrides?: Partial<DtlsConfig>): DtlsAssociation {
    let config = this.options.config;
    if (overrides !== undefined) {
      const merged = { ...config, ...overrides };
      config = Object.freeze(overrides.cipherSuites === undefined ? { ...merged, cipherSuites: suitesFor(merged) } : merged);
    }
    const old = this.peers.get(address, port);
    if (old !== undefined) { this.peers.remove(old); old.close(); }
    // Our own handshakes count against maxPeers too: a full table gives up a half-open
    // handshake a peer left, else the connected association idle longest (issue #16 bound).
    if (this.handshakeCount() >= this.options.config.maxHandshakes) this.evict(false);
    if (this.peers.list.length >= this.options.config.maxPeers) this.evict(true);
    const a = new DtlsAssociation(address, port, config, this.options.crypto, this, true);
    a.lastActivity = now;
    a.startedAt = now;
    this.peers.set(a);
    startClient(a, now);
    return a;
  }

  /** Sends application data to a connected peer; false when it is not connected. */
  send(peer: DtlsAssociation, data: Uint8Array, start = 0, end = data.length): boolean {
    return peer.send(data, start, end);
  }

  /** Sends close_notify and forgets the peer. */
  close(peer: DtlsAssociation): void {
    peer.close();
  }

  handleDatagram(now: number, buf: Uint8Array, start: number, end: number, address: string, port: number): void {
    const a = this.peers.get(address, port);
    // An epoch-0 ClientHello, the start of a handshake, goes through the cookie exchange.
    if (this.options.server && end - start >= RECORD_HEADER_BYTES + HANDSHAKE_HEADER_BYTES && buf[start] === ContentType.Handshake &&
      buf[start + 3] === 0 && buf[start + 4] === 0 && buf[start + RECORD_HEADER_BYTES] === HandshakeType.ClientHello) {
      this.handleClientHello(now, buf, start, end, address, port, a);
      return;
    }
    if (a !== undefined) a.handleDatagram(now, buf, start, end);
  }

  /**
   * Stateless cookie exchange (RFC 6347 §4.2.1); only a verified hello creates state.
   * A retransmitted hello (same client random) goes to its association; a verified
   * hello with a new random from a known address:port replaces the association (the
   * peer lost its state, §4.2.8).
   */
  private handleClientHello(now: number, buf: Uint8Array, start: number, end: number, address: string, port: number,
    existing: DtlsAssociation | undefined): void {
    const recLen = (buf[start + 11]! << 8) | buf[start + 12]!;
    const h = start + RECORD_HEADER_BYTES;
    if (h + recLen > end || recLen < HANDSHAKE_HEADER_BYTES) return;
    const msgLen = (buf[h + 1]! << 16) | (buf[h + 2]! << 8) | buf[h + 3]!;
    const fragOff = (buf[h + 6]! << 16) | (buf[h + 7]! << 8) | buf[h + 8]!;
    const fragLen = (buf[h + 9]! << 16) | (buf[h + 10]! << 8) | buf[h + 11]!;
    // The first ClientHello must come whole in one record (it always fits, RFC 6347 §4.2.3).
    if (fragOff !== 0 || fragLen !== msgLen || HANDSHAKE_HEADER_BYTES + msgLen > recLen) return;
    const hello = parseClientHello(buf.subarray(h + HANDSHAKE_HEADER_BYTES, h + HANDSHAKE_HEADER_BYTES + msgLen));
    if (hello === undefined) return;
    if (existing !== undefined && !existing.isClient && bytesEqual(existing.clientRandom, hello.random)) {
      existing.handleDatagram(now, buf, start, end);
      return;
    }
    if (!this.cookies.verify(now, address, port, hello)) {
      // HelloVerifyRequest, from the datagram alone (no state kept, §4.2.1): its body is
      // server_version DTLS 1.0 whatever the version negotiated, then cookie<0..2^8-1>.
      const cookie = this.cookies.issue(now, address, port, hello);
      const bodyLen = 3 + cookie.length;
      const len = HANDSHAKE_HEADER_BYTES + bodyLen;
      const out = new Uint8Array(RECORD_HEADER_BYTES + len);
      out[0] = ContentType.Handshake; out[1] = 0xfe; out[2] = 0xfd; // DTLS 1.2
      out.set(buf.subarray(start + 3, start + 11), 3); // epoch 0 and the ClientHello's record sequence number (§4.2.1)
      out[11] = len >>> 8; out[12] = len;
      const m = RECORD_HEADER_BYTES;
      out[m] = HandshakeType.HelloVerifyRequest;
      out[m + 3] = bodyLen; out[m + 11] = bodyLen;
      out[m + 4] = buf[h + 4]!; out[m + 5] = buf[h + 5]!; // message_seq of the ClientHello
      out[m + 12] = 0xfe; out[m + 13] = 0xff; out[m + 14] = cookie.length; // DTLS 1.0
      out.set(cookie, m + 15);
      this.helloVerifyRequests++;
      this.transmit(out, address, port);
      return;
    }
    if (existing !== undefined) { this.peers.remove(existing); existing.close(AlertDescription.InternalError); }
    // One handshake too many: no answer and no state; the client's timer sends this hello
    // again (RFC 6347 §4.2.4) and its cookie still verifies (§4.2.1). A handshake that
    // missed a retransmission deadline gives way instead (a silent peer holds no slot).
    if (this.handshakeCount() >= this.options.config.maxHandshakes && !this.evict(false)) { this.hellosDeferred++; return; }
    if (this.peers.list.length >= this.options.config.maxPeers && !this.evict(true)) return;
    const a = new DtlsAssociation(address, port, this.options.config, this.options.crypto, this, false);
    a.lastActivity = now;
    a.startedAt = now;
    this.peers.set(a);
    // Its reassembly starts at the hello's message_seq (RFC 6347 §4.2.2).
    a.reasm.reset((buf[h + 4]! << 8) | buf[h + 5]!);
    a.handleDatagram(now, buf, start, end);
  }

  /** Associations still handshaking (ours and peers'), against `maxHandshakes`. */
  private handshakeCount(): number {
    let n = 0;
    const list = this.peers.list;
    for (let i = 0; i < list.length; i++) if (list[i]!.state === DtlsState.Handshaking) n++;
    return n;
  }

  /**
   * Makes room for a peer that proved its address with a cookie (or our own connect): a
   * handshake left unanswered past a retransmission deadline gives way first — a peer's
   * half-open one, or ours to a peer that does not answer (a retransmitted CoAP message
   * connects again) — the one idle longest (issue #16: 16 silent half-open peers held
   * every slot for 2 minutes); with `connectedToo` (a full table), else the connected
   * association idle longest (close_notify). Handshakes going on (concurrent clients)
   * are kept. False when nothing gave way.
   */
  private evict(connectedToo: boolean): boolean {
    let oldest: DtlsAssociation | undefined;
    let half: DtlsAssociation | undefined;
    const list = this.peers.list;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      // Stalled: the current flight went out more than once, the peer missed a retransmission deadline.
      if (a.state === DtlsState.Handshaking && a.transmissions > 1) {
        if (half === undefined || a.lastActivity < half.lastActivity) half = a;
      } else if (connectedToo && a.state === DtlsState.Connected && (oldest === undefined || a.lastActivity < oldest.lastActivity)) oldest = a;
    }
    const victim = half ?? oldest;
    if (victim === undefined) return false;
    this.peers.remove(victim);
    victim.close(half !== undefined ? AlertDescription.HandshakeFailure : AlertDescription.CloseNotify);
    return true;
  }

  /** Earliest deadline over all associations (Infinity when idle). */
  pollTimeout(): number {
    let t = Infinity;
    const list = this.peers.list;
    // An association's retransmitAt is Infinity unless it is handshaking.
    for (let i = 0; i < list.length; i++) t = Math.min(t, list[i]!.retransmitAt);
    return t;
  }

  handleTimeout(now: number): void {
    const list = this.peers.list.slice();
    for (let i = 0; i < list.length; i++) list[i]!.handleTimeout(now);
  }

  /** The next datagram to send, or undefined. */
  pollTransmit(): DtlsTransmit | undefined { return this.queue.shift(); }

  // AssociationHost
  mayRetransmit(now: number): boolean {
    const rate = this.options.config.maxRetransmitsPerSecond;
    const t = this.retransmitTokens + ((now - this.retransmitAt) * rate) / 1000;
    this.retransmitTokens = t > 2 * rate ? 2 * rate : t;
    this.retransmitAt = now;
    if (this.retransmitTokens < 1) { this.retransmitsRefused++; return false; }
    this.retransmitTokens--;
    return true;
  }
  transmit(data: Uint8Array, address: string, port: number): void { this.queue.push({ data, address, port }); }
  connected(a: DtlsAssociation): void { this.options.onConnected?.(a); }
  data(a: DtlsAssociation, buf: Uint8Array, start: number, end: number): void { this.options.onData(a, buf, start, end); }
  closed(a: DtlsAssociation): void {
    this.peers.remove(a);
    this.options.onClosed?.(a);
  }
}
