/**
 * TLS 1.2 key schedule for the CCM-8 suites (RFC 5246 §6.3, §8.1; RFC 7627 §4;
 * RFC 4279 §2; RFC 6655 §3): premaster → master secret → key block → per-direction
 * AES-128 keys and 4-byte implicit IVs; Finished verify_data (§7.4.9).
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { concatBytes, prfSha256 } from './crypto/prf.ts';

/** PSK premaster: uint16 N, N zero bytes, uint16 N, psk (RFC 4279 §2). */
export function pskPremaster(psk: Uint8Array): Uint8Array {
  const n = psk.length;
  const out = new Uint8Array(4 + 2 * n);
  out[0] = n >>> 8; out[1] = n;
  out[2 + n] = n >>> 8; out[3 + n] = n;
  out.set(psk, 4 + n);
  return out;
}

/** The master secret (48 bytes) and what the key block gives the two directions. */
export interface TrafficKeys {
  readonly master: Uint8Array;
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientIv: Uint8Array;
  readonly serverIv: Uint8Array;
}

/**
 * master_secret, extended (RFC 7627 §4) over `sessionHash` when negotiated; then the
 * key_block for AES-128-CCM-8: no MAC keys, 16-byte keys, 4-byte fixed IVs (RFC 6655 §3).
 */
export function trafficKeys(crypto: CryptoPort, premaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, sessionHash: Uint8Array | undefined): TrafficKeys {
  const master = sessionHash !== undefined
    ? prfSha256(crypto, premaster, 'extended master secret', sessionHash, 48)
    : prfSha256(crypto, premaster, 'master secret', concatBytes([clientRandom, serverRandom]), 48);
  const kb = prfSha256(crypto, master, 'key expansion', concatBytes([serverRandom, clientRandom]), 40);
  return { master, clientKey: kb.slice(0, 16), serverKey: kb.slice(16, 32), clientIv: kb.slice(32, 36), serverIv: kb.slice(36, 40) };
}

/** verify_data = PRF(master, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 §7.4.9). */
export function finishedVerifyData(crypto: CryptoPort, master: Uint8Array, fromClient: boolean, transcriptHash: Uint8Array): Uint8Array {
  return prfSha256(crypto, master, fromClient ? 'client finished' : 'server finished', transcriptHash, 12);
}
