/**
 * Handshake reassembly (RFC 6347 §4.2.3): fragments of the message with the next
 * expected message_seq and of a few messages after it are collected; complete
 * messages are handed out strictly in message_seq order.
 *
 * Invariants (bounded memory): at most MAX_AHEAD messages beyond the next are kept,
 * each at most `maxMessageBytes`; fragments for older messages are reported to the
 * caller as retransmissions and otherwise ignored; overlapping fragments must agree
 * on type and length or the message is discarded.
 */
export const MAX_AHEAD = 4;

/** No per-byte map: the message came whole in one fragment (the usual case). Never written. */
const WHOLE = new Uint8Array(0);

interface PartialMessage {
  readonly type: number;
  readonly length: number;
  received: number;
  /** Which bytes arrived; built only when a message comes in pieces (a typed array is 7 XS slots). */
  got: Uint8Array;
  readonly body: Uint8Array;
}

export const FragmentResult = { Accepted: 0, Old: 1, Dropped: 2 } as const;
export type FragmentResult = (typeof FragmentResult)[keyof typeof FragmentResult];

export class HandshakeReassembler {
  next = 0;
  private readonly pending = new Map<number, PartialMessage>();

  constructor(private readonly maxMessageBytes: number) {}

  reset(next: number): void { this.next = next; this.pending.clear(); }

  /** Adds one fragment whose data is `buf[start, start + fragLen)`. */
  add(type: number, length: number, seq: number, fragOff: number, fragLen: number, buf: Uint8Array, start: number): FragmentResult {
    if (seq < this.next) return FragmentResult.Old;
    if (seq > this.next + MAX_AHEAD || length > this.maxMessageBytes || fragOff + fragLen > length) return FragmentResult.Dropped;
    let p = this.pending.get(seq);
    if (p === undefined) { p = { type, length, received: 0, got: WHOLE, body: new Uint8Array(length) }; this.pending.set(seq, p); }
    if (p.type !== type || p.length !== length) { this.pending.delete(seq); return FragmentResult.Dropped; }
    if (p.received === length) return FragmentResult.Accepted; // complete already: a retransmitted copy
    if (fragOff === 0 && fragLen === length) {
      for (let i = 0; i < fragLen; i++) p.body[i] = buf[start + i]!;
      p.received = length;
      return FragmentResult.Accepted;
    }
    if (p.got === WHOLE) p.got = new Uint8Array(length);
    for (let i = 0; i < fragLen; i++) {
      const at = fragOff + i;
      if (p.got[at] === 0) { p.got[at] = 1; p.received++; }
      p.body[at] = buf[start + i]!;
    }
    return FragmentResult.Accepted;
  }

  /** The next complete message in order, or undefined; advances `next`. */
  poll(): { type: number; seq: number; body: Uint8Array } | undefined {
    const p = this.pending.get(this.next);
    if (p === undefined || p.received !== p.length) return undefined;
    this.pending.delete(this.next);
    return { type: p.type, seq: this.next++, body: p.body };
  }
}
