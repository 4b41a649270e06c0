/**
 * The public contract of the instantiated data model (see README-API.md): what the
 * message processor calls. Implemented by model.ts (DataModel) and transaction.ts.
 *
 * Read path: resolve(path) → objects + element → read(inst, param).
 * Write path: begin() → set/add/delete (staged in place with an undo journal) →
 * validate() → commit() (persist + notify listeners) or rollback().
 */
import type { KeyValueStore } from '../platform/types.ts';
import type { ObjectInstance, Table } from './instances.ts';
import type { ResolvedPath, SupportedPath } from './path-types.ts';
import type { CommandNode, DeviceContext, ObjectNode, ParamNode, Schema } from './schema.ts';

/** Who writes: decides which access rules apply. */
export const WriteMode = {
  /** Set message: readWrite params only; writeOnceReadOnly once; non-functional keys frozen (R-KEY.1). */
  Set: 0,
  /** Add message params of a row created in this transaction: writeOnceReadOnly counts as its one write. */
  Add: 1,
  /** The agent itself (Recipient, CreationDate, Request.Status…): no access checks. */
  Agent: 2,
} as const;
export type WriteMode = (typeof WriteMode)[keyof typeof WriteMode];

/** One failure found by Transaction.validate(). */
export interface WriteFailure {
  /** Instance path (or param path for a reference failure). */
  readonly path: string;
  readonly err: number;
  readonly message: string;
}

export interface Transaction {
  /** Error code and text of the last failed call (0 / "" after a success). */
  readonly err: number;
  readonly message: string;
  /** Stages a parameter value (USP string form). Returns 0 or 7010/7011/7012/7013/7016/7025… */
  set(inst: ObjectInstance, param: string, value: string, mode?: WriteMode): number;
  /** Creates a row (number assigned, Alias "cpe-N" and other keys filled, R-ADD.5). null on error (see err). */
  add(table: Table, mode?: WriteMode): ObjectInstance | null;
  /** Deletes a row and everything below it; strong references to it are cleared at commit (R-ARC.12). */
  deleteInstance(inst: ObjectInstance, mode?: WriteMode): number;
  /** Savepoint for per-object undo (allow_partial=true, R-SET.2a per obj_path). */
  mark(): number;
  rollbackTo(mark: number): void;
  /** Unique keys of every touched row (judged after the whole message, §4 item 3) and strong refs. */
  validate(): readonly WriteFailure[];
  /** Validates; on failure returns 7025/7012 and stays open (caller rolls back). Else persists, notifies, closes. */
  commit(): number;
  /** Undoes everything staged and closes. */
  rollback(): void;
  /** True when `inst` (or a row above it) was created in this transaction. */
  createdHere(inst: ObjectInstance): boolean;
}

/** Called after a commit, once per change, in the order they happened (§Self: whoever caused them). */
export interface ChangeListener {
  /** Only for params whose valueChange is Allowed, and only when the value really changed. */
  handleValueChange(inst: ObjectInstance, param: ParamNode, value: string): void;
  handleObjectCreation(inst: ObjectInstance): void;
  /** `path` is the deleted instance path; also called for rows deleted below it. */
  handleObjectDeletion(path: string, node: ObjectNode): void;
}

export interface CommandInvocation {
  readonly target: ObjectInstance;
  readonly command: CommandNode;
  /** Full command path with instance numbers: "Device.LocalAgent.Controller.1.SendOnBoardRequest()". */
  readonly path: string;
  /** Input arguments with defaults applied (see DataModel.checkCommandInput). */
  readonly input: ReadonlyMap<string, string>;
  readonly commandKey: string;
}

export interface CommandOutcome {
  /** 0, or a CommandFailure code (7022…). */
  readonly err: number;
  readonly message: string;
  readonly output: ReadonlyMap<string, string> | null;
}

/** Behaviour of a command; registered by the layer that owns it (agent/). Async completion is that layer's job. */
export type CommandHandler = (model: DataModelApi, inv: CommandInvocation) => CommandOutcome;

