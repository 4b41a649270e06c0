/**
 * The byte-stream side of the platform port: the contract between a sans-I/O machine
 * that speaks over a TCP or TLS stream (the MQTT client, the USP MQTT binding; the
 * WebSocket MTP next) and the platform driver that owns the socket
 * (platform/node/stream-transport.ts, platform/moddable/stream-transport.ts).
 * The driver opens and closes the stream on the machine's command, feeds it bytes and
 * `now`, drains `pollTransmit` after every input and keeps one timer at `pollTimeout()`.
 */

/**
 * Driver commands. OPEN: open a TCP/TLS stream, then call `handleTransportUp` (or
 * `handleTransportDown` on failure). CLOSE: send what `pollTransmit` still holds, then
 * close the stream; the client has already forgotten it.
 */
export const TransportCommand = { OPEN: 1, CLOSE: 2 } as const;
export type TransportCommand = (typeof TransportCommand)[keyof typeof TransportCommand];

/**
 * What the driver knows of the peer once the stream is up. Over TLS the peer's
 * certificate chain was verified against the configured CA (R-MTP.1) before the machine
 * hears of it; its subjectAltName entries let the machine bind an Endpoint ID to the
 * connection (R-SEC.0a).
 */
export interface StreamPeer {
  readonly address: string;
  readonly port: number;
  /** TLS with a peer certificate that chained to the CA. */
  readonly secure: boolean;
  /** The peer certificate's subjectAltName URIs (`urn:bbf:usp:id:…`) and dNSNames; empty without TLS. */
  readonly sanUris: readonly string[];
  readonly sanDnsNames: readonly string[];
  /** Client side over TLS: the certificate also names the host that was dialed (RFC 6125). */
  readonly hostVerified: boolean;
}

/** What a byte-stream driver needs from a machine; the MQTT client, the USP MQTT binding and the WebSocket session fit it. */
export interface StreamMachine {
  handleTransportUp(now: number, peer?: StreamPeer): void;
  handleTransportDown(now: number): void;
  handleBytes(now: number, data: Uint8Array, start: number, end: number): void;
  handleTimeout(now: number): void;
  pollTransmit(out: Uint8Array): number;
  pollTransportCommand(): TransportCommand | undefined;
  pollTimeout(): number | undefined;
}

/** TLS settings of a stream, PEM text (the platform's TLS does the handshake and the chain check). */
export interface StreamTlsOptions {
  /** CA certificate(s) the peer's certificate must chain to (R-MTP.1: a peer certificate is always required). */
  readonly ca: string;
  /** Our certificate chain and key: a server needs them; a client sends them when asked. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /**
   * Client side. Default true: the certificate must also name the host dialed. False:
   * the CA chain alone admits it and the machine decides from StreamPeer (names,
   * `hostVerified`).
   */
  readonly verifyHost?: boolean | undefined;
}

/** Options of a driver, dialing or accepted. */
export interface StreamDriverOptions {
  /** Called after every step, to drain the machine's events. */
  readonly onService?: (() => void) | undefined;
  /** A socket/TLS error message (the machine sees the close that follows). */
  readonly onError?: ((message: string) => void) | undefined;
  /** Monotonic milliseconds (the platform's clock). */
  readonly now?: (() => number) | undefined;
}

export interface StreamDialOptions extends StreamDriverOptions {
  readonly host: string;
  readonly port: number;
  /** Present: TLS (TLS 1.2 or later). */
  readonly tls?: StreamTlsOptions | undefined;
}

/** One stream and its machine, as the platform drives it. */
export interface StreamDriver {
  /** Runs one round: transmit, transport commands, events (onService), timer. */
  service(): void;
  /** Closes the stream and the timer; the machine gets no more input. Idempotent. */
  close(): void;
}

/** A connection a listener accepted, not yet driven: hand it to `StreamPort.accept`. */
export interface IncomingStream {
  readonly address: string;
  readonly port: number;
}

/** ECMA-419 listener shape (embedded:io/socket/listener): one options object, onReadable(count), read(), idempotent close(). */
export interface StreamListenerOptions {
  /** TCP port; 0 picks a free one (see onReady). */
  readonly port: number;
  readonly address?: string | undefined;
  /** Present: TLS; clients must present a certificate chaining to `ca` (R-MTP.1). */
  readonly tls?: StreamTlsOptions | undefined;
  /** `count` accepted connections wait to be read. */
  readonly onReadable: (count: number) => void;
  readonly onReady?: ((port: number) => void) | undefined;
  readonly onError?: ((message: string) => void) | undefined;
}

export interface StreamListener {
  /** The next accepted connection, or undefined when none waits. */
  read(): IncomingStream | undefined;
  /** Stops listening; connections already accepted stay. Idempotent; no callback runs afterwards. */
  close(): void;
}

/** The byte-stream side of a platform: dial, listen, drive what was accepted. */
export interface StreamPort {
  /** A driver that opens host:port on the machine's OPEN command. */
  dial(machine: StreamMachine, options: StreamDialOptions): StreamDriver;
  listen(options: StreamListenerOptions): StreamListener;
  /** Drives an accepted connection: the machine hears handleTransportUp at once. */
  accept(incoming: IncomingStream, machine: StreamMachine, options: StreamDriverOptions): StreamDriver;
}

/**
 * The round every stream driver runs around its machine (Node, Moddable): transmit,
 * carry out OPEN/CLOSE, let the owner drain the machine's events, transmit again, then
 * arm the next deadline. A call made during a round (from a callback) folds into one
 * more pass of that round. A driver supplies the transport steps.
 */
export abstract class StreamServiceLoop {
  private servicing = false;
  private again = false;

  constructor(readonly machine: StreamMachine) {}

  /** Writes what the machine transmits, as far as the transport takes it. */
  protected abstract flush(): void;
  /** The machine said OPEN. */
  protected abstract open(): void;
  /** The machine said CLOSE. */
  protected abstract closeTransport(): void;
  /** The owner's turn to drain the machine (options.onService). */
  protected abstract serviced(): void;
  /** One timer for the machine's next deadline. */
  protected abstract arm(): void;

  /** Runs one round: transmit, transport commands, events, timer. Re-entrant calls are folded. */
  service(): void {
    if (this.servicing) { this.again = true; return; }
    this.servicing = true;
    try {
      do {
        this.again = false;
        this.flush();
        for (let c = this.machine.pollTransportCommand(); c !== undefined; c = this.machine.pollTransportCommand()) {
          if (c === TransportCommand.OPEN) this.open(); else this.closeTransport();
        }
        this.serviced();
        this.flush();
      } while (this.again);
      this.arm();
    } finally {
      this.servicing = false;
    }
  }
}
