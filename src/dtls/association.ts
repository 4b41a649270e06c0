/**
 * One DTLS 1.2 association with one peer (RFC 6347): record intake, handshake
 * reassembly, flights with retransmission (§4.2.4), alerts, application data. The
 * client and server handshake logic lives in `client-flow.ts` and `server-flow.ts`,
 * which drive this object through its protected-by-convention fields.
 *
 * Invariants: sans-I/O — input is (now, datagram bytes), output goes to the host's
 * `transmit`; the only timer is `retransmitAt` (Infinity when idle). Application data
 * is opened in place and handed out as a range of the caller's buffer. After a fatal
 * alert (sent or received) the association is Closed and ignores all input.
 * Renegotiation is refused with a no_renegotiation warning (RFC 5746 §4.5 spirit).
 */
import type { CryptoPort } from '../platform/crypto.ts';
import type { DtlsConfig } from './config.ts';
import { certificateNames, endpointIdOf, type Certificate } from './x509.ts';
import { verifyPeerCertificates } from './peer-certificate.ts';
import { RecordLayer } from './record-layer.ts';
import { FragmentResult, HandshakeReassembler } from './reassembly.ts';
import { frameHandshake } from './handshake-messages.ts';
import {
  AlertDescription, AlertLevel, CCM8_RECORD_OVERHEAD, ContentType, HANDSHAKE_HEADER_BYTES, HandshakeType, NO_BYTES, RECORD_HEADER_BYTES,
} from './wire.ts';

/** What an association keeps of the peer's leaf certificate (publicKey: empty once Connected). */
export type PeerCertificate = Pick<Certificate, 'sanUris' | 'sanDnsNames' | 'publicKey'>;

export const DtlsState = { Handshaking: 0, Connected: 1, Closed: 2 } as const;
export type DtlsState = (typeof DtlsState)[keyof typeof DtlsState];

/** What an association needs from its endpoint. */
export interface AssociationHost {
  transmit(data: Uint8Array, address: string, port: number): void;
  connected(a: DtlsAssociation): void;
  /** May a flight be sent again now (the endpoint's retransmission budget, issue #16)? Takes one if so. */
  mayRetransmit(now: number): boolean;
  data(a: DtlsAssociation, buf: Uint8Array, start: number, end: number): void;
  closed(a: DtlsAssociation): void;
}

/** One message of a flight: a framed handshake message, or ChangeCipherSpec. */
export interface FlightMessage {
  readonly type: number;
  readonly bytes: Uint8Array;
  /** 0 = unprotected, 1 = under the new keys. */
  readonly epoch: number;
}

const CCS_BODY = new Uint8Array([1]);
/** TLSPlaintext.length limit (RFC 5246 §6.2.1). */
const MAX_PLAINTEXT_BYTES = 16384;

export abstract class DtlsAssociation {
  state: DtlsState = DtlsState.Handshaking;
  /** The peer's USP Endpoint ID from its certificate's SAN URI (R-SEC.0a), when present. */
  endpointId: string | undefined;
  /**
   * The peer's leaf certificate (certificate mode) while handshaking; once Connected only
   * what R-SEC.0a needs of it, its SAN names (the DER and its views are let go: XS RAM).
   */
  peerCertificate: PeerCertificate | undefined;
  /** The PSK identity used (PSK mode). */
  pskIdentity: Uint8Array | undefined;
  cipherSuite = 0;
  /** The ECDHE group used (NamedGroup), 0 in PSK mode. */
  ecdheGroup = 0;
  /** The alert that closed the association (ours or the peer's); -1 while open. */
  closeAlert = -1;
  /** `now` of the last record that authenticated (or of creation): eviction picks the oldest. */
  lastActivity = 0;
  /** `now` at creation (client: connect; server: the cookie-verified ClientHello): handshake time = connected − startedAt. */
  startedAt = 0;

  readonly rl = new RecordLayer();
  readonly reasm: HandshakeReassembler;
  sendSeq = 0;
  transcript: Uint8Array[] = [];
  private flight: FlightMessage[] = [];
  retransmitAt = Infinity;
  private timeoutMs: number;
  private transmissions = 0;
  private peerFlightFirst = -1;
  private flightBoundary = 0;

  constructor(
    readonly address: string,
    readonly port: number,
    readonly config: DtlsConfig,
    readonly crypto: CryptoPort,
    readonly host: AssociationHost,
  ) {
    this.reasm = new HandshakeReassembler(config.maxHandshakeMessageBytes);
    this.timeoutMs = config.initialRetransmitMs;
  }

