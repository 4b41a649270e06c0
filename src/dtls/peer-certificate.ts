/**
 * Peer authentication in certificate mode (R-MTP.1–3, R-SEC.0a): parse the peer's
 * Certificate message, verify the chain against our trust anchors with the wall clock
 * when known, and map failures to TLS alerts (RFC 5246 §7.2.2).
 */
import type { CryptoPort } from '../platform/crypto.ts';
import type { DtlsConfig } from './config.ts';
import { parseCertificateList } from './handshake-messages.ts';
import { AlertDescription } from './wire.ts';
import { CertError, parseCertificate, verifyChain, type Certificate } from './x509.ts';

const MAX_PEER_CHAIN = 4;

export type PeerChainResult = { readonly leaf: Certificate } | { readonly alert: number };

/**
 * Trust anchors parsed once per DER list (a one-entry cache keyed by its identity).
 * Module-level `let`s, not a WeakMap: Moddable preloads this module into flash, where
 * objects made at preload (a WeakMap) are read-only while `let` bindings stay writable.
 */
let cachedDers: readonly Uint8Array[] | undefined;
let cachedAnchors: Certificate[] = [];

/** Verifies a Certificate message body; an empty list yields `{ alert: HandshakeFailure }`. */
export function verifyPeerCertificates(crypto: CryptoPort, config: DtlsConfig, body: Uint8Array): PeerChainResult {
  const ders = parseCertificateList(body, MAX_PEER_CHAIN);
  if (ders === undefined) return { alert: AlertDescription.DecodeError };
  if (ders.length === 0) return { alert: AlertDescription.HandshakeFailure };
  const chain: Certificate[] = [];
  let e: CertError = CertError.Ok;
  for (let i = 0; i < ders.length && e === CertError.Ok; i++) {
    const c = parseCertificate(ders[i]!.slice());
    if (typeof c === 'number') e = c;
    else chain.push(c);
  }
  if (e === CertError.Ok) {
    const anchors = config.certificate?.trustAnchors ?? [];
    if (anchors !== cachedDers) {
      cachedDers = anchors;
      cachedAnchors = [];
      for (let i = 0; i < anchors.length; i++) { const c = parseCertificate(anchors[i]!); if (typeof c !== 'number') cachedAnchors.push(c); }
    }
    e = verifyChain(crypto, chain, cachedAnchors, config.wallClock());
  }
  if (e === CertError.Ok) return { leaf: chain[0]! };
  // The TLS alert for the failure (RFC 5246 §7.2.2)
  return {
    alert: e === CertError.Expired ? AlertDescription.CertificateExpired : e === CertError.UnknownCa ? AlertDescription.UnknownCa
      : e === CertError.Unsupported ? AlertDescription.UnsupportedCertificate : AlertDescription.BadCertificate,
  };
}
