/**
 * The crypto port (types only): the primitives DTLS 1.2 needs (RFC 6347, RFC 5246,
 * RFC 6655 AES-CCM-8, RFC 8422 ECDHE/ECDSA, RFC 7748 X25519). Core layers import
 * these types; implementations are `platform/node/crypto.ts` (node:crypto) and
 * `dtls/crypto/portable.ts` (pure JS, runs inside XS).
 *
 * Invariants: no method throws on hostile input (bad points, bad signatures, short
 * tags return false/undefined); keys are raw bytes (P-256 private = 32-byte scalar,
 * P-256 public = 65-byte uncompressed SEC1 point, X25519 keys = 32 bytes).
 */

/** AES-128 with an expanded key: encrypts one 16-byte block from `src[srcOff]` to `dst[dstOff]` (may alias). */
export interface AesBlockCipher {
  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void;
}

/** AES-128-CCM with an 8-byte tag and 12-byte nonce (RFC 6655 §3), in place. */
export interface Ccm8Cipher {
  /** Encrypts `buf[start, end)` in place and writes the 8-byte tag at `buf[end, end+8)`. */
  seal(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): void;
  /**
   * Checks the tag at `buf[end-8, end)` and decrypts `buf[start, end-8)` in place.
   * Returns false (buffer content then unspecified) when the tag does not match.
   */
  open(nonce: Uint8Array, aad: Uint8Array, buf: Uint8Array, start: number, end: number): boolean;
}

export interface EcKeyPair {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface CryptoPort {
  /** "node" or "portable". */
  readonly name: string;
  randomBytes(out: Uint8Array): void;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  aes128(key: Uint8Array): AesBlockCipher;
  ccm8(key: Uint8Array): Ccm8Cipher;
  p256Keygen(): EcKeyPair;
  /** Public key (65 bytes) of a 32-byte private scalar, or undefined if invalid. */
  p256PublicKey(privateKey: Uint8Array): Uint8Array | undefined;
  /** ECDH shared secret = the x coordinate (32 bytes, RFC 8422 §5.10), undefined on a bad point. */
  p256SharedSecret(privateKey: Uint8Array, peerPublic: Uint8Array): Uint8Array | undefined;
  x25519Keygen(): EcKeyPair;
  /** RFC 7748 §6.1; undefined when the result is all zeros (RFC 8422 §5.11). */
  x25519SharedSecret(privateKey: Uint8Array, peerPublic: Uint8Array): Uint8Array | undefined;
  /** ECDSA P-256 with SHA-256 over `message`; DER-encoded signature (RFC 3279 Ecdsa-Sig-Value). */
  ecdsaP256Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  ecdsaP256Verify(publicKey: Uint8Array, message: Uint8Array, derSignature: Uint8Array): boolean;
}
