/**
 * X25519 (RFC 7748 §5): the Montgomery ladder on curve25519 with BigInt field
 * arithmetic, for platforms whose native crypto has no X25519 (Moddable's crypt,
 * MODDABLE.md) — about 1 KB of code where tweetnacl costs 34 KB of bundle.
 *
 * Invariants: keys are 32-byte little-endian strings; the scalar is clamped (§5
 * decodeScalar25519) and the u-coordinate's top bit masked (§5 decodeUCoordinate);
 * never throws. BigInt arithmetic is not constant-time: use it for ephemeral ECDHE
 * keys (RFC 8422 §5.11), which are used once, not for long-term secrets.
 */

const P = (1n << 255n) - 19n;
const A24 = 121665n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

/** a^(p-2) mod p (Fermat inverse, RFC 7748 §5). */
function invert(a: bigint): bigint {
  let result = 1n;
  let base = a;
  let e = P - 2n;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = mod(result * base);
    base = mod(base * base);
    e >>= 1n;
  }
  return result;
}

function decodeLittleEndian(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = 31; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** RFC 7748 §5: X25519(k, u) → 32 bytes (all zeros for a low-order u; the caller checks). */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  const k = new Uint8Array(32);
  k.set(scalar.subarray(0, 32));
  k[0]! &= 248;
  k[31]! &= 127;
  k[31]! |= 64;
  const uc = new Uint8Array(32);
  uc.set(u.subarray(0, 32));
  uc[31]! &= 127;
  const kn = decodeLittleEndian(k);
  const x1 = mod(decodeLittleEndian(uc));
  let x2 = 1n, z2 = 0n, x3 = x1, z3 = 1n, swap = 0n;
  for (let t = 254n; t >= 0n; t--) {
    const kt = (kn >> t) & 1n;
    swap ^= kt;
    if (swap === 1n) { [x2, x3] = [x3, x2]; [z2, z3] = [z3, z2]; }
    swap = kt;
    const a = mod(x2 + z2), aa = mod(a * a), b = mod(x2 - z2), bb = mod(b * b), e = mod(aa - bb);
    const c = mod(x3 + z3), d = mod(x3 - z3), da = mod(d * a), cb = mod(c * b);
    x3 = mod((da + cb) * (da + cb));
    z3 = mod(x1 * mod((da - cb) * (da - cb)));
    x2 = mod(aa * bb);
    z2 = mod(e * (aa + A24 * e));
  }
  if (swap === 1n) { [x2, x3] = [x3, x2]; [z2, z3] = [z3, z2]; }
  let r = mod(x2 * invert(z2));
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) { out[i] = Number(r & 255n); r >>= 8n; }
  return out;
}

/** The base point u = 9 (RFC 7748 §4.1). */
export const X25519_BASE = Uint8Array.of(9, ...new Array<number>(31).fill(0));