  abstract readonly isClient: boolean;
  /** Handles one complete handshake message in order; `full` is its unfragmented framing. */
  protected abstract handleMessage(now: number, type: number, body: Uint8Array, full: Uint8Array): void;
  /** Called on the peer's ChangeCipherSpec; ignored when unexpected now. */
  protected abstract handleChangeCipherSpec(): void;

  /** Earliest time `handleTimeout` has work to do. */
  pollTimeout(): number { return this.state === DtlsState.Handshaking ? this.retransmitAt : Infinity; }

  handleTimeout(now: number): void {
    if (this.state !== DtlsState.Handshaking || now < this.retransmitAt) return;
    const max = this.isClient ? this.config.maxTransmissions : this.config.maxServerTransmissions;
    if (this.transmissions >= max) { this.close(AlertDescription.HandshakeFailure); return; }
    this.timeoutMs = Math.min(this.timeoutMs * 2, this.config.maxRetransmitMs);
    if (this.host.mayRetransmit(now)) { this.transmitFlight(now, true); return; }
    this.transmissions++; // over the endpoint's budget: as if sent and lost
    this.retransmitAt = now + this.timeoutMs;
  }

  /** Feeds one datagram `buf[start, end)` from this peer. */
  handleDatagram(now: number, buf: Uint8Array, start: number, end: number): void {
    let off = start;
    while (off < end && this.state !== DtlsState.Closed) {
      const next = this.rl.next(buf, off, end);
      if (next < 0) return;
      const v = this.rl.view;
      if (v.badMac && this.state === DtlsState.Handshaking) {
        // The peer's first record under the new keys does not open: it derived other keys
        // (a wrong PSK shows only here, at its Finished). Fatal at once (RFC 6347 §4.1.2.7
        // lets an implementation alert instead of discarding, fatally) so that the
        // handshake's keys, flight and transcript go now, not at the 7 s give-up.
        this.close(AlertDescription.BadRecordMac);
        return;
      }
      if (v.type !== 0 && v.epoch > 0) this.lastActivity = now;
      if (v.type === ContentType.Handshake) this.handleHandshakeRecord(now, buf, v.start, v.end, v.epoch);
      else if (v.type === ContentType.ChangeCipherSpec) {
        // a CCS before its keys exist is dropped: the flight will be retransmitted
        if (v.end - v.start === 1 && buf[v.start] === 1) this.handleChangeCipherSpec();
      } else if (v.type === ContentType.Alert) {
        // Once records are protected, an unprotected (epoch-0) alert could be forged by anyone: ignore it.
        if (v.epoch > 0 || this.rl.readEpoch === 0) this.handleAlert(buf, v.start, v.end);
      } else if (v.type === ContentType.ApplicationData && this.state === DtlsState.Connected && v.epoch > 0) {
        // The client's data under the new keys: it has our Finished, the last flight is not resent again (§4.2.4).
        if (this.flight.length > 0) this.flight = [];
        this.host.data(this, buf, v.start, v.end);
      }
      off = next;
    }
  }

  private handleAlert(buf: Uint8Array, start: number, end: number): void {
    if (end - start !== 2) return;
    const level = buf[start]!; const desc = buf[start + 1]!;
    if (level === AlertLevel.Fatal || desc === AlertDescription.CloseNotify) {
      this.closeAlert = desc;
      this.state = DtlsState.Closed;
      this.retransmitAt = Infinity;
      this.host.closed(this);
    }
  }

