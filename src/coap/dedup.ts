/**
 * Message-ID deduplication (RFC 7252 §4.5): a CON or NON seen again from the same
 * peer within EXCHANGE_LIFETIME (CON) / NON_LIFETIME (NON) is a duplicate; a duplicate
 * CON gets the same response again (cached here when it fits `RESPONSE_CACHE_BYTES`).
 *
 * Bounded: a ring of `entries` records; every entry has the same lifetime, so the
 * ring's insertion order is also expiry order and overwriting the oldest entry is the
 * right eviction (it shortens protection only under a flood, a documented limit).
 */
import { copyBytes } from './message-writer.ts';
import type { CoapPeer } from './peer.ts';

/** Responses up to this size are cached for duplicates (2.04, 2.31, RST, errors). */
export const RESPONSE_CACHE_BYTES = 96;

export class DedupEntry {
  peer: CoapPeer | null = null;
  messageId = 0;
  expires = 0;
  /** Cached response length; −1 = none yet / too big. */
  responseLength = -1;
  /** Whether a duplicate may be processed again (safe methods: GET) when no response is cached. */
  reprocess = false;

  /**
   * The cached response lives in the table's one buffer at `offset` (a typed array per
   * entry cost 7 XS slots; the offset 1).
   */
  constructor(readonly store: Uint8Array, readonly offset: number) {}
}

export class DedupTable {
  /** Built on first use, up to `size` (an idle endpoint holds none: XS boot heap). */
  private readonly entries: DedupEntry[] = [];
  private next = 0;
  /** Every entry's response cache, `RESPONSE_CACHE_BYTES` each; built with the first entry. */
  private store: Uint8Array | null = null;

  constructor(private readonly size: number) {}

  /** The live entry for (peer, messageId), or null. Allocates nothing. */
  find(peer: CoapPeer, messageId: number, now: number): DedupEntry | null {
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.peer === peer && e.messageId === messageId && e.expires > now) return e;
    }
    return null;
  }

  /** Records (peer, messageId) until now + lifetimeMs, overwriting the oldest entry. */
  insert(peer: CoapPeer, messageId: number, now: number, lifetimeMs: number): DedupEntry {
    if (this.next === this.entries.length && this.entries.length < this.size) {
      if (this.store === null) this.store = new Uint8Array(this.size * RESPONSE_CACHE_BYTES);
      this.entries.push(new DedupEntry(this.store, this.entries.length * RESPONSE_CACHE_BYTES));
    }
    const e = this.entries[this.next]!;
    this.next = (this.next + 1) % this.size;
    e.peer = peer;
    e.messageId = messageId;
    e.expires = now + lifetimeMs;
    e.responseLength = -1;
    e.reprocess = false;
    return e;
  }

  /** Caches `bytes[s, e)` as the response to replay; too big → not cached. */
  static cache(entry: DedupEntry, bytes: Uint8Array, s: number, e: number): void {
    if (e - s > RESPONSE_CACHE_BYTES) { entry.responseLength = -1; return; }
    copyBytes(entry.store, entry.offset, bytes, s, e);
    entry.responseLength = e - s;
  }
}
