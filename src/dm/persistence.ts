/**
 * Persistence of the configuration and writable state (R-ARC.8, §4 items 8 and 11)
 * through the platform KeyValueStore: one key, one text value replaced atomically by
 * the store, so a crash leaves the old or the new state, never a mix.
 *
 * Stored: every row of a non-volatile table with its stored values (a row whose
 * ObjectNode.persistWhen Boolean is false is skipped; no object sets it since D5: every
 * Subscription row is stored and the non-persistent ones go after Boot!), stored values of
 * single-instance objects, and every table's next instance number — so deleted numbers
 * are never reused, even across reboots. Getter-backed and volatile params are not.
 *
 * Format 2 (UTF-8 text, one JSON value per line), written and read line by line through
 * the store's text pieces, so no device ever holds the state as one string (docs/budgets.md):
 *   {"v":2}
 *   ["Device.LocalAgent.Controller.1.","EndpointID","proto::c",…]   an instance and its stored name/value pairs
 *   ["Device.LocalAgent.Controller.",3]                              a table's next instance number
 * Instances come parents first. Format 1 (one document {"v":1,"o":[[path,[name,value,…]],…],
 * "n":[[tablePath,next],…]}, written before) is still read.
 *
 * A state written by a build whose schema declares more (D14: the full build's MQTT and
 * WebSocket rows, loaded by the coaps build) loads without them: a line for an object this
 * schema does not declare is skipped, and so is a row holding a value this schema rejects
 * (the full build's MQTT MTP row: Protocol "MQTT" is not one of the coaps build's
 * "CoAP") with every line under it — read with a default in place of that value, the row
 * would mean something else (a second CoAP MTP). A single-instance object's rejected
 * value reads as its default. Anything else malformed rejects the state.
 */
import { named } from './schema.ts';
import { checkValue } from './types/value.ts';
import type { KeyValueStore, TextSource } from '../platform/types.ts';
import { TextRead } from '../platform/types.ts';
import { readStoredText, writeStoredText } from './stored-text.ts';
import { ObjectInstance, Table } from './instances.ts';
import type { InstanceTree } from './instance-tree.ts';

export const STORE_KEY = 'dm';
const HEADER = '{"v":2}\n';
/** Longest line a loader holds (a Format 1 document is one line); longer is corrupt. */
const MAX_LINE_CHARS = 65536;

/**
 * What is written, in order: instances (parents first) and tables (for their counters).
 * Walked from the root, so an instance is reached only when every one above it is stored:
 * only its own object's flags are checked.
 */
function collect(inst: ObjectInstance, out: (ObjectInstance | Table)[]): void {
  const flag = inst.node.persistWhen;
  if (inst.node.volatile || (flag !== '' && inst.stored(flag) !== 'true')) return;
  out.push(inst);
  const s = inst.sub;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c instanceof ObjectInstance) collect(c, out);
    else if (c !== null) {
      if (c.nextNumber > 1) out.push(c);
      for (let r = 0; r < c.rows.length; r++) collect(c.rows[r]!, out);
    }
  }
}

/** Hands the state to the store one line per call (KeyValueStore.writeText's source). */
class StateWriter implements TextSource {
  private i = -1;
  constructor(private readonly items: readonly (ObjectInstance | Table)[]) {}

  next(): string | null {
    if (this.i < 0) { this.i = 0; return HEADER; }
    while (this.i < this.items.length) {
      const item = this.items[this.i++]!;
      if (item instanceof Table) return JSON.stringify([item.path, item.nextNumber]) + '\n';
      const line: string[] = [item.path];
      const pairs = item.pairs;
      for (let k = 0; k < pairs.length; k += 2) {
        const p = named(item.node.params, pairs[k]!);
        if (p !== undefined && !p.volatile) line.push(pairs[k]!, pairs[k + 1]!);
      }
      if (item.number > 0 || line.length > 1) return JSON.stringify(line) + '\n';
    }
    return null;
  }
}

export function saveTree(tree: InstanceTree, store: KeyValueStore): void {
  const items: (ObjectInstance | Table)[] = [];
  collect(tree.root, items);
  const w = new StateWriter(items);
  // The store's own writeText called from here and fed by the writer itself: two frames
  // less at the deepest point of a Set (the 384-slot Class 2 stack, #13 item 3).
  if (store.writeText !== undefined) store.writeText(STORE_KEY, w);
  else writeStoredText(store, STORE_KEY, w);
}

function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/** Takes the stored text piece by piece and applies each complete line to the tree. */
class StateLoader {
  error = '';
  private carry = '';
  private lines = 0;
  private legacy = false;
  /** Paths of stored rows left out (rejected values): the lines under them are skipped too. */
  private readonly dropped: string[] = [];

  constructor(private readonly tree: InstanceTree) {}

