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

export function openModdableUdp(options: UdpOptions): UdpSocket {
  let closed = false;
  const onReadable = options.onReadable;
  const socket = new UDP({
    port: options.port,
    ...(options.address !== undefined ? { address: options.address } : {}),
    onReadable(count: number): void {
      if (closed) return;
      // An exception escaping a native callback aborts the XS machine (the whole app):
      // keep the agent alive and say where it came from.
      try {
        onReadable(count);
      } catch (e) {
        trace(`tinyusp error UDP ${options.port}: ${String(e)}${(e as { stack?: string }).stack !== undefined ? `\n${(e as { stack?: string }).stack}` : ''}\n`);
      }
    },
  });
  // ECMA-419 binds synchronously in the constructor. It has no way to report the port
  // an ephemeral bind (port 0) got, so onReady then says 0.
  if (options.onReady) options.onReady(options.port);
  return {
    read(): Datagram | undefined {
      if (closed) return undefined;
      const packet = socket.read();
      if (packet === undefined) return undefined;
      return { data: new Uint8Array(packet), address: packet.address, port: packet.port };
    },
    write(data, start, end, address, port): boolean {
      if (closed) return false;
      try {
        socket.write(start === 0 && end === data.length ? data : data.subarray(start, end), address, port);
        return true;
      } catch {
        return false;
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
}
