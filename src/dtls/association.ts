/**
 * One DTLS 1.2 association with one peer (RFC 6347): record intake, handshake
 * reassembly, flights with retransmission (§4.2.4), alerts, application data, and what
 * both sides of the handshake do alike (the peer's Certificate and Finished, keys). The
 * client and server flows live in `client-flow.ts` and `server-flow.ts`, functions that
 * drive this object through its fields (theirs by convention: the flows' state).
 *
 * Invariants: sans-I/O — input is (now, datagram bytes), output goes to the host's
 * `transmit`; the only timer is `retransmitAt` (Infinity when idle). Application data
 * is opened in place and handed out as a range of the caller's buffer. After a fatal
 * alert (sent or received) the association is Closed and ignores all input.
 * Renegotiation is refused with a no_renegotiation warning (RFC 5746 §4.5 spirit).
 */
import type { CryptoPort, EcKeyPair } from '../platform/crypto.ts';
import type { DtlsConfig } from './config.ts';
import { certificateNames, endpointIdOf, type Certificate } from './x509.ts';
import { verifyPeerCertificates } from './peer-certificate.ts';
import { RecordLayer } from './record-layer.ts';
import { FragmentResult, HandshakeReassembler } from './reassembly.ts';
import { frameHandshake } from './handshake-messages.ts';
import { finishedVerifyData, trafficKeys, type TrafficKeys } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { bytesEqual } from './der.ts';
import { clientMessage } from './client-flow.ts';
import { serverMessage } from './server-flow.ts';
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

/**
 * What a flow awaits next, one table for both flows: a client awaits the ServerHello
 * (Hello), the server's Certificate, ServerKeyExchange (KeyExchange) and ServerHelloDone
 * (HelloDone); a server the ClientHello (Hello), the client's Certificate,
 * ClientKeyExchange (KeyExchange) and CertificateVerify; both then the peer's
 * ChangeCipherSpec and Finished.
 */
export const Await = { Hello: 0, Certificate: 1, KeyExchange: 2, HelloDone: 3, CertificateVerify: 3, ChangeCipherSpec: 4, Finished: 5, Done: 6 } as const;
export type Await = (typeof Await)[keyof typeof Await];

/** ChangeCipherSpec in a flight: always epoch 0 (a retransmitted flight resends it). Never written. */
const CCS: FlightMessage = { type: ContentType.ChangeCipherSpec, bytes: new Uint8Array([1]), epoch: 0 };
/** TLSPlaintext.length limit (RFC 5246 §6.2.1). */
const MAX_PLAINTEXT_BYTES = 16384;

export class DtlsAssociation {
  // `declare`: set by the constructor, or absent (undefined) until set — no initialiser
  // writes undefined first (bytecode per field).
  declare readonly address: string;
  declare readonly port: number;
  declare readonly config: DtlsConfig;
  declare readonly crypto: CryptoPort;
  declare readonly host: AssociationHost;
  /** Our side: client (we connected) or server (a peer's verified hello). */
  declare readonly isClient: boolean;

  state: DtlsState = DtlsState.Handshaking;
  /** The peer's USP Endpoint ID from its certificate's SAN URI (R-SEC.0a), when present. */
  declare endpointId: string | undefined;
  /**
   * The peer's leaf certificate (certificate mode) while handshaking; once Connected only
   * what R-SEC.0a needs of it, its SAN names (the DER and its views are let go: XS RAM).
   */
  declare peerCertificate: PeerCertificate | undefined;
  /** The PSK identity used (PSK mode). */
  declare pskIdentity: Uint8Array | undefined;
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
  declare readonly reasm: HandshakeReassembler;
  sendSeq = 0;
  transcript: Uint8Array[] = [];
  private flight: FlightMessage[] = [];
  retransmitAt = Infinity;
  private declare timeoutMs: number;
  /** Transmissions of the current flight (more than one: the peer missed a deadline, issue #16). */
  transmissions = 0;
  private peerFlightFirst = -1;
  private flightBoundary = 0;

