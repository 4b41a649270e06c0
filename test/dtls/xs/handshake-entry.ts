/**
 * XS bundle entry for DTLS inside the XS engine: two endpoints (client and server)
 * with the portable crypto port exchange datagrams in memory. Test/bench code only.
 */
import { DtlsEndpoint } from '../../../src/dtls/endpoint.ts';
import { createDtlsConfig, type DtlsConfig } from '../../../src/dtls/config.ts';
import type { DtlsAssociation } from '../../../src/dtls/association.ts';
import { NamedGroup } from '../../../src/dtls/wire.ts';
import type { CryptoPort } from '../../../src/platform/crypto.ts';
import { crypto, fromHex, toHex } from './crypto-entry.ts';

export { crypto, fromHex, toHex };

export interface XsPair {
  client: DtlsEndpoint;
  server: DtlsEndpoint;
  peer: DtlsAssociation;
  received: number;
}

function move(from: DtlsEndpoint, to: DtlsEndpoint, addr: string, port: number): number {
  let n = 0;
  for (let t = from.pollTransmit(); t !== undefined; t = from.pollTransmit()) { to.handleDatagram(0, t.data, 0, t.data.length, addr, port); n++; }
  return n;
}

/**
 * Runs a full handshake in memory; `mode` "psk" or "p256"/"x25519" (certificates as DER
 * hex); `port` is the crypto port of both sides (default: the portable one).
 */
export function handshake(mode: string, certs: { agent: string; agentKey: string; controller: string; controllerKey: string; ca: string } | undefined,
  port: CryptoPort = crypto): XsPair {
  let cc: DtlsConfig; let sc: DtlsConfig;
  if (mode === 'psk') {
    const key = fromHex('00112233445566778899aabbccddeeff');
    cc = createDtlsConfig({ psk: { identity: fromHex('6964'), key } });
    sc = createDtlsConfig({ pskForIdentity: () => key });
  } else {
    const c = certs!;
    const groups = mode === 'x25519' ? [NamedGroup.X25519] : [NamedGroup.Secp256r1];
    cc = createDtlsConfig({ groups, certificate: { chain: [fromHex(c.controller)], privateKey: fromHex(c.controllerKey), trustAnchors: [fromHex(c.ca)] } });
    sc = createDtlsConfig({ groups, certificate: { chain: [fromHex(c.agent)], privateKey: fromHex(c.agentKey), trustAnchors: [fromHex(c.ca)] } });
  }
  const pair = { received: 0 } as XsPair;
  pair.client = new DtlsEndpoint({ config: cc, crypto: port, server: false, onData: () => { pair.received++; } });
  pair.server = new DtlsEndpoint({ config: sc, crypto: port, server: true, onData: () => { pair.received++; } });
  pair.peer = pair.client.connect(0, '10.0.0.2', 5684);
  for (let i = 0; i < 20; i++) {
    if (move(pair.client, pair.server, '10.0.0.1', 4000) + move(pair.server, pair.client, '10.0.0.2', 5684) === 0) break;
  }
  return pair;
}

/** Seals `n` application records of `size` bytes from the client, for the receive-path measurement. */
export function sealRecords(pair: XsPair, n: number, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const payload = new Uint8Array(size);
  for (let i = 0; i < n; i++) { pair.peer.send(payload); out.push(pair.client.pollTransmit()!.data); }
  return out;
}

/** Feeds records[from, to) to the server association directly (no endpoint demux). */
export function receiveRecords(pair: XsPair, records: Uint8Array[], from: number, to: number): void {
  const a = pair.server.associations()[0]!;
  for (let i = from; i < to; i++) a.handleDatagram(0, records[i]!, 0, records[i]!.length);
}

let xsServer: DtlsEndpoint | undefined;

/** A server endpoint living in XS that answers application data with "echo:" + data; `extra` adjusts its configuration. */
export function xsServerStart(mode: string, certs: { agent: string; agentKey: string; ca: string } | undefined, extra: Partial<DtlsConfig> = {}): void {
  const key = fromHex('00112233445566778899aabbccddeeff');
  const config = mode === 'psk' ? createDtlsConfig({ pskForIdentity: () => key, ...extra })
    : createDtlsConfig({ certificate: { chain: [fromHex(certs!.agent)], privateKey: fromHex(certs!.agentKey), trustAnchors: [fromHex(certs!.ca)] }, ...extra });
  const echo = new Uint8Array(5 + 1200);
  echo.set([101, 99, 104, 111, 58]); // "echo:"
  xsServer = new DtlsEndpoint({
    config, crypto, server: true,
    onData: (peer, buf, s, e) => { echo.set(buf.subarray(s, e), 5); peer.send(echo, 0, 5 + e - s); },
  });
}

/** Feeds one datagram (hex) and returns the datagrams to send back, as hex. */
export function xsServerFeed(hex: string, address: string, port: number): string[] {
  const d = fromHex(hex);
  xsServer!.handleDatagram(0, d, 0, d.length, address, port);
  const out: string[] = [];
  for (let t = xsServer!.pollTransmit(); t !== undefined; t = xsServer!.pollTransmit()) out.push(toHex(t.data));
  return out;
}

/** Associations held and verified hellos left unanswered for `maxHandshakes` (the bound's test). */
export function xsServerCounts(): [number, number] {
  return [xsServer!.associationCount, xsServer!.hellosDeferred];
}

/** The connected peers' Endpoint IDs (certificate mode). */
export function xsServerPeers(): Array<string | null> {
  return xsServer!.associations().map((a) => a.endpointId ?? null);
}
