/**
 * The coaps options of the Node host agent as startHostAgent wants them: PEM files
 * read and parsed (certificateConfigFromPem), PSKs as bytes, and the agent
 * certificate's serial number and issuer for Device.LocalAgent.Certificate.{i}.
 * (read with node:crypto's X509Certificate).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { certificateConfigFromPem, type DtlsCertificateConfig } from '../dtls/index.ts';
import { utf8Bytes } from '../usp/index.ts';
import { startCoapsEndpoint, type CoapsCredentials } from '../mtp/coap/coaps-endpoint.ts';
import type { AgentCertificateInfo, HostCoapsConfig } from '../mtp/coap/provision.ts';
import type { CoapsOption } from './options.ts';

/** Our certificate, key and trust anchors from PEM files, with what the data model shows of it. */
export function loadCertificate(certFile: string, keyFile: string, caFile: string):
  { readonly config: DtlsCertificateConfig; readonly info: AgentCertificateInfo; readonly endpointId: string } | string {
  let certPem: string; let keyPem: string; let caPem: string;
  try {
    certPem = readFileSync(certFile, 'utf8');
    keyPem = readFileSync(keyFile, 'utf8');
    caPem = readFileSync(caFile, 'utf8');
  } catch (e) {
    return (e as Error).message;
  }
  const config = certificateConfigFromPem(certPem, keyPem, caPem);
  if (config === undefined) return `${certFile} / ${keyFile}: no certificate or no EC P-256 private key (EC PRIVATE KEY or PRIVATE KEY PEM)`;
  if (config.trustAnchors.length === 0) return `${caFile}: no CERTIFICATE in it`;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch (e) {
    return `${certFile}: ${(e as Error).message}`;
  }
  const uri = /URI:urn:bbf:usp:id:([^,\s]+)/.exec(x509.subjectAltName ?? '');
  const serial = x509.serialNumber.toUpperCase();
  return {
    config,
    info: { serialNumber: serial.replace(/(..)(?=.)/g, '$1:'), issuer: x509.issuer.split('\n').join(', ') },
    endpointId: uri === null ? '' : uri[1]!,
  };
}

/** HostCoapsConfig for the options, or why not (unreadable files…). */
export function coapsSettings(c: CoapsOption, endpointId: string, warn: (m: string) => void): HostCoapsConfig | string {
  const credentials: { -readonly [K in keyof CoapsCredentials]: CoapsCredentials[K] } = {
    controllerPsks: c.controllerPsks.map((p) => ({ endpointId: p.endpointId, identity: utf8Bytes(p.identity), key: p.key })),
  };
  if (c.psk !== undefined) credentials.psk = { identity: utf8Bytes(c.psk.identity), key: c.psk.key };
  const certificates: AgentCertificateInfo[] = [];
  if (c.certFile !== '') {
    const cert = loadCertificate(c.certFile, c.keyFile, c.caFile);
    if (typeof cert === 'string') return `--cert/--key/--ca: ${cert}`;
    if (cert.endpointId !== endpointId) warn(`--cert ${c.certFile} names ${cert.endpointId === '' ? 'no USP Endpoint ID' : cert.endpointId}, not ${endpointId} (R-SEC.0a: controllers will refuse it)`);
    credentials.certificate = cert.config;
    certificates.push(cert.info);
  }
  return { start: startCoapsEndpoint, port: c.port, credentials, certificates };
}
