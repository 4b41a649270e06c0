/**
 * Minimal DER (X.690) reading for X.509 certificates and EC keys: a TLV cursor that
 * never reads past its end, plus PEM (RFC 7468) and base64 decoding without atob.
 *
 * Invariants: definite lengths only (DER), at most 4 length bytes; any malformed
 * input yields `undefined`/`ok = false`, never an exception.
 */

/**
 * One TLV: `tag` and content [start, end); the next TLV starts at `end` (definite
 * lengths). Three fields: a certificate parse holds dozens at once (XS slots).
 */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** Reads the TLV at `pos` bounded by `limit`; undefined when malformed. */
export function readTlv(buf: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers are not used in X.509
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > limit) return undefined;
  return { tag, start: p, end: p + len };
}

/** The children of a constructed TLV, in order (bounded by `max`). */
export function children(buf: Uint8Array, parent: Tlv, max = 16): Tlv[] | undefined {
  const out: Tlv[] = [];
  let p = parent.start;
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end);
    if (t === undefined || out.length >= max) return undefined;
    out.push(t);
    p = t.end;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Base64 (RFC 4648 §4, whitespace ignored, padding optional); undefined on bad input. */
export function base64Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let acc = 0; let bits = 0; let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61) break; // '='
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    // A–Z a–z 0–9, then + or - (62), / or _ (63)
    const v = c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4
      : c === 43 || c === 45 ? 62 : c === 47 || c === 95 ? 63 : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out[n++] = acc >>> bits; }
  }
  return out.slice(0, n);
}

/** All PEM blocks with the given label ("CERTIFICATE", "PRIVATE KEY", …) in order (RFC 7468 §2). */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const out: Uint8Array[] = [];
  let at = text.indexOf(begin);
  while (at >= 0) {
    const stop = text.indexOf(end, at);
    if (stop < 0) break;
    const der = base64Decode(text.slice(at + begin.length, stop));
    if (der !== undefined) out.push(der);
    at = text.indexOf(begin, stop);
  }
  return out;
}

/** OID 1.2.840.10045.2.1 id-ecPublicKey (RFC 5480). */
export const OID_EC_PUBLIC_KEY = new Uint8Array([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
/** OID 1.2.840.10045.3.1.7 secp256r1 (RFC 5480). */
export const OID_P256 = new Uint8Array([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
/** OID 1.2.840.10045.4.3.2 ecdsa-with-SHA256 (RFC 5758). */
export const OID_ECDSA_SHA256 = new Uint8Array([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);

/**
 * The 32-byte P-256 private scalar from a SEC1 "EC PRIVATE KEY" (RFC 5915 §3) or a
 * PKCS#8 "PRIVATE KEY" (RFC 5208 §5) DER; undefined otherwise.
 */
export function ecPrivateKeyFromDer(der: Uint8Array): Uint8Array | undefined {
  const top = readTlv(der, 0, der.length);
  if (top === undefined || top.tag !== 0x30) return undefined;
  const kids = children(der, top);
  if (kids === undefined || kids.length < 2) return undefined;
  const second = kids[1]!;
  if (second.tag === 0x04) {
    // SEC1: version 1, privateKey OCTET STRING
    const key = der.subarray(second.start, second.end);
    if (key.length > 32) return undefined;
    const out = new Uint8Array(32);
    out.set(key, 32 - key.length);
    return out;
  }
  if (second.tag === 0x30 && kids.length >= 3 && kids[2]!.tag === 0x04) {
    // PKCS#8: the OCTET STRING wraps a SEC1 key
    return ecPrivateKeyFromDer(der.slice(kids[2]!.start, kids[2]!.end));
  }
  return undefined;
}