  private handleHandshakeRecord(now: number, buf: Uint8Array, start: number, end: number, epoch: number): void {
    let p = start;
    while (p + HANDSHAKE_HEADER_BYTES <= end && this.state !== DtlsState.Closed) {
      const type = buf[p]!;
      const length = (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
      const seq = (buf[p + 4]! << 8) | buf[p + 5]!;
      const fragOff = (buf[p + 6]! << 16) | (buf[p + 7]! << 8) | buf[p + 8]!;
      const fragLen = (buf[p + 9]! << 16) | (buf[p + 10]! << 8) | buf[p + 11]!;
      const data = p + HANDSHAKE_HEADER_BYTES;
      if (data + fragLen > end) return;
      p = data + fragLen;
      if (this.state === DtlsState.Connected && epoch > 0 &&
          (type === (this.isClient ? HandshakeType.HelloRequest : HandshakeType.ClientHello))) {
        this.sendAlert(AlertLevel.Warning, AlertDescription.NoRenegotiation);
        continue;
      }
      const r = this.reasm.add(type, length, seq, fragOff, fragLen, buf, data);
      if (r === FragmentResult.Old) {
        // The peer retransmitted its previous flight: ours was lost (§4.2.4).
        if (seq === this.peerFlightFirst && fragOff === 0 && this.flight.length > 0 && this.host.mayRetransmit(now)) this.transmitFlight(now, false);
        continue;
      }
      for (let m = this.reasm.poll(); m !== undefined && !this.isClosed(); m = this.reasm.poll()) {
        this.handleMessage(now, m.type, m.body, frameHandshake(m.type, m.seq, m.body));
      }
    }
  }

  /** Frames a handshake message with the next message_seq and adds it to the transcript. */
  protected message(type: number, body: Uint8Array, epoch = 0): FlightMessage {
    const bytes = frameHandshake(type, this.sendSeq++, body);
    this.transcript.push(bytes);
    return { type: ContentType.Handshake, bytes, epoch };
  }

  protected changeCipherSpec(): FlightMessage {
    return { type: ContentType.ChangeCipherSpec, bytes: CCS_BODY, epoch: 0 };
  }

  /** Hash(handshake_messages) so far (RFC 5246 §7.4.9). */
  protected transcriptHash(): Uint8Array {
    return this.crypto.sha256(this.transcriptBytes());
  }

  protected transcriptBytes(): Uint8Array {
    let n = 0;
    for (const m of this.transcript) n += m.length;
    const all = new Uint8Array(n);
    let o = 0;
    for (const m of this.transcript) { all.set(m, o); o += m.length; }
    return all;
  }

  /**
   * The peer's Certificate message (R-MTP.1–3): verifies the chain and records the
   * leaf and its Endpoint ID (R-SEC.0a). False after closing with the alert.
   */
  protected acceptPeerCertificates(body: Uint8Array, full: Uint8Array): boolean {
    this.transcript.push(full);
    const r = verifyPeerCertificates(this.crypto, this.config, body);
    if ('alert' in r) { this.close(r.alert); return false; }
    this.peerCertificate = r.leaf;
    this.endpointId = endpointIdOf(r.leaf);
    return true;
  }

  /** Starts a new flight; `expectsReply` arms the retransmission timer (§4.2.4). */
  protected sendFlight(now: number, messages: FlightMessage[], expectsReply: boolean): void {
    this.peerFlightFirst = this.flightBoundary;
    this.flightBoundary = this.reasm.next;
    this.flight = messages;
    this.transmissions = 0;
    this.timeoutMs = this.config.initialRetransmitMs;
    this.transmitFlight(now, expectsReply);
    if (!expectsReply) this.retransmitAt = Infinity;
  }

  /** Packs the flight into datagrams, fragmenting handshake messages to fit (§4.2.3). */
  private transmitFlight(now: number, arm: boolean): void {
    const max = this.config.maxDatagramBytes;
    let out = new Uint8Array(max);
    let len = 0;
    const flush = (): void => {
      if (len > 0) this.host.transmit(out.slice(0, len), this.address, this.port);
      out = new Uint8Array(max); len = 0;
    };
    for (const m of this.flight) {
      const epoch0 = m.epoch === 0;
      const overhead = RECORD_HEADER_BYTES + (epoch0 ? 0 : CCM8_RECORD_OVERHEAD);
      if (m.type === ContentType.ChangeCipherSpec) {
        if (len + overhead + 1 > max) flush();
        len = this.rl.seal(m.type, m.bytes, 0, 1, out, len, true);
        continue;
      }
      const total = m.bytes.length - HANDSHAKE_HEADER_BYTES;
      let fragOff = 0;
      do {
        if (max - len < overhead + HANDSHAKE_HEADER_BYTES + 64) flush();
        const room = max - len - overhead - HANDSHAKE_HEADER_BYTES;
        if (room <= 0) return; // cannot happen with MIN_DATAGRAM_BYTES; never loop forever
        const fragLen = Math.min(room, total - fragOff);
        const frag = new Uint8Array(HANDSHAKE_HEADER_BYTES + fragLen);
        frag.set(m.bytes.subarray(0, 6));
        frag[6] = fragOff >>> 16; frag[7] = (fragOff >>> 8) & 0xff; frag[8] = fragOff & 0xff;
        frag[9] = fragLen >>> 16; frag[10] = (fragLen >>> 8) & 0xff; frag[11] = fragLen & 0xff;
        frag.set(m.bytes.subarray(HANDSHAKE_HEADER_BYTES + fragOff, HANDSHAKE_HEADER_BYTES + fragOff + fragLen), HANDSHAKE_HEADER_BYTES);
        len = this.rl.seal(ContentType.Handshake, frag, 0, frag.length, out, len, epoch0);
        fragOff += fragLen;
      } while (fragOff < total);
    }
    flush();
    this.transmissions++;
    if (arm) this.retransmitAt = now + this.timeoutMs;
  }

  /**
   * R-SEC.0a: true when the peer's certificate names `fromId` (a USP Record's from_id):
   * its SAN URI `urn:bbf:usp:id:<fromId>`, or for `fqdn::` IDs a matching dNSName.
   * False in PSK mode (no Endpoint ID is bound to a PSK here; the caller maps
   * `pskIdentity` to a controller itself) and when they differ: don't process it.
   */
  authenticates(fromId: string): boolean {
    return this.state === DtlsState.Connected && this.peerCertificate !== undefined && certificateNames(this.peerCertificate, fromId);
  }

  isClosed(): boolean { return this.state === DtlsState.Closed; }

  /** The current flight went out more than once: the peer missed a retransmission deadline (issue #16). */
  get stalled(): boolean { return this.state === DtlsState.Handshaking && this.transmissions > 1; }

  /**
   * Handshake done: stop retransmitting and drop handshake state (transcript, pending
   * fragments; the flows wipe their secrets in `forgetSecrets`). A server keeps its
   * last flight to resend it if the client's Finished is retransmitted (§4.2.4), until
   * the client's first application data shows that it arrived; a client needs its
   * flight no more.
   */
  protected established(): void {
    this.state = DtlsState.Connected;
    this.retransmitAt = Infinity;
    this.transcript = [];
    this.reasm.reset(this.reasm.next);
    if (this.isClient) this.flight = [];
    const cert = this.peerCertificate;
    if (cert !== undefined) this.peerCertificate = { sanUris: cert.sanUris, sanDnsNames: cert.sanDnsNames, publicKey: NO_BYTES };
    this.forgetSecrets();
    this.host.connected(this);
  }

  /** Zeroes and drops ephemeral keys, premaster and master secret (forward secrecy). */
  protected abstract forgetSecrets(): void;

  sendAlert(level: number, desc: number): void {
    const out = new Uint8Array(this.rl.sealedLength(2));
    const n = this.rl.seal(ContentType.Alert, new Uint8Array([level, desc]), 0, 2, out, 0);
    if (n > 0) this.host.transmit(out, this.address, this.port);
  }

  /** Sends a fatal alert (or close_notify) and closes; the host hears `closed`. */
  close(desc: number = AlertDescription.CloseNotify): void {
    if (this.state === DtlsState.Closed) return;
    this.sendAlert(desc === AlertDescription.CloseNotify ? AlertLevel.Warning : AlertLevel.Fatal, desc);
    this.closeAlert = desc;
    this.state = DtlsState.Closed;
    this.retransmitAt = Infinity;
    this.host.closed(this);
  }

  /** Sends application data `data[start, end)` (R-COAP.14: only once Connected). Returns false otherwise. */
  send(data: Uint8Array, start = 0, end = data.length): boolean {
    if (!this.canSeal(end - start)) return false;
    const out = new Uint8Array(this.rl.sealedLength(end - start));
    if (this.rl.seal(ContentType.ApplicationData, data, start, end, out, 0) < 0) return false;
    this.host.transmit(out, this.address, this.port);
    return true;
  }

  /**
   * The allocation-free way to send: protects `data[start, end)` into `out` at `off`
   * and returns the datagram length, which the caller writes to this peer itself; -1
   * when not connected, too large, or `out` too small.
   */
  sealInto(data: Uint8Array, start: number, end: number, out: Uint8Array, off: number): number {
    if (!this.canSeal(end - start) || off + this.rl.sealedLength(end - start) > out.length) return -1;
    const n = this.rl.seal(ContentType.ApplicationData, data, start, end, out, off);
    return n < 0 ? -1 : n - off;
  }

  /** One record per datagram: at most 2^14 bytes (RFC 5246 §6.2.1) and `maxDatagramBytes`. */
  private canSeal(len: number): boolean {
    return this.state === DtlsState.Connected && len <= MAX_PLAINTEXT_BYTES && this.rl.sealedLength(len) <= this.config.maxDatagramBytes;
  }
}
