/**
 * The Moddable/ESP32 driver of a byte-stream machine (platform/stream.ts: the MQTT
 * client through the USP MQTT binding) over ECMA-419 sockets: `embedded:io/socket/tcp`,
 * or TLS 1.2 through the SDK's `embedded:io/socket/tcp/tls` (its JS TLS client over
 * that TCP, R-MQTT.3/R-MQTT.48), the broker's name resolved with the legacy `Net.resolve`
 * (ECMA-419 TCP takes an IPv4 address; "localhost" is 127.0.0.1, RFC 6761). Same contract as the Node driver
 * (platform/node/stream-transport.ts): after every input it drains `pollTransmit`, runs
 * `pollTransportCommand` (OPEN / CLOSE; reconnecting with the binding's back-off is the
 * machine's, through those commands), calls `onService`, and keeps one platform timer
 * at `pollTimeout()`.
 *
 * ECMA-419 edges (SDK 8.2.3 modules/io/socket/{lin,lwip}/tcp.c, examples/io/tcp/tlssocket):
 * - the first onWritable(count) means connected (TLS: handshake done); on the Linux
 *   simulator a refused connect also reports writable, then onError: the machine sees
 *   up, then down, and backs off;
 * - write() throws "would block" past the writable count and returns what is left:
 *   the driver pulls from the machine's queue only what fits (`pollTransmit` into a
 *   view that long), the rest waits in the machine for the next onWritable;
 * - onReadable(count), read() → an ArrayBuffer of everything readable; onError = failed
 *   or closed by the peer; close() silences every callback.
 * Stale callbacks of a socket already replaced are ignored (`socket !== s`).
 */
import { StreamServiceLoop, type StreamMachine } from '../stream.ts';
import type { Platform, TimerHandle } from '../types.ts';

/** What the driver uses of an ECMA-419 stream socket (TCP or the SDK's TLSSocket). */
export interface StreamSocket {
  read(): ArrayBuffer | undefined;
  /** Returns the bytes still writable (the SDK's TCP and TLSSocket both do). */
  write(data: ArrayBufferView | ArrayBuffer): number | undefined | void;
  close(): void;
}

export interface StreamSocketCallbacks {
  onReadable(count: number): void;
  onWritable(count: number): void;
  onError(): void;
}

/** The socket constructors and resolver (the SDK's, or scripted fakes in tests). */
export interface StreamIo {
  /** `new TCP({address, port, nodelay, format: "buffer", …callbacks})`. */
  readonly TCP: new (options: { address: string; port: number; nodelay?: boolean; format?: 'buffer' } & StreamSocketCallbacks) => StreamSocket;
  /** `new TLSSocket({address, port, host, TCP: {io: TCP}, secure, …callbacks})`; absent when TLS is not built in. */
  readonly TLS?: new (options: {
    address: string; port: number; host: string; nodelay?: boolean; format?: 'buffer';
    TCP: { io: StreamIo['TCP'] }; secure: Record<string, unknown>;
  } & StreamSocketCallbacks) => StreamSocket;
  /** Name → IPv4 address, undefined when it cannot be resolved (Net.resolve). */
  resolve(host: string, callback: (address: string | undefined) => void): void;
}

export interface ModdableStreamOptions {
  readonly host: string;
  readonly port: number;
  /** TLS session options for the SDK (`certificate`: the trust anchor as DER ArrayBuffer). */
  readonly tls?: Readonly<Record<string, unknown>> | undefined;
  readonly io: StreamIo;
  readonly platform: Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>;
  readonly onService?: (() => void) | undefined;
  readonly onError?: ((message: string) => void) | undefined;
}

/** Bytes pulled from the machine per socket write (a lin TCP socket takes 1536 per 20 ms poll). */
export const STREAM_CHUNK_BYTES = 1024;

/** True for a dotted-quad IPv4 literal (no resolution needed). */
export function isIpv4(host: string): boolean {
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return false;
    for (let i = 0; i < p.length; i++) if (p.charCodeAt(i) < 48 || p.charCodeAt(i) > 57) return false;
    if (Number(p) > 255) return false;
  }
  return true;
}

export class ModdableStreamDriver extends StreamServiceLoop {
  private socket: StreamSocket | undefined;
  private connected = false;
  private writable = 0;
  /** Bumped at every open/close: a late DNS answer for an older attempt is dropped. */
  private attempt = 0;
  private timer: TimerHandle | undefined;
  private readonly out = new Uint8Array(STREAM_CHUNK_BYTES);
  private closed = false;

