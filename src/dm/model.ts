/**
 * The instantiated data model (TR-369 §"Instantiated Data Model"): the instance tree,
 * path resolution, value reads, the command registry, change listeners, bounded
 * polling of getter-backed values and persistence hooks.
 *
 * Invariants: `instances`/`tables` index every live instance and table by path (Maps,
 * not object dictionaries: XS keys are permanent); writes happen only through a
 * Transaction (transaction.ts); listeners run only after a commit.
 */
import type { KeyValueStore } from '../platform/types.ts';
import { DmError } from './errors.ts';
import { createInstance, type ObjectInstance, type Table } from './instances.ts';
import type {
  ChangeListener, CommandHandler, CommandInputCheck, DataModelApi, DataModelOptions, FactoryDefault, Transaction,
} from './model-types.ts';
import { type ParsedPath, PathKind, type ResolvedPath, SegmentKind, type SupportedPath } from './path-types.ts';
import { parsePath } from './path-parser.ts';
import { loadModel, saveModel } from './persistence.ts';
import { fillKeys } from './unique-keys.ts';
import { resolveParsed, resolveSupportedPath } from './resolver.ts';
import { type CommandNode, type DeviceContext, type ObjectNode, type ParamNode, type Schema, named } from './schema.ts';
import type { SearchContext } from './search.ts';
import { ModelTransaction } from './transaction.ts';
import { checkValue } from './types/value.ts';
import { checkCommandInput } from './command-input.ts';

const DEFAULT_MAX_ROWS = 64;
const DEFAULT_MAX_WATCHED = 32;
/** Parsed paths kept (FIFO); a path string longer than a message is never repeated anyway. */
const PARSE_CACHE_SIZE = 32;

interface Watched {
  readonly inst: ObjectInstance;
  readonly param: ParamNode;
  last: string;
}

export class DataModel implements DataModelApi, SearchContext {
  readonly schema: Schema;
  readonly context: DeviceContext;
  root: ObjectInstance;
  readonly store: KeyValueStore | undefined;
  readonly factoryDefault: FactoryDefault;
  readonly maxRowsPerTable: number;
  readonly maxWatched: number;
  /** Live instances and tables by instantiated path. */
  readonly instances = new Map<string, ObjectInstance>();
  readonly tables = new Map<string, Table>();
  readonly listeners: ChangeListener[] = [];
  /** Why the stored state was not used at start-up ("" when it was, or when none existed). */
  loadError = '';
  private readonly nodesByPath = new Map<string, ObjectNode>();
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly watched = new Map<string, Watched>();
  private readonly parseCache = new Map<string, ParsedPath>();
  private openTx: ModelTransaction | null = null;

  constructor(options: DataModelOptions) {
    this.schema = options.schema;
    this.context = options.context;
    this.store = options.store;
    this.factoryDefault = options.factoryDefault;
    this.maxRowsPerTable = options.maxRowsPerTable ?? DEFAULT_MAX_ROWS;
    this.maxWatched = options.maxWatched ?? DEFAULT_MAX_WATCHED;
    for (const n of this.schema.objects) this.nodesByPath.set(n.path, n);
    this.root = this.freshRoot();
    const loaded = this.store === undefined ? 'none' : loadModel(this, this.store);
    if (loaded !== '') {
      if (loaded !== 'none') this.loadError = loaded;
      this.root = this.freshRoot();
      this.seed();
    }
  }

  private freshRoot(): ObjectInstance {
    this.instances.clear();
    this.tables.clear();
    const root = createInstance(this.schema.root, null, this.schema.root.name + '.', 0);
    this.indexInstance(root);
    return root;
  }

  /** Adds `inst` and everything below it to the path indexes. */
  indexInstance(inst: ObjectInstance): void {
    this.instances.set(inst.path, inst);
    for (const c of inst.children.values()) this.indexInstance(c);
    for (const t of inst.tables.values()) {
      this.tables.set(t.path, t);
      for (const r of t.rows.values()) this.indexInstance(r);
    }
  }

  unindexInstance(inst: ObjectInstance): void {
    this.instances.delete(inst.path);
    for (const c of inst.children.values()) this.unindexInstance(c);
    for (const t of inst.tables.values()) {
      this.tables.delete(t.path);
      for (const r of t.rows.values()) this.unindexInstance(r);
    }
  }

  /** Creates row `number` in `table` (no checks, no journal): used by load, seed and Transaction.add. */
  insertRow(table: Table, number: number): ObjectInstance {
    const row = createInstance(table.node, table.parent, table.path + number + '.', number);
    table.rows.set(number, row);
    if (number >= table.nextNumber) table.nextNumber = number + 1;
    this.indexInstance(row);
    return row;
  }

  /** Stores a value without journal or access checks (load and seed only). */
  storeValue(inst: ObjectInstance, name: string, value: string): boolean {
    const p = named(inst.node.params, name);
    if (p === undefined || p.entriesOf !== '' || p.getter !== null) return false;
    const r = checkValue(p, value);
    if (r.err !== 0) return false;
    if (inst.values === null) inst.values = new Map();
    inst.values.set(name, r.value);
    return true;
  }

