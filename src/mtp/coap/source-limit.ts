/**
 * Admission of NoSec Records whose answer would go to a destination that never
 * answered us (issue #16, reflection and starvation): token buckets per source address
 * and one for all such sources together. Over plain CoAP anyone can put any reply-to in
 * a Record; the agent's response is a new CON POST (R-COAP.2a) up to 1 152 bytes,
 * retransmitted MAX_RETRANSMIT times to a silent destination. The buckets bound what one
 * source, and all unknown sources together, can make the agent send: at most
 * `globalPerSecond` such Records per second in all.
 *
 * A destination that has ACKed one of our CONs (CoapPeer.answered) is not limited: a
 * working Controller is never slowed down. Sans-I/O: time comes in as `now` (ms).
 * Bounded: at most `maxSources` buckets; a new source takes the bucket refilled longest
 * ago (an idle source that comes back starts full again, which the global bucket caps).
 */

export interface SourceLimitConfig {
  /** Records per second one source address may have answered to unanswering destinations. */
  readonly perSourcePerSecond: number;
  readonly perSourceBurst: number;
  /** The same for all source addresses together. */
  readonly globalPerSecond: number;
  readonly globalBurst: number;
  /** Source addresses tracked at once. */
  readonly maxSources: number;
}

export const DEFAULT_SOURCE_LIMIT: SourceLimitConfig = Object.freeze({
  perSourcePerSecond: 4,
  perSourceBurst: 8,
  globalPerSecond: 16,
  globalBurst: 32,
  maxSources: 32,
});

class Bucket {
  address = '';
  tokens = 0;
  at = 0;
}

function refill(b: Bucket, now: number, perSecond: number, burst: number): void {
  if (now > b.at) {
    const t = b.tokens + ((now - b.at) * perSecond) / 1000;
    b.tokens = t > burst ? burst : t;
    b.at = now;
  }
}

export class SourceLimit {
  private readonly buckets: Bucket[] = [];
  private readonly global = new Bucket();
  /** Records refused so far (statistics for tests and the flood bench). */
  refused = 0;

  constructor(readonly config: SourceLimitConfig = DEFAULT_SOURCE_LIMIT) {
    this.global.tokens = config.globalBurst;
    this.global.at = -Infinity;
  }

  /** Takes one token for a Record from `address` at `now`; false when its bucket or the global one is empty. */
  admit(address: string, now: number): boolean {
    const c = this.config;
    // The address's bucket; a new source takes a new bucket, or the one refilled longest ago.
    let b: Bucket | null = null;
    let oldest: Bucket | null = null;
    for (let i = 0; i < this.buckets.length && b === null; i++) {
      const k = this.buckets[i]!;
      if (k.address === address) b = k;
      else if (oldest === null || k.at < oldest.at) oldest = k;
    }
    if (b === null) {
      if (this.buckets.length < c.maxSources) { b = new Bucket(); this.buckets.push(b); } else b = oldest!;
      b.address = address;
      b.tokens = c.perSourceBurst;
      b.at = now;
    }
    refill(b, now, c.perSourcePerSecond, c.perSourceBurst);
    refill(this.global, now, c.globalPerSecond, c.globalBurst);
    if (b.tokens < 1 || this.global.tokens < 1) { this.refused++; return false; }
    b.tokens--;
    this.global.tokens--;
    return true;
  }
}
