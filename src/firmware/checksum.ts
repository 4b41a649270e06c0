/**
 * Download() CheckSumAlgorithm (TR-181: SHA-1 RFC 3174, SHA-224/256/384/512 RFC 6234):
 * the file is hashed piece by piece as it streams into the slot, so the whole image is
 * never held in RAM. The hashes come from the platform (portable-hashes.ts on the host and
 * in XS, the SDK's `crypt` on Moddable), so a build carries only the ones it uses.
 */
import type { HashFactory, IncrementalHash } from '../platform/firmware.ts';

export type { HashFactory, IncrementalHash };

export const CHECKSUM_ALGORITHMS = ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] as const;

/** Digest length in bytes of an algorithm name, 0 when unknown. */
export function digestLength(algorithm: string): number {
  switch (algorithm) {
    case 'SHA-1': return 20;
    case 'SHA-224': return 28;
    case 'SHA-256': return 32;
    case 'SHA-384': return 48;
    case 'SHA-512': return 64;
    default: return 0;
  }
}

/** hexBinary (TR-106) → bytes, or null when not an even run of hex digits. */
export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(s)) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** Constant-time equality of two digests. */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
