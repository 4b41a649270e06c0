/**
 * The byte-stream port (platform/stream.ts `StreamPort`) on Moddable over ECMA-419:
 * dialing with the TCP stream driver of stream-transport.ts, listening with
 * `embedded:io/socket/listener` (onReadable(count), read() → an accepted socket) and
 * driving an accepted socket through `new TCP({ from })`. Same contract as the Node
 * port (platform/node/stream-port.ts): drain `pollTransmit` after every input, run
 * `pollTransportCommand`, keep one platform timer at `pollTimeout()`.
 *
 * Run in the Moddable simulator against the npm `ws` package
 * (tools/moddable/websocket.ts). Not done here: TLS — the stream driver speaks the SDK's
 * TLS (MQTT uses it), but wss must bind the Controller's Endpoint ID to the peer
 * certificate's names (R-SEC.0a), which the SDK session does not expose; a TLS listener
 * needs the SDK's server-side TLS session. The Listener is closed with the MTP; accepted sockets
 * beyond what the MTP keeps are closed by it.
 */
import Listener from 'embedded:io/socket/listener';
import TCP from 'embedded:io/socket/tcp';
import { TransportCommand, type IncomingStream, type StreamDialOptions, type StreamDriver, type StreamDriverOptions, type StreamListener, type StreamListenerOptions, type StreamMachine, type StreamPort } from '../stream.ts';
import { createDeadlineTimer, type DeadlineClock, type DeadlineListener, type DeadlineTimer } from '../deadline-timer.ts';
import { ModdableStreamDriver } from 'tinyusp/stream';
import { MODDABLE_STREAM_IO } from './stream-io.ts';


class ModdableIncoming implements IncomingStream {
  constructor(readonly socket: TCP, readonly address: string, readonly port: number) {}
}

/** ECMA-419 TCP constructed from an accepted socket (`from`), which the minimal typing leaves out. */
type TcpFrom = new (options: {
  from: TCP; nodelay?: boolean; format?: 'buffer';
  onReadable?: (this: TCP, bytes: number) => void; onWritable?: (this: TCP, bytes: number) => void; onError?: (this: TCP) => void;
}) => TCP;

/** Drives an accepted connection: up at once, bytes in, transmit out, one timer. */
class AcceptedStream implements StreamDriver, DeadlineListener {
  private socket: TCP | undefined;
  private readonly deadline: DeadlineTimer;
  private readonly out = new Uint8Array(1024);
  private closed = false;

  constructor(readonly machine: StreamMachine, readonly clock: DeadlineClock, incoming: ModdableIncoming, readonly o: StreamDriverOptions) {
    this.deadline = createDeadlineTimer(clock, this);
    const self = this;
    const s = new (TCP as unknown as TcpFrom)({
      from: incoming.socket, nodelay: true, format: 'buffer',
      onReadable(count: number) {
        if (self.socket !== s) return;
        const chunk = s.read(count);
        if (chunk === undefined) return;
        const bytes = new Uint8Array(chunk);
        self.machine.handleBytes(self.clock.now(), bytes, 0, bytes.length);
        self.service();
      },
      onError() {
        if (self.socket !== s) return;
        self.socket = undefined;
        s.close();
        self.machine.handleTransportDown(self.clock.now());
        self.service();
      },
    });
    this.socket = s;
    machine.handleTransportUp(clock.now(), { address: incoming.address, port: incoming.port, secure: false, sanUris: [], sanDnsNames: [], hostVerified: false });
    this.service();
  }

  service(): void {
    this.flush();
    for (let c = this.machine.pollTransportCommand(); c !== undefined; c = this.machine.pollTransportCommand()) {
      if (c === TransportCommand.CLOSE) { this.flush(); this.drop(); }
    }
    this.o.onService?.();
    this.flush();
    this.deadline.arm(this.closed ? Infinity : this.machine.pollTimeout() ?? Infinity);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.drop();
    this.deadline.cancel();
  }

  /** The machine's deadline came (deadline-timer.ts). */
  onDeadline(): void {
    this.machine.handleTimeout(this.clock.now());
    this.service();
  }

  private flush(): void {
    for (let n = this.machine.pollTransmit(this.out); n > 0; n = this.machine.pollTransmit(this.out)) {
      if (this.socket === undefined) continue;
      try {
        this.socket.write(this.out.slice(0, n).buffer);
      } catch {
        this.o.onError?.('write refused');
        this.drop();
        this.machine.handleTransportDown(this.clock.now());
      }
    }
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.close();
  }
}

class ModdableListener implements StreamListener {
  private readonly listener: Listener;
  private closed = false;

  constructor(o: StreamListenerOptions) {
    const self = this;
    this.listener = new Listener({
      port: o.port, ...(o.address !== undefined && o.address !== '' ? { address: o.address } : {}),
      onReadable(count: number) { if (!self.closed) o.onReadable(count); },
    });
    // The ECMA-419 listener is bound on construction; report its port on the next turn, like Node.
    Promise.resolve().then(() => { if (!self.closed) o.onReady?.(self.listener.port); }, () => undefined);
  }

  read(): IncomingStream | undefined {
    if (this.closed) return undefined;
    const s = this.listener.read();
    if (s === undefined) return undefined;
    const peer = s as unknown as { remoteAddress?: string; remotePort?: number };
    return new ModdableIncoming(s, peer.remoteAddress ?? '', peer.remotePort ?? 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listener.close();
  }
}

/** The stream port of a Moddable platform (TCP only; see the module comment). */
export function moddableStreamPort(clock: DeadlineClock): StreamPort {
  return {
    dial(machine: StreamMachine, o: StreamDialOptions): StreamDriver {
      // wss needs the peer certificate's names (R-SEC.0a), which the SDK's TLS session does not hand out.
      if (o.tls !== undefined) throw new RangeError('wss is not wired up on Moddable yet');
      const d = new ModdableStreamDriver(machine, { host: o.host, port: o.port, io: MODDABLE_STREAM_IO, platform: clock, onService: o.onService });
      return { service: () => d.service(), close: () => d.close() };
    },
    listen: (o) => new ModdableListener(o),
    accept(incoming, machine, o) {
      if (!(incoming instanceof ModdableIncoming)) throw new RangeError('not a Moddable connection');
      return new AcceptedStream(machine, clock, incoming, o);
    },
  };
}
