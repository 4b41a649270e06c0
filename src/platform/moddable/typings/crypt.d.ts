/**
 * Minimal ambient typings for the Moddable SDK crypt modules the Moddable crypto port
 * uses (src/platform/moddable/crypto.ts), checked against SDK 8.2.3:
 * modules/crypt/digest/{crypt.js,modCrypt.c}, etc/{hmac,ecdsa,curve}.js,
 * arith/{ec,ecp}.js. Where the C reads an argument with xsmcToArrayBuffer (BlockCipher,
 * BigInt.fromArrayBuffer in curve/ecdsa) only an ArrayBuffer is typed; Digest.write
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

declare module 'hmac' {
  import type { Digest } from 'crypt';
  export default class HMAC {
    /** `key` is copied (new Uint8Array(key)); one longer than the block is hashed first. */
    constructor(digest: Digest, key: ArrayBuffer | ArrayBufferView, bitlen?: number);
    /** reset, write every item, close: the MAC. */
    process(...items: (ArrayBuffer | ArrayBufferView)[]): ArrayBuffer;
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

declare module 'curve' {
  import type ECPoint from 'ecp';
  export default class Curve {
    /** An unknown name leaves an empty object (no G, n, ec). */
    constructor(name: 'secp256r1' | 'secp384r1');
    readonly G: ECPoint;
    readonly n: bigint;
    /** The curve's arithmetic (EC from "ec": mul/mul2 in C). */
    readonly ec: unknown;
    /** A getter: bytes of n. */
    readonly orderSize: number;
    /**
     * x·P (x·G without P) as an uncompressed SEC1 point; undefined when P has the wrong
     * length. P is NOT checked to be on the curve.
     */
    dh(x: ArrayBuffer, P?: ArrayBuffer): ArrayBuffer | undefined;
  }
}

declare module 'ecdsa' {
  import type ECPoint from 'ecp';
  /** What ECDSA reads of its curve argument (a Curve, plus `k` to fix the nonce). */
  export interface EcdsaCurve {
    readonly G: unknown;
    readonly n: bigint;
    readonly orderSize: number;
    readonly ec: unknown;
    readonly k?: bigint;
  }
  export default class ECDSA {
    /** `key`: the private scalar to sign, the public point to verify. */
    constructor(key: bigint | ECPoint, curve: EcdsaCurve);
    /** Raw r ‖ s (orderSize bytes each) over the hash `H`; nonce `curve.k`, else the SDK's RC4 rng. */
    sign(H: ArrayBuffer): ArrayBuffer;
    /** `sig` raw r ‖ s; r and s are not range-checked. */
    verify(H: ArrayBuffer, sig: ArrayBuffer): boolean;
  }
}
