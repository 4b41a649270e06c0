/**
 * A two-peer simulated link for DTLS endpoints (STYLE.md §9, quinn's `Pair`): moves
 * datagrams between a client and a server endpoint at explicit times; `drive` runs
 * until idle and fails on livelock.
 */
import { DtlsEndpoint, type DtlsEndpointOptions } from '../../src/dtls/endpoint.ts';
import type { DtlsAssociation } from '../../src/dtls/association.ts';
import type { DtlsConfig } from '../../src/dtls/config.ts';
import type { CryptoPort } from '../../src/platform/crypto.ts';

export const CLIENT_ADDR = '10.0.0.1';
export const SERVER_ADDR = '10.0.0.2';

export class Pair {
  now = 0;
  readonly received: Array<{ side: 'client' | 'server'; text: string }> = [];
  readonly client: DtlsEndpoint;
  readonly server: DtlsEndpoint;
  /** Called on each datagram in flight; return false to drop it. */
  filter: (from: 'client' | 'server', data: Uint8Array) => boolean = () => true;
  /** Rewrites a datagram in flight (fault injection); runs after `filter`. */
  transform: (from: 'client' | 'server', data: Uint8Array) => Uint8Array = (_f, d) => d;
  datagrams = 0;

  constructor(clientConfig: DtlsConfig, serverConfig: DtlsConfig, crypto: CryptoPort, extra: Partial<DtlsEndpointOptions> = {}) {
    const mk = (side: 'client' | 'server', config: DtlsConfig): DtlsEndpoint => new DtlsEndpoint({
      config, crypto, server: side === 'server',
      onData: (_p: DtlsAssociation, buf, s, e) => { this.received.push({ side, text: Buffer.from(buf.subarray(s, e)).toString() }); },
      ...extra,
    });
    this.client = mk('client', clientConfig);
    this.server = mk('server', serverConfig);
  }

  /** Delivers queued datagrams both ways until none is left; returns how many moved. */
  step(): number {
    let moved = 0;
    for (let t = this.client.pollTransmit(); t; t = this.client.pollTransmit()) {
      moved++; this.datagrams++;
      if (!this.filter('client', t.data)) continue;
      const d = this.transform('client', t.data.slice());
      this.server.handleDatagram(this.now, d, 0, d.length, CLIENT_ADDR, 4000);
    }
    for (let t = this.server.pollTransmit(); t; t = this.server.pollTransmit()) {
      moved++; this.datagrams++;
      if (!this.filter('server', t.data)) continue;
      const d = this.transform('server', t.data.slice());
      this.client.handleDatagram(this.now, d, 0, d.length, SERVER_ADDR, 5684);
    }
    return moved;
  }

  /** Steps, jumping time to the next deadline when quiet, up to `until` ms; throws after 200 steps. */
  drive(until = 120_000): void {
    for (let i = 0; i < 200; i++) {
      if (this.step() > 0) continue;
      const next = Math.min(this.client.pollTimeout(), this.server.pollTimeout());
      if (next === Infinity || next > until) return;
      this.now = Math.max(this.now, next);
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
    }
    throw new Error('livelock: drive did not settle in 200 steps');
  }
}
