/**
 * Block-wise transfers (RFC 7959): the Block1/Block2 option value codec (§2.2) and
 * BlockAssembler, the server side of a Block1 request body (§2.5, §2.9).
 *
 * Invariants: a body never grows past `maxBodyBytes` (4.13 with Size1 instead,
 * §2.9.3); a block whose offset is not the next expected one is answered 4.08
 * (§2.9.2) and drops the partial body; the buffer grows by doubling, only once a
 * first block (NUM 0) has been accepted.
 */
import { NO_BYTES } from './constants.ts';
import type { CoapPeer } from './peer.ts';

/** Block option value: NUM (up to 20 bits) << 4 | M << 3 | SZX (RFC 7959 §2.2). */
export function encodeBlock(num: number, more: boolean, szx: number): number {
  return num * 16 + (more ? 8 : 0) + szx;
}
export function blockNum(value: number): number {
  return Math.floor(value / 16);
}
export function blockMore(value: number): boolean {
  return (value & 8) !== 0;
}
export function blockSzx(value: number): number {
  return value & 7;
}
/** Block size in bytes: 2^(SZX + 4) (RFC 7959 §2.2). */
export function blockSize(szx: number): number {
  return 16 << szx;
}
/** What the server answers to one Block1 block. */
export const BlockResult = {
  /** More blocks expected: answer 2.31 Continue (§2.3). */
  Continue: 0,
  /** The last block arrived: the body is complete. */
  Complete: 1,
  /** Out of sequence or no first block: 4.08 (§2.9.2). */
  Incomplete: 2,
  /** Body larger than allowed: 4.13 with Size1 (§2.9.3). */
  TooLarge: 3,
  /** SZX 7 or a non-last block of the wrong size: 4.00 (§2.2). */
  BadRequest: 4,
} as const;
export type BlockResult = (typeof BlockResult)[keyof typeof BlockResult];

/**
 * `buf` with room for `total` bytes (≤ `max`) and its first `used` bytes: itself when it
 * is large enough, else a copy doubled from 2 048 bytes, clamped to `max`.
 */
export function grownBuffer(buf: Uint8Array, used: number, total: number, max: number): Uint8Array {
  if (total <= buf.length) return buf;
  let cap = buf.length === 0 ? 2048 : buf.length * 2;
  while (cap < total) cap *= 2;
  const grown = new Uint8Array(cap < max ? cap : max);
  grown.set(buf.subarray(0, used));
  return grown;
}

export class BlockAssembler {
  peer: CoapPeer | null = null;
  body: Uint8Array = NO_BYTES;
  length = 0;
  /** Ends a stale reassembly (the endpoint's block lifetime after the last block). */
  expires = 0;
  /** `now` of the last block taken: the idlest transfer gives way to a new peer (issue #16). */
  lastBlockAt = 0;

  constructor(readonly maxBodyBytes: number) {}

  /**
   * Takes block `value` carrying `payload[s, e)`, with the Size1 hint `size1` (−1 when
   * absent). On Complete the body is `body[0, length)`.
   */
  handleBlock(value: number, payload: Uint8Array, s: number, e: number, size1: number, now: number, lifetimeMs: number): BlockResult {
    const szx = blockSzx(value);
    if (szx === 7) return BlockResult.BadRequest;
    const num = blockNum(value);
    const more = (value & 8) !== 0;
    const len = e - s;
    const size = blockSize(szx);
    if (num === 0) this.length = 0;
    // Each error drops the partial body (the slot is released).
    const r = (more ? len !== size : len > size) ? BlockResult.BadRequest
      : num !== 0 && num * size !== this.length ? BlockResult.Incomplete
      : (num === 0 && size1 > this.maxBodyBytes) || this.length + len > this.maxBodyBytes ? BlockResult.TooLarge
      : more ? BlockResult.Continue : BlockResult.Complete;
    if (r > BlockResult.Complete) { this.release(); return r; }
    this.body = grownBuffer(this.body, this.length, this.length + len, this.maxBodyBytes);
    this.body.set(payload.subarray(s, e), this.length);
    this.length += len;
    this.lastBlockAt = now;
    this.expires = now + lifetimeMs;
    return r;
  }

  /** Frees the slot (keeps the buffer for the next body). */
  release(): void {
    this.peer = null;
    this.length = 0;
  }
}

/**
 * The Block1 reassembly slots of one endpoint: one per peer at a time, `size` in all.
 * When none is free, the transfer idle longest gives way to a new peer's first block if
 * it has waited at least `idleMs` (ACK_TIMEOUT; issue #16: half-open uploads must not lock
 * the slots). A live client sends its next block one round trip after our 2.31; one that
 * waited that long has lost a datagram, and if it comes back it gets 4.08 and starts
 * again (RFC 7959 §2.9.2).
 */
export class ReassemblyTable {
  /** Built on first use, up to `size` (an assembler holds a maxBodyBytes buffer: XS boot heap). */
  private readonly slots: BlockAssembler[] = [];

  constructor(private readonly size: number, private readonly maxBodyBytes: number) {}

  /** Transfers in progress (not expired at `now`). */
  busy(now: number): number {
    let n = 0;
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i]!.peer !== null && this.slots[i]!.expires > now) n++;
    return n;
  }

  /** The slot of `peer`, or for a first block (NUM 0) a free or reclaimed one; null when all are busy. */
  slotFor(peer: CoapPeer, first: boolean, now: number, idleMs: number): BlockAssembler | null {
    let free: BlockAssembler | null = null;
    let idlest: BlockAssembler | null = null;
    for (let i = 0; i < this.slots.length; i++) {
      const a = this.slots[i]!;
      if (a.peer === peer) return a;
      if (a.peer === null || a.expires <= now) free = a;
      else if (idlest === null || a.lastBlockAt < idlest.lastBlockAt) idlest = a;
    }
    if (!first) return null;
    if (free === null && this.slots.length < this.size) {
      free = new BlockAssembler(this.maxBodyBytes);
      this.slots.push(free);
    }
    if (free === null && idlest !== null && now - idlest.lastBlockAt >= idleMs) free = idlest;
    if (free === null) return null;
    free.release();
    free.peer = peer;
    return free;
  }
}
