/**
 * Unique keys (TR-369 §UniqueKey, R-ADD.5, R-KEY.1/2, §4 item 3): the values the Agent
 * assigns to keys a Controller leaves out, and the duplicate check run over a whole
 * table after all writes of a message (so swapping two Aliases is legal).
 */
import { DmError } from './errors.ts';
import type { ObjectInstance, Table } from './instances.ts';
import type { WriteFailure } from './model-types.ts';
import type { InstanceTree } from './instance-tree.ts';
import { type ObjectNode, ParamAccess, ParamType, named } from './schema.ts';

/**
 * `name` belongs to a unique key of `node` — with `nonFunctional`, to a non-functional one
 * (R-KEY.1: it never changes after the row's creation).
 */
export function isKeyParam(node: ObjectNode, name: string, nonFunctional: boolean): boolean {
  const keys = node.uniqueKeys;
  for (let i = 0; i < keys.length; i++) if (!(nonFunctional && keys[i]!.functional) && keys[i]!.params.indexOf(name) >= 0) return true;
  return false;
}

/**
 * R-ADD.5 key values for a new row: Alias and other Controller-writable string keys get
 * "cpe-N", integer keys get N (N = instance number), each moved on if already taken;
 * references, enumerations and keys the Agent owns (read-only, like Request.Originator)
 * are left alone.
 */
/** Where fillKeys writes: a transaction (journaled), or null for the tree itself (seeding the factory default). */
export interface KeyWriter {
  put(inst: ObjectInstance, name: string, value: string): void;
}

export function fillKeys(tree: InstanceTree, row: ObjectInstance, tx: KeyWriter | null): void {
  const table = tree.tableOf(row);
  const keys = row.node.uniqueKeys;
  for (let k = 0; k < keys.length; k++) {
    for (let i = 0; i < keys[k]!.params.length; i++) {
      const name = keys[k]!.params[i]!;
      const p = named(row.node.params, name);
      if (p === undefined || p.reference !== null || p.getter !== null || p.access === ParamAccess.ReadOnly) continue;
      if (row.stored(name) !== undefined) continue;
      const numeric = p.type === ParamType.UnsignedInt || p.type === ParamType.Int;
      if (!numeric && (p.type !== ParamType.String || p.enumeration !== null)) continue;
      // "cpe-N" or N, moved on to "cpe-N-k" / the next free number when another row already
      // holds it (a Controller may have chosen "cpe-3"); the rows are bounded: an array, no Set.
      const wanted = numeric ? String(row.number) : 'cpe-' + row.number;
      let v = wanted;
      if (table !== undefined) {
        const taken: string[] = [];
        for (let r = 0; r < table.rows.length; r++) if (table.rows[r] !== row) taken.push(tree.read(table.rows[r]!, p));
        for (let n = 1; taken.indexOf(v) >= 0; n++) v = numeric ? String(Number(wanted) + n) : wanted + '-' + n;
      }
      if (tx === null) tree.storeValue(row, name, v);
      else tx.put(row, name, v);
    }
  }
}

/** Appends a 7025 failure for every row of `table` whose key values repeat an earlier row's. */
export function duplicateKeys(tree: InstanceTree, table: Table, failures: WriteFailure[]): void {
  const keys = table.node.uniqueKeys;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const seen = new Map<string, ObjectInstance>();
    for (let r = 0; r < table.rows.length; r++) {
      const row = table.rows[r]!;
      let k = '';
      for (let n = 0; n < key.params.length; n++) {
        const p = named(row.node.params, key.params[n]!);
        k += (p === undefined ? '' : tree.read(row, p)) + '\u0000';
      }
      const other = seen.get(k);
      if (other === undefined) { seen.set(k, row); continue; }
      failures.push({ path: row.path, err: DmError.DuplicateKey, message: `${row.path} duplicates the unique key (${key.params.join(', ')}) of ${other.path}` });
    }
  }
}
