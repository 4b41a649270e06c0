/**
 * Stand-in for the SDK's `curve` (modules/crypt/etc/curve.js) and the `ec` arithmetic it
 * holds (arith/ec.js over C): secp256r1 only. Like the SDK, `dh` reads its arguments
 * as ArrayBuffers (BigInt.fromArrayBuffer, ArrayBuffer.prototype.slice), returns
 * undefined for a point of the wrong length and does NOT check that the point is on
 * the curve (the port must). The arithmetic is @noble/curves' (the portable port).
 */
import { p256 } from '@noble/curves/nist.js';
import ECPoint from './ecp.ts';
import { bigIntOf, bufferOfBigInt, nativeCounts, requireArrayBuffer } from './counts.ts';

type NoblePoint = InstanceType<typeof p256.Point>;

function toNoble(p: ECPoint): NoblePoint {
  return p.isZero() ? p256.Point.ZERO : p256.Point.fromAffine({ x: p.x, y: p.y });
}

function fromNoble(p: NoblePoint): ECPoint {
  if (p.equals(p256.Point.ZERO)) return new ECPoint(0n, 0n, true);
  const a = p.toAffine();
  return new ECPoint(a.x, a.y);
}

/** The SDK's EC (arith/ec.js): mul and mul2 are C there. */
export class EC {
  mul(a: ECPoint, k: bigint): ECPoint {
    nativeCounts.ecMul++;
    return fromNoble(toNoble(a).multiplyUnsafe(k % p256.Point.Fn.ORDER));
  }

  mul2(a1: ECPoint, k1: bigint, a2: ECPoint, k2: bigint): ECPoint {
    nativeCounts.ecMul2++;
    const n = p256.Point.Fn.ORDER;
    return fromNoble(toNoble(a1).multiplyUnsafe(k1 % n).add(toNoble(a2).multiplyUnsafe(k2 % n)));
  }
}

export default class Curve {
  readonly G: ECPoint;
  readonly ec: EC;
  readonly n: bigint;

  constructor(name: string) {
    if (name !== 'secp256r1') throw new Error(`stand-in Curve: ${name} unsupported`);
    const c = p256.Point.CURVE();
    this.G = new ECPoint(c.Gx, c.Gy);
    this.ec = new EC();
    this.n = c.n;
  }

  get orderSize(): number { return 32; }

  dh(x: ArrayBuffer, P?: ArrayBuffer): ArrayBuffer | undefined {
    let G = this.G;
    if (P !== undefined) {
      const p = requireArrayBuffer(P, 'Curve.dh P');
      if (p.byteLength !== 65) return undefined;
      G = new ECPoint(bigIntOf(p.slice(1, 33)), bigIntOf(p.slice(33, 65)));
    }
    const R = this.ec.mul(G, bigIntOf(requireArrayBuffer(x, 'Curve.dh x')));
    const out = new Uint8Array(65);
    out[0] = 4;
    out.set(new Uint8Array(bufferOfBigInt(R.X, 32)), 1);
    out.set(new Uint8Array(bufferOfBigInt(R.Y, 32)), 33);
    return out.buffer;
  }
}
