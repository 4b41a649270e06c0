/**
 * Options seed values; Controllers own them. The host's options (--ws-port,
 * --controller eid=ws://…) write the WebSocket rows they describe, and later starts
 * with changed options update them — but a value a Controller changed since is the
 * Controller's and no option overwrites it again.
 *
 * How: the values the options last wrote are kept in storage (`ws-seed`, one JSON
 * object "<row key>|<parameter>" → value). At the next start a parameter is written
 * only when its row is new, or when it still holds what the options wrote last time
 * (nobody changed it). A parameter a Controller changed keeps its value and leaves the
 * record, so it stays the Controller's. A record that cannot be read counts as empty:
 * existing rows are then left as they are (the safe side).
 */
import { WriteMode, type DataModelApi, type ObjectInstance, type Transaction } from '../../dm/index.ts';
import type { KeyValueStore } from '../../platform/types.ts';
import { readUtf8, utf8Bytes } from '../../encoding/utf8.ts';
import { read } from '../controller-rows.ts';

export const SEED_KEY = 'ws-seed';

export class OptionSeed {
  private readonly before = new Map<string, string>();
  private readonly after = new Map<string, string>();
  /** Rows seeded this time; the record of the others is carried over. */
  private readonly visited = new Set<string>();

  constructor(private readonly store: KeyValueStore | undefined) {
    const raw = store?.get(SEED_KEY);
    const text = raw === undefined ? undefined : readUtf8(raw, 0, raw.length);
    if (text === undefined) return;
    try {
      const o = JSON.parse(text) as unknown;
      if (typeof o !== 'object' || o === null) return;
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) if (typeof v === 'string') this.before.set(k, v);
    } catch {
      // unreadable: nothing is known to be ours
    }
  }

  /** Has a Controller changed `name` of row `rowKey` since the options last wrote it? */
  controllerOwns(model: DataModelApi, inst: ObjectInstance, rowKey: string, name: string): boolean {
    const prev = this.before.get(`${rowKey}|${name}`);
    return prev === undefined || read(model, inst, name) !== prev;
  }

  /**
   * Stages `values` on `inst` (a row just added when `created`), skipping those a
   * Controller owns. Returns "" or why a value was refused.
   */
  apply(tx: Transaction, model: DataModelApi, inst: ObjectInstance, rowKey: string, created: boolean, values: readonly (readonly [string, string])[]): string {
    this.visited.add(rowKey);
    for (const [name, value] of values) {
      if (!created && this.controllerOwns(model, inst, rowKey, name)) continue;
      if (read(model, inst, name) !== value && tx.set(inst, name, value, WriteMode.Agent) !== 0) return `${inst.path}${name}: ${tx.message}`;
      this.after.set(`${rowKey}|${name}`, value);
    }
    return '';
  }

  /** Records a value the agent wrote itself (the port a listener bound) as the options' own, and saves. */
  note(rowKey: string, name: string, value: string): void {
    this.visited.add(rowKey);
    this.after.set(`${rowKey}|${name}`, value);
    this.save();
  }

  /** Writes the record: what the options wrote this time, and the old record of rows not seeded this time. */
  save(): void {
    if (this.store === undefined) return;
    const o: Record<string, string> = {};
    for (const [k, v] of this.before) if (!this.visited.has(k.slice(0, k.lastIndexOf('|')))) o[k] = v;
    for (const [k, v] of this.after) o[k] = v;
    this.store.set(SEED_KEY, utf8Bytes(JSON.stringify(o)));
  }
}
