/**
 * Anti-replay sliding window (RFC 6347 §4.1.2.6, 64 records wide, RFC 4303 §3.4.3).
 *
 * Invariants: 48-bit sequence numbers are exact in doubles; the bitmap is two 32-bit
 * words (bit i = `top - i` seen); no allocation. `check` before decrypting, `mark`
 * only after the record authenticated, so forged records cannot move the window.
 */
export const REPLAY_WINDOW_SIZE = 64;

export class ReplayWindow {
  /** Highest sequence number accepted; -1 before the first. */
  private top = -1;
  private lo = 0; // bits 0..31 (top .. top-31)
  private hi = 0; // bits 32..63

  reset(): void { this.top = -1; this.lo = 0; this.hi = 0; }

  /** True when `seq` is new and inside (or ahead of) the window. */
  check(seq: number): boolean {
    if (seq > this.top) return true;
    const d = this.top - seq;
    if (d >= REPLAY_WINDOW_SIZE) return false;
    return d < 32 ? (this.lo & (1 << d)) === 0 : (this.hi & (1 << (d - 32))) === 0;
  }

  mark(seq: number): void {
    if (seq > this.top) {
      const shift = this.top < 0 ? REPLAY_WINDOW_SIZE : seq - this.top;
      if (shift >= REPLAY_WINDOW_SIZE) { this.lo = 0; this.hi = 0; }
      else if (shift >= 32) { this.hi = this.lo << (shift - 32); this.lo = 0; }
      else { this.hi = (this.hi << shift) | (this.lo >>> (32 - shift)); this.lo <<= shift; }
      this.top = seq;
      this.lo |= 1;
      return;
    }
    const d = this.top - seq;
    if (d < 32) this.lo |= 1 << d;
    else if (d < REPLAY_WINDOW_SIZE) this.hi |= 1 << (d - 32);
  }
}
