/**
 * Minimal ambient typings for the Moddable SDK crypt modules the Moddable crypto port
 * uses (src/platform/moddable/crypto.ts), written from the SDK sources
 * (modules/crypt/etc/{hmac,ecdsa,curve}.js, typings/crypt.d.ts; MODDABLE.md "crypt").
 * BlockCipher has no SDK typing or documentation: its shape follows the SDK's TLS code
 * (`new BlockCipher(name, key)`, `encrypt(data, result)`); nothing here could be run
 * against the SDK on this machine.
 */

declare module 'crypt' {
  export class Digest {
    constructor(type: 'SHA256' | 'SHA1' | 'SHA224' | 'SHA384' | 'SHA512' | 'MD5');
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
    readonly blockSize: number;
    readonly outputSize: number;
  }
  export class BlockCipher {
    constructor(name: 'AES' | 'DES' | 'TDES', key: ArrayBuffer);
    /** Encrypts one block of `data` into `result` (returned). */
    encrypt(data: ArrayBuffer, result: ArrayBuffer): ArrayBuffer;
    readonly blockSize: number;
  }
}

declare module 'hmac' {
  import type { Digest } from 'crypt';
  export default class HMAC {
    constructor(digest: Digest, key: ArrayBuffer, bitlen?: number);
    /** reset, write every item, close: the MAC. */
    process(...items: ArrayBuffer[]): ArrayBuffer;
  }
}

declare module 'ecp' {
  export default class ECPoint {
    constructor(x: bigint, y: bigint);
  }
}

declare module 'curve' {
  import type ECPoint from 'ecp';
  export default class Curve {
    constructor(name: 'secp256r1' | 'secp384r1');
    readonly G: ECPoint;
    readonly n: bigint;
    /** The curve's arithmetic (EC from "ec"). */
    readonly ec: unknown;
    readonly orderSize: number;
    /** x·P (x·G without P) as an uncompressed SEC1 point; undefined when P has the wrong length. */
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
    /** Raw r ‖ s (orderSize bytes each) over the hash `H`. */
    sign(H: ArrayBuffer): ArrayBuffer;
    /** `sig` raw r ‖ s. */
    verify(H: ArrayBuffer, sig: ArrayBuffer): boolean;
  }
}
