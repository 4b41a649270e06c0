/**
 * The crypto port on Moddable (platform/crypto.ts) over the SDK's native crypt
 * (MODDABLE.md "crypt"): SHA-256 (`Digest`), the AES-128 block (`BlockCipher`), P-256
 * ECDH (`curve` dh), whose point arithmetic is the SDK's C (`ec`), and its modular
 * inverse (`modular`, C). HMAC-SHA256 (RFC 2104) and ECDSA (SEC1 §4.1.3/§4.1.4) are a
 * few lines here over those natives rather than the SDK's `hmac` and `ecdsa` modules,
 * which bring `ber`, `pkcs1`, `rng`, `mont` and `bin` into the link: dropping them took
 * 15.0 KiB off the coaps build's ESP32 flash (docs/budgets.md, "The SDK crypt modules"). What crypt lacks comes
 * from the portable pieces: CCM-8 (RFC 6655) over the native AES block
 * (dtls/crypto/ccm.ts) and X25519 (RFC 7748, dtls/crypto/x25519.ts, BigInt).
 *
 * Invariants: randomness only from `random` (the platform's tinyusp/random), the ECDSA
 * nonce k included; a peer's P-256 point is checked to be on the curve before any
 * scalar multiplication (RFC 8422 §5.11: the SDK's Curve.dh does not check); r and s
 * are range-checked (1 ≤ r, s < n, SEC1 §4.1.4 step 1) before the arithmetic; no
 * method throws on hostile input.
 *
 * SDK argument rules (checked against SDK 8.2.3 modCrypt.c, curve.js, ec.js):
 * BlockCipher's key, data and result and Curve.dh's scalar and point must be
 * ArrayBuffers (read with xsmcToArrayBuffer / BigInt.fromArrayBuffer); Digest.write
 * takes views. Runs in the simulator (selfTest=1: crypto-self-test.ts vectors) and,
 * over stand-ins of these modules, inside xsnap.
 */
import { BlockCipher, Digest } from 'crypt';
import Curve from 'curve';
import ECPoint from 'ecp';
import Modular from 'modular';
import { Ccm8, CcmBlocks } from '../../dtls/crypto/ccm.ts';
import { x25519, X25519_BASE } from '../../dtls/crypto/x25519.ts';
import type { AesBlockCipher, Ccm8Cipher, CryptoPort, EcKeyPair } from '../crypto.ts';

/** P-256 field prime and b (FIPS 186-4 D.1.2.3); a = −3. */
const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P256_B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/** An ArrayBuffer holding exactly `u`'s bytes (the SDK's crypt takes ArrayBuffers). */
function bufferOf(u: Uint8Array): ArrayBuffer {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && u.buffer instanceof ArrayBuffer ? u.buffer : u.slice().buffer;
}

function toBigInt(u: Uint8Array, start: number, end: number): bigint {
  let n = 0n;
  for (let i = start; i < end; i++) n = (n << 8n) | BigInt(u[i]!);
  return n;
}

/** A 65-byte uncompressed SEC1 point whose coordinates satisfy y² = x³ − 3x + b (mod p). */
function onP256(pub: Uint8Array): boolean {
  if (pub.length !== 65 || pub[0] !== 4) return false;
  const x = toBigInt(pub, 1, 33);
  const y = toBigInt(pub, 33, 65);
  if (x >= P256_P || y >= P256_P) return false;
  return (y * y - (x * x * x - 3n * x + P256_B)) % P256_P === 0n;
}

/** DER INTEGER (X.690 §8.3: minimal, a leading 0 when the top bit is set) of 0 < v < 2²⁵⁶. */
function derInteger(v: bigint): number[] {
  const body: number[] = [];
  for (; v > 0n; v >>= 8n) body.unshift(Number(v & 0xffn));
  if (body[0]! & 0x80) body.unshift(0);
  body.unshift(0x02, body.length); // the length is read before the call
  return body;
}

/** Ecdsa-Sig-Value (RFC 3279 §2.2.3): SEQUENCE { r INTEGER, s INTEGER }. */
function derSignature(r: bigint, s: bigint): Uint8Array {
  const body = derInteger(r).concat(derInteger(s));
  body.unshift(0x30, body.length);
  return Uint8Array.from(body);
}

