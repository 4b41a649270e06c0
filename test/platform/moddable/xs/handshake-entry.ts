/**
 * XS bundle entry: DTLS handshakes with the Moddable crypto port over the SDK stand-ins.
 * - `handshake(mode, certs, h.crypto)`: both sides in memory (test/dtls/xs/handshake-entry.ts);
 * - one side alone, the other outside XS (the xs-budget bench's per-side computrons):
 *   `sideStart(role, mode, certs)` makes an agent-side endpoint (server, or client
 *   connecting to 10.0.0.2:5684), `sideFeed(hex)` feeds it one datagram; both return the
 *   datagrams to send as hex; `sideConnected()` says whether the handshake is done;
 * - the stand-ins' count of native operations (nativeCounts, resetNativeCounts).
 */
import { DtlsEndpoint } from '../../../../src/dtls/endpoint.ts';
import { createDtlsConfig } from '../../../../src/dtls/config.ts';
import { DtlsState } from '../../../../src/dtls/association.ts';
import { NamedGroup } from '../../../../src/dtls/wire.ts';
import { fromHex, toHex } from '../../../dtls/xs/crypto-entry.ts';
import { crypto } from './crypto-entry.ts';
import { BlockCipher, Digest } from 'crypt';
import Curve from 'curve';

export { handshake, sealRecords, receiveRecords, fromHex, toHex } from '../../../dtls/xs/handshake-entry.ts';
export { crypto, nativeCounts, resetNativeCounts } from './crypto-entry.ts';

interface Certs { agent: string; agentKey: string; ca: string }

let side: DtlsEndpoint | undefined;

function drain(): string[] {
  const out: string[] = [];
  for (let t = side!.pollTransmit(); t !== undefined; t = side!.pollTransmit()) out.push(toHex(t.data));
  return out;
}

/** An agent-side endpoint with the Moddable port: PSK (key 0011…ff, identity "id") or certificates (P-256 / X25519 ECDHE). */
export function sideStart(role: 'server' | 'client', mode: string, certs: Certs | undefined): string[] {
  const key = fromHex('00112233445566778899aabbccddeeff');
  const groups = mode === 'x25519' ? [NamedGroup.X25519] : [NamedGroup.Secp256r1];
  const config = mode === 'psk'
    ? createDtlsConfig(role === 'server' ? { pskForIdentity: () => key } : { psk: { identity: fromHex('6964'), key } })
    : createDtlsConfig({ groups, certificate: { chain: [fromHex(certs!.agent)], privateKey: fromHex(certs!.agentKey), trustAnchors: [fromHex(certs!.ca)] } });
  side = new DtlsEndpoint({ config, crypto, server: role === 'server', onData: () => undefined });
  if (role === 'client') side.connect(0, '10.0.0.2', 5684);
  return drain();
}

export function sideFeed(hex: string): string[] {
  const d = fromHex(hex);
  side!.handleDatagram(0, d, 0, d.length, '10.0.0.2', 5684);
  return drain();
}

export function sideConnected(): boolean {
  const a = side!.associations()[0];
  return a !== undefined && a.state === DtlsState.Connected;
}

/**
 * Runs `n` of one stand-in operation (what the SDK does in C) so the bench can take its
 * computrons out of a handshake's: "ecMul" (Curve.dh of a point), "digestBlock" (one
 * 64-byte SHA-256 block written), "aesBlock" (one AES-128 block).
 */
export function standIn(op: string, n: number): void {
  if (op === 'ecMul') {
    const curve = new Curve('secp256r1');
    const k = new Uint8Array(32).fill(7).buffer;
    const p = curve.dh(k)!;
    for (let i = 0; i < n; i++) curve.dh(k, p);
  } else if (op === 'digestBlock') {
    const d = new Digest('SHA256');
    const block = new Uint8Array(64);
    for (let i = 0; i < n; i++) d.write(block);
    d.close();
  } else if (op === 'aesBlock') {
    const c = new BlockCipher('AES', new ArrayBuffer(16));
    const a = new ArrayBuffer(16), b = new ArrayBuffer(16);
    for (let i = 0; i < n; i++) c.encrypt(a, b);
  }
}
