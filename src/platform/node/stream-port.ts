/**
 * The Node implementation of the byte-stream port (platform/stream.ts `StreamPort`):
 * dial with the stream driver (stream-transport.ts), listen with node:net or node:tls
 * in the ECMA-419 listener shape (`onReadable(count)`, `read()`, idempotent `close()`),
 * and drive what was accepted.
 *
 * A TLS listener requires a client certificate chaining to its CA (R-MTP.1:
 * `requestCert` + `rejectUnauthorized`), TLS 1.2 or later; the accepted machine hears
 * the certificate's subjectAltName names (R-SEC.0a). Bounded: at most `MAX_WAITING`
 * accepted connections wait to be read — more are dropped at once — and a waiting
 * connection that closes is skipped.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { MqttStreamDriver } from './stream-transport.ts';
import type {
  IncomingStream, StreamDialOptions, StreamDriver, StreamDriverOptions, StreamListener, StreamListenerOptions, StreamMachine, StreamPort,
} from '../stream.ts';

/** Accepted connections that may wait for `read()`. */
export const MAX_WAITING = 8;

class NodeIncoming implements IncomingStream {
  constructor(readonly socket: Socket, readonly address: string, readonly port: number) {}
}

class NodeListener implements StreamListener {
  private readonly waiting: NodeIncoming[] = [];
  private closed = false;
  readonly server: Server;

  constructor(private readonly o: StreamListenerOptions) {
    const tls = o.tls;
    const take = (s: Socket): void => this.take(s);
    this.server = tls === undefined
      ? createNetServer(take)
      : createTlsServer({
        cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2',
      }, take);
    // A TLS handshake that fails (no or untrusted client certificate) is the client's problem, not the listener's.
    this.server.on('tlsClientError', (e: Error) => o.onError?.(`TLS client refused: ${e.message}`));
    this.server.on('error', (e: Error) => { if (!this.closed) o.onError?.(e.message); });
    this.server.listen(o.port, o.address, () => {
      const a = this.server.address();
      if (!this.closed) o.onReady?.(typeof a === 'object' && a !== null ? a.port : o.port);
    });
  }

  private take(s: Socket): void {
    s.on('error', () => { /* seen by the driver once attached; a waiting socket is skipped when it closes */ });
    if (this.closed || this.waiting.length >= MAX_WAITING) { s.destroy(); return; }
    this.waiting.push(new NodeIncoming(s, s.remoteAddress ?? '', s.remotePort ?? 0));
    this.o.onReadable(this.waiting.length);
  }

  read(): IncomingStream | undefined {
    for (let c = this.waiting.shift(); c !== undefined; c = this.waiting.shift()) {
      if (!c.socket.destroyed) return c;
    }
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const c of this.waiting) c.socket.destroy();
    this.waiting.length = 0;
  }
}

export function nodeStreamPort(): StreamPort {
  return {
    dial(machine: StreamMachine, o: StreamDialOptions): StreamDriver {
      return new MqttStreamDriver(machine, o);
    },
    listen(o: StreamListenerOptions): StreamListener {
      return new NodeListener(o);
    },
    accept(incoming: IncomingStream, machine: StreamMachine, o: StreamDriverOptions): StreamDriver {
      const d = new MqttStreamDriver(machine, { ...o, host: incoming.address, port: incoming.port });
      if (incoming instanceof NodeIncoming) d.attach(incoming.socket);
      return d;
    },
  };
}