  piece(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0 && this.error === ''; nl = text.indexOf('\n', start)) {
      this.line(this.carry === '' ? text.slice(start, nl) : this.carry + text.slice(start, nl));
      this.carry = '';
      start = nl + 1;
    }
    if (this.error !== '' || start >= text.length) return;
    if (this.carry.length + text.length - start > MAX_LINE_CHARS) { this.error = 'stored state has a line too long'; return; }
    this.carry += start === 0 ? text : text.slice(start);
  }

  /** "" when the whole state was applied, else why not. */
  finish(): string {
    if (this.error === '' && this.carry !== '') this.line(this.carry);
    this.carry = '';
    if (this.error === '' && this.lines === 0) this.error = 'stored state is empty';
    return this.error;
  }

  private line(text: string): void {
    if (this.error !== '') return;
    if (this.legacy) { this.error = 'stored state has an unknown format'; return; }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      this.error = 'stored state is not JSON';
      return;
    }
    if (this.lines++ === 0) {
      const d = v as { v?: unknown; o?: unknown; n?: unknown };
      if (d !== null && typeof d === 'object' && d.v === 2) return;
      if (d === null || typeof d !== 'object' || d.v !== 1 || !Array.isArray(d.o) || !Array.isArray(d.n)) { this.error = 'stored state has an unknown format'; return; }
      this.legacy = true;
      const o = d.o as unknown[];
      for (let i = 0; i < o.length; i++) {
        const entry = o[i];
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !isStringArray(entry[1])) { this.error = 'stored object entry is malformed'; return; }
        this.instance(entry[0], entry[1], 0);
        if (this.error !== '') return;
      }
      const n = d.n as unknown[];
      for (let i = 0; i < n.length; i++) if (!this.counter(n[i])) return;
      return;
    }
    if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== 'string') { this.error = 'stored line is malformed'; return; }
    if (v.length === 2 && typeof v[1] === 'number') { this.counter(v); return; }
    if (!isStringArray(v)) { this.error = 'stored object entry is malformed'; return; }
    this.instance(v[0]!, v, 1);
  }

  /** Creates the instance at `path` if it is a row not there yet, then stores values[from…] (name, value pairs). */
  private instance(path: string, values: readonly string[], from: number): void {
    const tree = this.tree;
    for (let i = 0; i < this.dropped.length; i++) if (path.startsWith(this.dropped[i]!)) return;
    let inst = tree.instanceAt(path);
    if (inst === undefined) {
      // An object this schema does not declare is one of a build with more (D14): skipped.
      // "Device.LocalAgent.MTP.3.CoAP." → "Device.LocalAgent.MTP.{i}.CoAP." (regex-free: it runs on XS and Espruino).
      const parts = path.split('.');
      for (let i = 0; i < parts.length; i++) {
        const s = parts[i]!;
        let digits = s.length > 0;
        for (let k = 0; k < s.length && digits; k++) digits = s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57;
        if (digits) parts[i] = '{i}';
      }
      if (tree.objectNodeAt(parts.join('.')) === undefined) return;
      const cut = path.lastIndexOf('.', path.length - 2);
      const table = tree.tableAt(path.slice(0, cut + 1));
      const number = Number(path.slice(cut + 1, -1));
      if (table === undefined || !Number.isInteger(number) || number < 1) { this.error = `stored row ${path} has no table`; return; }
      if (table.rows.length >= tree.maxRowsPerTable) { this.error = `stored table ${table.path} has more than ${tree.maxRowsPerTable} rows`; return; }
      // A stored enumerated value this schema rejects (an MTP's Protocol this build does not
      // run) drops the row and the lines under it. Only enumerations: they are what a build
      // with more declares wider; any other value was checked when it was written.
      for (let i = from; i + 1 < values.length; i += 2) {
        const p = named(table.node.params, values[i]!);
        if (p !== undefined && p.enumeration !== null && p.entriesOf === '' && p.getter === null && checkValue(p, values[i + 1]!).err !== 0) {
          this.dropped.push(path);
          return;
        }
      }
      inst = tree.insertRow(table, number);
    }
    for (let i = from; i + 1 < values.length; i += 2) tree.storeValue(inst, values[i]!, values[i + 1]!);
  }

  private counter(entry: unknown): boolean {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') { this.error = 'stored counter is malformed'; return false; }
    const table = this.tree.tableAt(entry[0]);
    if (table !== undefined && entry[1] > table.nextNumber) table.nextNumber = entry[1];
    return true;
  }
}

/**
 * Rebuilds `tree` (fresh, as the model built it) from storage. Returns "" when loaded, "none" when nothing is
 * stored, or why the state was rejected (the caller then seeds the factory default).
 */
export function loadTree(tree: InstanceTree, store: KeyValueStore): string {
  const loader = new StateLoader(tree);
  const read = readStoredText(store, STORE_KEY, (piece) => { if (loader.error === '') loader.piece(piece); });
  if (read === TextRead.Absent) return 'none';
  if (read === TextRead.Malformed) return 'stored state is not UTF-8';
  return loader.finish();
}
