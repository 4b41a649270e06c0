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
import { SendOutcome, type UspCoapEvent } from './binding.ts';
import { createRecordViewConfig, RecordView } from '../../usp/index.ts';
import { CoapEndpointLoop, type CoapEndpointHandle, type CoapEndpointOptions } from './endpoint.ts';
import { openDtlsSocket, type DtlsPeerChecks, type DtlsSocket } from './dtls-socket.ts';
import type { UdpOptions } from '../../platform/types.ts';
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

export interface CoapsEndpointOptions extends CoapEndpointOptions {
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
    for (let i = 0; i < psks.length; i++) if (sameBytes(psks[i]!.identity, identity)) return psks[i]!.key;
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

/**
 * The coaps endpoint: the CoAP loop (endpoint.ts) on a DTLS socket, and that socket's
 * peer checks. A class: on Moddable its methods stay with the preloaded code, where a
 * handle of closures cost ≈ 10 XS slots of RAM per function (docs/device.md#figures-in-the-simulator).
 */
class CoapsEndpoint extends CoapEndpointLoop<CoapsEndpointOptions> implements CoapsEndpointHandle, DtlsPeerChecks {
  socket: DtlsSocket | null = null;
  // Initialised after super(), so from this.options.
  private readonly psks: readonly ControllerPsk[] = this.options.credentials.controllerPsks ?? [];
  /** "address port" → the Endpoint ID that must be there (set by sendRecord). */
  private readonly expected = new Map<string, string>();
  /** Reads a Record's from_id for a certificate without a USP Endpoint ID SAN; built at its first use (rare: XS RAM). */
  private view: RecordView | null = null;
  // Issue #16: a flood of failed handshakes must not write one line each. platform.now is
  // called unbound (Platform contract): no closure kept.
  private readonly peerLog = new LogLimiter(this.options.platform.log, this.options.platform.now, 'DTLS peers');
  /** send handle → "address port", to drop a silent peer's association. */
  private readonly sends = new Map<number, string>();

  constructor(o: CoapsEndpointOptions) {
    super(o, true);
  }

  /** The Endpoint ID a PSK peer is bound to: its controller's, '' for the global PSK, undefined if unknown. */
  private pskEndpointId(a: DtlsAssociation): string | undefined {
    const id = a.pskIdentity;
    if (id === undefined) return undefined;
    for (let i = 0; i < this.psks.length; i++) if (sameBytes(this.psks[i]!.identity, id)) return this.psks[i]!.endpointId;
    const psk = this.options.credentials.psk;
    return psk !== undefined && sameBytes(psk.identity, id) ? '' : undefined;
  }

  protected override deliver(e: UspCoapEvent): void {
    if (e.kind === 'sent') {
      const key = this.sends.get(e.handle);
      this.sends.delete(e.handle);
      if (key !== undefined && e.outcome === SendOutcome.Timeout) {
        const sp = key.lastIndexOf(' ');
        const a = this.socket?.endpoint.peer(key.slice(0, sp), Number(key.slice(sp + 1)));
        if (a !== undefined) this.socket!.endpoint.close(a); // reconnect on the next send (RFC 6347 §4.2.8)
      }
    }
    super.deliver(e);
  }

  protected override openSocket(udp: UdpOptions): DtlsSocket {
    const o = this.options;
    // platform.wallClock is called unbound (Platform contract): no closure kept.
    this.socket = openDtlsSocket(udp, o.platform, o.crypto, coapsDtlsConfig(o.credentials, o.platform.wallClock, o.dtls), this);
    return this.socket;
  }

  // ---- DtlsPeerChecks ----------------------------------------------------------------

  clientConfig(address: string, port: number): Partial<DtlsConfig> | undefined {
    const eid = this.expected.get(`${address} ${port}`);
    for (let i = 0; eid !== undefined && i < this.psks.length; i++) {
      const p = this.psks[i]!;
      if (p.endpointId === eid) return { psk: { identity: p.identity, key: p.key } };
    }
    return undefined;
  }

  admits(a: DtlsAssociation): boolean {
    const eid = this.expected.get(`${a.address} ${a.port}`);
    if (eid === undefined) return true;
    // The peer proves `eid` by its certificate, or by a PSK identity bound to it or global.
    const bound = a.peerCertificate !== undefined ? undefined : this.pskEndpointId(a);
    if (a.peerCertificate !== undefined ? a.authenticates(eid) : bound === '' || bound === eid) return true;
    this.peerLog.warn(`coaps peer ${a.address}:${a.port} is not ${eid} (R-SEC.0a): nothing sent`);
    return false;
  }

  onConnected(a: DtlsAssociation): void {
    const { platform } = this.options;
    platform.log.info(`coaps ${a.address}:${a.port}: DTLS ${a.isClient ? 'client' : 'server'} ${a.pskIdentity !== undefined ? 'PSK' : `ECDHE-ECDSA ${a.ecdheGroup === NamedGroup.X25519 ? 'X25519' : 'P-256'}`} connected in ${Math.round(platform.now() - a.startedAt)} ms`);
    this.options.onPeerConnected?.(a);
  }

  onClosed(a: DtlsAssociation): void {
    if (a.closeAlert !== 0) this.peerLog.info(`coaps ${a.address}:${a.port}: DTLS closed (alert ${a.closeAlert})`);
    this.options.onPeerClosed?.(a);
  }

  // ---- CoapsEndpointHandle -----------------------------------------------------------

  override sendRecord(uri: string, record: Uint8Array, endpointId?: string): number {
    const u = parseCoapUri(uri.replace('://localhost', '://127.0.0.1'));
    if (u !== null && endpointId !== undefined) this.expected.set(`${u.host} ${u.port}`, endpointId);
    const h = super.sendRecord(uri, record);
    if (h > 0 && u !== null) this.sends.set(h, `${u.host} ${u.port}`);
    return h;
  }

  originOf(peer: { readonly address: string; readonly port: number }, record: Uint8Array): CoapsOrigin | null {
    const a = this.socket?.endpoint.peer(peer.address, peer.port);
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
  const ep = new CoapsEndpoint(o);
  ep.open();
  return ep;
}
