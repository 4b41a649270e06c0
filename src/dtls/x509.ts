/**
 * Minimal X.509 v3 (RFC 5280) for DTLS certificate mode: only what tinyusp needs —
 * the TBS bytes, issuer/subject Names (compared as DER bytes), validity, the P-256
 * SubjectPublicKeyInfo, ecdsa-with-SHA256 signatures, basicConstraints and the
 * subjectAltName URIs that carry the USP Endpoint ID (`urn:bbf:usp:id:…`, R-SEC.0a).
 *
 * Invariants: parsing never throws; anything outside that profile (RSA keys, other
 * curves, other signature algorithms) is rejected as unsupported. Dates become Unix
 * milliseconds without Date (core rule). Chains are verified against configured trust
 * anchors; dates are checked only when the wall clock is known (R-MTP.2).
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { bytesEqual, children, OID_EC_PUBLIC_KEY, OID_ECDSA_SHA256, OID_P256, readTlv, type Tlv } from './der.ts';

export interface Certificate {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBefore: number;
  readonly notAfter: number;
  /** Uncompressed P-256 point (65 bytes). */
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly isCa: boolean;
  readonly sanUris: readonly string[];
  /** subjectAltName dNSName entries (the `fqdn::` Endpoint ID form, R-SEC.0a). */
  readonly sanDnsNames: readonly string[];
}

export const CertError = { Ok: 0, Malformed: 1, Unsupported: 2, UnknownCa: 3, BadSignature: 4, Expired: 5, NotCa: 6 } as const;
export type CertError = (typeof CertError)[keyof typeof CertError];

const OID_SAN = new Uint8Array([0x55, 0x1d, 0x11]);
const OID_BASIC_CONSTRAINTS = new Uint8Array([0x55, 0x1d, 0x13]);
const MAX_CHAIN = 4;

function oidIs(buf: Uint8Array, t: Tlv | undefined, oid: Uint8Array): boolean {
  return t !== undefined && t.tag === 0x06 && bytesEqual(buf.subarray(t.start, t.end), oid);
}

