/**
 * DTLS 1.2 datagrams (RFC 6347 §4.1) into the coaps listener: the record layer's framing
 * and replay windows, then the server endpoint (stateless cookie exchange §4.2.1, the
 * association table) with four source addresses taking turns, 50 ms apart, timers run.
 */
import { createDtlsConfig } from '../../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../../src/dtls/endpoint.ts';
import { RecordLayer } from '../../../src/dtls/record-layer.ts';
import { buildClientHello, frameHandshake } from '../../../src/dtls/handshake-messages.ts';
import { CipherSuite, HandshakeType, NamedGroup } from '../../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../../src/platform/node/crypto.ts';
import type { FuzzTarget } from '../target.ts';

export function recordOf(type: number, epoch: number, seq: number, body: Uint8Array): Uint8Array {
  const d = new Uint8Array(13 + body.length);
  d.set([type, 0xfe, 0xfd, epoch >> 8, epoch & 255, 0, 0, 0, 0, seq >> 8, seq & 255, body.length >> 8, body.length & 255]);
  d.set(body, 13);
  return d;
}

export function clientHello(cookie: Uint8Array, suites: number[] = [CipherSuite.PskAes128Ccm8, CipherSuite.EcdheEcdsaAes128Ccm8]): Uint8Array {
  const body = buildClientHello(new Uint8Array(32).fill(7), cookie, suites, [NamedGroup.Secp256r1, NamedGroup.X25519], true);
  return recordOf(22, 0, 0, frameHandshake(HandshakeType.ClientHello, 0, body));
}

export default function create(): FuzzTarget {
  const crypto = createNodeCrypto();
  const ep = new DtlsEndpoint({ config: createDtlsConfig({ pskForIdentity: () => new Uint8Array(16).fill(1) }), crypto, server: true, onData: () => {} });
  const rl = new RecordLayer();
  let now = 0;
  let turn = 0;
  return {
    name: 'dtls-record',
    about: 'DTLS record layer and the server endpoint (cookies, association table)',
    files: ['src/dtls/record-layer.ts', 'src/dtls/endpoint.ts', 'src/dtls/cookie.ts', 'src/dtls/replay-window.ts', 'src/dtls/peer-table.ts'],
    seeds: () => [clientHello(new Uint8Array(0)), clientHello(new Uint8Array(32).fill(3)), recordOf(21, 0, 1, Uint8Array.of(2, 40)),
      recordOf(20, 0, 2, Uint8Array.of(1)), recordOf(23, 1, 3, new Uint8Array(40).fill(9)), Uint8Array.of(...clientHello(new Uint8Array(0)), ...recordOf(21, 0, 4, Uint8Array.of(1, 0)))],
    dictionary: [Uint8Array.of(22, 0xfe, 0xfd), Uint8Array.of(0xfe, 0xff), Uint8Array.of(0, 1), Uint8Array.of(1, 0, 0), Uint8Array.of(0xc0, 0xa8), Uint8Array.of(0xc0, 0xae)],
    run(data) {
      for (let off = 0; off < data.length;) { const n = rl.next(data, off, data.length); if (n < 0) break; off = n; }
      now += 50;
      ep.handleDatagram(now, data, 0, data.length, `10.0.0.${turn++ & 3}`, 4000);
      if (ep.pollTimeout() <= now) ep.handleTimeout(now);
      while (ep.pollTransmit() !== undefined);
    },
    size: () => ep.associationCount,
    maxSize: 16,
  };
}
