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

  socket.on('message', (msg, rinfo) => {
    if (closed || queue.length >= MAX_QUEUED_DATAGRAMS) return;
    queue.push({
      data: new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength),
      address: rinfo.address,
      port: rinfo.port,
    });
    options.onReadable(queue.length);
  });
  socket.on('error', (err) => {
    if (closed) return;
    options.onError?.(err.message);
  });
  socket.bind(options.port, options.address, () => {
    if (!closed) options.onReady?.(socket.address().port);
  });

  return {
    read() {
      return queue.shift();
    },
    write(data, start, end, address, port) {
      if (closed) return false;
      // dgram copies the bytes before send() returns only for Buffers it owns; copy so
      // the caller may reuse its output buffer at once.
      socket.send(Buffer.from(data.subarray(start, end)), port, address);
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
