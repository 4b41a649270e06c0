/**
 * The SDK's sockets and resolver for the Moddable stream driver (stream-transport.ts):
 * ECMA-419 TCP, the SDK's TLS 1.2 client socket (manifest: the SDK's
 * examples/io/tcp/tlssocket module over modules/crypt/tls_419.json) and Net.resolve.
 * Separate from the driver so tests drive it with scripted sockets.
 */
import TCP from 'embedded:io/socket/tcp';
import TLSSocket from 'embedded:io/socket/tcp/tls';
import Net from 'net';
import { pemBlocks } from '../../dtls/der.ts';
import type { StreamIo } from './stream-transport.ts';

export const MODDABLE_STREAM_IO: StreamIo = {
  TCP,
  // The driver hands TLSSocket `TCP: {io: MODDABLE_STREAM_IO.TCP}`, which is the SDK's TCP.
  TLS: TLSSocket as unknown as NonNullable<StreamIo['TLS']>,
  resolve(host, callback) {
    Net.resolve(host, (_name, address) => callback(address));
  },
};

/**
 * The SDK TLS session options for a broker whose certificate chains to the first
 * CERTIFICATE of `caPem` (R-MTP.1: the chain is verified, and the broker name against
 * its dNSName/iPAddress). Undefined when `caPem` holds no certificate.
 * The SDK checks a chain only when the broker sends its CA too (leaf + CA): a broker
 * sending the leaf alone is refused (ssl_cert.js verify).
 */
export function tlsOptionsFor(caPem: string): Record<string, unknown> | undefined {
  const der = pemBlocks(caPem, 'CERTIFICATE')[0];
  return der === undefined ? undefined : { certificate: der.slice().buffer };
}
