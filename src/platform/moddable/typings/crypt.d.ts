/**
 * Minimal ambient typings for the Moddable SDK crypt modules the Moddable crypto port
 * uses (src/platform/moddable/crypto.ts), checked against SDK 8.2.3:
 * modules/crypt/digest/{crypt.js,modCrypt.c}, etc/curve.js, arith/{ec,ecp,modular}.js.
 * Where the C reads an argument with xsmcToArrayBuffer (BlockCipher, BigInt.fromArrayBuffer
 * in curve) only an ArrayBuffer is typed; Digest.write
 * (xsmcGetBufferReadable) takes views too. Run in the simulator by the crypto self-test.
 */

declare module 'crypt' {
  export class Digest {
    constructor(type: 'SHA256' | 'SHA1' | 'SHA224' | 'SHA384' | 'SHA512' | 'MD5');
    /** A string is hashed as its UTF-8 bytes; buffers and views as they are. */
    write(message: string | ArrayBuffer | ArrayBufferView): void;
    /** The digest; the Digest must be reset() before it is written again. */
    close(): ArrayBuffer;
    reset(): void;
    readonly blockSize: number;
    readonly outputSize: number;
  }
  export class BlockCipher {
    /** AES keys of 16, 24 or 32 bytes ("bad key size" otherwise). */
    constructor(name: 'AES' | 'DES' | 'TDES', key: ArrayBuffer);
    /** Encrypts the first block of `data` into `result` (returned; a fresh ArrayBuffer without it). */
    encrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    readonly blockSize: number;
    readonly keySize: number;
  }
}

declare module 'ecp' {
  export default class ECPoint {
    /** Affine coordinates; `identity` makes the point at infinity (z = 0). */
    constructor(x: bigint, y: bigint, identity?: boolean);
    readonly X: bigint;
    readonly Y: bigint;
    isZero(): boolean;
  }
}

declare module 'ec' {
  import type ECPoint from 'ecp';
  /** Point arithmetic over the curve's field, in C (arith/ec.c); the identity has isZero(). */
  export default class EC {
    /** k·a. */
    mul(a: ECPoint, k: bigint): ECPoint;
    /** k1·a1 + k2·a2 (Shamir's trick, one pass). */
    mul2(a1: ECPoint, k1: bigint, a2: ECPoint, k2: bigint): ECPoint;
  }
}

declare module 'modular' {
  /** Arithmetic modulo m (arith/modular.js); mulinv is C (xs_mod2_mulinv_general). */
  export default class Modular {
    constructor(m: bigint);
    /** a⁻¹ mod m, for a coprime to m. */
    mulinv(a: bigint): bigint;
  }
}

declare module 'curve' {
  import type EC from 'ec';
  import type ECPoint from 'ecp';
  export default class Curve {
    /** An unknown name leaves an empty object (no G, n, ec). */
    constructor(name: 'secp256r1' | 'secp384r1');
    readonly G: ECPoint;
    readonly n: bigint;
    /** The curve's arithmetic (EC from "ec": mul/mul2 in C). */
    readonly ec: EC;
    /** A getter: bytes of n. */
    readonly orderSize: number;
    /**
     * x·P (x·G without P) as an uncompressed SEC1 point; undefined when P has the wrong
     * length. P is NOT checked to be on the curve.
     */
    dh(x: ArrayBuffer, P?: ArrayBuffer): ArrayBuffer | undefined;
  }
}