  constructor(machine: StreamMachine, readonly options: ModdableStreamOptions) { super(machine); }

  protected closeTransport(): void { this.flush(); this.closeSocket(); }

  protected serviced(): void { this.options.onService?.(); }

  /** Stops the driver: what fits is sent, the socket and the timer close; no more input reaches the machine. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.closeSocket();
    if (this.timer !== undefined) this.options.platform.clearTimer(this.timer);
    this.timer = undefined;
  }

  protected open(): void {
    if (this.closed) return;
    this.closeSocket();
    const attempt = ++this.attempt;
    const { host } = this.options;
    if (isIpv4(host)) { this.connect(host); return; }
    // RFC 6761 §6.3: "localhost" is the loopback without asking a resolver (the SDK's lin
    // Net.resolve answers undefined for it: GLib lists ::1 first and the SDK takes IPv4 only).
    if (host.toLowerCase() === 'localhost') { this.connect('127.0.0.1'); return; }
    try {
      this.options.io.resolve(host, (address) => {
        if (attempt !== this.attempt || this.closed) return;
        if (address === undefined || !isIpv4(address)) this.down(`cannot resolve ${host}`);
        else this.connect(address);
      });
    } catch (e) {
      this.down(`cannot resolve ${host}: ${String(e)}`);
    }
  }

  private connect(address: string): void {
    const { port, tls, io, host } = this.options;
    let s: StreamSocket | undefined;
    const callbacks: StreamSocketCallbacks = {
      onWritable: (count) => {
        if (this.socket !== s || s === undefined) return;
        this.writable = count;
        if (!this.connected) {
          this.connected = true;
          this.machine.handleTransportUp(this.options.platform.now());
        }
        this.service();
      },
      onReadable: () => {
        if (this.socket !== s || s === undefined) return;
        const chunk = s.read();
        if (chunk === undefined || chunk.byteLength === 0) return;
        const bytes = new Uint8Array(chunk);
        this.machine.handleBytes(this.options.platform.now(), bytes, 0, bytes.length);
        this.service();
      },
      onError: () => {
        if (this.socket !== s || s === undefined) return;
        this.down(`${tls !== undefined ? 'TLS' : 'TCP'} connection to ${address}:${port} failed or closed`);
      },
    };
    try {
      if (tls === undefined) s = new io.TCP({ address, port, nodelay: true, format: 'buffer', ...callbacks });
      else if (io.TLS === undefined) throw new Error('no TLS socket in this build');
      else s = new io.TLS({ address, port, host, nodelay: true, format: 'buffer', TCP: { io: io.TCP }, secure: { ...tls }, ...callbacks });
    } catch (e) {
      this.down(`cannot open ${address}:${port}: ${String(e)}`);
      return;
    }
    this.socket = s;
    this.connected = false;
    this.writable = 0;
  }

  /** The stream failed or was refused: the machine hears it (and backs off). */
  private down(message: string): void {
    this.options.onError?.(message);
    this.closeSocket();
    if (this.closed) return;
    this.machine.handleTransportDown(this.options.platform.now());
    this.service();
  }

  /** Moves as many queued bytes as the socket takes now. */
  protected flush(): void {
    const s = this.socket;
    if (s === undefined || !this.connected) return;
    while (this.writable > 0) {
      const room = Math.min(this.writable, this.out.length);
      const n = this.machine.pollTransmit(room === this.out.length ? this.out : this.out.subarray(0, room));
      if (n === 0) return;
      let left: number | undefined | void;
      try {
        left = s.write(n === this.out.length ? this.out : this.out.subarray(0, n));
      } catch (e) {
        // The socket refused bytes the machine no longer holds: the stream is broken.
        this.down(`write of ${n} bytes failed: ${String(e)}`);
        return;
      }
      if (this.socket !== s) return;
      this.writable = typeof left === 'number' ? left : this.writable - n;
    }
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    this.writable = 0;
    this.attempt++;
    if (s === undefined) return;
    try { s.close(); } catch { /* already closed by the stack */ }
  }

  protected arm(): void {
    const { platform } = this.options;
    if (this.timer !== undefined) platform.clearTimer(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    const at = this.machine.pollTimeout();
    if (at === undefined) return;
    this.timer = platform.setTimer(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.machine.handleTimeout(platform.now());
      this.service();
    }, Math.max(0, Math.ceil(at - platform.now())));
  }
}
