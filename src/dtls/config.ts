/**
 * DTLS configuration (types and the frozen-defaults factory; CLI flags are wired by
 * the host agent). Suites: TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 with secp256r1/X25519
 * and X.509 (R-COAP.14–16, R-MTP.1–3), TLS_PSK_WITH_AES_128_CCM_8 only when a PSK is
 * configured (closed deployments).
 */
import { CipherSuite, NamedGroup } from './wire.ts';
import { ecPrivateKeyFromDer, pemBlocks } from './der.ts';

/** Our certificate chain and key, and the CAs we trust for peers (all DER). */
export interface DtlsCertificateConfig {
  /** Our chain, leaf first (DER). */
  readonly chain: readonly Uint8Array[];
  /** Our P-256 private key: the 32-byte scalar. */
  readonly privateKey: Uint8Array;
  /** Trust anchors for peer chains (DER). */
  readonly trustAnchors: readonly Uint8Array[];
}

export interface DtlsPskConfig {
  /** Identity we send as a client. */
  readonly identity: Uint8Array;
  readonly key: Uint8Array;
}

export interface DtlsConfig {
  /** Suites we offer/accept, most preferred first. */
  readonly cipherSuites: readonly number[];
  /** ECDHE groups, most preferred first (the server picks the first the client also lists). */
  readonly groups: readonly number[];
  readonly certificate: DtlsCertificateConfig | undefined;
  /** Client: the PSK to use (global or per controller, chosen by the caller per connect). */
  readonly psk: DtlsPskConfig | undefined;
  /** Server: the key for a PSK identity (per controller), undefined when unknown. */
  readonly pskForIdentity: ((identity: Uint8Array) => Uint8Array | undefined) | undefined;
  /** Server: demand a client certificate in certificate mode (R-MTP.1). */
  readonly requireClientCertificate: boolean;
  /** Wall clock (Unix ms) or undefined while unknown: certificate dates are then ignored (R-MTP.2). */
  readonly wallClock: () => number | undefined;
  /** Largest datagram we send (handshake flights are fragmented to fit). */
  readonly maxDatagramBytes: number;
  /** Largest handshake message we reassemble (certificate chains). */
  readonly maxHandshakeMessageBytes: number;
  /** RFC 6347 §4.2.4.1: initial retransmission timer 1 s, doubled up to 60 s. */
  readonly initialRetransmitMs: number;
  readonly maxRetransmitMs: number;
  /** Flight transmissions before the handshake is abandoned (our client handshakes). */
  readonly maxTransmissions: number;
  /**
   * The same for handshakes a peer started with us (server side): 3 = the flight and two
   * retransmissions (1 s, 2 s), abandoned at 7 s. A peer that proved its address with a
   * cookie and then went silent held a slot for 2 minutes with 7 (issue #16).
   */
  readonly maxServerTransmissions: number;
  /**
   * Flight retransmissions per second, all associations together (twice this at once):
   * what half-open handshakes can make the endpoint send is bounded (issue #16). A
   * retransmission over budget counts as sent and lost.
   */
  readonly maxRetransmitsPerSecond: number;
  /**
   * Associations kept at once; when full, a verified ClientHello evicts the handshake idle
   * longest, else the connected association idle longest (issue #16).
   */
  readonly maxPeers: number;
  /**
   * Handshakes under way at once (ours and peers'). A verified ClientHello beyond it gets
   * no answer and leaves no state: the client sends it again when its timer fires (RFC 6347
   * §4.2.4), by when the slot may be free. A handshake that missed a retransmission
   * deadline gives way to it (a silent peer cannot hold the slot, issue #16). A small
   * device sets 1: each handshake's keys, flights and certificate parse cost XS RAM
   * (docs/mtp/coap.md#half-open-handshakes). Our own connect always starts (the CoAP
   * layer bounds those), after a stalled handshake gave way if one did.
   */
  readonly maxHandshakes: number;
  /** Default coaps port (RFC 7252 §6.2). */
  readonly port: number;
}

export const COAPS_DEFAULT_PORT = 5684;
/** Smallest datagram limit accepted: a 13-byte record header, 16 bytes of CCM-8, a 12-byte handshake header and some data. */
export const MIN_DATAGRAM_BYTES = 128;

/** The suites a configuration can use: certificates first, PSK only when configured. */
export function suitesFor(c: Partial<Pick<DtlsConfig, 'certificate' | 'psk' | 'pskForIdentity'>>): number[] {
  const suites: number[] = [];
  if (c.certificate !== undefined) suites.push(CipherSuite.EcdheEcdsaAes128Ccm8);
  if (c.psk !== undefined || c.pskForIdentity !== undefined) suites.push(CipherSuite.PskAes128Ccm8);
  return suites;
}

/** Frozen configuration from defaults and `overrides` (STYLE.md rule 8). */
export function createDtlsConfig(overrides: Partial<DtlsConfig>): DtlsConfig {
  return Object.freeze({
    cipherSuites: suitesFor(overrides),
    groups: [NamedGroup.Secp256r1, NamedGroup.X25519],
    certificate: undefined,
    psk: undefined,
    pskForIdentity: undefined,
    requireClientCertificate: true,
    wallClock: () => undefined,
    maxHandshakeMessageBytes: 8192,
    initialRetransmitMs: 1000,
    maxRetransmitMs: 60_000,
    maxTransmissions: 7,
    maxServerTransmissions: 3,
    maxRetransmitsPerSecond: 8,
    maxPeers: 16,
    maxHandshakes: Infinity,
    port: COAPS_DEFAULT_PORT,
    ...overrides,
    maxDatagramBytes: Math.max(MIN_DATAGRAM_BYTES, overrides.maxDatagramBytes ?? 1152),
  });
}

/**
 * Our certificate configuration from PEM text: the chain (leaf first), the P-256 key
 * ("EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY") and the trusted CA certificates.
 * Undefined when the chain or the key is missing or unreadable.
 */
export function certificateConfigFromPem(chainPem: string, keyPem: string, trustPem: string): DtlsCertificateConfig | undefined {
  const chain = pemBlocks(chainPem, 'CERTIFICATE');
  const keyDer = pemBlocks(keyPem, 'EC PRIVATE KEY')[0] ?? pemBlocks(keyPem, 'PRIVATE KEY')[0];
  const privateKey = keyDer === undefined ? undefined : ecPrivateKeyFromDer(keyDer);
  if (chain.length === 0 || privateKey === undefined) return undefined;
  return { chain, privateKey, trustAnchors: pemBlocks(trustPem, 'CERTIFICATE') };
}
