/**
 * Stand-in for the SDK's `ecdsa` (modules/crypt/etc/ecdsa.js): `new ECDSA(key, curve)`
 * with the private scalar (sign) or the public ECPoint (verify) and anything with
 * G, n, orderSize, ec (and k, the nonce). sign(H) returns r ‖ s, verify(H, sig) takes
 * r ‖ s; H is an ArrayBuffer (BigInt.fromArrayBuffer). Unlike the SDK (which draws k
 * from its RC4 `rng`), the stand-in throws without `k`: the port must always pass it.
 */
import type ECPoint from './ecp.ts';
import type { EC } from './curve.ts';
import { bigIntOf, bufferOfBigInt, nativeCounts, requireArrayBuffer } from './counts.ts';

interface EcdsaCurve {
  readonly G: ECPoint;
  readonly n: bigint;
  readonly orderSize: number;
  readonly ec: EC;
  readonly k?: bigint;
}

function mod(a: bigint, n: bigint): bigint {
  const r = a % n;
  return r < 0n ? r + n : r;
}

/** Extended Euclid (the SDK's Mont.mulinv is C). */
function inverse(a: bigint, n: bigint): bigint {
  nativeCounts.modInv++;
  let [r0, r1, t0, t1] = [mod(a, n), n, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0, n);
}

export default class ECDSA {
  private readonly u: bigint | ECPoint;
  private readonly c: EcdsaCurve;

  constructor(key: bigint | ECPoint, curve: EcdsaCurve) {
    this.u = key;
    this.c = curve;
  }

  sign(H: ArrayBuffer): ArrayBuffer {
    const { n, ec, G, k, orderSize } = this.c;
    if (k === undefined) throw new Error('stand-in ECDSA: no k (the SDK would use its RC4 rng)');
    if (typeof this.u !== 'bigint') throw new TypeError('stand-in ECDSA.sign: key is not a scalar');
    const e = bigIntOf(requireArrayBuffer(H, 'ECDSA.sign H'));
    const r = ec.mul(G, k).X;
    const s = mod(mod(e + mod(this.u * r, n), n) * inverse(k, n), n);
    const out = new Uint8Array(2 * orderSize);
    out.set(new Uint8Array(bufferOfBigInt(r, orderSize)), 0);
    out.set(new Uint8Array(bufferOfBigInt(s, orderSize)), orderSize);
    return out.buffer;
  }

  verify(H: ArrayBuffer, sig: ArrayBuffer): boolean {
    const { n, ec, G, orderSize } = this.c;
    if (typeof this.u === 'bigint') throw new TypeError('stand-in ECDSA.verify: key is not a point');
    const e = bigIntOf(requireArrayBuffer(H, 'ECDSA.verify H'));
    const s = requireArrayBuffer(sig, 'ECDSA.verify sig');
    const r = bigIntOf(s.slice(0, orderSize));
    const sInv = inverse(bigIntOf(s.slice(orderSize, 2 * orderSize)), n);
    const R = ec.mul2(G, mod(e * sInv, n), this.u, mod(r * sInv, n));
    return R.X === r;
  }
}
