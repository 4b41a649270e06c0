/**
 * The one owner of the instantiated tree (TR-369 §"Instantiated Data Model"): the root
 * instance, the stored values and the parsed-path cache. Everything that changes the
 * tree — loading stored state (persistence.ts), seeding the factory default, a
 * Transaction's staged writes and their undo, IoT rows reconciled with the board —
 * calls down into this class; it calls nobody back. The DataModel (model.ts) owns one
 * and adds what sits above the tree: transactions, listeners, commands, watched values
 * and storage.
 *
 * Instances and tables are found by walking the tree along the path (a few name
 * comparisons per segment, nothing allocated), not through a path index: an index
 * cost three XS slots per instance and table plus a Map per table (docs/budgets.md).
 *
 * Invariants: `values` hold only what differs from the schema default; a table's
 * `nextNumber` never decreases; a table's rows stay in number order.
 */
import { createInstance, NONE, ObjectInstance, Table } from './instances.ts';
import { type ParsedPath, PathKind, type ResolvedPath, SegmentKind } from './path-types.ts';
import { parsePath } from './path-parser.ts';
import { resolveParsed } from './resolver.ts';
import { type DeviceContext, type ObjectNode, type ParamNode, type Schema, named } from './schema.ts';
import type { SearchContext } from './search.ts';
import { checkValue } from './types/value.ts';

/** Parsed paths kept (FIFO) by default; a path string longer than a message is never repeated anyway. */
export const PARSE_CACHE_SIZE = 8;

export class InstanceTree implements SearchContext {
  root: ObjectInstance;
  private readonly parseCache = new Map<string, ParsedPath>();

  constructor(readonly schema: Schema, readonly context: DeviceContext, readonly maxRowsPerTable: number, private readonly parseCacheSize = PARSE_CACHE_SIZE) {
    this.root = this.reset();
  }

  /** Drops every instance and starts again from an empty root (load failure, factory reset). */
  reset(): ObjectInstance {
    this.root = createInstance(this.schema.root, null, this.schema.root.name + '.', 0);
    return this.root;
  }

  /**
   * The instance or table at an instantiated path of names and instance numbers
   * ("Device.LocalAgent.Controller.1." / "Device.LocalAgent.Controller."), or undefined.
   */
  locate(path: string): ObjectInstance | Table | undefined {
    const rootName = this.root.node.name;
    if (!path.startsWith(rootName) || path.charCodeAt(rootName.length) !== 46) return undefined;
    let cur: ObjectInstance | Table = this.root;
    let start = rootName.length + 1;
    while (start < path.length) {
      const end = path.indexOf('.', start);
      if (end < 0) return undefined; // an object or table path ends with "."
      let next: ObjectInstance | Table | null | undefined;
      if (cur instanceof Table) {
        // The row number written at path[start, end): canonical decimal ≥ 1, else 0 (no row).
        let n = end === start || end - start > 9 || path.charCodeAt(start) === 48 ? -1 : 0;
        for (let i = start; i < end && n >= 0; i++) {
          const c = path.charCodeAt(i);
          n = c < 48 || c > 57 ? -1 : n * 10 + (c - 48);
        }
        next = cur.row(n < 0 ? 0 : n);
      } else {
        const objects = cur.node.objects;
        next = undefined;
        for (let i = 0; i < objects.length; i++) {
          const name = objects[i]!.name;
          if (name.length === end - start && path.startsWith(name, start)) { next = cur.sub[i]; break; }
        }
      }
      if (next === undefined || next === null) return undefined;
      cur = next;
      start = end + 1;
    }
    return cur;
  }

  /** Exact lookup of an instance path, or undefined. */
  instanceAt(path: string): ObjectInstance | undefined {
    const found = this.locate(path);
    return found instanceof ObjectInstance ? found : undefined;
  }

  /** Exact lookup of a table path, or undefined. */
  tableAt(path: string): Table | undefined {
    const found = this.locate(path);
    return found instanceof Table ? found : undefined;
  }

  /** True while `inst` is attached to the tree (it and every instance above it). */
  live(inst: ObjectInstance): boolean {
    let i = inst;
    for (let p = i.parent; p !== null; p = i.parent) {
      const at = p.sub[p.node.objects.indexOf(i.node)];
      if (at instanceof Table ? at.row(i.number) !== i : at !== i) return false;
      i = p;
    }
    return i === this.root;
  }

  /** The table `row` belongs to (undefined for single-instance objects and the root). */
  tableOf(row: ObjectInstance): Table | undefined {
    const p = row.parent;
    if (p === null || row.number === 0) return undefined;
    const t = p.sub[p.node.objects.indexOf(row.node)];
    return t instanceof Table ? t : undefined;
  }

  /** Creates row `number` in `table` with its sub-objects (no checks; callers bound the table). */
  insertRow(table: Table, number: number): ObjectInstance {
    const row = createInstance(table.node, table.parent, table.parent.path + table.node.name + '.' + number + '.', number);
    this.attach(table, row);
    if (number >= table.nextNumber) table.nextNumber = number + 1;
    return row;
  }

