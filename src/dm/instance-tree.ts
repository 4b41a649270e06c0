/**
 * The one owner of the instantiated tree (TR-369 §"Instantiated Data Model"): the root
 * instance, the path indexes of every live instance and table, the stored values and
 * the parsed-path cache. Everything that changes the tree — loading stored state
 * (persistence.ts), seeding the factory default, a Transaction's staged writes and
 * their undo, IoT rows reconciled with the board — calls down into this class; it
 * calls nobody back. The DataModel (model.ts) owns one and adds what sits above the
 * tree: transactions, listeners, commands, watched values and storage.
 *
 * Invariants: `instances`/`tables` index exactly the live instances and tables by path
 * (Maps, not object dictionaries: XS keys are permanent); `values` hold only what
 * differs from the schema default; a table's `nextNumber` never decreases.
 */
import { createInstance, type ObjectInstance, type Table } from './instances.ts';
import { type ParsedPath, PathKind, type ResolvedPath, SegmentKind } from './path-types.ts';
import { parsePath } from './path-parser.ts';
import { resolveParsed } from './resolver.ts';
import { type DeviceContext, type ObjectNode, type ParamNode, type Schema, named } from './schema.ts';
import type { SearchContext } from './search.ts';
import { checkValue } from './types/value.ts';

/** Parsed paths kept (FIFO) by default; a path string longer than a message is never repeated anyway. */
export const PARSE_CACHE_SIZE = 32;

export class InstanceTree implements SearchContext {
  root: ObjectInstance;
  /** Live instances and tables by instantiated path. */
  readonly instances = new Map<string, ObjectInstance>();
  readonly tables = new Map<string, Table>();
  private readonly nodesByPath = new Map<string, ObjectNode>();
  private readonly parseCache = new Map<string, ParsedPath>();

  constructor(readonly schema: Schema, readonly context: DeviceContext, readonly maxRowsPerTable: number, private readonly parseCacheSize = PARSE_CACHE_SIZE) {
    for (const n of schema.objects) this.nodesByPath.set(n.path, n);
    this.root = this.reset();
  }

  /** Drops every instance and starts again from an empty root (load failure, factory reset). */
  reset(): ObjectInstance {
    this.instances.clear();
    this.tables.clear();
    this.root = createInstance(this.schema.root, null, this.schema.root.name + '.', 0);
    this.index(this.root);
    return this.root;
  }

  private index(inst: ObjectInstance): void {
    this.instances.set(inst.path, inst);
    for (const c of inst.children.values()) this.index(c);
    for (const t of inst.tables.values()) {
      this.tables.set(t.path, t);
      for (const r of t.rows.values()) this.index(r);
    }
  }

  private unindex(inst: ObjectInstance): void {
    this.instances.delete(inst.path);
    for (const c of inst.children.values()) this.unindex(c);
    for (const t of inst.tables.values()) {
      this.tables.delete(t.path);
      for (const r of t.rows.values()) this.unindex(r);
    }
  }

  /** True while `inst` is the live instance at its path. */
  live(inst: ObjectInstance): boolean {
    return this.instances.get(inst.path) === inst;
  }

  /** Creates row `number` in `table` with its sub-objects (no checks; callers bound the table). */
  insertRow(table: Table, number: number): ObjectInstance {
    const row = createInstance(table.node, table.parent, table.path + number + '.', number);
    table.rows.set(number, row);
    if (number >= table.nextNumber) table.nextNumber = number + 1;
    this.index(row);
    return row;
  }

  /** Removes a row and everything below it from its table and the indexes. */
  removeRow(table: Table, row: ObjectInstance): void {
    table.rows.delete(row.number);
    this.unindex(row);
  }

  /** Puts a removed row back, keeping the table's rows in number order (a rolled-back delete). */
  restoreRow(table: Table, row: ObjectInstance): void {
    const rows = [...table.rows.values(), row].sort((a, b) => a.number - b.number);
    table.rows.clear();
    for (const r of rows) table.rows.set(r.number, r);
    this.index(row);
  }

  /** Removes a single-instance sub-object (an IoT row keeps only the class it has). */
  removeChild(inst: ObjectInstance, name: string): void {
    const child = inst.children.get(name);
    if (child === undefined) return;
    this.unindex(child);
    inst.children.delete(name);
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

  /** Raw write of a stored value (a Transaction checks and journals it first). */
  putValue(inst: ObjectInstance, name: string, value: string): void {
    if (inst.values === null) inst.values = new Map();
    inst.values.set(name, value);
  }

  /** Raw removal of a stored value: the parameter reads its default again. */
  dropValue(inst: ObjectInstance, name: string): void {
    if (inst.values === null) return;
    inst.values.delete(name);
    if (inst.values.size === 0) inst.values = null;
  }

  /** The stored value (undefined when the parameter holds its default). */
  stored(inst: ObjectInstance, name: string): string | undefined {
    return inst.values === null ? undefined : inst.values.get(name);
  }

  /** Value of a parameter in USP string form: getter, stored, default or row count. Hidden params read "". */
  read(inst: ObjectInstance, param: ParamNode): string {
    if (param.hidden) return '';
    if (param.entriesOf !== '') {
      const t = inst.tables.get(param.entriesOf);
      return t === undefined ? '0' : String(t.rows.size);
    }
    if (param.getter !== null) return param.getter(this.context, inst.path);
    const v = inst.values === null ? undefined : inst.values.get(param.name);
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
    for (const seg of parsed.segments) {
      if (seg.kind === SegmentKind.Wildcard || seg.follow !== null) return undefined;
      if (seg.terms !== null) for (const t of seg.terms) for (const step of t.steps) if (step.follow !== null) return undefined;
    }
    const r = resolveParsed(this, this.root, parsed);
    return r.err === 0 && r.tables.length === 0 && r.objects.length === 1 ? r.objects[0] : undefined;
  }

  objectNodeAt(supportedPath: string): ObjectNode | undefined {
    return this.nodesByPath.get(supportedPath);
  }
}
