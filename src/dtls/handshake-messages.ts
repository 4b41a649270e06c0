/**
 * DTLS 1.2 handshake message bodies (RFC 6347 §4.2.2, §4.3.2; RFC 5246 §7.4; RFC 8422
 * §5; RFC 4279 §2; RFC 7627; RFC 5746) — build and parse, no state.
 *
 * Invariants: parsers are bounds-checked (ByteReader) and return undefined on any
 * malformed body; lists are bounded by their wire length. Extensions we do not know
 * are skipped (RFC 5246 §7.4.1.4).
 */
import { ByteReader, ByteWriter, CURVE_TYPE_NAMED, DTLS_1_0, DTLS_1_2, ExtensionType, HANDSHAKE_HEADER_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

/** The extensions tinyusp reads from a hello. */
export interface HelloExtensions {
  groups: number[];
  sigAlgs: number[];
  extendedMasterSecret: boolean;
  renegotiationInfo: boolean;
  /** ec_point_formats was sent and lists uncompressed (or was absent). */
  uncompressedOk: boolean;
}

export interface ClientHelloFields {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  suites: number[];
  ext: HelloExtensions;
}

export interface ServerHelloFields {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  suite: number;
  ext: HelloExtensions;
}

/** Handshake header + body, as one unfragmented message (the form hashed, §4.2.6). */
export function frameHandshake(type: number, seq: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  const out = new Uint8Array(HANDSHAKE_HEADER_BYTES + n);
  out[0] = type; out[1] = n >>> 16; out[2] = n >>> 8; out[3] = n; // length
  out[4] = seq >>> 8; out[5] = seq; // message_seq; fragment_offset 0
  out[9] = n >>> 16; out[10] = n >>> 8; out[11] = n; // fragment_length
  out.set(body, HANDSHAKE_HEADER_BYTES);
  return out;
}

function parseExtensions(r: ByteReader): HelloExtensions | undefined {
  const ext: HelloExtensions = { groups: [], sigAlgs: [], extendedMasterSecret: false, renegotiationInfo: false, uncompressedOk: true };
  if (r.pos === r.end) return ext;
  const all = r.vec(2);
  if (!r.ok || r.pos !== r.end) return undefined;
  const e = new ByteReader(all);
  while (e.ok && e.pos < e.end) {
    const type = e.u16();
    const data = e.vec(2);
    const d = new ByteReader(data);
    if (type === ExtensionType.SupportedGroups || type === ExtensionType.SignatureAlgorithms) {
      const l = d.vec(2);
      const list = type === ExtensionType.SupportedGroups ? ext.groups : ext.sigAlgs;
      for (let i = 0; i + 1 < l.length; i += 2) list.push((l[i]! << 8) | l[i + 1]!);
    } else if (type === ExtensionType.EcPointFormats) {
      const l = d.vec(1);
      ext.uncompressedOk = l.indexOf(0) >= 0;
    } else if (type === ExtensionType.ExtendedMasterSecret) {
      ext.extendedMasterSecret = true;
    } else if (type === ExtensionType.RenegotiationInfo) {
      // Initial handshake: renegotiated_connection must be empty (RFC 5746 §3.6)
      if (d.vec(1).length !== 0) return undefined;
      ext.renegotiationInfo = true;
    }
    if (!d.ok) return undefined;
  }
  return e.ok ? ext : undefined;
}

export function parseClientHello(body: Uint8Array): ClientHelloFields | undefined {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec(1);
  const cookie = r.vec(1);
  const suiteBytes = r.vec(2);
  const compression = r.vec(1);
  if (!r.ok || sessionId.length > 32 || compression.indexOf(0) < 0) return undefined;
  const suites: number[] = [];
  for (let i = 0; i + 1 < suiteBytes.length; i += 2) suites.push((suiteBytes[i]! << 8) | suiteBytes[i + 1]!);
  const ext = parseExtensions(r);
  if (ext === undefined) return undefined;
  return { version, random, sessionId, cookie, suites, ext };
}

export function buildClientHello(random: Uint8Array, cookie: Uint8Array, suites: readonly number[], groups: readonly number[], certMode: boolean): Uint8Array {
  const w = new ByteWriter();
  w.u16(DTLS_1_2).bytes(random).u8(0);
  let m = w.open(1); w.bytes(cookie); w.close(m);
  m = w.open(2);
  for (let i = 0; i < suites.length; i++) w.u16(suites[i]!);
  w.u16(0x00ff); // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3)
  w.close(m);
  w.u8(1).u8(0); // compression: null
  const ext = w.open(2);
  if (certMode) {
    w.u16(ExtensionType.SupportedGroups); m = w.open(2); const l = w.open(2);
    for (let i = 0; i < groups.length; i++) w.u16(groups[i]!);
    w.close(l); w.close(m);
    w.u16(ExtensionType.EcPointFormats).u16(2).u8(1).u8(0);
    w.u16(ExtensionType.SignatureAlgorithms).u16(4).u16(2).u16(SIG_ECDSA_SHA256);
  }
  w.u16(ExtensionType.ExtendedMasterSecret).u16(0);
  w.close(ext);
  return w.done();
}

export function buildHelloVerifyRequest(cookie: Uint8Array): Uint8Array {
  // server_version DTLS 1.0 regardless of the negotiated version (RFC 6347 §4.2.1)
  const w = new ByteWriter();
  w.u16(DTLS_1_0).u8(cookie.length).bytes(cookie);
  return w.done();
}

export function parseHelloVerifyRequest(body: Uint8Array): Uint8Array | undefined {
  const r = new ByteReader(body);
  r.u16();
  const cookie = r.vec(1);
  return r.ok && cookie.length <= 255 ? cookie.slice() : undefined;
}

export function buildServerHello(random: Uint8Array, sessionId: Uint8Array, suite: number, ems: boolean, renegInfo: boolean, ecc: boolean): Uint8Array {
  const w = new ByteWriter();
  w.u16(DTLS_1_2).bytes(random).u8(sessionId.length).bytes(sessionId).u16(suite).u8(0);
  const ext = w.open(2);
  if (renegInfo) w.u16(ExtensionType.RenegotiationInfo).u16(1).u8(0);
  if (ems) w.u16(ExtensionType.ExtendedMasterSecret).u16(0);
  if (ecc) w.u16(ExtensionType.EcPointFormats).u16(2).u8(1).u8(0);
  w.close(ext);
  return w.done();
}

export function parseServerHello(body: Uint8Array): ServerHelloFields | undefined {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec(1);
  const suite = r.u16();
  const compression = r.u8();
  if (!r.ok || compression !== 0) return undefined;
  const ext = parseExtensions(r);
  return ext === undefined ? undefined : { version, random, sessionId, suite, ext };
}

export function buildCertificate(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  const m = w.open(3);
  for (let i = 0; i < chain.length; i++) { const m = w.open(3); w.bytes(chain[i]!); w.close(m); }
  w.close(m);
  return w.done();
}

/** The DER certificates of a Certificate message (at most `max`). */
export function parseCertificateList(body: Uint8Array, max: number): Uint8Array[] | undefined {
  const r = new ByteReader(body);
  const list = r.vec(3);
  if (!r.ok || r.pos !== r.end) return undefined;
  const l = new ByteReader(list);
  const out: Uint8Array[] = [];
  while (l.ok && l.pos < l.end) {
    if (out.length >= max) return undefined;
    out.push(l.vec(3));
  }
  return l.ok ? out : undefined;
}

/** ServerECDHParams (RFC 8422 §5.4): the bytes that are signed together with the randoms. */
export function buildEcdheParams(group: number, publicKey: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.u8(CURVE_TYPE_NAMED).u16(group).u8(publicKey.length).bytes(publicKey);
  return w.done();
}

/** `params` (empty for a CertificateVerify) then DigitallySigned (RFC 5246 §4.7): ecdsa_secp256r1_sha256 and the signature. */
export function buildSignedParams(params: Uint8Array, signature: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.bytes(params).u16(SIG_ECDSA_SHA256).u16(signature.length).bytes(signature);
  return w.done();
}

export interface ServerKeyExchangeFields { group: number; publicKey: Uint8Array; params: Uint8Array; sigAlg: number; signature: Uint8Array }

export function parseEcdheServerKeyExchange(body: Uint8Array): ServerKeyExchangeFields | undefined {
  const r = new ByteReader(body);
  if (r.u8() !== CURVE_TYPE_NAMED) return undefined;
  const group = r.u16();
  const publicKey = r.vec(1);
  const params = body.subarray(0, r.pos);
  const sigAlg = r.u16();
  const signature = r.vec(2);
  return r.ok && r.pos === r.end ? { group, publicKey, params, sigAlg, signature } : undefined;
}

/** CertificateRequest: ecdsa_sign; ecdsa_secp256r1_sha256; no CA names (RFC 5246 §7.4.4). Never written. */
export const CERTIFICATE_REQUEST = new Uint8Array([1, 64, 0, 2, SIG_ECDSA_SHA256 >>> 8, SIG_ECDSA_SHA256 & 0xff, 0, 0]);

/** ECDHE ClientKeyExchange: ECPoint public<1..255> (RFC 8422 §5.7). PSK: psk_identity<0..2^16-1> (RFC 4279 §2). */
export function buildVec(lenBytes: 1 | 2, data: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  const m = w.open(lenBytes); w.bytes(data); w.close(m);
  return w.done();
}

export function parseVec(body: Uint8Array, lenBytes: 1 | 2): Uint8Array | undefined {
  const r = new ByteReader(body);
  const v = r.vec(lenBytes);
  return r.ok && r.pos === r.end ? v : undefined;
}

/** DigitallySigned (RFC 5246 §4.7) for CertificateVerify. */
export function parseDigitallySigned(body: Uint8Array): { sigAlg: number; signature: Uint8Array } | undefined {
  const r = new ByteReader(body);
  const sigAlg = r.u16();
  const signature = r.vec(2);
  return r.ok && r.pos === r.end ? { sigAlg, signature } : undefined;
}

export { HANDSHAKE_HEADER_BYTES };
