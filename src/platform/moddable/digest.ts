/**
 * Native hashes for the firmware layer (platform/firmware.ts HashFactory) on Moddable's
 * `crypt` Digest (C; MD5, SHA-1, SHA-224/256/384/512). Two reasons over the portable ones:
 * speed on ESP32, and that the core is preloaded into flash, where @noble/hashes'
 * module-level scratch arrays cannot be written (the simulator aborts on the first
 * update: measured, docs/firmware.md#what-runs-where).
 */
import { Digest } from 'crypt';
import type { HashFactory, IncrementalHash } from '../firmware.ts';

const NAMES = new Map<string, 'MD5' | 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512'>([
  ['MD5', 'MD5'], ['SHA-1', 'SHA1'], ['SHA-224', 'SHA224'], ['SHA-256', 'SHA256'], ['SHA-384', 'SHA384'], ['SHA-512', 'SHA512'],
]);

export const cryptHashes: HashFactory = (algorithm) => {
  const name = NAMES.get(algorithm);
  if (name === undefined) return null;
  const d = new Digest(name);
  const h: IncrementalHash = {
    // Digest.write reads views in place (xsmcGetBufferReadable honours the offset).
    update(data) { d.write(data as unknown as ArrayBuffer); return h; },
    digest() { return new Uint8Array(d.close()); },
  };
  return h;
};
