/**
 * UdpSocket (platform/types.ts) over Espruino's `dgram` library (a cut-down Node
 * dgram, libs/network/jswrap_net.c in Espruino 2v29).
 *
 * Espruino's datagrams are binary strings, one char per byte (ESPRUINO.md §3): `send`
 * must get a string (a Uint8Array is sent as its text "9,8,7" by a release build), and
 * `message` hands one over. The conversion happens here and nowhere else:
 * `E.toUint8Array` on the way in (the Datagram's one copy, the platform floor) and
 * `E.toString` on the way out.
 *
 * - `bind()` throws ("Unable to create socket") when the port is taken: that is
 *   onError. The bind callback is onReady; Espruino cannot tell which port an ephemeral
 *   bind (port 0) got, so the caller picks the port (the launcher finds a free one).
 * - Espruino binds every interface whatever `address` says.
 * - Datagrams wait in a queue of at most MAX_QUEUED (more are dropped, as a full socket
 *   buffer would): a silent flood cannot hold the heap.
 */
import type { Datagram, UdpOptions, UdpSocket } from '../types.ts';

/** Received datagrams kept until read(); the agent drains them on each onReadable. */
export const MAX_QUEUED = 8;

export function openEspruinoUdp(options: UdpOptions): UdpSocket {
  let closed = false;
  const queue: Datagram[] = [];
  const socket = require('dgram').createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (closed || queue.length >= MAX_QUEUED) return;
    queue.push({ data: E.toUint8Array(msg), address: rinfo.address, port: rinfo.port });
    options.onReadable(queue.length);
  });
  try {
    socket.bind(options.port, () => {
      if (!closed && options.onReady !== undefined) options.onReady(options.port);
    });
  } catch (e) {
    closed = true;
    const why = 'bind to port ' + options.port + ' failed: ' + String(e);
    if (options.onError !== undefined) setTimeout(() => { options.onError!(why); }, 0);
  }
  return {
    read(): Datagram | undefined {
      return closed ? undefined : queue.shift();
    },
    write(data, start, end, address, port): boolean {
      if (closed) return false;
      try {
        socket.send(E.toString(start === 0 && end === data.length ? data : data.subarray(start, end)), port, address);
        return true;
      } catch (e) {
        return false;
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      queue.splice(0); // not `length = 0`: Espruino's arrays refuse it
      socket.close();
    },
  };
}
