/**
 * CoapPeer and PeerTable: the remote UDP endpoints (address + port) a CoAP endpoint
 * talks to. Peers are small records compared by identity; the table finds the record
 * for a received datagram without allocating (a Map keyed by the platform's address
 * string, then a scan over that address's ports). New peers are created only for
 * addresses not seen before, up to `maxPeers`; the least recently used idle peer is
 * evicted to make room, peers that answered us last.
 */
export class CoapPeer {
  /** Exchanges, queued requests and reassemblies that refer to this peer (eviction guard). */
  busy = 0;
  lastSeen = 0;
  /**
   * The peer answered one of our CONs (ACK or response with our Message ID or token): it
   * receives what we send to its address. Peers that never did yield exchange slots to
   * peers that do (issue #16: a spoofed reply-to must not hold the slots).
   */
  answered = false;
  constructor(readonly address: string, readonly port: number) {}
}

export class PeerTable {
  private readonly byAddress = new Map<string, CoapPeer[]>();
  /** Peers held (at most maxPeers). Written by the table only. */
  size = 0;
  /** Peers that answered and were evicted, remembered (a ring of `maxPeers`) so the standing outlives the record. */
  private readonly goneAddress: string[] = [];
  private readonly gonePort: number[] = [];
  private gone = 0;

  constructor(readonly maxPeers: number) {}

  /**
   * Some peer at `address` answered one of our CONs (now or before its record was evicted):
   * the host receives what we send there. The NoSec rate limit trusts such hosts (issue #16).
   */
  hostAnswered(address: string): boolean {
    const list = this.byAddress.get(address);
    if (list !== undefined) for (let i = 0; i < list.length; i++) if (list[i]!.answered) return true;
    for (let i = 0; i < this.goneAddress.length; i++) if (this.goneAddress[i] === address) return true;
    return false;
  }

  /** Peers waiting on an exchange (busy) that never answered: bounded by the binding to keep the table usable. */
  busyUnanswered(): number {
    let n = 0;
    for (const list of this.byAddress.values()) for (let i = 0; i < list.length; i++) if (list[i]!.busy > 0 && !list[i]!.answered) n++;
    return n;
  }

  private remembered(address: string, port: number): boolean {
    for (let i = 0; i < this.goneAddress.length; i++) if (this.gonePort[i] === port && this.goneAddress[i] === address) return true;
    return false;
  }

  /** The known peer at address:port, or null. Allocates nothing. */
  lookup(address: string, port: number): CoapPeer | null {
    const list = this.byAddress.get(address);
    if (list === undefined) return null;
    for (let i = 0; i < list.length; i++) if (list[i]!.port === port) return list[i]!;
    return null;
  }

  /** The peer at address:port, created if needed; null when the table is full of busy peers. */
  intern(address: string, port: number, now: number): CoapPeer | null {
    const known = this.lookup(address, port);
    if (known !== null) { known.lastSeen = now; return known; }
    if (this.size >= this.maxPeers && !this.evictIdle()) return null;
    const peer = new CoapPeer(address, port);
    peer.lastSeen = now;
    peer.answered = this.gone > 0 && this.remembered(address, port);
    const list = this.byAddress.get(address);
    if (list === undefined) this.byAddress.set(address, [peer]);
    else list.push(peer);
    this.size++;
    return peer;
  }

  /**
   * Makes room: the idle peer seen longest ago among those that never answered us, else
   * among all idle ones. A flood from many source ports churns through the former, so a
   * Controller that answers keeps its record — and with it `answered` (issue #16: losing
   * it made the Controller's Records count against the unknown sources' rate).
   */
  private evictIdle(): boolean {
    let victim: CoapPeer | null = null;
    for (const list of this.byAddress.values()) {
      for (let i = 0; i < list.length; i++) {
        const p = list[i]!;
        if (p.busy !== 0) continue;
        if (victim === null || (victim.answered && !p.answered) || (victim.answered === p.answered && p.lastSeen < victim.lastSeen)) victim = p;
      }
    }
    if (victim === null) return false;
    if (victim.answered && !this.remembered(victim.address, victim.port)) {
      const at = this.gone++ % this.maxPeers;
      this.goneAddress[at] = victim.address;
      this.gonePort[at] = victim.port;
    }
    const list = this.byAddress.get(victim.address)!;
    list.splice(list.indexOf(victim), 1);
    if (list.length === 0) this.byAddress.delete(victim.address);
    this.size--;
    return true;
  }
}
