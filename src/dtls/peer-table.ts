/**
 * Associations by peer address and port. Two-level maps so that a lookup allocates
 * nothing (no `address + port` key string per datagram — DESIGN.md zero-allocation
 * receive path); the address strings are the platform's own.
 */
import type { DtlsAssociation } from './association.ts';

export class PeerTable {
  private readonly byAddress = new Map<string, Map<number, DtlsAssociation>>();
  /** The same associations as a flat list, for allocation-free scans (deadlines); copy it to iterate while associations close. */
  readonly list: DtlsAssociation[] = [];

  get(address: string, port: number): DtlsAssociation | undefined {
    return this.byAddress.get(address)?.get(port);
  }

  set(a: DtlsAssociation): void {
    let ports = this.byAddress.get(a.address);
    if (ports === undefined) { ports = new Map(); this.byAddress.set(a.address, ports); }
    const old = ports.get(a.port);
    if (old !== undefined) this.list.splice(this.list.indexOf(old), 1);
    ports.set(a.port, a);
    this.list.push(a);
  }

  /** Removes `a` if it is the association held for its address and port. */
  remove(a: DtlsAssociation): boolean {
    const ports = this.byAddress.get(a.address);
    if (ports === undefined || ports.get(a.port) !== a) return false;
    ports.delete(a.port);
    if (ports.size === 0) this.byAddress.delete(a.address);
    this.list.splice(this.list.indexOf(a), 1);
    return true;
  }
}
