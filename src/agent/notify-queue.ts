/**
 * Outgoing Notify messages and their delivery state (TR-369 "Notify" §send_resp,
 * R-NOT.1–4, R-NOT.6, R-NOT.9, AGENT-REQUIREMENTS §4 item 10).
 *
 * States: Queued (waiting for pollTransmit) → InFlight (handed to the MTP, waiting for
 * handleDelivery) → done (send_resp=false, delivered), or AwaitResp (send_resp=true,
 * waiting for the NotifyResp with the same msg_id, R-NOT.9) → done. A failed delivery,
 * or no NotifyResp before the next retry time, schedules a retry (Backoff) for
 * send_resp=true only; send_resp=false notifications are never retried (§send_resp).
 * An Error answering a Notify stops its retries (§NOT codes). Expired entries
 * (NotifExpiration) are dropped; OnBoardRequest never expires (R-NOT.6).
 *
 * Invariant: at most `capacity` entries; `enqueue` returns 0 (and counts a drop)
 * when full, so memory stays bounded whatever the Controllers do.
 */
import type { MsgInit } from '../usp/index.ts';
import { DeliveryOutcome } from './types.ts';

export const NotifyState = { Queued: 0, InFlight: 1, AwaitResp: 2, Backoff: 3 } as const;
export type NotifyState = (typeof NotifyState)[keyof typeof NotifyState];

export interface PendingNotify {
  readonly handle: number;
  readonly endpointId: string;
  readonly msgId: string;
  /**
   * The usp.Msg: built when queued, encoded on its first send (then kept encoded for
   * retries). Encoding at send time keeps the encoder off the deep stack of a commit's
   * listeners (XS stack, docs/budgets.md). The Record around it is built at send time.
   */
  payload: Uint8Array | MsgInit;
  readonly sendResp: boolean;
  /** Monotonic ms after which retrying stops; Infinity = never. */
  expiresAt: number;
  /** Retries made so far (R-NOT.3: a new notification starts at 0). */
  retries: number;
  state: NotifyState;
  /** Backoff / AwaitResp: when to send again. */
  dueAt: number;
}

/** Computes the wait before retry `n` for a Controller (retry.ts + its Controller row). */
/** The wait before retry `n` of a Notify to `endpointId` (the Notifier); an object, not a closure (XS RAM, issue #13). */
export interface RetryDelay {
  retryDelay(endpointId: string, n: number): number;
}

export class NotifyQueue {
  private readonly entries: PendingNotify[] = [];
  private nextHandle = 1;
  /** Notifications refused because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number, private readonly delay: RetryDelay) {}

  get size(): number { return this.entries.length; }

  enqueue(endpointId: string, msgId: string, payload: Uint8Array | MsgInit, sendResp: boolean, expiresAt: number): number {
    if (this.entries.length >= this.capacity) { this.dropped++; return 0; }
    const handle = this.nextHandle++;
    this.entries.push({ handle, endpointId, msgId, payload, sendResp, expiresAt, retries: 0, state: NotifyState.Queued, dueAt: 0 });
    return handle;
  }

  /** The oldest notification due now (marked InFlight), or null. */
  nextReady(now: number): PendingNotify | null {
    for (let i = 0, entries = this.entries; i < entries.length; i++) { const e = entries[i]!;
      const due = e.state === NotifyState.Queued ||
        ((e.state === NotifyState.Backoff || e.state === NotifyState.AwaitResp) && e.dueAt <= now);
      if (!due) continue;
      if (e.state !== NotifyState.Queued) e.retries++;
      e.state = NotifyState.InFlight;
      return e;
    }
    return null;
  }

  private find(handle: number): number {
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]!.handle === handle) return i;
    return -1;
  }

  /** The MTP's report on an InFlight notification. */
  handleDelivery(handle: number, outcome: DeliveryOutcome, now: number): void {
    const i = this.find(handle);
    if (i < 0) return;
    const e = this.entries[i]!;
    if (e.state !== NotifyState.InFlight) return;
    if (!e.sendResp) { this.entries.splice(i, 1); return; } // fire-and-forget: never retried
    e.state = outcome === DeliveryOutcome.Delivered ? NotifyState.AwaitResp : NotifyState.Backoff;
    e.dueAt = now + this.delay.retryDelay(e.endpointId, e.retries + 1);
  }

  /** A NotifyResp or Error with `msgId` from `endpointId` (R-NOT.9: subscription_id ignored). True if it matched. */
  handleResponse(endpointId: string, msgId: string): boolean {
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.msgId === msgId && e.endpointId === endpointId && e.sendResp) { this.entries.splice(i, 1); return true; }
    }
    return false;
  }

  /** Drops notification `handle` unsent (it cannot fit one Record: counted like a full queue). */
  discard(handle: number): void {
    const i = this.find(handle);
    if (i < 0) return;
    this.entries.splice(i, 1);
    this.dropped++;
  }

  /** Drops expired entries. */
  handleTimeout(now: number): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.expiresAt <= now && e.state !== NotifyState.InFlight) this.entries.splice(i, 1);
    }
  }

  /** Forgets everything queued for Controllers no longer in `known` (deleted rows). */
  keepOnly(known: ReadonlySet<string>): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (!known.has(this.entries[i]!.endpointId)) this.entries.splice(i, 1);
  }

  pollTimeout(): number {
    let t = Infinity;
    for (let i = 0, entries = this.entries; i < entries.length; i++) { const e = entries[i]!;
      if (e.state === NotifyState.Queued) return -Infinity;
      if (e.state === NotifyState.Backoff || e.state === NotifyState.AwaitResp) t = Math.min(t, e.dueAt, e.expiresAt);
    }
    return t;
  }
}
