/**
 * Portable incremental hashes (@noble/hashes: MD5 for Digest auth, SHA-1, SHA-224/256/384/512
 * for CheckSum) as a HashFactory, for the host and for XS on the host. Not for a module
 * preloaded into flash: noble's module-level scratch arrays are read-only there (Moddable
 * uses its native `crypt` Digest instead, platform/moddable/digest.ts).
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashFactory, IncrementalHash } from '../platform/firmware.ts';

/** A fresh portable hash for `algorithm`, or null when unknown. */
export function createHash(algorithm: string): IncrementalHash | null {
  switch (algorithm) {
    case 'MD5': return md5.create();
    case 'SHA-1': return sha1.create();
    case 'SHA-224': return sha224.create();
    case 'SHA-256': return sha256.create();
    case 'SHA-384': return sha384.create();
    case 'SHA-512': return sha512.create();
    default: return null;
  }
}

export const PORTABLE_HASHES: HashFactory = (algorithm) => createHash(algorithm);
