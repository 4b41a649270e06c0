/**
 * USP over CoAP over DTLS (coaps, RFC 7252 §9; TR-369 R-COAP.14–16, R-SEC.0a): the
 * CoAP driver (endpoint.ts) on a DTLS socket (dtls-socket.ts), plus the security
 * binding between DTLS peers and USP Endpoint IDs.
 *
 * Credentials (either or both):
 * - certificate mode: our chain and key, the CAs we trust; peers must present a
 *   certificate (R-MTP.1) and its SAN URI `urn:bbf:usp:id:<eid>` is the peer's
 *   Endpoint ID (an `fqdn::` ID may be named by dNSName);
 * - a global PSK (`psk`): any controller may use it; no Endpoint ID is bound to it;
 * - per-controller PSKs (`controllerPsks`): the identity names one controller, whose
 *   Records must come from that Endpoint ID.
 *
 * Receiving: `originOf(peer, record)` gives the MtpOrigin fields for a Record that came
 * from `peer`: `secure: true` and `peerEndpointId` (the agent drops a Record whose
 * from_id differs, R-SEC.0a) — or null when the peer proved nothing usable.
 * Sending: `sendRecord(uri, record, endpointId)` remembers who must be at the URI's
 * address; the DTLS socket sends to that peer only when its certificate names the
 * Endpoint ID (`peer.authenticates`) or its PSK identity belongs to it (or is global).
 * A send that times out (no CoAP ACK, R-COAP.9) drops that peer's association: the
 * peer may have lost its DTLS state (restart), so the next send handshakes again.
 */
import type { CryptoPort } from '../../platform/crypto.ts';
import { createDtlsConfig, DtlsState, NamedGroup, type DtlsAssociation, type DtlsCertificateConfig, type DtlsConfig } from '../../dtls/index.ts';
import { parseCoapUri } from './uri.ts';
import { SendOutcome, type UspCoapBinding, type UspCoapEvent } from './binding.ts';
import { createRecordViewConfig, RecordView } from '../../usp/index.ts';
import { startCoapEndpoint, type CoapEndpointHandle, type CoapEndpointOptions } from './endpoint.ts';
import { openDtlsSocket, type DtlsSocket, type DtlsSocketOptions } from './dtls-socket.ts';
import type { Platform, UdpOptions, UdpSocket } from '../../platform/types.ts';
import { LogLimiter } from '../../platform/log-limiter.ts';

export interface PskCredential {
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
}

export interface ControllerPsk extends PskCredential {
  readonly endpointId: string;
}

export interface CoapsCredentials {
  readonly certificate?: DtlsCertificateConfig | undefined;
  readonly psk?: PskCredential | undefined;
  readonly controllerPsks?: readonly ControllerPsk[] | undefined;
}

export interface CoapsEndpointOptions extends Omit<CoapEndpointOptions, 'openUdp'> {
  readonly credentials: CoapsCredentials;
  readonly crypto: CryptoPort;
  /** DTLS settings beyond the credentials (timers, datagram size). */
  readonly dtls?: Partial<DtlsConfig>;
  /** A handshake ended with an alert (wrong PSK, untrusted certificate…) or an association closed. */
  readonly onPeerClosed?: (peer: DtlsAssociation) => void;
  readonly onPeerConnected?: (peer: DtlsAssociation) => void;
}

export interface CoapsOrigin {
  readonly secure: true;
  readonly peerEndpointId: string;
}

export interface CoapsEndpointHandle extends CoapEndpointHandle {
  /** POSTs to a coaps:// URI; `endpointId` is who must answer at its address (R-SEC.0a). */
  sendRecord(uri: string, record: Uint8Array, endpointId?: string): number;
  /** MtpOrigin fields for a Record from `peer`, or null when it must not be processed. */
  originOf(peer: { readonly address: string; readonly port: number }, record: Uint8Array): CoapsOrigin | null;
  readonly socket: DtlsSocket | null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The DTLS configuration for these credentials (server side: every PSK identity we know). */
export function coapsDtlsConfig(c: CoapsCredentials, wallClock: () => number | undefined, extra: Partial<DtlsConfig> = {}): DtlsConfig {
  const psks = c.controllerPsks ?? [];
  const keyFor = (identity: Uint8Array): Uint8Array | undefined => {
    if (c.psk !== undefined && sameBytes(c.psk.identity, identity)) return c.psk.key;
    for (const p of psks) if (sameBytes(p.identity, identity)) return p.key;
    return undefined;
  };
  return createDtlsConfig({
    wallClock,
    ...(c.certificate !== undefined ? { certificate: c.certificate } : {}),
    ...(c.psk !== undefined ? { psk: c.psk } : {}),
    ...(c.psk !== undefined || psks.length > 0 ? { pskForIdentity: keyFor } : {}),
    ...extra,
  });
}

/** The CoAP loop's options for a coaps endpoint: its own, with the events and the DTLS socket coming through the endpoint. */
class CoapsLoopOptions implements CoapEndpointOptions {
  readonly platform: Platform;
  readonly port: number;
  readonly address: string | undefined;
  constructor(private readonly ep: CoapsEndpoint, private readonly o: CoapsEndpointOptions) {
    this.platform = o.platform;
    this.port = o.port;
    this.address = o.address;
  }