  /** Puts `row` into `table` at its place in number order: a new row, or a removed one back (a rolled-back delete). */
  attach(table: Table, row: ObjectInstance): void {
    if (table.rows.indexOf(row) >= 0) return;
    const rows = table.rows.length === 0 ? [] : table.rows;
    let i = rows.length;
    while (i > 0 && rows[i - 1]!.number > row.number) i--;
    rows.splice(i, 0, row);
    table.rows = rows;
  }

  /** Removes a row and everything below it from its table. */
  removeRow(table: Table, row: ObjectInstance): void {
    const i = table.rows.indexOf(row);
    if (i < 0) return;
    if (table.rows.length === 1) table.rows = NONE as never[];
    else table.rows.splice(i, 1);
  }

  /** Removes a single-instance sub-object (an IoT row keeps only the class it has). */
  removeChild(inst: ObjectInstance, name: string): void {
    const objects = inst.node.objects;
    for (let i = 0; i < objects.length; i++) if (objects[i]!.name === name && inst.sub[i] instanceof ObjectInstance) inst.sub[i] = null;
  }

  /** Stores a checked value without journal or access checks (load, seed, board rows). False if refused. */
  storeValue(inst: ObjectInstance, name: string, value: string): boolean {
    const p = named(inst.node.params, name);
    if (p === undefined || p.entriesOf !== '' || p.getter !== null) return false;
    const r = checkValue(p, value);
    if (r.err !== 0) return false;
    this.putValue(inst, name, r.value);
    return true;
  }

  /** Raw write of a stored value (a Transaction checks and journals it first); undefined removes it (the default reads again). */
  putValue(inst: ObjectInstance, name: string, value: string | undefined): void {
    const p = inst.pairs;
    for (let i = 0; i < p.length; i += 2) {
      if (p[i] !== name) continue;
      if (value !== undefined) p[i + 1] = value;
      else if (p.length === 2) inst.pairs = NONE as never[];
      else p.splice(i, 2);
      return;
    }
    if (value === undefined) return;
    // Keep the schema's own name string, never a copy that came in a message.
    const own = named(inst.node.params, name)?.name ?? name;
    if (p.length === 0) inst.pairs = [own, value];
    else p.push(own, value);
  }

  /** Value of a parameter in USP string form: getter, stored, default or row count. Hidden params read "". */
  read(inst: ObjectInstance, param: ParamNode): string {
    if (param.hidden) return '';
    if (param.entriesOf !== '') {
      const t = inst.table(param.entriesOf);
      return t === undefined ? '0' : String(t.rows.length);
    }
    if (param.getter !== null) return param.getter(this.context, inst.path);
    const v = inst.stored(param.name);
    return v === undefined ? param.defaultValue : v;
  }

  /**
   * Parsed form of `path`, from a small bounded cache: the same paths come back on every
   * message (ACL Targets, Subscription ReferenceLists, references), and parsing is most of
   * a Get's transient allocation in XS. Parsed paths are immutable, so sharing them is safe.
   */
  parsed(path: string): ParsedPath {
    const hit = this.parseCache.get(path);
    if (hit !== undefined) return hit;
    const p = parsePath(path);
    if (this.parseCacheSize === 0) return p;
    if (this.parseCache.size >= this.parseCacheSize) this.parseCache.delete(this.parseCache.keys().next().value!);
    this.parseCache.set(path, p);
    return p;
  }

  resolve(path: string): ResolvedPath {
    return resolveParsed(this, this.root, this.parsed(path));
  }

  /** SearchContext: the single instance a reference value names (numbers or unique keys, R-ARC.11). */
  referenced(value: string): ObjectInstance | undefined {
    if (value === '') return undefined;
    const parsed = this.parsed(value.endsWith('.') ? value : value + '.');
    if (parsed.err !== 0 || parsed.kind !== PathKind.Object) return undefined;
    // A reference holds a Path Name, at most with key addressing (R-ARC.11): no wildcard and no
    // reference hops, which also rules out a weak reference whose search follows itself forever.
    const segs = parsed.segments;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.kind === SegmentKind.Wildcard || seg.follow !== null) return undefined;
      const terms = seg.terms;
      if (terms !== null) {
        for (let t = 0; t < terms.length; t++) {
          const steps = terms[t]!.steps;
          for (let k = 0; k < steps.length; k++) if (steps[k]!.follow !== null) return undefined;
        }
      }
    }
    const r = resolveParsed(this, this.root, parsed);
    return r.err === 0 && r.tables.length === 0 && r.objects.length === 1 ? r.objects[0] : undefined;
  }

  /** The schema object at a supported path ("Device.LocalAgent.Controller.{i}."), from the schema's list. */
  objectNodeAt(supportedPath: string): ObjectNode | undefined {
    const objects = this.schema.objects;
    for (let i = 0; i < objects.length; i++) if (objects[i]!.path === supportedPath) return objects[i];
    return undefined;
  }
}
