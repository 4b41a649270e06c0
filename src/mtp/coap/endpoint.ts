/**
 * The CoAP driver loop: runs a UspCoapBinding over the platform port — one UDP socket
 * (`Platform.openUdp`), one timer re-armed to `pollTimeout()` (STYLE.md rule 7), the
 * monotonic clock and the platform's random source. Uses only `Platform`, so the same
 * loop serves the host agent, the controller CLI and the Moddable build.
 *
 * After every input (datagram, timer, command) it drains in the house order:
 * transmits, then events, then re-arms the timer.
 */
import { SendRecordError, UspCoapBinding, type UspCoapConfig, type UspCoapEvent } from './binding.ts';
import type { Platform, UdpOptions, UdpSocket } from '../../platform/types.ts';
import { createDeadlineTimer, type DeadlineListener, type DeadlineTimer } from '../../platform/deadline-timer.ts';

export interface CoapEndpointOptions {
  readonly platform: Platform;
  /** UDP port to bind (0 = any free port; see onReady). */
  readonly port: number;
  readonly address?: string;
  /** Binding settings; `replyTo` may be a function of the bound port (for port 0). */
  readonly binding: Omit<Partial<UspCoapConfig>, 'replyTo'> & Pick<UspCoapConfig, 'validateRecord'> & { readonly replyTo: string | ((port: number) => string) };
  /** Receives `record` and `sent` events (may call sendRecord re-entrantly). */
  readonly onEvent: (event: UspCoapEvent) => void;
  /** Called once the socket is bound, with the binding ready for sendRecord. */
  readonly onReady?: (port: number) => void;
  /** Called when the socket cannot listen (e.g. the port is taken); logged when absent. */
  readonly onError?: (message: string) => void;
  /**
   * A datagram to address:port could not be sent (its name did not resolve…): told here,
   * then that destination's Records end with SendOutcome.Unreachable. Never fatal.
   */
  readonly onWriteError?: (address: string, port: number, message: string) => void;
}

export interface CoapEndpointHandle {
  /** POSTs a Record to a coap:// URI; a handle > 0 or a SendRecordError (see binding.ts). */
  sendRecord(uri: string, record: Uint8Array): number;
  /** Bound port (0 until ready). */
  readonly port: number;
  readonly binding: UspCoapBinding | null;
  close(): void;
}

/** Receive-path buffer for transmits: one, reused (a datagram is at most SLOT_BYTES). */
const OUT_BYTES = 1500;

/** The socket's options and callbacks: one small object, not four closures (the platforms call them as methods). */
class LoopSocketEvents implements UdpOptions {
  constructor(private readonly loop: CoapEndpointLoop, readonly port: number, readonly address: string | undefined) {}
  onReadable(): void { this.loop.onReadable(); }
  onReady(port: number): void { this.loop.onReady(port); }
  onError(message: string): void { this.loop.onError(message); }
  onWriteError(address: string, port: number, message: string): void { this.loop.onWriteError(address, port, message); }
}

/**
 * The loop as a class: on Moddable its methods stay with the preloaded code, where a
 * handle of closures cost ≈ 10 XS slots of RAM per function (the agent runs one loop per
 * CoAP socket, two with coaps). The timer fires its `onDeadline` method: no closure.
 * The coaps endpoint extends it (coaps-endpoint.ts: its socket, its events, `secure`).
 */
export class CoapEndpointLoop<O extends CoapEndpointOptions = CoapEndpointOptions> implements CoapEndpointHandle, DeadlineListener {
  /**
   * The binding, built at its first use (a datagram, a send, a reader of `binding`), not
   * at bind time: an endpoint nobody talks to — plain CoAP beside coaps — holds no CoAP
   * tables (≈ 250 XS slots on Moddable).
   */
  private coap: UspCoapBinding | null = null;
  private bound = false;
  /** Built with the binding: an idle endpoint (plain CoAP beside coaps) keeps no 1 500-byte buffer. */
  private out: Uint8Array | null = null;
  private udp: UdpSocket | null = null;
  private readonly timer: DeadlineTimer;
  private boundPort = 0;
  private closed = false;
  private draining = false;
  /** address, port pairs whose write was refused during this drain. */
  private readonly unreachable: (string | number)[] = [];

  /** `secure`: the binding runs over DTLS (coaps:// URIs only, UspCoapConfig.secure). */
  constructor(protected readonly options: O, private readonly secure = false) {
    this.timer = createDeadlineTimer(options.platform, this);
  }

