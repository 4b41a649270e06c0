/**
 * One rule for every row the host's options provision (LocalAgent.MTP CoAP/MQTT rows,
 * Controller.{i} and their MTPs, MQTT.Client, Certificate rows): command-line options are
 * FACTORY DEFAULTS, never overrides (issue #19; docs/configuration.md, docs/decisions.md).
 *
 * - A readOnly parameter is the agent's own fact (Status, SerialNumber, SupportedProtocols…):
 *   always written.
 * - A writable parameter takes the option's value when it has no stored value yet (a row
 *   just added, or after FactoryReset()), or when it still holds the value the options
 *   gave it last time (nobody changed it: a changed option then applies). Once anything
 *   else — a Controller's Set — changed it, that value stays at every later start: a
 *   Controller's MQTT Username/Password survives a restart with the same `--mqtt`.
 *
 * The record of what the options wrote (store key "mtp.seeded", JSON {"<param path>":
 * "<value>"}) is written after the provisioning commits; entries of rows that are gone are
 * dropped, so it never holds more than the options name. Without a store every option is
 * written (tests, one-shot tools).
 */
import { ParamAccess, WriteMode, named, type DataModelApi, type ObjectInstance, type Transaction } from '../dm/index.ts';
import { readUtf8, utf8Bytes } from '../encoding/utf8.ts';
import type { KeyValueStore } from '../platform/types.ts';

export const SEEDED_KEY = 'mtp.seeded';

export class OptionDefaults {
  private readonly last = new Map<string, string>();
  private readonly now = new Map<string, string>();

  constructor(private readonly store?: KeyValueStore) {
    const bytes = store === undefined ? undefined : store.get(SEEDED_KEY);
    const text = bytes === undefined ? undefined : readUtf8(bytes, 0, bytes.length);
    if (text === undefined) return;
    let doc: unknown;
    try { doc = JSON.parse(text); } catch { return; } // unreadable: as if nothing was seeded (options win once)
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return;
    const keys = Object.keys(doc);
    for (let i = 0; i < keys.length; i++) {
      const v = (doc as Record<string, unknown>)[keys[i]!];
      if (typeof v === 'string') this.last.set(keys[i]!, v);
    }
  }

  /**
   * Stages each [name, value] on `inst` under the rule above; "" or why the first write failed.
   * Values are compared with the stored one (inst.stored, not model.read: hidden parameters
   * such as Password read "").
   */
  apply(tx: Transaction, inst: ObjectInstance, values: readonly (readonly [string, string])[]): string {
    for (let i = 0; i < values.length; i++) {
      const name = values[i]![0];
      const value = values[i]![1];
      const p = named(inst.node.params, name);
      if (p === undefined) return `${inst.path}${name}: no such parameter`;
      const path = inst.path + name;
      if (p.access !== ParamAccess.ReadOnly) {
        const current = inst.stored(name);
        const last = this.last.get(path);
        // Changed since by someone else: it wins — unless the row is new in this transaction
        // (re-created after a delete: its values are the agent's defaults, e.g. a "cpe-N" key).
        if (current !== undefined && last !== undefined && current !== last && !tx.createdHere(inst)) continue;
        this.now.set(path, value);
      }
      if (tx.set(inst, name, value, WriteMode.Agent) !== 0) return `${path}: ${tx.message}`;
    }
    return '';
  }

  /**
   * True when `name` of `inst` holds a value other than the one the options last wrote:
   * someone (a Controller) changed it, so it is theirs (a WebSocket listener's Port decides
   * where the agent listens next).
   */
  changedSince(inst: ObjectInstance, name: string): boolean {
    const current = inst.stored(name);
    const last = this.last.get(inst.path + name);
    return current !== undefined && last !== undefined && current !== last;
  }

  /**
   * Records a value the agent wrote for the options after provisioning (the port a
   * `--ws-port 0` listener bound) as the options' own, and saves the record: a later
   * change of it is then a Controller's.
   */
  note(model: DataModelApi, inst: ObjectInstance, name: string, value: string): void {
    this.now.set(inst.path + name, value);
    this.save(model);
  }

  /**
   * Writes the record after the provisioning: a value counts as the options' only if it was
   * committed (a rolled-back provisioning keeps the previous entry); entries of rows that no
   * longer exist are dropped.
   */
  save(model: DataModelApi): void {
    if (this.store === undefined) return;
    const doc: Record<string, string> = {};
    for (const [path, value] of this.last) {
      if (model.instanceAt(rowOf(path)) !== undefined) doc[path] = value;
    }
    for (const [path, value] of this.now) {
      const inst = model.instanceAt(rowOf(path));
      if (inst !== undefined && inst.stored(path.slice(path.lastIndexOf('.') + 1)) === value) doc[path] = value;
    }
    this.store.set(SEEDED_KEY, utf8Bytes(JSON.stringify(doc)));
  }
}

/** "Device.X.1.Name" → "Device.X.1." */
function rowOf(paramPath: string): string {
  return paramPath.slice(0, paramPath.lastIndexOf('.') + 1);
}

