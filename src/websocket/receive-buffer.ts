/**
 * The session's receive buffer. Bytes from the stream are appended at `end`; frames are
 * parsed from `start`; payloads are unmasked and handed on in place. A fragmented
 * message (RFC 6455 §5.4, R-WS.14b) is reassembled in place too: its payload so far
 * stays at `[msgStart, msgStart + msgLen)` and each continuation's payload is moved
 * down to follow it, so the whole message is one contiguous range when its last
 * fragment arrives — no second buffer, no copy per message.
 *
 * Compaction (moving the kept message to 0 and the unparsed tail after it) happens only
 * in `append`, never while a payload is being handed on, so a range given to the
 * receiver stays valid for the whole call. The buffer starts small and grows by
 * doubling up to `capacity` (bounded: the session sizes it for the largest frame plus
 * the kept message).
 */
export class ReceiveBuffer {
  buf: Uint8Array;
  /** First byte not parsed yet. */
  start = 0;
  /** One past the last byte received. */
  end = 0;
  /** A fragmented message in progress: its payload so far. */
  fragmenting = false;
  msgStart = 0;
  msgLen = 0;

  constructor(readonly capacity: number, initial = 512) {
    this.buf = new Uint8Array(Math.min(initial, capacity));
  }

  /**
   * Appends as much of `data[from, to)` as fits, compacting and growing first when the
   * tail is full. Returns how many bytes were taken; 0 means the buffer is at capacity
   * and nothing more can be parsed out of it (the caller fails the connection).
   */
  append(data: Uint8Array, from: number, to: number): number {
    if (this.end === this.buf.length) this.compact();
    if (this.end === this.buf.length && this.buf.length < this.capacity) {
      let size = this.buf.length * 2;
      while (size < this.end + (to - from) && size < this.capacity) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.capacity));
      grown.set(this.buf.subarray(0, this.end));
      this.buf = grown;
    }
    const n = Math.min(to - from, this.buf.length - this.end);
    // A whole chunk is copied without a view object (XS: a subarray costs slots).
    if (from === 0 && n === data.length) this.buf.set(data, this.end);
    else this.buf.set(data.subarray(from, from + n), this.end);
    this.end += n;
    return n;
  }

  /** Everything parsed and no message kept: start over at 0 (cheap, no copy). */
  rewind(): void {
    if (this.start === this.end && !this.fragmenting) { this.start = 0; this.end = 0; }
  }

  /** The first fragment's payload `[at, at + len)` starts a kept message. */
  beginMessage(at: number, len: number): void {
    this.fragmenting = true;
    this.msgStart = at;
    this.msgLen = len;
  }

  /** A continuation's payload `[at, at + len)` joins the kept message. */
  extendMessage(at: number, len: number): void {
    const to = this.msgStart + this.msgLen;
    if (at !== to) this.buf.copyWithin(to, at, at + len);
    this.msgLen += len;
  }

  endMessage(): void {
    this.fragmenting = false;
    this.msgLen = 0;
  }

  reset(): void {
    this.start = 0; this.end = 0; this.fragmenting = false; this.msgStart = 0; this.msgLen = 0;
  }

  private compact(): void {
    let base = 0;
    if (this.fragmenting) {
      if (this.msgStart > 0) this.buf.copyWithin(0, this.msgStart, this.msgStart + this.msgLen);
      this.msgStart = 0;
      base = this.msgLen;
    }
    if (this.start > base) {
      this.buf.copyWithin(base, this.start, this.end);
      this.end -= this.start - base;
      this.start = base;
    }
  }
}
