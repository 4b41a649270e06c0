/**
 * Empty messages (RFC 7252 §4.1, §4.2, §4.3): RST to reject a message, empty ACK to
 * acknowledge a separate response. Written straight into the transmit ring.
 */
import { DedupTable, type DedupEntry } from './dedup.ts';
import type { CoapPeer } from './peer.ts';
import type { TransmitQueue } from './transmit.ts';

export function sendEmpty(q: TransmitQueue, peer: CoapPeer, type: number, messageId: number, cacheIn: DedupEntry | null): void {
  const out = q.reserve();
  if (out === null) return;
  out[0] = 0x40 | (type << 4);
  out[1] = 0;
  out[2] = (messageId >> 8) & 0xff;
  out[3] = messageId & 0xff;
  q.commit(peer, 4);
  if (cacheIn !== null) DedupTable.cache(cacheIn, out, 0, 4);
}