  /** Read once, when the loop builds its binding: no copy of the settings kept from boot (XS RAM, #13 item 3). */
  get binding(): CoapEndpointOptions['binding'] { return { ...this.o.binding, secure: true }; }

  // The owner's callbacks, called as its methods (they may be: composition/agent-runtime.ts).
  onReady(port: number): void { this.o.onReady?.(port); }
  onError(message: string): void {
    if (this.o.onError !== undefined) this.o.onError(message);
    else this.o.platform.log.error(`CoAP socket: ${message}`);
  }
  onWriteError(address: string, port: number, message: string): void { this.o.onWriteError?.(address, port, message); }

  onEvent(e: UspCoapEvent): void { this.ep.coapEvent(e); }
  openUdp(udp: UdpOptions): UdpSocket { return this.ep.openSocket(udp); }
}

/** The DTLS socket's options: the CoAP loop's UDP callbacks, the DTLS configuration, and the endpoint's checks. */
class CoapsSocketOptions implements DtlsSocketOptions {
  readonly port: number;
  readonly address: string | undefined;

  constructor(private readonly ep: CoapsEndpoint, private readonly udp: UdpOptions, readonly platform: Platform, readonly crypto: CryptoPort, readonly config: DtlsConfig) {
    this.port = udp.port;
    this.address = udp.address;
  }

  // The CoAP loop's callbacks, called as its methods (they may be: endpoint.ts).
  onReadable(count: number): void { this.udp.onReadable(count); }
  onReady(port: number): void { this.udp.onReady?.(port); }
  onError(message: string): void { this.udp.onError?.(message); }
  onWriteError(address: string, port: number, message: string): void { this.udp.onWriteError?.(address, port, message); }

  clientConfig(address: string, port: number): Partial<DtlsConfig> | undefined { return this.ep.clientConfig(address, port); }
  admits(a: DtlsAssociation): boolean { return this.ep.admits(a); }
  onConnected(a: DtlsAssociation): void { this.ep.peerConnected(a); }
  onClosed(a: DtlsAssociation): void { this.ep.peerClosed(a); }
}

/**
 * The endpoint as a class: on Moddable its methods stay with the preloaded code, where
 * a handle of closures cost ≈ 10 XS slots of RAM per function (docs/device.md#figures-in-the-simulator).
 */
class CoapsEndpoint implements CoapsEndpointHandle {
  socket: DtlsSocket | null = null;
  private readonly psks: readonly ControllerPsk[];
  /** "address port" → the Endpoint ID that must be there (set by sendRecord). */
  private readonly expected = new Map<string, string>();
  /** Reads a Record's from_id for a certificate without a USP Endpoint ID SAN; built at its first use (rare: XS RAM). */
  private view: RecordView | null = null;
  // Issue #16: a flood of failed handshakes must not write one line each.
  private readonly peerLog: LogLimiter;
  private readonly config: DtlsConfig;
  /** send handle → "address port", to drop a silent peer's association. */
  private readonly sends = new Map<number, string>();
  private readonly ep: CoapEndpointHandle;

  constructor(private readonly o: CoapsEndpointOptions) {
    const { platform } = o;
    this.psks = o.credentials.controllerPsks ?? [];
    // platform.now and wallClock are called unbound (Platform contract): no closures kept.
    this.peerLog = new LogLimiter(platform.log, platform.now, 'DTLS peers');
    this.config = coapsDtlsConfig(o.credentials, platform.wallClock, o.dtls);
    this.ep = startCoapEndpoint(new CoapsLoopOptions(this, o));
  }

  /** The Endpoint ID a PSK peer is bound to: its controller's, '' for the global PSK, undefined if unknown. */
  private pskEndpointId(a: DtlsAssociation): string | undefined {
    const id = a.pskIdentity;
    if (id === undefined) return undefined;
    for (const p of this.psks) if (sameBytes(p.identity, id)) return p.endpointId;
    const psk = this.o.credentials.psk;
    return psk !== undefined && sameBytes(psk.identity, id) ? '' : undefined;
  }