/** Ecdsa-Sig-Value → r ‖ s (32 bytes each), or undefined when malformed or out of range. */
function rawSignature(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const out = new Uint8Array(64);
  let pos = 2;
  for (let k = 0; k < 2; k++) {
    if (der[pos] !== 0x02) return undefined;
    let len = der[pos + 1]!;
    pos += 2;
    if (len < 1 || pos + len > der.length) return undefined;
    let start = pos;
    while (len > 32 && der[start] === 0) { start++; len--; }
    if (len > 32) return undefined;
    out.set(der.subarray(start, start + len), k * 32 + 32 - len);
    pos = start + len;
  }
  return pos === der.length ? out : undefined;
}

/**
 * The 16-byte block NativeAes128 hands the SDK, shared by every cipher of one port: a
 * block is copied in, encrypted and copied out within one call, and nothing here is
 * re-entrant, so two ArrayBuffers and their views serve all associations (XS: 20 slots
 * per cipher saved, docs/device.md#figures-in-the-simulator).
 */
class AesBlockBuffers {
  readonly inBuf = new ArrayBuffer(16);
  readonly outBuf = new ArrayBuffer(16);
  readonly inBytes = new Uint8Array(this.inBuf);
  readonly outBytes = new Uint8Array(this.outBuf);
}

/** AES-128 on the SDK's native block cipher; the block goes through the port's two fixed buffers (no allocation per block). */
class NativeAes128 implements AesBlockCipher {
  private readonly cipher: BlockCipher;

  constructor(key: Uint8Array, private readonly io: AesBlockBuffers) {
    this.cipher = new BlockCipher('AES', bufferOf(key.slice(0, 16)));
  }

  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    const io = this.io;
    const i = io.inBytes, o = io.outBytes;
    for (let k = 0; k < 16; k++) i[k] = src[srcOff + k]!;
    this.cipher.encrypt(io.inBuf, io.outBuf);
    for (let k = 0; k < 16; k++) dst[dstOff + k] = o[k]!;
  }
}

/**
 * The port as a class: its methods live with the preloaded code (flash), where an object
 * of closures cost ≈ 10 XS slots per method in RAM. The SDK's secp256r1 Curve (BigInt
 * constants, the generator, the C arithmetic's object) is built at the first P-256
 * operation: a PSK-only agent never builds it.
 */
class ModdableCrypto implements CryptoPort {
  readonly name = 'moddable';
  private curveOrNull: Curve | null = null;
  private blocks: AesBlockBuffers | null = null;
  private ccmBlocks: CcmBlocks | null = null;

  constructor(readonly randomBytes: (out: Uint8Array) => void) {}

  private get curve(): Curve {
    if (this.curveOrNull === null) this.curveOrNull = new Curve('secp256r1');
    return this.curveOrNull;
  }

  private aesBlocks(): AesBlockBuffers {
    if (this.blocks === null) this.blocks = new AesBlockBuffers();
    return this.blocks;
  }

  /** A uniformly random scalar in [1, n−1] (rejection sampling). */
  private scalar(): Uint8Array {
    const n = this.curve.n;
    const sk = new Uint8Array(32);
    for (;;) {
      this.randomBytes(sk);
      const v = toBigInt(sk, 0, 32);
      if (v > 0n && v < n) return sk;
    }
  }

  private validScalar(sk: Uint8Array): boolean {
    if (sk.length !== 32) return false;
    const v = toBigInt(sk, 0, 32);
    return v > 0n && v < this.curve.n;
  }

  sha256(data: Uint8Array): Uint8Array {
    const d = new Digest('SHA256');
    d.write(data);
    return new Uint8Array(d.close());
  }