  /** Applies the factory default to a fresh tree, then persists it. */
  private seed(): void {
    for (const row of this.factoryDefault.rows) {
      const cut = row.path.lastIndexOf('.', row.path.length - 2);
      const table = this.tables.get(row.path.slice(0, cut + 1));
      const number = Number(row.path.slice(cut + 1, -1));
      if (table === undefined || !(number >= 1) || table.rows.has(number)) continue;
      const inst = this.insertRow(table, number);
      for (const [name, value] of row.values) this.storeValue(inst, name, value);
      fillKeys(this, inst, (name, v) => { this.storeValue(inst, name, v); });
    }
    for (const [path, value] of this.factoryDefault.params) {
      const dot = path.lastIndexOf('.');
      const inst = this.instances.get(path.slice(0, dot + 1));
      if (inst !== undefined) this.storeValue(inst, path.slice(dot + 1), value);
    }
    this.save();
  }

  /** Writes the persistent state (one atomic KeyValueStore.set). */
  save(): void {
    if (this.store !== undefined) saveModel(this, this.store);
  }

  setTime(now: number, wallClock: number | undefined): void {
    this.context.now = now;
    this.context.wallClock = wallClock;
  }

  /**
   * Parsed form of `path`, from a small bounded cache: the same paths come back on every
   * message (ACL Targets, Subscription ReferenceLists, references), and parsing is most of
   * a Get's transient allocation in XS. Parsed paths are immutable, so sharing them is safe.
   */
  private parsed(path: string): ParsedPath {
    const hit = this.parseCache.get(path);
    if (hit !== undefined) return hit;
    const p = parsePath(path);
    if (this.parseCache.size >= PARSE_CACHE_SIZE) this.parseCache.delete(this.parseCache.keys().next().value!);
    this.parseCache.set(path, p);
    return p;
  }

  resolve(path: string): ResolvedPath {
    return resolveParsed(this, this.root, this.parsed(path));
  }

  covers(path: string, inst: ObjectInstance): boolean {
    const r = this.resolve(path);
    if (r.err !== 0 || r.kind !== PathKind.Object) return false;
    for (const o of r.objects) if (inst.path.startsWith(o.path)) return true;
    for (const t of r.tables) if (inst.path.startsWith(t.path)) return true;
    return false;
  }

  resolveSupported(path: string): SupportedPath {
    return resolveSupportedPath(this.schema.root, path);
  }

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

  instanceAt(path: string): ObjectInstance | undefined {
    return this.instances.get(path);
  }

  tableAt(path: string): Table | undefined {
    return this.tables.get(path);
  }

  uniqueKeyValues(inst: ObjectInstance): Map<string, string> {
    const out = new Map<string, string>();
    for (const key of inst.node.uniqueKeys) {
      for (const name of key.params) {
        const p = named(inst.node.params, name);
        if (p !== undefined) out.set(name, this.read(inst, p));
      }
    }
    return out;
  }

  begin(): Transaction {
    if (this.openTx !== null && this.openTx.open) this.openTx.rollback();
    this.openTx = new ModelTransaction(this);
    return this.openTx;
  }

  addListener(listener: ChangeListener): void {
    if (this.listeners.indexOf(listener) < 0) this.listeners.push(listener);
  }

  removeListener(listener: ChangeListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  registerCommand(supportedPath: string, handler: CommandHandler): number {
    const r = this.resolveSupported(supportedPath);
    if (r.err !== 0 || r.kind !== PathKind.Command || r.node === null) return r.err || DmError.InvalidPath;
    this.handlers.set(r.node.path + (r.element as CommandNode).name, handler);
    return DmError.Ok;
  }

  commandHandler(objectNode: ObjectNode, command: CommandNode): CommandHandler | undefined {
    return this.handlers.get(objectNode.path + command.name);
  }

  checkCommandInput(command: CommandNode, input: ReadonlyMap<string, string>): CommandInputCheck {
    return checkCommandInput(command, input);
  }

  watch(inst: ObjectInstance, param: ParamNode): number {
    const key = inst.path + param.name;
    if (this.watched.has(key)) return DmError.Ok;
    if (this.watched.size >= this.maxWatched) return DmError.ResourcesExceeded;
    this.watched.set(key, { inst, param, last: this.read(inst, param) });
    return DmError.Ok;
  }

  unwatch(inst: ObjectInstance, param: ParamNode): void {
    this.watched.delete(inst.path + param.name);
  }

  pollWatched(): void {
    for (const [key, w] of this.watched) {
      if (this.instances.get(w.inst.path) !== w.inst) { this.watched.delete(key); continue; }
      const v = this.read(w.inst, w.param);
      if (v === w.last) continue;
      w.last = v;
      for (const l of this.listeners) l.handleValueChange(w.inst, w.param, v);
    }
  }

  factoryReset(): void {
    if (this.openTx !== null && this.openTx.open) this.openTx.rollback();
    this.watched.clear();
    this.root = this.freshRoot();
    this.seed();
  }
}

/** Builds the model: loads the persisted state, or seeds the factory default when there is none (or it is unreadable). */
export function createDataModel(options: DataModelOptions): DataModel {
  return new DataModel(options);
}
