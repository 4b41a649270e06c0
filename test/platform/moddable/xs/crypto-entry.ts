/**
 * XS bundle entry: the Moddable crypto port (src/platform/moddable/crypto.ts) over the
 * SDK stand-ins (../sdk, aliased in by the test) and the on-device crypto self-test,
 * with a test-only seeded PRNG (xsnap has no entropy source).
 */
import { createModdableCrypto } from '../../../../src/platform/moddable/crypto.ts';
import type { CryptoPort } from '../../../../src/platform/crypto.ts';
import { runCryptoSelfTest } from '../../../../src/platform/moddable/crypto-self-test.ts';
export { nativeCounts, resetNativeCounts } from '../sdk/counts.ts';

let state = 0x2545f491;
/** xorshift32 — deterministic test randomness only. */
export function testRandom(out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    out[i] = state & 0xff;
  }
}

export const crypto = createModdableCrypto(testRandom);

/**
 * Runs the self-test; returns its report lines. `broken` names one port method that
 * is made to answer wrongly (bytes flipped / false), to show the self-test notices.
 */
export function selfTest(broken?: string): string[] {
  const lines: string[] = [];
  const make = (random: (out: Uint8Array) => void): CryptoPort => {
    const c = createModdableCrypto(random);
    if (broken === undefined) return c;
    const f = (c as unknown as Record<string, unknown>)[broken] as (...a: unknown[]) => unknown;
    // The port is a class (its methods on the prototype): inherit from it, override one.
    return Object.assign(Object.create(c) as CryptoPort, { [broken]: (...a: unknown[]) => {
      const r = f.apply(c, a);
      if (r instanceof Uint8Array) { const x = r.slice(); x[x.length - 1]! ^= 1; return x; }
      return typeof r === 'boolean' ? !r : r;
    } });
  };
  const failed = runCryptoSelfTest(make, testRandom, (part, ok, detail) => { lines.push(`${part} ${ok ? 'ok' : 'FAIL'} ${detail}`); });
  lines.push(`failed ${failed}`);
  return lines;
}