  /** Opens the socket once the endpoint is built (Moddable binds synchronously: onReady and onReadable may run in here). */
  open(): void {
    this.udp = this.openSocket(new LoopSocketEvents(this, this.options.port, this.options.address));
    if (this.bound) this.onReadable();
  }

  /** The socket under the loop: the platform's UDP socket (coaps: a DTLS socket, dtls-socket.ts). */
  protected openSocket(udp: UdpOptions): UdpSocket {
    return this.options.platform.openUdp(udp);
  }

  /** Hands a binding event to the owner (the coaps endpoint looks at `sent` outcomes first). */
  protected deliver(e: UspCoapEvent): void {
    this.options.onEvent(e);
  }

  /** DeadlineListener: the binding's next deadline (retransmission, exchange lifetime). */
  onDeadline(): void {
    if (this.closed || this.coap === null) return;
    this.coap.handleTimeout(this.options.platform.now());
    this.drain();
  }

  /** The binding once the socket is bound (null before), built now if it was not yet. */
  get binding(): UspCoapBinding | null {
    if (this.coap === null && this.bound && !this.closed) {
      const b = this.options.binding;
      // The platform's randomBytes is called unbound (Platform contract): no closure kept.
      this.coap = new UspCoapBinding(this.options.platform.randomBytes, {
        ...b, replyTo: typeof b.replyTo === 'function' ? b.replyTo(this.boundPort) : b.replyTo, secure: this.secure || b.secure === true,
      });
    }
    return this.coap;
  }

  onError(message: string): void {
    if (this.options.onError !== undefined) this.options.onError(message);
    else this.options.platform.log.error(`CoAP socket: ${message}`);
  }

  onWriteError(address: string, port: number, message: string): void {
    if (this.closed || this.coap === null) return; // nothing was sent without a binding
    this.options.onWriteError?.(address, port, message);
    this.coap.handleUnreachable(this.options.platform.now(), address, port);
    this.drain();
  }

  onReady(port: number): void {
    if (this.closed) return;
    this.boundPort = port;
    this.bound = true;
    this.options.onReady?.(port);
    this.onReadable();
  }

  private drain(): void {
    const binding = this.coap;
    const socket = this.udp;
    if (this.draining || binding === null || socket === null) return;
    this.draining = true;
    const out = this.out ?? (this.out = new Uint8Array(OUT_BYTES));
    const unreachable = this.unreachable;
    try {
      for (;;) {
        let busy = false;
        for (let t = binding.pollTransmit(out); t !== null; t = binding.pollTransmit(out)) {
          const to = t.peer!;
          if (!socket.write(out, 0, t.length, to.address, to.port)) unreachable.push(to.address, to.port);
        }
        // Refused at once (bad address): that destination's Records fail now, nothing else does (issue #16).
        while (unreachable.length > 0) {
          const port = unreachable.pop() as number;
          binding.handleUnreachable(this.options.platform.now(), unreachable.pop() as string, port);
          busy = true;
        }
        for (let e = binding.pollEvent(); e !== null && !this.closed; e = binding.pollEvent()) { busy = true; this.deliver(e); }
        if (!busy || this.closed) break;
      }
    } finally {
      this.draining = false;
    }
    if (!this.closed) this.timer.arm(binding.pollTimeout());
  }

  onReadable(): void {
    const socket = this.udp;
    if (!this.bound || socket === null) return;
    for (let d = socket.read(); d !== undefined && !this.closed; d = socket.read()) {
      const binding = this.binding; // built with the first datagram
      if (binding === null) return;
      const now = this.options.platform.now();
      const peer = binding.peers.intern(d.address, d.port, now);
      if (peer === null) continue; // peer table full of busy peers: drop, the sender retransmits
      binding.handleDatagram(now, d.data, 0, d.data.length, peer);
      this.drain();
    }
  }

  sendRecord(uri: string, record: Uint8Array): number {
    const binding = this.binding;
    if (binding === null) return SendRecordError.NotReady;
    // Peers are matched by the address datagrams come from: send to the loopback literal, not a name.
    const h = binding.sendRecord(this.options.platform.now(), uri.replace('://localhost', '://127.0.0.1'), record);
    this.drain();
    return h;
  }

  get port(): number { return this.boundPort; }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer.cancel();
    this.udp?.close();
  }
}

export function startCoapEndpoint(options: CoapEndpointOptions): CoapEndpointHandle {
  const ep = new CoapEndpointLoop(options);
  ep.open();
  return ep;
}
