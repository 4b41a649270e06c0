/**
 * Published test vectors for every primitive of a crypto port (platform/crypto.ts),
 * run where the port runs: inside the Moddable simulator or device (`selfTest=1`, the
 * SDK's native crypt), inside xsnap over stand-ins of the SDK modules
 * (test/platform/moddable/crypto-self-test.xs.test.ts), and on Node.
 *
 * One `report(part, ok, detail)` per primitive:
 * - sha256: FIPS 180-2 Appendix B.1 ("abc") and B.2 (448-bit message);
 * - hmac: RFC 4231 §4.2 (test case 1), §4.3 (2), §4.7 (6: key longer than a block);
 * - aes: FIPS 197 Appendix C.1 (AES-128);
 * - ccm8: RFC 3610 §8 packet vector #1 (13-byte nonce) and NIST SP 800-38C Appendix C
 *   Example 3 (12-byte nonce, 8-byte tag: the RFC 6655 shape); a flipped bit fails to open;
 * - x25519: RFC 7748 §6.1 (Alice's public key, the shared secret) and a low-order point
 *   refused (RFC 8422 §5.11);
 * - p256-ecdh: NIST CAVS ECC CDH primitive, P-256 COUNT 0 (the IUT public key from its
 *   scalar, the shared Z) and an off-curve point refused;
 * - ecdsa: RFC 6979 §A.2.5 P-256/SHA-256 "sample" and "test": the public key, signing
 *   with the RFC's nonce k gives exactly its (r, s), the signatures verify, a changed
 *   message does not;
 * - ecdsa-sec1: NIST's ECDSA example "P-256 with SHA-256" (CSRC Examples with Intermediate
 *   Values): signing with its K gives exactly its (R, S), which verifies; (r, n − s) verifies
 *   too (the verify arithmetic, not a byte compare) and r = n or s = n is refused (SEC1
 *   §4.1.4 step 1: 1 ≤ r, s < n);
 * - keygen: fresh P-256 and X25519 key pairs agree both ways.
 *
 * The exact-signature check needs the nonce: `makeCrypto(random)` builds a second port
 * whose random source returns k (ports draw the nonce from it; the Moddable port does).
 */
import type { CryptoPort } from '../crypto.ts';