  private proves(a: DtlsAssociation, eid: string): boolean {
    if (a.peerCertificate !== undefined) return a.authenticates(eid);
    const bound = this.pskEndpointId(a);
    return bound === '' || bound === eid;
  }

  coapEvent(e: UspCoapEvent): void {
    if (e.kind === 'sent') {
      const key = this.sends.get(e.handle);
      this.sends.delete(e.handle);
      if (key !== undefined && e.outcome === SendOutcome.Timeout) {
        const sp = key.lastIndexOf(' ');
        const a = this.socket?.association(key.slice(0, sp), Number(key.slice(sp + 1)));
        if (a !== undefined) this.socket!.endpoint.close(a); // reconnect on the next send (RFC 6347 §4.2.8)
      }
    }
    this.o.onEvent(e);
  }

  openSocket(udp: UdpOptions): DtlsSocket {
    this.socket = openDtlsSocket(new CoapsSocketOptions(this, udp, this.o.platform, this.o.crypto, this.config));
    return this.socket;
  }

  clientConfig(address: string, port: number): Partial<DtlsConfig> | undefined {
    const eid = this.expected.get(`${address} ${port}`);
    const p = eid === undefined ? undefined : this.psks.find((q) => q.endpointId === eid);
    return p === undefined ? undefined : { psk: { identity: p.identity, key: p.key } };
  }

  admits(a: DtlsAssociation): boolean {
    const eid = this.expected.get(`${a.address} ${a.port}`);
    if (eid === undefined || this.proves(a, eid)) return true;
    this.peerLog.warn(`coaps peer ${a.address}:${a.port} is not ${eid} (R-SEC.0a): nothing sent`);
    return false;
  }

  peerConnected(a: DtlsAssociation): void {
    const { platform } = this.o;
    platform.log.info(`coaps ${a.address}:${a.port}: DTLS ${a.isClient ? 'client' : 'server'} ${a.pskIdentity !== undefined ? 'PSK' : `ECDHE-ECDSA ${a.ecdheGroup === NamedGroup.X25519 ? 'X25519' : 'P-256'}`} connected in ${Math.round(platform.now() - a.startedAt)} ms`);
    this.o.onPeerConnected?.(a);
  }

  peerClosed(a: DtlsAssociation): void {
    if (a.closeAlert !== 0) this.peerLog.info(`coaps ${a.address}:${a.port}: DTLS closed (alert ${a.closeAlert})`);
    this.o.onPeerClosed?.(a);
  }

  get port(): number { return this.ep.port; }
  get binding(): UspCoapBinding | null { return this.ep.binding; }

  close(): void { this.ep.close(); }

  sendRecord(uri: string, record: Uint8Array, endpointId?: string): number {
    const u = parseCoapUri(uri.replace('://localhost', '://127.0.0.1'));
    if (u !== null && endpointId !== undefined) this.expected.set(`${u.host} ${u.port}`, endpointId);
    const h = this.ep.sendRecord(uri, record);
    if (h > 0 && u !== null) this.sends.set(h, `${u.host} ${u.port}`);
    return h;
  }

  originOf(peer: { readonly address: string; readonly port: number }, record: Uint8Array): CoapsOrigin | null {
    const a = this.socket?.association(peer.address, peer.port);
    if (a === undefined || a.state !== DtlsState.Connected) return null;
    if (a.peerCertificate !== undefined) {
      if (a.endpointId !== undefined) return { secure: true, peerEndpointId: a.endpointId };
      // No urn:bbf:usp:id SAN: the certificate must name the Record's from_id otherwise (fqdn:: by dNSName).
      if (this.view === null) this.view = new RecordView(createRecordViewConfig({ maxRecordBytes: 1 << 20 }));
      const view = this.view;
      if (view.wrap(record, 0, record.length) !== 0) return null;
      let fromId = '';
      for (let i = 0; i < view.fromIdLen; i++) fromId += String.fromCharCode(record[view.fromIdStart + i]!);
      return a.authenticates(fromId) ? { secure: true, peerEndpointId: fromId } : null;
    }
    const bound = this.pskEndpointId(a);
    return bound === undefined ? null : { secure: true, peerEndpointId: bound };
  }
}

export function startCoapsEndpoint(o: CoapsEndpointOptions): CoapsEndpointHandle {
  return new CoapsEndpoint(o);
}
