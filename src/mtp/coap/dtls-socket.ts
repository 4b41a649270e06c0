/**
 * A secure datagram socket: the platform's UDP socket with a sans-I/O DtlsEndpoint
 * (RFC 6347) in between, offered in the same `UdpSocket` shape, so the CoAP driver
 * (endpoint.ts) runs unchanged over DTLS (coaps, RFC 7252 §9). The CoAP peer
 * identity stays (address, port) of the DTLS peer.
 *
 * - Receive: every UDP datagram goes to the DtlsEndpoint; decrypted application data
 *   is queued as a Datagram (a range of the received buffer, decrypted in place) and
 *   `onReadable` is called at once, so the consumer reads it while the buffer is valid.
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
import { AlertDescription, DtlsEndpoint, DtlsState, type DtlsAssociation, type DtlsConfig } from '../../dtls/index.ts';
import { createDeadlineTimer } from '../../platform/deadline-timer.ts';

export interface DtlsSocketOptions extends UdpOptions {
  readonly platform: Platform;
  readonly crypto: CryptoPort;
  readonly config: DtlsConfig;
  /** Client: configuration overrides for a connection to this peer (e.g. its PSK). */
  readonly clientConfig?: (address: string, port: number) => Partial<DtlsConfig> | undefined;
  /** May application data go to this connected peer? (default: yes) */
  readonly admits?: (peer: DtlsAssociation) => boolean;
  readonly onConnected?: (peer: DtlsAssociation) => void;
  readonly onClosed?: (peer: DtlsAssociation) => void;
}

export interface DtlsSocket extends UdpSocket {
  readonly endpoint: DtlsEndpoint;
  /** The association with address:port (handshaking or connected), if any. */
  association(address: string, port: number): DtlsAssociation | undefined;
}

/** Plaintext datagrams waiting for one peer's handshake (a CoAP retransmission brings more). */
const MAX_WAITING_PER_PEER = 4;
/** Largest datagram sealed: CoAP over DTLS keeps within one record (RFC 7252 §4.6 / §9). */
const SEAL_BYTES = 1600;

export function openDtlsSocket(o: DtlsSocketOptions): DtlsSocket {
  const { platform } = o;
  const sealed = new Uint8Array(SEAL_BYTES);
  const readQueue: Datagram[] = [];
  const waiting = new Map<DtlsAssociation, Uint8Array[]>();
  let closed = false;
  let raw: UdpSocket | null = null;
  const timer = createDeadlineTimer(platform, () => {
    if (closed) return;
    endpoint.handleTimeout(platform.now());
    flush();
  });

  const endpoint: DtlsEndpoint = new DtlsEndpoint({
    config: o.config, crypto: o.crypto, server: true,
    onData(peer, buf, start, end) {
      if (closed) return;
      readQueue.push({ data: buf.subarray(start, end), address: peer.address, port: peer.port });
      o.onReadable(readQueue.length);
      while (readQueue.length > 0) readQueue.pop(); // read during the call (the bytes are only valid now); Espruino's arrays refuse `length = 0`
    },
    onConnected(peer) {
      const list = waiting.get(peer);
      waiting.delete(peer);
      if (o.admits !== undefined && !o.admits(peer)) {
        if (peer.isClient) peer.close(AlertDescription.BadCertificate); // not the peer we meant to reach (R-SEC.0a)
      } else if (list !== undefined) {
        for (const d of list) seal(peer, d, 0, d.length);
      }
      o.onConnected?.(peer);
    },
    onClosed(peer) {
      waiting.delete(peer);
      o.onClosed?.(peer);
    },
  });

  function flush(): void {
    if (closed || raw === null) return;
    for (let t = endpoint.pollTransmit(); t !== undefined; t = endpoint.pollTransmit()) {
      if (raw.write(t.data, 0, t.data.length, t.address, t.port)) continue;
      const a = endpoint.peer(t.address, t.port); // refused destination: its handshake cannot finish
      if (a !== undefined && a.state === DtlsState.Handshaking) endpoint.close(a);
    }
    timer.arm(endpoint.pollTimeout());
  }

  function seal(peer: DtlsAssociation, data: Uint8Array, start: number, end: number): boolean {
    const n = peer.sealInto(data, start, end, sealed, 0);
    if (n < 0 || raw === null) return false;
    return raw.write(sealed, 0, n, peer.address, peer.port);
  }

  raw = platform.openUdp({
    port: o.port,
    ...(o.address !== undefined ? { address: o.address } : {}),
    onReadable() {
      for (let d = raw?.read(); d !== undefined && !closed; d = raw?.read()) {
        endpoint.handleDatagram(platform.now(), d.data, 0, d.data.length, d.address, d.port);
        flush();
      }
    },
    ...(o.onReady !== undefined ? { onReady: o.onReady } : {}),
    ...(o.onError !== undefined ? { onError: o.onError } : {}),
    onWriteError(address, port, message) {
      // The peer's address cannot be reached: a handshake with it cannot finish (issue #16).
      const a = endpoint.peer(address, port);
      if (a !== undefined && a.state === DtlsState.Handshaking) endpoint.close(a);
      if (!closed) o.onWriteError?.(address, port, message);
    },
  });

  return {
    endpoint,
    association: (address, port) => endpoint.peer(address, port),
    read: () => readQueue.shift(),
    write(data, start, end, address, port) {
      if (closed) return false;
      let peer = endpoint.peer(address, port);
      if (peer !== undefined && peer.state === DtlsState.Connected) {
        const ok = (o.admits === undefined || o.admits(peer)) && seal(peer, data, start, end);
        flush();
        return ok;
      }
      if (peer === undefined || peer.state === DtlsState.Closed) {
        peer = endpoint.connect(platform.now(), address, port, o.clientConfig?.(address, port));
        waiting.set(peer, []);
      }
      const list = waiting.get(peer);
      // A full wait list drops the datagram as a lossy link would (the CoAP retransmission
      // brings it again); false is kept for "this destination cannot be reached".
      if (list !== undefined && list.length < MAX_WAITING_PER_PEER) list.push(data.slice(start, end));
      flush();
      return peer.state !== DtlsState.Closed;
    },
    close() {
      if (closed) return;
      for (const p of endpoint.associations()) endpoint.close(p); // close_notify
      flush();
      closed = true;
      timer.cancel();
      waiting.clear();
      raw?.close();
    },
  };
}
