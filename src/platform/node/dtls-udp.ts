/**
 * Node driver for a sans-I/O DtlsEndpoint: one UDP socket (node:dgram), the monotonic
 * clock and one timer re-armed to the endpoint's earliest deadline (STYLE.md rule 7).
 * Every input is followed by draining `pollTransmit()` and re-arming the timer.
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { DtlsEndpoint, type DtlsEndpointOptions } from '../../dtls/endpoint.ts';
import type { DtlsAssociation } from '../../dtls/association.ts';

export interface DtlsUdpOptions extends DtlsEndpointOptions {
  /** Local port; 0 picks a free one. */
  readonly port: number;
  readonly address?: string;
}

export interface DtlsUdp {
  readonly endpoint: DtlsEndpoint;
  /** Resolves with the bound port. */
  readonly ready: Promise<number>;
  connect(address: string, port: number): DtlsAssociation;
  send(peer: DtlsAssociation, data: Uint8Array): boolean;
  close(): void;
}

export function openDtlsUdp(options: DtlsUdpOptions): DtlsUdp {
  const socket = createSocket({ type: options.address?.includes(':') ? 'udp6' : 'udp4' });
  const endpoint = new DtlsEndpoint(options);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = (): void => {
    if (closed) return;
    for (let t = endpoint.pollTransmit(); t !== undefined; t = endpoint.pollTransmit()) socket.send(t.data, t.port, t.address);
    if (timer !== undefined) clearTimeout(timer);
    const at = endpoint.pollTimeout();
    timer = at === Infinity ? undefined : setTimeout(() => {
      timer = undefined;
      endpoint.handleTimeout(performance.now());
      flush();
    }, Math.max(0, at - performance.now()));
  };

  socket.on('message', (msg, rinfo) => {
    if (closed) return;
    endpoint.handleDatagram(performance.now(), new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), 0, msg.byteLength, rinfo.address, rinfo.port);
    flush();
  });
  const ready = new Promise<number>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.address, () => resolve(socket.address().port));
  });

  return {
    endpoint,
    ready,
    connect(address, port) { const a = endpoint.connect(performance.now(), address, port); flush(); return a; },
    send(peer, data) { const ok = endpoint.send(peer, data); flush(); return ok; },
    close() {
      if (closed) return;
      for (const p of [...endpointPeers(endpoint)]) endpoint.close(p);
      flush();
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.close();
    },
  };
}

function endpointPeers(e: DtlsEndpoint): DtlsAssociation[] {
  return e.associations();
}
