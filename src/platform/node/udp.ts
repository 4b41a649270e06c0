/**
 * UDP on Node (node:dgram) in the ECMA-419 shape of the port: datagrams queue on
 * arrival, `onReadable(count)` notifies, `read()` pulls.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Datagram, UdpOptions, UdpSocket } from '../types.ts';

/** Bound on queued, unread datagrams; more are dropped as a saturated NIC would. */
const MAX_QUEUED_DATAGRAMS = 256;

export function openNodeUdp(options: UdpOptions): UdpSocket {
  const family = options.address !== undefined && options.address.includes(':') ? 'udp6' : 'udp4';
  const socket: Socket = createSocket({ type: family });
  const queue: Datagram[] = [];
  let closed = false;
  let bound = false;

  socket.on('message', (msg, rinfo) => {
    if (closed || queue.length >= MAX_QUEUED_DATAGRAMS) return;
    queue.push({
      data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
      address: rinfo.address,
      port: rinfo.port,
    });
    options.onReadable(queue.length);
  });
  // Before the bind completes an error means we cannot listen; afterwards every send
  // reports its own failure through its callback (below), so nothing here is fatal.
  socket.on('error', (err) => {
    if (closed || bound) return;
    options.onError?.(err.message);
  });
  socket.bind(options.port, options.address, () => {
    bound = true;
    if (!closed) options.onReady?.(socket.address().port);
  });

  return {
    read() {
      return queue.shift();
    },
    write(data, start, end, address, port) {
      if (closed) return false;
      // dgram copies the bytes before send() returns only for Buffers it owns; copy so
      // the caller may reuse its output buffer at once. Without a callback dgram turns a
      // failed name lookup into the socket's 'error' event (issue #16: that stopped the
      // agent); with one, the failure concerns this destination only.
      try {
        socket.send(Buffer.from(data.subarray(start, end)), port, address, (err) => {
          if (err !== null && err !== undefined && !closed) options.onWriteError?.(address, port, err.message);
        });
      } catch {
        return false; // a bad port or address is refused before any lookup
      }
      return true;
    },
    close() {
      if (closed) return;
      closed = true;
      queue.length = 0;
      socket.close();
    },
  };
}