function digits(b: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = b[p + i]! - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** UTCTime / GeneralizedTime "…Z" (RFC 5280 §4.1.2.5) to Unix ms; NaN if malformed. */
function timeMs(buf: Uint8Array, t: Tlv): number {
  let p = t.start; let year: number;
  if (t.tag === 0x17 && t.end - t.start === 13) { year = digits(buf, p, 2); year += year < 50 ? 2000 : 1900; p += 2; }
  else if (t.tag === 0x18 && t.end - t.start === 15) { year = digits(buf, p, 4); p += 4; }
  else return NaN;
  if (buf[t.end - 1] !== 0x5a) return NaN;
  const mo = digits(buf, p, 2); const d = digits(buf, p + 2, 2);
  const h = digits(buf, p + 4, 2); const mi = digits(buf, p + 6, 2); const s = digits(buf, p + 8, 2);
  // Days since 1970-01-01 of the civil date (proleptic Gregorian, H. Hinnant's days_from_civil).
  const y = year - (mo <= 2 ? 1 : 0);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return ((days * 24 + h) * 60 + mi) * 60000 + s * 1000;
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

function parseExtensions(der: Uint8Array, ext: Tlv, out: { isCa: boolean; sanUris: string[]; sanDnsNames: string[] }): boolean {
  const seq = readTlv(der, ext.start, ext.end);
  const list = seq && seq.tag === 0x30 ? children(der, seq, 32) : undefined;
  if (list === undefined) return false;
  for (let i = 0; i < list.length; i++) {
    const parts = children(der, list[i]!, 3);
    if (parts === undefined || parts.length < 2) return false;
    const value = parts[parts.length - 1]!;
    if (value.tag !== 0x04) return false;
    const inner = readTlv(der, value.start, value.end);
    if (oidIs(der, parts[0], OID_SAN)) {
      const names = inner && inner.tag === 0x30 ? children(der, inner, 32) : undefined;
      if (names === undefined) return false;
      for (let j = 0; j < names.length; j++) {
        const n = names[j]!;
        if (n.tag === 0x86) out.sanUris.push(ascii(der, n.start, n.end));
        else if (n.tag === 0x82) out.sanDnsNames.push(ascii(der, n.start, n.end).toLowerCase());
      }
    } else if (oidIs(der, parts[0], OID_BASIC_CONSTRAINTS)) {
      const bc = inner && inner.tag === 0x30 ? children(der, inner, 2) : undefined;
      if (bc === undefined) return false;
      out.isCa = bc.length > 0 && bc[0]!.tag === 0x01 && der[bc[0]!.start] !== 0;
    }
  }
  return true;
}

/** Parses a DER certificate in the supported profile; a CertError code otherwise. */
export function parseCertificate(der: Uint8Array): Certificate | CertError {
  const top = readTlv(der, 0, der.length);
  const parts = top && top.tag === 0x30 ? children(der, top, 3) : undefined;
  if (parts === undefined || parts.length !== 3) return CertError.Malformed;
  const tbsT = parts[0]!; const sigVal = parts[2]!;
  const sigAlgKids = children(der, parts[1]!, 2);
  if (!oidIs(der, sigAlgKids?.[0], OID_ECDSA_SHA256)) return CertError.Unsupported;
  if (sigVal.tag !== 0x03 || sigVal.end - sigVal.start < 2 || der[sigVal.start] !== 0) return CertError.Malformed;
  const f = children(der, tbsT, 12);
  if (f === undefined) return CertError.Malformed;
  let i = f[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  i++; // serialNumber
  i++; // signature AlgorithmIdentifier
  const issuer = f[i++]; const validity = f[i++]; const subject = f[i++]; const spki = f[i++];
  if (!issuer || !validity || !subject || !spki) return CertError.Malformed;
  const v = children(der, validity, 2);
  if (v === undefined || v.length !== 2) return CertError.Malformed;
  const notBefore = timeMs(der, v[0]!); const notAfter = timeMs(der, v[1]!);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) return CertError.Malformed;
  const k = children(der, spki, 2);
  const alg = k?.[0] ? children(der, k[0], 2) : undefined;
  if (k === undefined || alg === undefined || !oidIs(der, alg[0], OID_EC_PUBLIC_KEY) || !oidIs(der, alg[1], OID_P256)) return CertError.Unsupported;
  const bits = k[1]!;
  if (bits.tag !== 0x03 || bits.end - bits.start !== 66 || der[bits.start] !== 0 || der[bits.start + 1] !== 4) return CertError.Unsupported;
  const ext = { isCa: false, sanUris: [] as string[], sanDnsNames: [] as string[] };
  for (; i < f.length; i++) {
    if (f[i]!.tag === 0xa3 && !parseExtensions(der, f[i]!, ext)) return CertError.Malformed;
  }
  return {
    der, tbs: der.subarray(top!.start, tbsT.end), // the whole TBSCertificate TLV is signed
    issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end),
    notBefore, notAfter, publicKey: der.subarray(bits.start + 1, bits.end),
    signature: der.subarray(sigVal.start + 1, sigVal.end), isCa: ext.isCa, sanUris: ext.sanUris, sanDnsNames: ext.sanDnsNames,
  };
}

/** The `urn:bbf:usp:id:` prefix of an Endpoint ID in a subjectAltName URI (R-SEC.0a). */
export const USP_EID_URN_PREFIX = 'urn:bbf:usp:id:';

/** The USP Endpoint ID carried in the certificate's SAN URIs, if any (R-SEC.0a). */
export function endpointIdOf(cert: Pick<Certificate, 'sanUris'>): string | undefined {
  for (let i = 0; i < cert.sanUris.length; i++) {
    const uri = cert.sanUris[i]!;
    if (uri.length > USP_EID_URN_PREFIX.length && uri.startsWith(USP_EID_URN_PREFIX)) return uri.slice(USP_EID_URN_PREFIX.length);
  }
  return undefined;
}

const FQDN_PREFIX = 'fqdn::';

/**
 * R-SEC.0a: does the certificate name Endpoint ID `eid`? Either the URN form in a SAN
 * URI, or for `fqdn::` IDs the instance-id as a dNSName — a left-most `*` label
 * matching one label (RFC 6125 §6.4.3, allowed for Controllers by R-COAP.15).
 */
export function certificateNames(cert: Pick<Certificate, 'sanUris' | 'sanDnsNames'>, eid: string): boolean {
  if (cert.sanUris.indexOf(USP_EID_URN_PREFIX + eid) >= 0) return true;
  if (!eid.startsWith(FQDN_PREFIX)) return false;
  const host = eid.slice(FQDN_PREFIX.length).toLowerCase();
  const dot = host.indexOf('.');
  for (let i = 0; i < cert.sanDnsNames.length; i++) {
    const name = cert.sanDnsNames[i]!;
    if (name === host || (name.startsWith('*.') && dot > 0 && host.slice(dot) === name.slice(1))) return true;
  }
  return false;
}

function within(cert: Certificate, nowMs: number | undefined): boolean {
  return nowMs === undefined || (nowMs >= cert.notBefore && nowMs <= cert.notAfter);
}

/**
 * Verifies `chain` (leaf first, as sent in a Certificate message) up to one of
 * `anchors`: each certificate must be signed by the next one or by an anchor whose
 * subject equals its issuer; signers must be CAs (basicConstraints); dates are
 * checked when `nowMs` is known (R-MTP.2). Returns CertError.Ok or the first failure.
 */
export function verifyChain(crypto: CryptoPort, chain: readonly Certificate[], anchors: readonly Certificate[], nowMs: number | undefined): CertError {
  if (chain.length === 0 || chain.length > MAX_CHAIN) return CertError.Malformed;
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (!within(cert, nowMs)) return CertError.Expired;
    for (let j = 0; j < anchors.length; j++) {
      const a = anchors[j]!;
      if (bytesEqual(a.subject, cert.issuer) && crypto.ecdsaP256Verify(a.publicKey, cert.tbs, cert.signature)) return within(a, nowMs) ? CertError.Ok : CertError.Expired;
    }
    const next = chain[i + 1];
    if (next === undefined || !bytesEqual(next.subject, cert.issuer)) return CertError.UnknownCa;
    if (!next.isCa) return CertError.NotCa;
    if (!crypto.ecdsaP256Verify(next.publicKey, cert.tbs, cert.signature)) return CertError.BadSignature;
  }
  return CertError.UnknownCa;
}
