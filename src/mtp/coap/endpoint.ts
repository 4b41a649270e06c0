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
import { createDeadlineTimer } from '../../platform/deadline-timer.ts';

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
  /** Opens the socket (default `platform.openUdp`); coaps passes a DTLS socket (dtls-socket.ts). */
  readonly openUdp?: (options: UdpOptions) => UdpSocket;
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

export function startCoapEndpoint(options: CoapEndpointOptions): CoapEndpointHandle {
  const { platform } = options;
  const out = new Uint8Array(OUT_BYTES);
  let binding: UspCoapBinding | null = null;
  let socket: UdpSocket | null = null;
  const timer = createDeadlineTimer(platform, () => {
    if (closed || binding === null) return;
    binding.handleTimeout(platform.now());
    drain();
  });
  let boundPort = 0;
  let closed = false;
  let draining = false;
  /** address, port pairs whose write was refused during this drain. */
  const unreachable: (string | number)[] = [];

  function drain(): void {
    if (draining || binding === null || socket === null) return;
    draining = true;
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
          binding.handleUnreachable(platform.now(), unreachable.pop() as string, port);
          busy = true;
        }
        for (let e = binding.pollEvent(); e !== null && !closed; e = binding.pollEvent()) { busy = true; options.onEvent(e); }
        if (!busy || closed) break;
      }
    } finally {
      draining = false;
    }
    if (!closed) timer.arm(binding.pollTimeout());
  }

  function onReadable(): void {
    if (binding === null || socket === null) return;
    for (let d = socket.read(); d !== undefined && !closed; d = socket.read()) {
      const now = platform.now();
      const peer = binding.peers.intern(d.address, d.port, now);
      if (peer === null) continue; // peer table full of busy peers: drop, the sender retransmits
      binding.handleDatagram(now, d.data, 0, d.data.length, peer);
      drain();
    }
  }

  const udpOptions: UdpOptions = {
    port: options.port,
    ...(options.address !== undefined ? { address: options.address } : {}),
    onReadable,
    onReady(port) {
      if (closed) return;
      boundPort = port;
      const b = options.binding;
      binding = new UspCoapBinding((o) => platform.randomBytes(o), {
        ...b, replyTo: typeof b.replyTo === 'function' ? b.replyTo(port) : b.replyTo,
      });
      options.onReady?.(port);
      onReadable();
    },
    onError(message) {
      if (options.onError !== undefined) options.onError(message);
      else platform.log.error(`CoAP socket: ${message}`);
    },
    onWriteError(address, port, message) {
      if (closed || binding === null) return;
      options.onWriteError?.(address, port, message);
      binding.handleUnreachable(platform.now(), address, port);
      drain();
    },
  };
  socket = options.openUdp !== undefined ? options.openUdp(udpOptions) : platform.openUdp(udpOptions);

  return {
    sendRecord(uri, record) {
      if (binding === null) return SendRecordError.NotReady;
      // Peers are matched by the address datagrams come from: send to the loopback literal, not a name.
      const h = binding.sendRecord(platform.now(), uri.replace('://localhost', '://127.0.0.1'), record);
      drain();
      return h;
    },
    get port() { return boundPort; },
    get binding() { return binding; },
    close() {
      if (closed) return;
      closed = true;
      timer.cancel();
      socket?.close();
    },
  };
}
