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

type TcpOptions = ConstructorParameters<typeof TCP>[0];

function guarded<A extends unknown[]>(f: ((...a: A) => void) | undefined, onError: (() => void) | undefined, what: string): ((...a: A) => void) | undefined {
  if (f === undefined) return undefined;
  return (...a: A): void => {
    try {
      f(...a);
    } catch (e) {
      // E.g. the SDK's TLS refusing the broker's certificate throws from inside its
      // onReadable: uncaught, that would abort the XS machine (the whole device).
      trace(`tinyusp warn ${what}: ${String(e)}\n`);
      onError?.();
    }
  };
}

/**
 * The SDK's TCP with every callback guarded: an exception thrown in one (by us, or by
 * the SDK's TLSSocket, which runs its handshake in the TCP callbacks) becomes onError —
 * the stream is down and the machine backs off — instead of aborting the app.
 */
const GuardedTcp = function GuardedTcp(options: TcpOptions): TCP {
  const onError = options.onError;
  return new TCP({
    ...options,
    onReadable: guarded(options.onReadable, onError, 'stream socket'),
    onWritable: guarded(options.onWritable, onError, 'stream socket'),
    onError: guarded(onError, undefined, 'stream socket onError'),
  });
} as unknown as typeof TCP;

export const MODDABLE_STREAM_IO: StreamIo = {
  TCP: GuardedTcp,
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
 * The SDK checks the broker's name (SAN dNSName/iPAddress) only on a chain of two or more
 * (ssl_cert.js verify): mosquitto sends leaf + CA when its cafile holds the CA (OpenSSL
 * builds the chain); a broker that sends its leaf alone is refused.
 */
export function tlsOptionsFor(caPem: string): Record<string, unknown> | undefined {
  const der = pemBlocks(caPem, 'CERTIFICATE')[0];
  return der === undefined ? undefined : { certificate: der.slice().buffer };
}
