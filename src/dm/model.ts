/**
 * The instantiated data model (TR-369 §"Instantiated Data Model") as the message
 * processor sees it (DataModelApi): the instance tree (instance-tree.ts, which owns
 * instances, indexes and values), transactions, the command registry, change
 * listeners, bounded polling of getter-backed values, and storage.
 *
 * Calls run one way: the model calls the tree, persistence and transactions; they
 * call the tree; nothing calls back up. Writes happen only through a Transaction
 * (transaction.ts); listeners run only after a commit.
 */
import type { KeyValueStore } from '../platform/types.ts';
import { DmError } from './errors.ts';
import type { ObjectInstance, Table } from './instances.ts';
import { InstanceTree } from './instance-tree.ts';
import type {
  ChangeListener, CommandHandler, CommandInputCheck, DataModelApi, DataModelOptions, FactoryDefault, Transaction,
} from './model-types.ts';
import { PathKind, type ResolvedPath, type SupportedPath } from './path-types.ts';
import { loadTree, saveTree } from './persistence.ts';
import { fillKeys } from './unique-keys.ts';
import { resolveSupportedPath } from './resolver.ts';
import { type CommandNode, type DeviceContext, type ObjectNode, type ParamNode, type Schema, named } from './schema.ts';
import { ModelTransaction } from './transaction.ts';
import { checkCommandInput } from './command-input.ts';

const DEFAULT_MAX_ROWS = 64;
const DEFAULT_MAX_WATCHED = 32;

interface Watched {
  readonly inst: ObjectInstance;
  readonly param: ParamNode;
  last: string;
}

export class DataModel implements DataModelApi {
  readonly schema: Schema;
  readonly context: DeviceContext;
  /** The instance tree: sole owner of instances, path indexes and stored values. */
  readonly tree: InstanceTree;
  readonly store: KeyValueStore | undefined;
  readonly factoryDefault: FactoryDefault | (() => FactoryDefault);
  readonly maxWatched: number;
  readonly listeners: ChangeListener[] = [];
  /** Why the stored state was not used at start-up ("" when it was, or when none existed). */
  loadError = '';
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly watched = new Map<string, Watched>();
  private openTx: ModelTransaction | null = null;

  constructor(options: DataModelOptions) {
    this.schema = options.schema;
    this.context = options.context;
    this.store = options.store;
    this.factoryDefault = options.factoryDefault;
    this.maxWatched = options.maxWatched ?? DEFAULT_MAX_WATCHED;
    this.tree = new InstanceTree(this.schema, this.context, options.maxRowsPerTable ?? DEFAULT_MAX_ROWS, options.parseCacheSize);
    const loaded = this.store === undefined ? 'none' : loadTree(this.tree, this.store);
    if (loaded !== '') {
      if (loaded !== 'none') this.loadError = loaded;
      this.tree.reset();
      this.seed();
    }
  }

  get root(): ObjectInstance {
    return this.tree.root;
  }

  /** Applies the factory default to a fresh tree, then persists it. */
  private seed(): void {
    const tree = this.tree;
    const fd = typeof this.factoryDefault === 'function' ? this.factoryDefault() : this.factoryDefault;
    for (let i = 0; i < fd.rows.length; i++) {
      const row = fd.rows[i]!;
      const cut = row.path.lastIndexOf('.', row.path.length - 2);
      const table = tree.tableAt(row.path.slice(0, cut + 1));
      const number = Number(row.path.slice(cut + 1, -1));
      if (table === undefined || !(number >= 1) || table.row(number) !== undefined) continue;
      const inst = tree.insertRow(table, number);
      for (let k = 0; k < row.values.length; k++) tree.storeValue(inst, row.values[k]![0], row.values[k]![1]);
      fillKeys(tree, inst, null);
    }
    for (let i = 0; i < fd.params.length; i++) {
      const path = fd.params[i]![0];
      const dot = path.lastIndexOf('.');
      const inst = tree.instanceAt(path.slice(0, dot + 1));
      if (inst !== undefined) tree.storeValue(inst, path.slice(dot + 1), fd.params[i]![1]);
    }
    this.save();
  }

  /** Writes the persistent state (one atomic KeyValueStore.set). */
  save(): void {
    if (this.store !== undefined) saveTree(this.tree, this.store);
  }

  setTime(now: number, wallClock: number | undefined): void {
    this.context.now = now;
    this.context.wallClock = wallClock;
  }

  resolve(path: string): ResolvedPath {
    return this.tree.resolve(path);
  }

  covers(path: string, inst: ObjectInstance): boolean {
    const r = this.resolve(path);
    if (r.err !== 0 || r.kind !== PathKind.Object) return false;
    for (let i = 0; i < r.objects.length; i++) if (inst.path.startsWith(r.objects[i]!.path)) return true;
    for (let i = 0; i < r.tables.length; i++) if (inst.path.startsWith(r.tables[i]!.path)) return true;
    return false;
  }

  resolveSupported(path: string): SupportedPath {
    return resolveSupportedPath(this.schema.root, path);
  }

  read(inst: ObjectInstance, param: ParamNode): string {
    return this.tree.read(inst, param);
  }

  instanceAt(path: string): ObjectInstance | undefined {
    return this.tree.instanceAt(path);
  }

  tableAt(path: string): Table | undefined {
    return this.tree.tableAt(path);
  }

  uniqueKeyValues(inst: ObjectInstance): Map<string, string> {
    const out = new Map<string, string>();
    const keys = inst.node.uniqueKeys;
    for (let k = 0; k < keys.length; k++) {
      for (let i = 0; i < keys[k]!.params.length; i++) {
        const name = keys[k]!.params[i]!;
        const p = named(inst.node.params, name);
        if (p !== undefined) out.set(name, this.read(inst, p));
      }
    }
    return out;
  }

  begin(): Transaction {
    if (this.openTx !== null && this.openTx.open) this.openTx.rollback();
    this.openTx = new ModelTransaction(this.tree, this.listeners, this);
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
    for (const w of this.watched.values()) {
      if (!this.tree.live(w.inst)) { this.watched.delete(w.inst.path + w.param.name); continue; }
      const v = this.read(w.inst, w.param);
      if (v === w.last) continue;
      w.last = v;
      for (let i = 0; i < this.listeners.length; i++) this.listeners[i]!.handleValueChange(w.inst, w.param, v);
    }
  }

  factoryReset(): void {
    if (this.openTx !== null && this.openTx.open) this.openTx.rollback();
    this.watched.clear();
    this.tree.reset();
    this.seed();
  }
}

/** Builds the model: loads the persisted state, or seeds the factory default when there is none (or it is unreadable). */
export function createDataModel(options: DataModelOptions): DataModel {
  return new DataModel(options);
}
