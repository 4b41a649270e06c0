/**
 * Outgoing datagrams waiting for the driver: a fixed ring of buffers, each allocated
 * when the queue first gets that deep (`pollTransmit` copies one into the caller's buffer). Bounded: when the ring is full
 * the newest datagram is dropped, as a full NIC queue would; CON retransmission and
 * duplicate replay recover from it (RFC 7252 §4.2).
 */
import { NO_BYTES } from './constants.ts';
import type { CoapPeer } from './peer.ts';

/** Room for one message: RFC 7252 §4.6's 1152 plus a long reply-to query. */
export const SLOT_BYTES = 1400;


/** A reused record: `out[0, length)` goes to `peer`. */
export class Transmit {
  peer: CoapPeer | null = null;
  length = 0;
}

export class TransmitQueue {
  private readonly slots: Uint8Array[] = [];
  private readonly peers: Array<CoapPeer | null> = [];
  private readonly lengths: Int32Array;
  private head = 0;
  private count = 0;
  private readonly transmit = new Transmit();
  dropped = 0;

  constructor(size: number) {
    // Buffers are allocated on first use: a device pays only for the depth it reaches.
    for (let i = 0; i < size; i++) { this.slots.push(NO_BYTES); this.peers.push(null); }
    this.lengths = new Int32Array(size);
  }

  /** The buffer to write the next datagram into, or null when the ring is full. */
  reserve(): Uint8Array | null {
    if (this.count === this.slots.length) { this.dropped++; return null; }
    const i = (this.head + this.count) % this.slots.length;
    if (this.slots[i] === NO_BYTES) this.slots[i] = new Uint8Array(SLOT_BYTES);
    return this.slots[i]!;
  }

  /** Queues the datagram written into the buffer `reserve()` returned. */
  commit(peer: CoapPeer, length: number): void {
    const i = (this.head + this.count) % this.slots.length;
    this.peers[i] = peer;
    this.lengths[i] = length;
    this.count++;
  }

  /** Copies the oldest datagram into `out`; null when none waits. */
  poll(out: Uint8Array): Transmit | null {
    if (this.count === 0) return null;
    const i = this.head;
    const len = this.lengths[i]!;
    const src = this.slots[i]!;
    for (let k = 0; k < len; k++) out[k] = src[k]!;
    this.transmit.peer = this.peers[i]!;
    this.transmit.length = len; // espruino-subset: a Transmit field, not an array
    this.peers[i] = null;
    this.count--;
    // Emptied: the next datagram goes into the first slot again, so a device that sends
    // one or two at a time keeps one or two buffers, not every slot of the ring in turn
    // (each 1 400 bytes: ≈ 80 JsVar blocks in Espruino, docs/espruino.md#memory).
    this.head = this.count === 0 ? 0 : (i + 1) % this.slots.length;
    return this.transmit;
  }
}
