/**
 * A secure datagram socket: the platform's UDP socket with a sans-I/O DtlsEndpoint
 * (RFC 6347) in between, offered in the same `UdpSocket` shape, so the CoAP driver
 * (endpoint.ts) runs unchanged over DTLS (coaps, RFC 7252 §9). The CoAP peer
 * identity stays (address, port) of the DTLS peer.
 *
 * - Receive: every UDP datagram goes to the DtlsEndpoint; decrypted application data
 *   is queued as a Datagram (a range of the received buffer, decrypted in place: the
 *   platform hands out a fresh buffer per datagram) and `onReadable` is called once the
 *   endpoint has returned, before the next datagram is read. The consumer's work (CoAP,
 *   the agent, the response sealed and sent) then runs on a stack without the DTLS
 *   record frames under it: the coaps Get path needed 476 of the device's 512 stack
 *   slots when it ran inside them.
 * - Send: `write(plaintext, …, address, port)` seals into one reused buffer when an
 *   association with that peer is connected; otherwise it connects on demand (client
 *   handshake, `clientConfig` gives that peer's PSK) and queues a copy (bounded) until
 *   the handshake ends. A failed or closed association is forgotten, so the next write
 *   (a CoAP retransmission) connects again; a connected one is reused in both
 *   directions (responses to a controller that connected to us go over its association).
 * - `admits(peer)` gates sending: application data goes only to a peer that proves who
 *   it must be (R-SEC.0a, checked by the caller: certificate EID or PSK identity);
 *   a client association failing it is closed right after its handshake.
 *
 * Uses only `Platform` (UDP, one timer, monotonic clock), so Moddable can reuse it.
 */
import type { CryptoPort } from '../../platform/crypto.ts';
import type { Datagram, Platform, UdpOptions, UdpSocket } from '../../platform/types.ts';
import { AlertDescription, DtlsEndpoint, DtlsState, type DtlsAssociation, type DtlsConfig, type DtlsEndpointOptions } from '../../dtls/index.ts';
import { createDeadlineTimer, type DeadlineListener, type DeadlineTimer } from '../../platform/deadline-timer.ts';

/** What the owner of a DTLS socket decides about its peers (each optional). */
export interface DtlsPeerChecks {
  /** Client: configuration overrides for a connection to this peer (e.g. its PSK). */
  readonly clientConfig?: (address: string, port: number) => Partial<DtlsConfig> | undefined;
  /** May application data go to this connected peer? (default: yes) */
  readonly admits?: (peer: DtlsAssociation) => boolean;
  readonly onConnected?: (peer: DtlsAssociation) => void;
  readonly onClosed?: (peer: DtlsAssociation) => void;
}

export interface DtlsSocket extends UdpSocket {
  /** Its DTLS endpoint: `endpoint.peer(address, port)` is the association with a peer (handshaking or connected), if any. */
  readonly endpoint: DtlsEndpoint;
}

/** Plaintext datagrams waiting for one peer's handshake (a CoAP retransmission brings more). */
const MAX_WAITING_PER_PEER = 4;
/** Largest datagram sealed: CoAP over DTLS keeps within one record (RFC 7252 §4.6 / §9). */
const SEAL_BYTES = 1600;

/**
 * The socket as a class: on Moddable its methods stay with the preloaded code, where an
 * object of closures cost ≈ 10 XS slots of RAM per function. The timer fires its
 * `onDeadline` method (no closure). It is also the raw socket's options and the DTLS endpoint's
 * (their callbacks are its methods: no adapter objects, no extra stack frames).
 */
class SecureDatagramSocket implements DtlsSocket, UdpOptions, DtlsEndpointOptions, DeadlineListener {
  readonly endpoint: DtlsEndpoint;
  readonly port: number;
  readonly address: string | undefined;
  readonly server = true;
  /** Built at the first datagram sealed: an idle coaps socket keeps no 1 600-byte buffer (#13 item 3). */
  private sealed: Uint8Array | null = null;
  private readonly readQueue: Datagram[] = [];
  private readonly waiting = new Map<DtlsAssociation, Uint8Array[]>();
  private isClosed = false;
  private raw: UdpSocket | null = null;
  private readonly timer: DeadlineTimer;

  /** `udp`: the consumer's socket options and callbacks (the CoAP loop's); `checks`: its owner's (the coaps endpoint). */
  constructor(private readonly udp: UdpOptions, private readonly platform: Platform, readonly crypto: CryptoPort, readonly config: DtlsConfig,
    private readonly checks: DtlsPeerChecks) {
    this.port = udp.port;
    this.address = udp.address;
    this.timer = createDeadlineTimer(platform, this);
    this.endpoint = new DtlsEndpoint(this);
    this.raw = platform.openUdp(this);
  }

  /** Datagrams wait on the raw socket: each goes to the DTLS endpoint, then its application data to the consumer. */
  /** DeadlineListener: the DTLS endpoint's next deadline (retransmission, handshake and idle timeouts). */
  onDeadline(): void {
    if (this.isClosed) return;
    this.endpoint.handleTimeout(this.platform.now());
    this.flush();
  }

