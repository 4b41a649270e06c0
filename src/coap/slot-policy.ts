/**
 * Who keeps an exchange slot when they are scarce (issue #16: 8 spoofed reply-tos held
 * every outgoing exchange for a minute while a real Controller's answer waited). A peer
 * that answered one of our CONs (CoapPeer.answered) is known to receive what we send; one
 * that never did may be a spoofed address. When a request to an answering peer waits only
 * for a slot, the oldest exchange to a never-answering peer ends (CoapFailure.Evicted; a
 * Waiting exchange was ACKed, so its peer answered). A new Controller's first answer can
 * be cut short this way only while every slot is taken; it then asks again.
 */
import { ExchangeState, type ClientExchange } from './exchange.ts';
import type { CoapPeer } from './peer.ts';

/** The oldest exchange in `state` whose peer never answered, or null. */
export function silentVictim(exchanges: readonly ClientExchange[], state: ExchangeState): ClientExchange | null {
  let victim: ClientExchange | null = null;
  for (let i = 0; i < exchanges.length; i++) {
    const x = exchanges[i]!;
    if (x.state !== state || x.peer!.answered) continue;
    if (victim === null || x.handle < victim.handle) victim = x;
  }
  return victim;
}

/**
 * −1 when an exchange to `peer` is active (Sent or Waiting: NSTART = 1 holds its next
 * request back), else how many exchanges are active in all.
 */
export function activeBesides(exchanges: readonly ClientExchange[], peer: CoapPeer): number {
  let active = 0;
  for (let i = 0; i < exchanges.length; i++) {
    const y = exchanges[i]!;
    if (y.state !== ExchangeState.Sent && y.state !== ExchangeState.Waiting) continue;
    if (y.peer === peer) return -1;
    active++;
  }
  return active;
}
