/**
 * Stand-in for the SDK's `modular` (modules/crypt/arith/modular.js): arithmetic modulo
 * m; `mulinv` is C there (xs_mod2_mulinv_general), extended Euclid here. Like the SDK it
 * does not check that a is coprime to m (the port only inverts 1 ≤ a < n, n prime).
 */
import { nativeCounts } from './counts.ts';

export default class Modular {
  constructor(readonly m: bigint) {}

  mulinv(a: bigint): bigint {
    nativeCounts.modInv++;
    const m = this.m;
    let [r0, r1, t0, t1] = [((a % m) + m) % m, m, 1n, 0n];
    while (r1 !== 0n) {
      const q = r0 / r1;
      [r0, r1] = [r1, r0 - q * r1];
      [t0, t1] = [t1, t0 - q * t1];
    }
    return ((t0 % m) + m) % m;
  }
}