  // Handshake state of both flows (client-flow.ts, server-flow.ts); dropped once Connected.
  awaiting: Await = Await.Hello;
  /** The client random; a server tells a retransmitted hello from a new one by it. */
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  /** extended_master_secret negotiated (RFC 7627). */
  ems = false;
  declare premaster: Uint8Array | undefined;
  /** Our ECDHE key pair (the private key is zeroed once used). */
  declare ephemeral: EcKeyPair | undefined;
  declare keys: TrafficKeys | undefined;
  /** Client: HelloVerifyRequests answered (0 when the server skipped the cookie round). */
  cookieRounds = 0;
  /** Client: the server sent a CertificateRequest. */
  certRequested = false;

  constructor(address: string, port: number, config: DtlsConfig, crypto: CryptoPort, host: AssociationHost, isClient: boolean) {
    this.address = address;
    this.port = port;
    this.config = config;
    this.crypto = crypto;
    this.host = host;
    this.isClient = isClient;
    this.reasm = new HandshakeReassembler(config.maxHandshakeMessageBytes);
    this.timeoutMs = config.initialRetransmitMs;
  }

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
      if (v.type === ContentType.Handshake) {
        // Handshake fragments, several per record maybe (RFC 6347 §4.2.3), into the reassembler.
        const recEnd = v.end; const epoch = v.epoch;
        for (let p = v.start; p + HANDSHAKE_HEADER_BYTES <= recEnd && !this.isClosed();) {
          const type = buf[p]!;
          const length = (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
          const seq = (buf[p + 4]! << 8) | buf[p + 5]!;
          const fragOff = (buf[p + 6]! << 16) | (buf[p + 7]! << 8) | buf[p + 8]!;
          const fragLen = (buf[p + 9]! << 16) | (buf[p + 10]! << 8) | buf[p + 11]!;
          const data = p + HANDSHAKE_HEADER_BYTES;
          if (data + fragLen > recEnd) break;
          p = data + fragLen;
          if (this.state === DtlsState.Connected && epoch > 0 &&
              (type === (this.isClient ? HandshakeType.HelloRequest : HandshakeType.ClientHello))) {
            this.sendAlert(AlertLevel.Warning, AlertDescription.NoRenegotiation);
            continue;
          }
          if (this.reasm.add(type, length, seq, fragOff, fragLen, buf, data) === FragmentResult.Old) {
            // The peer retransmitted its previous flight: ours was lost (§4.2.4).
            if (seq === this.peerFlightFirst && fragOff === 0 && this.flight.length > 0 && this.host.mayRetransmit(now)) this.transmitFlight(now, false);
            continue;
          }
          for (let m = this.reasm.poll(); m !== undefined && !this.isClosed(); m = this.reasm.poll()) {
            this.handshakeMessage(now, m.type, m.body, frameHandshake(m.type, m.seq, m.body));
          }
        }
      } else if (v.type === ContentType.ChangeCipherSpec) {
        // The peer's keys from now on; a CCS before its keys exist is dropped: the flight will be retransmitted.
        const k = this.keys;
        if (v.end - v.start === 1 && buf[v.start] === 1 && this.awaiting === Await.ChangeCipherSpec && k !== undefined) {
          this.rl.setReadKeys(this.crypto.ccm8(this.isClient ? k.serverKey : k.clientKey), this.isClient ? k.serverIv : k.clientIv);
          this.awaiting = Await.Finished;
        }
      } else if (v.type === ContentType.Alert) {
        // Once records are protected, an unprotected (epoch-0) alert could be forged by anyone: ignore it.
        // A fatal alert or close_notify closes; warnings are ignored.
        if ((v.epoch > 0 || this.rl.readEpoch === 0) && v.end - v.start === 2 && (buf[v.start] === AlertLevel.Fatal || buf[v.start + 1] === AlertDescription.CloseNotify)) {
          this.close(buf[v.start + 1], false);
        }
      } else if (v.type === ContentType.ApplicationData && this.state === DtlsState.Connected && v.epoch > 0) {
        // The client's data under the new keys: it has our Finished, the last flight is not resent again (§4.2.4).
        if (this.flight.length > 0) this.flight = [];
        this.host.data(this, buf, v.start, v.end);
      }
      off = next;
    }
  }

  /** Frames a handshake message with the next message_seq and adds it to the transcript. */
  message(type: number, body: Uint8Array, epoch = 0): FlightMessage {
    const bytes = frameHandshake(type, this.sendSeq++, body);
    this.transcript.push(bytes);
    return { type: ContentType.Handshake, bytes, epoch };
  }

  /** Hash(handshake_messages) so far (RFC 5246 §7.4.9). */
  transcriptHash(): Uint8Array {
    return this.crypto.sha256(concatBytes(this.transcript));
  }

  /** master_secret (extended over the transcript when negotiated, RFC 7627 §4) and the traffic keys. */
  deriveKeys(premaster: Uint8Array): void {
    this.keys = trafficKeys(this.crypto, premaster, this.clientRandom, this.serverRandom, this.ems ? this.transcriptHash() : undefined);
  }

  /** Our ChangeCipherSpec and Finished, the Finished under our new write keys. */
  ourFinished(): FlightMessage[] {
    const k = this.keys!; const c = this.isClient;
    this.rl.setWriteKeys(this.crypto.ccm8(c ? k.clientKey : k.serverKey), c ? k.clientIv : k.serverIv);
    return [CCS, this.message(HandshakeType.Finished, finishedVerifyData(this.crypto, k.master, c, this.transcriptHash()), 1)];
  }

  /**
   * One complete handshake message, in order. The peer's Certificate and Finished are
   * the same for both sides; the flow handles the rest (`handleMessage`).
   */
  private handshakeMessage(now: number, type: number, body: Uint8Array, full: Uint8Array): void {
    const a = this.awaiting;
    if (type === HandshakeType.Certificate && a === Await.Certificate) {
      // R-MTP.1–3: the chain is verified; the leaf and its Endpoint ID are recorded (R-SEC.0a).
      this.transcript.push(full);
      const r = verifyPeerCertificates(this.crypto, this.config, body);
      if ('alert' in r) { this.close(r.alert); return; }
      this.peerCertificate = r.leaf;
      this.endpointId = endpointIdOf(r.leaf);
      this.awaiting = Await.KeyExchange;
      return;
    }
    if (type !== HandshakeType.Finished || a !== Await.Finished) { (this.isClient ? clientMessage : serverMessage)(this, now, type, body, full); return; }
    const k = this.keys!;
    if (!bytesEqual(finishedVerifyData(this.crypto, k.master, !this.isClient, this.transcriptHash()), body)) { this.close(AlertDescription.DecryptError); return; }
    this.transcript.push(full);
    this.awaiting = Await.Done;
    // The server's ChangeCipherSpec and Finished end the handshake (RFC 6347 Figure 1).
    if (!this.isClient) this.sendFlight(now, this.ourFinished(), false);
    // Established: stop retransmitting and drop handshake state (transcript, pending
    // fragments, secrets zeroed for forward secrecy, the randoms). A server keeps its
    // last flight to resend it if the client's Finished is retransmitted (§4.2.4), until
    // the client's first application data shows that it arrived; a client needs its
    // flight no more. A server keeps the client random: a retransmitted hello is recognised by it.
    this.state = DtlsState.Connected;
    this.retransmitAt = Infinity;
    this.transcript = [];
    this.reasm.reset(this.reasm.next);
    if (this.isClient) { this.flight = []; this.clientRandom = NO_BYTES; }
    const cert = this.peerCertificate;
    if (cert !== undefined) this.peerCertificate = { sanUris: cert.sanUris, sanDnsNames: cert.sanDnsNames, publicKey: NO_BYTES };
    this.ephemeral?.privateKey.fill(0);
    this.ephemeral = undefined;
    this.premaster?.fill(0);
    this.premaster = undefined;
    k.master.fill(0);
    this.keys = undefined;
    this.serverRandom = NO_BYTES;
    this.host.connected(this);
  }

  /** Starts a new flight; `expectsReply` arms the retransmission timer (§4.2.4). */
  sendFlight(now: number, messages: FlightMessage[], expectsReply: boolean): void {
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
    let fragOff = 0;
    for (let i = 0; ;) {
      const m = this.flight[i];
      const ccs = m !== undefined && m.type === ContentType.ChangeCipherSpec;
      const overhead = RECORD_HEADER_BYTES + (m !== undefined && m.epoch > 0 ? CCM8_RECORD_OVERHEAD : 0) + (ccs ? 0 : HANDSHAKE_HEADER_BYTES);
      // The datagram so far goes when the next record does not fit, and at the end of the flight.
      if (m === undefined || max - len < overhead + (ccs ? 1 : 64)) {
        if (len > 0) this.host.transmit(out.slice(0, len), this.address, this.port);
        if (m === undefined) break;
        out = new Uint8Array(max); len = 0;
      }
      if (ccs) { len = this.rl.seal(m.type, m.bytes, 0, 1, out, len, true); i++; continue; }
      const room = max - len - overhead;
      if (room <= 0) return; // cannot happen with MIN_DATAGRAM_BYTES; never loop forever
      const total = m.bytes.length - HANDSHAKE_HEADER_BYTES;
      const fragLen = Math.min(room, total - fragOff);
      const frag = new Uint8Array(HANDSHAKE_HEADER_BYTES + fragLen);
      frag.set(m.bytes.subarray(0, 6));
      frag[6] = fragOff >>> 16; frag[7] = fragOff >>> 8; frag[8] = fragOff;
      frag[9] = fragLen >>> 16; frag[10] = fragLen >>> 8; frag[11] = fragLen;
      frag.set(m.bytes.subarray(HANDSHAKE_HEADER_BYTES + fragOff, HANDSHAKE_HEADER_BYTES + fragOff + fragLen), HANDSHAKE_HEADER_BYTES);
      len = this.rl.seal(ContentType.Handshake, frag, 0, frag.length, out, len, m.epoch === 0);
      fragOff += fragLen;
      if (fragOff >= total) { i++; fragOff = 0; } // the next message (an empty body is one empty fragment)
    }
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

  sendAlert(level: number, desc: number): void {
    const out = new Uint8Array(this.rl.sealedLength(2));
    const n = this.rl.seal(ContentType.Alert, new Uint8Array([level, desc]), 0, 2, out, 0);
    if (n > 0) this.host.transmit(out, this.address, this.port);
  }

  /** Sends a fatal alert (or close_notify; none when `send` is false: the peer's alert) and closes; the host hears `closed`. */
  close(desc: number = AlertDescription.CloseNotify, send = true): void {
    if (this.state === DtlsState.Closed) return;
    if (send) this.sendAlert(desc === AlertDescription.CloseNotify ? AlertLevel.Warning : AlertLevel.Fatal, desc);
    this.closeAlert = desc;
    this.state = DtlsState.Closed;
    this.retransmitAt = Infinity;
    this.host.closed(this);
  }

  /** Sends application data `data[start, end)` (R-COAP.14: only once Connected). Returns false otherwise. */
  send(data: Uint8Array, start = 0, end = data.length): boolean {
    const out = new Uint8Array(this.rl.sealedLength(end - start));
    if (this.sealInto(data, start, end, out, 0) < 0) return false;
    this.host.transmit(out, this.address, this.port);
    return true;
  }

  /**
   * The allocation-free way to send: protects `data[start, end)` into `out` at `off`
   * and returns the datagram length, which the caller writes to this peer itself; -1
   * when not connected, too large (one record per datagram: at most 2^14 bytes, RFC 5246
   * §6.2.1, and `maxDatagramBytes`), or `out` too small.
   */
  sealInto(data: Uint8Array, start: number, end: number, out: Uint8Array, off: number): number {
    const sealed = this.rl.sealedLength(end - start);
    if (this.state !== DtlsState.Connected || end - start > MAX_PLAINTEXT_BYTES || sealed > this.config.maxDatagramBytes || off + sealed > out.length) return -1;
    const n = this.rl.seal(ContentType.ApplicationData, data, start, end, out, off);
    return n < 0 ? -1 : n - off;
  }
}
