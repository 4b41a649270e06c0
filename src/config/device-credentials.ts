/**
 * The device agent's coaps configuration (HostCoapsConfig, mtp/coap/provision.ts) from
 * its settings (device-settings.ts) and the PEM `data` resources the app carries: our
 * chain, our P-256 key, the CAs we trust (docs/device.md#security-and-mtps-on-the-device).
 * Pure (no node:crypto): the certificate's SerialNumber and Issuer come from its DER
 * (certificate-info.ts), its Endpoint ID from the SAN URI (R-SEC.0a).
 */
import { certificateConfigFromPem, endpointIdOf, parseCertificate, type DtlsConfig } from '../dtls/index.ts';
import { utf8Bytes } from '../usp/index.ts';
import { startCoapsEndpoint, type CoapsCredentials } from '../mtp/coap/coaps-endpoint.ts';
import type { AgentCertificateInfo, HostCoapsConfig } from '../mtp/coap/provision.ts';
import { certificateInfoOf } from './certificate-info.ts';
import type { DeviceSettings } from './device-settings.ts';

export interface DevicePems {
  /** Our chain, leaf first. */
  readonly certificate: string;
  readonly key: string;
  /** The CAs a peer's chain must end in. */
  readonly ca: string;
}

/**
 * Limits of a Class 2 device (RFC 7228): two DTLS associations at once, one of them
 * handshaking (a second peer's hello waits for its retransmission, RFC 6347 §4.2.4: two
 * refused handshakes at once overran the ESP32 slot heap, issue #14), 4 KiB handshake
 * messages (a chain of two P-256 certificates is ≈ 1 KiB).
 */
export const DEVICE_DTLS: Partial<DtlsConfig> = { maxPeers: 2, maxHandshakes: 1, maxHandshakeMessageBytes: 4096 };

/** HostCoapsConfig for `coaps`, or why not (unreadable PEM…); `warn` hears what still runs. */
export function deviceCoapsConfig(coaps: NonNullable<DeviceSettings['coaps']>, pems: DevicePems | undefined, endpointId: string,
  warn: (message: string) => void): HostCoapsConfig | string {
  const credentials: { -readonly [K in keyof CoapsCredentials]: CoapsCredentials[K] } = {
    controllerPsks: coaps.controllerPsks.map((p) => ({ endpointId: p.endpointId, identity: utf8Bytes(p.identity), key: p.key })),
  };
  if (coaps.psk !== undefined) credentials.psk = { identity: utf8Bytes(coaps.psk.identity), key: coaps.psk.key };
  const certificates: AgentCertificateInfo[] = [];
  if (coaps.certificate && pems !== undefined) {
    const config = certificateConfigFromPem(pems.certificate, pems.key, pems.ca);
    if (config === undefined) return 'usp-agent-cert.pem / usp-agent-key.pem: no certificate or no EC P-256 private key';
    if (config.trustAnchors.length === 0) return 'usp-ca.pem: no CERTIFICATE in it';
    const leaf = parseCertificate(config.chain[0]!);
    const info = certificateInfoOf(config.chain[0]!);
    if (typeof leaf === 'number' || info === undefined) return `usp-agent-cert.pem: not a P-256 certificate tinyusp can use (error ${String(leaf)})`;
    const named = endpointIdOf(leaf);
    if (named !== endpointId) warn(`usp-agent-cert.pem names ${named ?? 'no USP Endpoint ID'}, not ${endpointId} (R-SEC.0a: controllers will refuse it)`);
    credentials.certificate = config;
    certificates.push(info);
  }
  return { start: startCoapsEndpoint, port: coaps.port, credentials, certificates, dtls: DEVICE_DTLS };
}
