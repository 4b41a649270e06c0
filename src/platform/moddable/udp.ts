/**
 * UdpSocket (platform/types.ts) over ECMA-419 `embedded:io/socket/udp`, the only
 * UDP API that can be a server on the simulator as well as on ESP32 (MODDABLE.md:
 * the legacy `socket` module never binds on lin).
 *
 * - read(): the platform hands out a fresh ArrayBuffer per datagram (carrying
 *   `address`/`port`); it is wrapped once in a Uint8Array and a Datagram. That is
 *   the platform floor: nothing is copied after it.
 * - write(): passes the caller's Uint8Array itself when it is sent whole, a subarray
 *   otherwise (the native side accepts views); a refusal (the stack throws) is `false`.
 * - onReadable(count) is forwarded as is; close() is idempotent and silences callbacks.
 * - Known platform limits: lin polls every 20 ms, queues ≤ 100 datagrams of ≤ 2048 B
 *   and binds 0.0.0.0 whatever `address` says; onError is not implemented by either
 *   platform, so `onError` never fires here.
 */
import UDP from 'embedded:io/socket/udp';
import type { Datagram, UdpOptions, UdpSocket } from '../types.ts';

/**
 * One socket: a class, so that read/write/close stay with the preloaded code (XS RAM);
 * the SDK's onReadable is the one closure (the SDK calls it with its own `this`).
 */
class ModdableUdp implements UdpSocket {
  private closed = false;
  private readonly socket: UDP;

  constructor(private readonly options: UdpOptions) {
    const self = this;
    this.socket = new UDP({
      port: options.port,
      ...(options.address !== undefined ? { address: options.address } : {}),
      onReadable(count: number): void { self.readable(count); },
    });
  }

  private readable(count: number): void {
    if (this.closed) return;
    // An exception escaping a native callback aborts the XS machine (the whole app):
    // keep the agent alive and say where it came from.
    try {
      this.options.onReadable(count);
    } catch (e) {
      trace(`tinyusp error UDP ${this.options.port}: ${String(e)}${(e as { stack?: string }).stack !== undefined ? `\n${(e as { stack?: string }).stack}` : ''}\n`);
    }
  }

  read(): Datagram | undefined {
    if (this.closed) return undefined;
    const packet = this.socket.read();
    if (packet === undefined) return undefined;
    return { data: new Uint8Array(packet), address: packet.address, port: packet.port };
  }

  write(data: Uint8Array, start: number, end: number, address: string, port: number): boolean {
    if (this.closed) return false;
    try {
      this.socket.write(start === 0 && end === data.length ? data : data.subarray(start, end), address, port);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}

export function openModdableUdp(options: UdpOptions): UdpSocket {
  const udp = new ModdableUdp(options);
  // ECMA-419 binds synchronously in the constructor. It has no way to report the port
  // an ephemeral bind (port 0) got, so onReady then says 0.
  if (options.onReady) options.onReady(options.port);
  return udp;
}
