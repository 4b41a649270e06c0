/**
 * The TLS 1.2 PRF with SHA-256 (RFC 5246 §5): P_SHA256(secret, label + seed) on the
 * port's HMAC. Handshake-time only, so it allocates freely.
 */
import type { CryptoPort } from '../../platform/crypto.ts';
import { utf8Bytes } from '../../encoding/utf8.ts';

/** The parts one after the other (also the handshake transcript, RFC 5246 §7.4.9). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i]!.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < parts.length; i++) { out.set(parts[i]!, o); o += parts[i]!.length; }
  return out;
}

/** PRF(secret, label, seed) truncated to `length` bytes (RFC 5246 §5). */
export function prfSha256(crypto: CryptoPort, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = concatBytes([utf8Bytes(label), seed]) // an ASCII label;
  const out = new Uint8Array(length);
  let a = crypto.hmacSha256(secret, labelSeed); // A(1)
  let o = 0;
  while (o < length) {
    const block = crypto.hmacSha256(secret, concatBytes([a, labelSeed]));
    const n = Math.min(block.length, length - o);
    out.set(block.subarray(0, n), o);
    o += n;
    a = crypto.hmacSha256(secret, a);
  }
  return out;
}