  /**
   * RFC 2104 over one SDK Digest: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ data)), a key longer
   * than SHA-256's 64-byte block hashed first (§2). Checked by RFC 4231 cases 1, 2, 6.
   */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    const d = new Digest('SHA256');
    const pad = new Uint8Array(64);
    if (key.length > 64) {
      d.write(key);
      pad.set(new Uint8Array(d.close()));
      d.reset();
    } else pad.set(key);
    for (let i = 0; i < 64; i++) pad[i]! ^= 0x36;
    d.write(pad);
    d.write(data);
    const inner = d.close();
    for (let i = 0; i < 64; i++) pad[i]! ^= 0x36 ^ 0x5c;
    d.reset();
    d.write(pad);
    d.write(inner);
    return new Uint8Array(d.close());
  }

  aes128(key: Uint8Array): AesBlockCipher {
    return new NativeAes128(key, this.aesBlocks());
  }

  ccm8(key: Uint8Array): Ccm8Cipher {
    if (this.ccmBlocks === null) this.ccmBlocks = new CcmBlocks();
    return new Ccm8(new NativeAes128(key, this.aesBlocks()), this.ccmBlocks);
  }

  p256Keygen(): EcKeyPair {
    for (;;) {
      const sk = this.scalar();
      const pub = this.p256PublicKey(sk);
      if (pub !== undefined) return { privateKey: sk, publicKey: pub };
    }
  }

  p256PublicKey(sk: Uint8Array): Uint8Array | undefined {
    if (!this.validScalar(sk)) return undefined;
    try {
      const p = this.curve.dh(bufferOf(sk));
      return p === undefined ? undefined : new Uint8Array(p);
    } catch { return undefined; }
  }

  p256SharedSecret(sk: Uint8Array, pub: Uint8Array): Uint8Array | undefined {
    if (!this.validScalar(sk) || !onP256(pub)) return undefined;
    try {
      const p = this.curve.dh(bufferOf(sk), bufferOf(pub));
      return p === undefined ? undefined : new Uint8Array(p).slice(1, 33);
    } catch { return undefined; }
  }

  x25519Keygen(): EcKeyPair {
    const sk = new Uint8Array(32);
    this.randomBytes(sk);
    return { privateKey: sk, publicKey: x25519(sk, X25519_BASE) };
  }

  x25519SharedSecret(sk: Uint8Array, pub: Uint8Array): Uint8Array | undefined {
    if (pub.length !== 32 || sk.length !== 32) return undefined;
    const s = x25519(sk, pub);
    let acc = 0;
    for (let i = 0; i < 32; i++) acc |= s[i]!;
    return acc === 0 ? undefined : s;
  }

  /**
   * SEC1 §4.1.3 with SHA-256 (e = the whole hash: n has 256 bits): R = k·G, r = R.x mod n,
   * s = k⁻¹(e + r·d) mod n, a fresh k from `random` while r or s is 0.
   */
  ecdsaP256Sign(sk: Uint8Array, msg: Uint8Array): Uint8Array {
    const curve = this.curve, n = curve.n;
    const d = toBigInt(sk, 0, 32);
    const e = toBigInt(this.sha256(msg), 0, 32);
    for (;;) {
      const k = toBigInt(this.scalar(), 0, 32);
      const r = curve.ec.mul(curve.G, k).X % n;
      if (r === 0n) continue;
      const s = (new Modular(n).mulinv(k) * ((e + r * d) % n)) % n;
      if (s !== 0n) return derSignature(r, s);
    }
  }

  /**
   * SEC1 §4.1.4: 1 ≤ r, s < n; w = s⁻¹, R = (e·w)·G + (r·w)·Q in one native pass;
   * valid iff R is not the identity and R.x mod n = r.
   */
  ecdsaP256Verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
    const raw = rawSignature(sig);
    if (raw === undefined || !onP256(pub)) return false;
    const curve = this.curve, n = curve.n;
    const r = toBigInt(raw, 0, 32), s = toBigInt(raw, 32, 64);
    if (r === 0n || s === 0n || r >= n || s >= n) return false;
    try {
      const w = new Modular(n).mulinv(s);
      const e = toBigInt(this.sha256(msg), 0, 32);
      const q = new ECPoint(toBigInt(pub, 1, 33), toBigInt(pub, 33, 65));
      const R = curve.ec.mul2(curve.G, (e * w) % n, q, (r * w) % n);
      return !R.isZero() && R.X % n === r;
    } catch { return false; }
  }
}

export function createModdableCrypto(random: (out: Uint8Array) => void): CryptoPort {
  return new ModdableCrypto(random);
}
