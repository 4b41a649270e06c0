/**
 * Persistence of the configuration and writable state (R-ARC.8, §4 items 8 and 11)
 * through the platform KeyValueStore: one key, one JSON document, written with one
 * atomic `set`, so a crash leaves the old or the new state, never a mix.
 *
 * Stored: every row of a non-volatile table (Subscription rows only while Persistent
 * is true, via ObjectNode.persistWhen) with its stored values, stored values of
 * single-instance objects, and every table's next instance number — so deleted numbers
 * are never reused, even across reboots. Getter-backed and volatile params are not.
 *
 * Format: {"v":1,"o":[[path,[name,value,…]],…],"n":[[tablePath,next],…]}, UTF-8.
 */
import { named } from './schema.ts';
import type { KeyValueStore } from '../platform/types.ts';
import { ObjectInstance } from './instances.ts';
import type { InstanceTree } from './instance-tree.ts';
import { readUtf8, utf8Bytes } from '../encoding/utf8.ts';

export const STORE_KEY = 'dm';
const FORMAT = 1;

function persistable(inst: ObjectInstance): boolean {
  for (let i: ObjectInstance | null = inst; i !== null; i = i.parent) {
    if (i.node.volatile) return false;
    const flag = i.node.persistWhen;
    if (flag !== '' && i.stored(flag) !== 'true') return false;
  }
  return true;
}

function collect(inst: ObjectInstance, objects: unknown[], counters: unknown[]): void {
  if (!persistable(inst)) return;
  const values: string[] = [];
  for (let k = 0; k < inst.pairs.length; k += 2) {
    const p = named(inst.node.params, inst.pairs[k]!);
    if (p !== undefined && !p.volatile) values.push(inst.pairs[k]!, inst.pairs[k + 1]!);
  }
  if (inst.number > 0 || values.length > 0) objects.push([inst.path, values]);
  for (const child of inst.sub) if (child instanceof ObjectInstance) collect(child, objects, counters);
  for (const table of inst.sub) {
    if (table === null || table instanceof ObjectInstance) continue;
    if (table.nextNumber > 1) counters.push([table.path, table.nextNumber]);
    for (const row of table.rows) collect(row, objects, counters);
  }
}

export function saveTree(tree: InstanceTree, store: KeyValueStore): void {
  const objects: unknown[] = [];
  const counters: unknown[] = [];
  collect(tree.root, objects, counters);
  store.set(STORE_KEY, utf8Bytes(JSON.stringify({ v: FORMAT, o: objects, n: counters })));
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * Rebuilds `tree` (fresh, as the model built it) from storage. Returns "" when loaded, "none" when nothing is
 * stored, or why the document was rejected (the caller then seeds the factory default).
 */
export function loadTree(tree: InstanceTree, store: KeyValueStore): string {
  const bytes = store.get(STORE_KEY);
  if (bytes === undefined) return 'none';
  const text = readUtf8(bytes, 0, bytes.length);
  if (text === undefined) return 'stored state is not UTF-8';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'stored state is not JSON';
  }
  const d = doc as { v?: unknown; o?: unknown; n?: unknown };
  if (d === null || typeof d !== 'object' || d.v !== FORMAT || !Array.isArray(d.o) || !Array.isArray(d.n)) return 'stored state has an unknown format';
  for (const entry of d.o as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !isStringArray(entry[1])) return 'stored object entry is malformed';
    const path = entry[0];
    let inst = tree.instanceAt(path);
    if (inst === undefined) {
      const cut = path.lastIndexOf('.', path.length - 2);
      const table = tree.tableAt(path.slice(0, cut + 1));
      const number = Number(path.slice(cut + 1, -1));
      if (table === undefined || !Number.isInteger(number) || number < 1) return `stored row ${path} has no table`;
      if (table.rows.length >= tree.maxRowsPerTable) return `stored table ${table.path} has more than ${tree.maxRowsPerTable} rows`;
      inst = tree.insertRow(table, number);
    }
    const values = entry[1];
    for (let i = 0; i + 1 < values.length; i += 2) tree.storeValue(inst, values[i]!, values[i + 1]!);
  }
  for (const entry of d.n as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') return 'stored counter is malformed';
    const table = tree.tableAt(entry[0]);
    if (table !== undefined && entry[1] > table.nextNumber) table.nextNumber = entry[1];
  }
  return '';
}
