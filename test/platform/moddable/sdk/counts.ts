/**
 * Stand-ins for the Moddable SDK modules the Moddable crypto port imports (`crypt`,
 * `ecp`, `curve` with its `ec`, `modular`; this folder), with the SDK's module shapes and its
 * argument rules (an ArrayBuffer where the SDK's C calls xsmcToArrayBuffer). They run
 * the port's own logic inside xsnap without the SDK; the arithmetic is the portable
 * port's (@noble/hashes, @noble/curves, dtls/crypto/aes.ts). Written from the SDK 8.2.3
 * sources (modules/crypt/digest/crypt.js + modCrypt.c, etc/curve.js,
 * arith/{ec,ecp,modular}.js).
 *
 * `nativeCounts`: how often each operation the SDK does in C ran through the stand-ins
 * (the xs-budget bench separates the port's JavaScript from the SDK's C with it).
 */
export const nativeCounts = { digestBlocks: 0, aesBlocks: 0, ecMul: 0, ecMul2: 0, modInv: 0 };

export function resetNativeCounts(): void {
  nativeCounts.digestBlocks = 0;
  nativeCounts.aesBlocks = 0;
  nativeCounts.ecMul = 0;
  nativeCounts.ecMul2 = 0;
  nativeCounts.modInv = 0;
}

/** What the SDK's native side does with an argument it reads with xsmcToArrayBuffer. */
export function requireArrayBuffer(value: unknown, what: string): ArrayBuffer {
  if (!(value instanceof ArrayBuffer)) throw new TypeError(`${what}: not an ArrayBuffer (the SDK reads it with xsmcToArrayBuffer)`);
  return value;
}

export function bigIntOf(buffer: ArrayBuffer): bigint {
  const b = new Uint8Array(buffer);
  let n = 0n;
  for (let i = 0; i < b.length; i++) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

export function bufferOfBigInt(n: bigint, size: number): ArrayBuffer {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) { out[i] = Number(n & 0xffn); n >>= 8n; }
  return out.buffer;
}