export type CryptoReport = (part: string, ok: boolean, detail: string) => void;

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(b: Uint8Array | undefined): string {
  if (b === undefined) return 'undefined';
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function filled(n: number, v: number): Uint8Array {
  return new Uint8Array(n).fill(v);
}

/** DER Ecdsa-Sig-Value (RFC 3279) of two 32-byte big-endian integers. */
function derOf(rHex: string, sHex: string): Uint8Array {
  const int = (h: string): number[] => {
    const v = Array.from(fromHex(h));
    while (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) v.shift();
    if (v[0]! & 0x80) v.unshift(0);
    return [0x02, v.length, ...v];
  };
  const body = [...int(rHex), ...int(sHex)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

/** A random source that hands out `k` (the ECDSA nonce of a vector), then fails loudly. */
function nonceSource(k: Uint8Array): (out: Uint8Array) => void {
  let used = false;
  return (out) => {
    if (used || out.length !== k.length) throw new RangeError('self-test nonce source used twice');
    used = true;
    out.set(k);
  };
}

const RFC6979_X = 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721';
const RFC6979_PUB = '0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6'
  + '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299';
const RFC6979_SIGS: readonly (readonly [string, string, string, string])[] = [
  ['sample', 'a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60',
    'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716', 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'],
  ['test', 'd16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0',
    'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367', '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083'],
];

const NIST_MESSAGE = 'Example of ECDSA with P-256';
const NIST_D = 'c477f9f65c22cce20657faa5b2d1d8122336f851a508a1ed04e479c34985bf96';
const NIST_K = '7a1a7e52797fc8caaa435d2a4dace39158504bf204fbe19f14dbb427faee50ae';
const NIST_PUB = '04b7e08afdfe94bad3f1dc8c734798ba1c62b3a0ad1e9ea2a38201cd0889bc7a19'
  + '3603f747959dbf7a4bb226e41928729063adc7ae43529e61b563bbc606cc5e09';
const NIST_R = '2b42f576d07f4165ff65d1f3b1500f81e44c316f1f0b3ef57325b69aca46104f';
const NIST_S = 'dc42c2122d6392cd3e3a993a89502a8198c1886fe69d262c4b329bdb6b63faf1';
/** The order n of P-256's base point (FIPS 186-4 D.1.2.3). */
const P256_N = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';

function hashes(c: CryptoPort, report: CryptoReport): void {
  const b1 = toHex(c.sha256(ascii('abc')));
  const b2 = toHex(c.sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')));
  report('sha256', b1 === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    && b2 === '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1', `FIPS 180-2 B.1 ${b1.slice(0, 16)}… B.2 ${b2.slice(0, 16)}…`);
  const t1 = toHex(c.hmacSha256(filled(20, 0x0b), ascii('Hi There')));
  const t2 = toHex(c.hmacSha256(ascii('Jefe'), ascii('what do ya want for nothing?')));
  const t6 = toHex(c.hmacSha256(filled(131, 0xaa), ascii('Test Using Larger Than Block-Size Key - Hash Key First')));
  report('hmac', t1 === 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'
    && t2 === '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'
    && t6 === '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', `RFC 4231 cases 1, 2, 6: ${t1.slice(0, 8)} ${t2.slice(0, 8)} ${t6.slice(0, 8)}`);
}

function ciphers(c: CryptoPort, report: CryptoReport): void {
  const block = fromHex('00112233445566778899aabbccddeeff');
  const out = new Uint8Array(20);
  c.aes128(fromHex('000102030405060708090a0b0c0d0e0f')).encryptBlock(block, 0, out, 2);
  const aes = toHex(out.subarray(2, 18));
  report('aes', aes === '69c4e0d86a7b0430d8cdb78070b4c55a' && out[0] === 0 && out[18] === 0, `FIPS 197 C.1 ${aes}`);

  // RFC 3610 §8 packet vector #1: 8 header bytes as AAD, 23 bytes of payload, M = 8.
  const r = c.ccm8(fromHex('c0c1c2c3c4c5c6c7c8c9cacbcccdcecf'));
  const rn = fromHex('00000003020100a0a1a2a3a4a5'), ra = fromHex('0001020304050607');
  const rb = new Uint8Array(31);
  rb.set(fromHex('08090a0b0c0d0e0f101112131415161718191a1b1c1d1e'));
  r.seal(rn, ra, rb, 0, 23);
  const rSealed = toHex(rb);
  const rOpened = r.open(rn, ra, rb, 0, 31) && toHex(rb.subarray(0, 23)) === '08090a0b0c0d0e0f101112131415161718191a1b1c1d1e';
  // SP 800-38C Example 3: Klen 128, Tlen 64, Nlen 96, Alen 160, Plen 192.
  const n = c.ccm8(fromHex('404142434445464748494a4b4c4d4e4f'));
  const nn = fromHex('101112131415161718191a1b'), na = fromHex('000102030405060708090a0b0c0d0e0f10111213');
  const nb = new Uint8Array(4 + 24 + 8);
  nb.set(fromHex('202122232425262728292a2b2c2d2e2f3031323334353637'), 4);
  n.seal(nn, na, nb, 4, 28);
  const nSealed = toHex(nb.subarray(4));
  nb[10]! ^= 1;
  const tampered = n.open(nn, na, nb, 4, 36);
  report('ccm8', rSealed === '588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0' && rOpened
    && nSealed === 'e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951' && !tampered,
  `RFC 3610 #1 ${rSealed.slice(-16)} opened ${rOpened}; SP 800-38C ex. 3 ${nSealed.slice(-16)}; flipped bit opens ${tampered}`);
}

function curves(c: CryptoPort, makeCrypto: (random: (out: Uint8Array) => void) => CryptoPort, report: CryptoReport): void {
  const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bobPub = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
  const alicePub = toHex(makeCrypto(nonceSource(alice)).x25519Keygen().publicKey);
  const shared = toHex(c.x25519SharedSecret(alice, bobPub));
  const lowOrder = c.x25519SharedSecret(alice, new Uint8Array(32)); // u = 0: all-zero result
  report('x25519', alicePub === '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'
    && shared === '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742' && lowOrder === undefined,
  `RFC 7748 §6.1 public ${alicePub.slice(0, 16)}… shared ${shared.slice(0, 16)}…, low-order point ${lowOrder === undefined ? 'refused' : 'ACCEPTED'}`);

  const d = fromHex('7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534');
  const peer = fromHex('04700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287'
    + 'db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac');
  const q = toHex(c.p256PublicKey(d));
  const z = toHex(c.p256SharedSecret(d, peer));
  const offCurve = peer.slice();
  offCurve[64]! ^= 1;
  const refused = c.p256SharedSecret(d, offCurve) === undefined;
  report('p256-ecdh', q === '04ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230'
    + '28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141'
    && z === '46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b' && refused,
  `CAVS CDH P-256 COUNT 0 Q ${q.slice(2, 18)}… Z ${z.slice(0, 16)}…, off-curve point ${refused ? 'refused' : 'ACCEPTED'}`);

  const x = fromHex(RFC6979_X);
  const pub = fromHex(RFC6979_PUB);
  let ok = toHex(c.p256PublicKey(x)) === RFC6979_PUB;
  let detail = `RFC 6979 A.2.5 public ${ok}`;
  for (const [message, k, r, s] of RFC6979_SIGS) {
    const m = ascii(message);
    const sig = makeCrypto(nonceSource(fromHex(k))).ecdsaP256Sign(x, m);
    const exact = toHex(sig) === toHex(derOf(r, s));
    const verifies = c.ecdsaP256Verify(pub, m, derOf(r, s));
    const wrong = c.ecdsaP256Verify(pub, ascii(message + '.'), derOf(r, s));
    ok = ok && exact && verifies && !wrong;
    detail += `; "${message}" sign ${exact ? 'exact' : `WRONG ${toHex(sig)}`} verify ${verifies} other message ${wrong}`;
  }
  report('ecdsa', ok, detail);

  sec1(c, makeCrypto, report);

  const a = c.p256Keygen(), b = c.p256Keygen();
  const p256Agree = toHex(c.p256SharedSecret(a.privateKey, b.publicKey)) === toHex(c.p256SharedSecret(b.privateKey, a.publicKey));
  const m = ascii('tinyusp');
  const p256Signs = c.ecdsaP256Verify(a.publicKey, m, c.ecdsaP256Sign(a.privateKey, m));
  const xa = c.x25519Keygen(), xb = c.x25519Keygen();
  const xAgree = toHex(c.x25519SharedSecret(xa.privateKey, xb.publicKey)) === toHex(c.x25519SharedSecret(xb.privateKey, xa.publicKey));
  report('keygen', p256Agree && p256Signs && xAgree, `P-256 ECDH agrees ${p256Agree}, signs ${p256Signs}; X25519 agrees ${xAgree}`);
}

function sec1(c: CryptoPort, makeCrypto: (random: (out: Uint8Array) => void) => CryptoPort, report: CryptoReport): void {
  const m = ascii(NIST_MESSAGE);
  const pub = fromHex(NIST_PUB);
  const sig = toHex(makeCrypto(nonceSource(fromHex(NIST_K))).ecdsaP256Sign(fromHex(NIST_D), m));
  const exact = sig === toHex(derOf(NIST_R, NIST_S));
  const verifies = c.ecdsaP256Verify(pub, m, derOf(NIST_R, NIST_S));
  const negS = (BigInt('0x' + P256_N) - BigInt('0x' + NIST_S)).toString(16).padStart(64, '0');
  const negated = c.ecdsaP256Verify(pub, m, derOf(NIST_R, negS));
  const rIsN = c.ecdsaP256Verify(pub, m, derOf(P256_N, NIST_S));
  const sIsN = c.ecdsaP256Verify(pub, m, derOf(NIST_R, P256_N));
  report('ecdsa-sec1', exact && verifies && negated && !rIsN && !sIsN,
    `NIST P-256/SHA-256 example sign ${exact ? 'exact' : `WRONG ${sig}`} verify ${verifies}; (r, n-s) ${negated}; r = n ${rIsN}, s = n ${sIsN}`);
}

/** Runs every vector; returns the number of failed parts. A primitive that throws is a failed part. */
export function runCryptoSelfTest(makeCrypto: (random: (out: Uint8Array) => void) => CryptoPort, random: (out: Uint8Array) => void, report: CryptoReport): number {
  let failed = 0;
  const counted: CryptoReport = (part, ok, detail) => {
    if (!ok) failed++;
    report(`crypto-${part}`, ok, detail);
  };
  const c = makeCrypto(random);
  const steps: readonly (readonly [string, () => void])[] = [
    ['hashes', () => hashes(c, counted)],
    ['ciphers', () => ciphers(c, counted)],
    ['curves', () => curves(c, makeCrypto, counted)],
  ];
  for (const [name, step] of steps) {
    try {
      step();
    } catch (e) {
      counted(name, false, `threw ${String(e)}`);
    }
  }
  return failed;
}
