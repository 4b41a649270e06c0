/**
 * DTLS 1.2 wire constants (RFC 6347 §4.1, §4.2.2; RFC 5246 §6.2, §7.4; IANA TLS
 * registries) and the small byte writer handshake messages are built with.
 */
export const ContentType = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23 } as const;

export const HandshakeType = {
  HelloRequest: 0, ClientHello: 1, ServerHello: 2, HelloVerifyRequest: 3, Certificate: 11,
  ServerKeyExchange: 12, CertificateRequest: 13, ServerHelloDone: 14, CertificateVerify: 15,
  ClientKeyExchange: 16, Finished: 20,
} as const;

export const AlertLevel = { Warning: 1, Fatal: 2 } as const;
export const AlertDescription = {
  CloseNotify: 0, UnexpectedMessage: 10, BadRecordMac: 20, HandshakeFailure: 40, BadCertificate: 42,
  UnsupportedCertificate: 43, CertificateExpired: 45, CertificateUnknown: 46, IllegalParameter: 47,
  UnknownCa: 48, DecodeError: 50, DecryptError: 51, ProtocolVersion: 70, InsufficientSecurity: 71,
  InternalError: 80, NoRenegotiation: 100, UnknownPskIdentity: 115,
} as const;

export const CipherSuite = {
  /** RFC 7251 §2 */
  EcdheEcdsaAes128Ccm8: 0xc0ae,
  /** RFC 6655 §4 */
  PskAes128Ccm8: 0xc0a8,
  /** RFC 5746 §3.3 */
  EmptyRenegotiationInfoScsv: 0x00ff,
} as const;

export const ExtensionType = {
  SupportedGroups: 10, EcPointFormats: 11, SignatureAlgorithms: 13, ExtendedMasterSecret: 23,
  RenegotiationInfo: 0xff01,
} as const;

/**
 * A zero-length placeholder for secrets and buffers an association no longer holds. Shared
 * and never written (Moddable preloads this module: its objects are read-only), so an
 * association drops a reference instead of allocating an empty array (7 XS slots each).
 */
export const NO_BYTES: Uint8Array = new Uint8Array(0);

export const NamedGroup = { Secp256r1: 23, X25519: 29 } as const;
/** ecdsa_secp256r1_sha256 = hash sha256 (4), signature ecdsa (3) — RFC 5246 §7.4.1.4.1. */
export const SIG_ECDSA_SHA256 = 0x0403;
/** ClientCertificateType ecdsa_sign (RFC 8422 §5.5). */
export const CERT_TYPE_ECDSA_SIGN = 64;
/** ECCurveType named_curve (RFC 8422 §5.4). */
export const CURVE_TYPE_NAMED = 3;

export const DTLS_1_2 = 0xfefd;
export const DTLS_1_0 = 0xfeff;
export const RECORD_HEADER_BYTES = 13;
export const HANDSHAKE_HEADER_BYTES = 12;
/** CCM-8 record expansion: 8-byte explicit nonce + 8-byte tag (RFC 6655 §3). */
export const CCM8_RECORD_OVERHEAD = 16;

/**
 * Growable big-endian writer for handshake messages (handshake-time allocation only).
 * A Uint8Array store keeps the low 8 bits (ToUint8): no `& 0xff` here or in the layer.
 */
export class ByteWriter {
  buf = new Uint8Array(256);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(v: number): this { this.room(1); this.buf[this.len++] = v; return this; }
  u16(v: number): this { return this.u8(v >>> 8).u8(v); }
  bytes(b: Uint8Array): this { this.room(b.length); this.buf.set(b, this.len); this.len += b.length; return this; }
  /** Reserves an n-byte length prefix; `close(mark)` fills it with the bytes written since. */
  open(n: 1 | 2 | 3): number { for (let i = 0; i < n; i++) this.u8(0); return this.len * 4 + n; }
  close(mark: number): this {
    const n = mark & 3; const at = (mark >>> 2) - n; const v = this.len - (mark >>> 2);
    for (let i = n - 1, x = v; i >= 0; i--, x >>>= 8) this.buf[at + i] = x;
    return this;
  }
  done(): Uint8Array { return this.buf.slice(0, this.len); }
}

/**
 * Bounds-checked big-endian reader over a handshake message body; `ok` turns false on
 * overrun. `end - pos` bytes are left.
 */
export class ByteReader {
  ok = true;
  pos = 0;
  readonly end: number;
  constructor(readonly buf: Uint8Array) { this.end = buf.length; }
  u8(): number { if (this.pos + 1 > this.end) { this.ok = false; return 0; } return this.buf[this.pos++]!; }
  u16(): number { return (this.u8() << 8) | this.u8(); }
  bytes(n: number): Uint8Array {
    if (!this.ok || n < 0 || this.pos + n > this.end) { this.ok = false; return NO_BYTES; }
    const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b;
  }
  /** A vector with an n-byte length prefix (RFC 5246 §4.3: `opaque x<0..2^8n-1>`). */
  vec(n: 1 | 2 | 3): Uint8Array {
    let len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | this.u8();
    return this.bytes(len);
  }
}
