/** Stand-in for the SDK's `ecp` (modules/crypt/arith/ecp.js): an affine point, z = 0 for the identity. */
export default class ECPoint {
  x: bigint;
  y: bigint;
  z: bigint;

  constructor(x: bigint, y: bigint, identity = false) {
    this.x = x;
    this.y = y;
    this.z = identity ? 0n : 1n;
  }

  get X(): bigint { return this.x; }
  get Y(): bigint { return this.y; }
  isZero(): boolean { return this.z === 0n; }
}