/** checkCommandInput result: R-OPR.5 (7027 on a missing mandatory arg), R-OPR.6 (unknown ignored), R-OPR.7 (defaults). */
export interface CommandInputCheck {
  readonly err: number;
  readonly message: string;
  readonly input: Map<string, string>;
}

export interface FactoryRow {
  /** Instance path with numbers: "Device.LocalAgent.ControllerTrust.Role.1." */
  readonly path: string;
  readonly values: readonly (readonly [string, string])[];
}

/** The default configuration a fresh or factory-reset device starts from. */
export interface FactoryDefault {
  /** Rows to create, parents before children. */
  readonly rows: readonly FactoryRow[];
  /** Values of parameters of single-instance objects: [paramPath, value]. */
  readonly params: readonly (readonly [string, string])[];
}

export interface DataModelOptions {
  readonly schema: Schema;
  readonly context: DeviceContext;
  /** Persistent storage; omitted = nothing survives (tests). */
  readonly store?: KeyValueStore;
  /**
   * The default configuration, or a function building it: called only when the model
   * seeds a fresh or factory-reset tree, so a device does not keep it in RAM (XS: ~150
   * slots and ~7 KB of strings for the default roles and board rows, docs/budgets.md).
   */
  readonly factoryDefault: FactoryDefault | (() => FactoryDefault);
  /** Bound on rows per table when the schema gives no maxEntries (DESIGN.md "Bounded everything"). */
  readonly maxRowsPerTable?: number;
  /** Bound on polled parameters (DataModel.watch). */
  readonly maxWatched?: number;
  /** Parsed paths the tree keeps (default 32; 0 = none): ≈ 60 JsVar blocks each on Espruino. */
  readonly parseCacheSize?: number;
}

export interface DataModelApi {
  readonly schema: Schema;
  readonly context: DeviceContext;
  readonly root: ObjectInstance;
  /** Supplies the time getters read (UpTime, CurrentLocalTime). */
  setTime(now: number, wallClock: number | undefined): void;
  /** Resolves an instantiated path (object, instance, param, command, event, search). */
  resolve(path: string): ResolvedPath;
  /**
   * True when the object path (or search path) `path` resolves to `inst` or to an object or
   * table above it: object paths cover their subtree (Permission.Targets, ReferenceList
   * object paths "every param below", ObjectCreation on a table path).
   */
  covers(path: string, inst: ObjectInstance): boolean;
  /** Resolves a supported-DM path ("{i}" or numbers accepted; §4 item 6). */
  resolveSupported(path: string): SupportedPath;
  /** Value of a parameter in USP string form (getter, stored, default or row count). Hidden params read "". */
  read(inst: ObjectInstance, param: ParamNode): string;
  /** Exact lookup of an instance path ("Device.LocalAgent.Controller.1.") or undefined. */
  instanceAt(path: string): ObjectInstance | undefined;
  /** Exact lookup of a table path ("Device.LocalAgent.Controller.") or undefined. */
  tableAt(path: string): Table | undefined;
  /** Values of every unique-key parameter of a row (ObjectCreation unique_keys, R-ADD.5). */
  uniqueKeyValues(inst: ObjectInstance): Map<string, string>;
  begin(): Transaction;
  addListener(listener: ChangeListener): void;
  removeListener(listener: ChangeListener): void;
  /** Binds behaviour to "Device.Reboot()" / "Device.LocalAgent.Controller.{i}.SendOnBoardRequest()". 7026 if unknown. */
  registerCommand(supportedPath: string, handler: CommandHandler): number;
  commandHandler(objectNode: ObjectNode, command: CommandNode): CommandHandler | undefined;
  checkCommandInput(command: CommandNode, input: ReadonlyMap<string, string>): CommandInputCheck;
  /** Bounded polling of getter-backed params for ValueChange; 7005 past maxWatched. */
  watch(inst: ObjectInstance, param: ParamNode): number;
  unwatch(inst: ObjectInstance, param: ParamNode): void;
  /** Re-reads watched params; calls handleValueChange for those that changed. */
  pollWatched(): void;
  /** Back to the factory default: storage wiped, counters reset, rows recreated. */
  factoryReset(): void;
}