  onReadable(): void {
    const raw = this.raw;
    const q = this.readQueue;
    for (let d = raw?.read(); d !== undefined && !this.isClosed; d = raw?.read()) {
      this.endpoint.handleDatagram(this.platform.now(), d.data, 0, d.data.length, d.address, d.port);
      this.flush();
      if (q.length > 0 && !this.isClosed) this.udp.onReadable(q.length);
      while (q.length > 0) q.pop(); // what the consumer left; Espruino's arrays refuse `length = 0`
    }
  }

  onReady(port: number): void { this.udp.onReady?.(port); }
  onError(message: string): void { this.udp.onError?.(message); }

  onWriteError(address: string, port: number, message: string): void {
    // The peer's address cannot be reached: a handshake with it cannot finish (issue #16).
    const a = this.endpoint.peer(address, port);
    if (a !== undefined && a.state === DtlsState.Handshaking) this.endpoint.close(a);
    if (!this.isClosed) this.udp.onWriteError?.(address, port, message);
  }

  /** Decrypted application data: queued; onReadable hands it to the consumer once the endpoint has returned. */
  onData(peer: DtlsAssociation, buf: Uint8Array, start: number, end: number): void {
    if (!this.isClosed) this.readQueue.push({ data: buf.subarray(start, end), address: peer.address, port: peer.port });
  }

  onConnected(peer: DtlsAssociation): void {
    const c = this.checks;
    const list = this.waiting.get(peer);
    this.waiting.delete(peer);
    if (c.admits !== undefined && !c.admits(peer)) {
      if (peer.isClient) peer.close(AlertDescription.BadCertificate); // not the peer we meant to reach (R-SEC.0a)
    } else if (list !== undefined) {
      for (let i = 0; i < list.length; i++) this.seal(peer, list[i]!, 0, list[i]!.length);
    }
    c.onConnected?.(peer);
  }

  onClosed(peer: DtlsAssociation): void {
    this.waiting.delete(peer);
    this.checks.onClosed?.(peer);
  }

  private flush(): void {
    const raw = this.raw;
    if (this.isClosed || raw === null) return;
    const endpoint = this.endpoint;
    for (let t = endpoint.pollTransmit(); t !== undefined; t = endpoint.pollTransmit()) {
      if (raw.write(t.data, 0, t.data.length, t.address, t.port)) continue;
      const a = endpoint.peer(t.address, t.port); // refused destination: its handshake cannot finish
      if (a !== undefined && a.state === DtlsState.Handshaking) endpoint.close(a);
    }
    this.timer.arm(endpoint.pollTimeout());
  }

  private seal(peer: DtlsAssociation, data: Uint8Array, start: number, end: number): boolean {
    const sealed = this.sealed ?? (this.sealed = new Uint8Array(SEAL_BYTES));
    const n = peer.sealInto(data, start, end, sealed, 0);
    if (n < 0 || this.raw === null) return false;
    return this.raw.write(sealed, 0, n, peer.address, peer.port);
  }

  read(): Datagram | undefined {
    return this.readQueue.shift();
  }

  write(data: Uint8Array, start: number, end: number, address: string, port: number): boolean {
    if (this.isClosed) return false;
    const c = this.checks;
    const endpoint = this.endpoint;
    let peer = endpoint.peer(address, port);
    if (peer !== undefined && peer.state === DtlsState.Connected) {
      const ok = (c.admits === undefined || c.admits(peer)) && this.seal(peer, data, start, end);
      this.flush();
      return ok;
    }
    if (peer === undefined || peer.state === DtlsState.Closed) {
      peer = endpoint.connect(this.platform.now(), address, port, c.clientConfig?.(address, port));
      this.waiting.set(peer, []);
    }
    const list = this.waiting.get(peer);
    // A full wait list drops the datagram as a lossy link would (the CoAP retransmission
    // brings it again); false is kept for "this destination cannot be reached".
    if (list !== undefined && list.length < MAX_WAITING_PER_PEER) list.push(data.slice(start, end));
    this.flush();
    return peer.state !== DtlsState.Closed;
  }

  close(): void {
    if (this.isClosed) return;
    const all = this.endpoint.associations();
    for (let i = 0; i < all.length; i++) this.endpoint.close(all[i]!); // close_notify
    this.flush();
    this.isClosed = true;
    this.timer.cancel();
    this.waiting.clear();
    this.raw?.close();
  }
}

/** A DTLS socket over the platform's UDP, bound as `udp` says, delivering to `udp`'s callbacks. */
export function openDtlsSocket(udp: UdpOptions, platform: Platform, crypto: CryptoPort, config: DtlsConfig, checks: DtlsPeerChecks = {}): DtlsSocket {
  return new SecureDatagramSocket(udp, platform, crypto, config, checks);
}
