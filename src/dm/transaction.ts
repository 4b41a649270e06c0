/**
 * Atomic multi-object writes (TR-369 R-SET.1/2a, R-ADD.1/2a, R-DEL.1, §4 items 1–3).
 * Changes are applied in place and recorded in an undo journal; `mark`/`rollbackTo`
 * undo one obj_path, `rollback` undoes everything, `commit` validates unique keys
 * over the whole message, persists once and then notifies listeners.
 *
 * Invariants: between begin and commit/rollback, reads see staged values; the model
 * after rollback equals the model before begin (numbers counters included); listeners
 * never see rolled-back changes; strong references to deleted rows are cleared in
 * the same transaction (R-ARC.12) so a rollback restores them too.
 */
import { DmError } from './errors.ts';
import { forEachInstance, type ObjectInstance, type Table } from './instances.ts';
import type { ChangeListener, Transaction, WriteFailure } from './model-types.ts';
import { WriteMode } from './model-types.ts';
import type { InstanceTree } from './instance-tree.ts';
import { ObjAccess, ParamAccess, type ParamNode, ParamType, named } from './schema.ts';
import { checkValue, splitList } from './types/value.ts';
import { duplicateKeys, fillKeys, isKeyParam, isNonFunctionalKeyParam } from './unique-keys.ts';

const OP_SET = 1;
const OP_ADD = 2;
const OP_DELETE = 3;

interface JournalEntry {
  readonly op: number;
  readonly inst: ObjectInstance;
  /** OP_SET: param name and previous stored value (undefined = none). */
  readonly name: string;
  readonly old: string | undefined;
  /** OP_ADD: the table and its counter before. OP_DELETE: the table. */
  readonly table: Table | null;
  readonly oldNext: number;
}

/** "Device.X.1." → "Device.X.1" (reference values carry no final dot). */
function refForm(path: string): string {
  return path.endsWith('.') ? path.slice(0, -1) : path;
}

export class ModelTransaction implements Transaction {
  err = 0;
  message = '';
  open = true;
  private readonly journal: JournalEntry[] = [];
  private readonly created = new Set<ObjectInstance>();

  /**
   * @param tree      the instance tree the writes go to (in place, journaled)
   * @param listeners told of committed changes, in order
   * @param persist   writes the committed state (throws when storage fails: the commit is then undone)
   */
  constructor(
    private readonly tree: InstanceTree,
    private readonly listeners: readonly ChangeListener[],
    private readonly persist: () => void,
  ) {}

  private fail(err: number, message: string): number {
    this.err = err;
    this.message = message;
    return err;
  }

  private ok(): number {
    this.err = 0;
    this.message = '';
    return 0;
  }

  /** The row holding `inst` (or a row above it) was created in this transaction. */
  createdHere(inst: ObjectInstance): boolean {
    for (let i: ObjectInstance | null = inst; i !== null; i = i.parent) if (this.created.has(i)) return true;
    return false;
  }

  private live(inst: ObjectInstance): boolean {
    return this.tree.live(inst);
  }

  /** Stores a value and journals the old one. */
  private put(inst: ObjectInstance, name: string, value: string): void {
    this.journal.push({ op: OP_SET, inst, name, old: this.tree.stored(inst, name), table: null, oldNext: 0 });
    this.tree.putValue(inst, name, value);
  }

  /** Canonical reference value: every item resolved to instance numbers (R-ARC.11); strong ones must exist (R-ARC.12). */
  private reference(p: ParamNode, value: string): string | null {
    const items = splitList(value);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item === '') continue;
      const target = this.tree.referenced(item);
      const okTarget = target !== undefined && (target.node.path === p.reference!.targetParent);
      if (okTarget) items[i] = refForm(target.path);
      else if (p.reference!.strong) return null;
    }
    return items.join(',');
  }

  set(inst: ObjectInstance, name: string, value: string, mode: WriteMode = WriteMode.Set): number {
    if (!this.open) return this.fail(DmError.InternalError, 'transaction closed');
    if (!this.live(inst)) return this.fail(DmError.ObjectDoesNotExist, `${inst.path} does not exist`);
    const p = named(inst.node.params, name);
    if (p === undefined) return this.fail(DmError.UnsupportedParameter, `no parameter ${name} in ${inst.node.path}`);
    if (p.entriesOf !== '' || (p.getter !== null && p.setter === null)) return this.fail(DmError.NonWritableParameter, `${inst.path}${name} is read-only`);
    if (mode !== WriteMode.Agent && p.access !== ParamAccess.ReadWrite) {
      const firstWrite = p.access === ParamAccess.WriteOnceReadOnly &&
        (mode === WriteMode.Add ? this.createdHere(inst) : inst.stored(name) === undefined);
      if (!firstWrite) return this.fail(DmError.NonWritableParameter, `${inst.path}${name} is not writable`);
    }
    const r = checkValue(p, value);
    if (r.err !== 0) return this.fail(r.err, `${inst.path}${name}: ${r.message}`);
    if (p.immutable && mode === WriteMode.Set && !this.createdHere(inst)) {
      const current = inst.stored(name);
      if (current !== undefined && current !== '' && current !== r.value) {
        return this.fail(DmError.NonWritableParameter, `${inst.path}${name} cannot change once set (delete and recreate the row)`);
      }
    }
    // R-KEY.1 (TP-469 1.96): a non-functional unique key never changes after the row's creation.
    if (mode === WriteMode.Set && inst.number > 0 && !this.createdHere(inst) && isNonFunctionalKeyParam(inst.node, name)) {
      const current = this.tree.stored(inst, name);
      if (current !== undefined && current !== '' && current !== r.value) {
        return this.fail(DmError.NonWritableParameter, `${inst.path}${name} is a non-functional unique key: it cannot change after creation (R-KEY.1)`);
      }
    }
    let v = r.value;
    if (p.reference !== null && p.type === ParamType.String) {
      const canonical = this.reference(p, v);
      if (canonical === null) return this.fail(DmError.InvalidValue, `${inst.path}${name}: "${value}" references no ${p.reference.targetParent}`);
      v = canonical;
    }
    this.put(inst, name, v);
    return this.ok();
  }

  add(table: Table, mode: WriteMode = WriteMode.Set): ObjectInstance | null {
    if (!this.open) { this.fail(DmError.InternalError, 'transaction closed'); return null; }
    if (!this.live(table.parent) || table.parent.table(table.node.name) !== table) {
      this.fail(DmError.ObjectDoesNotExist, `${table.path} does not exist`);
      return null;
    }
    const node = table.node;
    if (mode !== WriteMode.Agent && node.access !== ObjAccess.AddDelete && node.access !== ObjAccess.AddOnly) {
      this.fail(DmError.NonCreatableObject, `${node.path} is not creatable`);
      return null;
    }
    const max = node.maxEntries > 0 ? Math.min(node.maxEntries, this.tree.maxRowsPerTable) : this.tree.maxRowsPerTable;
    if (table.rows.length >= max) { this.fail(DmError.ResourcesExceeded, `${table.path} is full (${max} rows)`); return null; }
    const oldNext = table.nextNumber;
    const row = this.tree.insertRow(table, table.nextNumber);
    this.journal.push({ op: OP_ADD, inst: row, name: '', old: undefined, table, oldNext });
    this.created.add(row);
    // R-ADD.5: the Agent assigns unique-key values the Controller leaves out.
    fillKeys(this.tree, row, (name, v) => this.put(row, name, v));
    this.ok();
    return row;
  }

  deleteInstance(inst: ObjectInstance, mode: WriteMode = WriteMode.Set): number {
    if (!this.open) return this.fail(DmError.InternalError, 'transaction closed');
    if (!this.live(inst)) return this.fail(DmError.ObjectDoesNotExist, `${inst.path} does not exist`);
    if (inst.number === 0 || inst.parent === null) return this.fail(DmError.ObjectNotATable, `${inst.path} is not a table row`);
    const node = inst.node;
    if (mode !== WriteMode.Agent && node.access !== ObjAccess.AddDelete && node.access !== ObjAccess.DeleteOnly) {
      return this.fail(DmError.DeleteFailure, `${node.path} rows cannot be deleted`);
    }
    const table = this.tree.tableOf(inst)!;
    this.tree.removeRow(table, inst);
    this.journal.push({ op: OP_DELETE, inst, name: '', old: undefined, table, oldNext: table.nextNumber });
    this.clearReferences(inst);
    return this.ok();
  }

  /** R-ARC.12: strong references to `deleted` (or below it) become "" / lose the list item; cascade rows go too. */
  private clearReferences(deleted: ObjectInstance): void {
    const gone = refForm(deleted.path);
    const cascade: ObjectInstance[] = [];
    forEachInstance(this.tree.root, (inst) => {
      for (const p of inst.node.params) {
        if (p.reference === null || !p.reference.strong) continue;
        const v = inst.stored(p.name);
        if (v === undefined || v === '') continue;
        const items = splitList(v);
        const kept = items.filter((it) => it !== gone && !it.startsWith(gone + '.'));
        if (kept.length === items.length) continue;
        if (p.reference.cascade === true) cascade.push(inst);
        else this.put(inst, p.name, kept.join(','));
      }
    });
    for (const inst of cascade) if (this.live(inst)) this.deleteInstance(inst, WriteMode.Agent);
  }

  mark(): number {
    return this.journal.length;
  }

  rollbackTo(mark: number): void {
    while (this.journal.length > mark) {
      const e = this.journal.pop()!;
      if (e.op === OP_SET) {
        if (e.old === undefined) this.tree.dropValue(e.inst, e.name);
        else this.tree.putValue(e.inst, e.name, e.old);
      } else if (e.op === OP_ADD) {
        this.tree.removeRow(e.table!, e.inst);
        e.table!.nextNumber = e.oldNext;
        this.created.delete(e.inst);
      } else {
        this.tree.restoreRow(e.table!, e.inst);
      }
    }
    this.ok();
  }

  validate(): readonly WriteFailure[] {
    const tables = new Set<Table>();
    for (const e of this.journal) {
      if (e.op === OP_ADD) tables.add(e.table!);
      else if (e.op === OP_SET && e.inst.number > 0 && e.inst.parent !== null && isKeyParam(e.inst.node, e.name)) {
        const t = this.tree.tableOf(e.inst);
        if (t !== undefined) tables.add(t);
      }
    }
    const failures: WriteFailure[] = [];
    for (const t of tables) if (this.live(t.parent)) duplicateKeys(this.tree, t, failures);
    return failures;
  }

  commit(): number {
    if (!this.open) return this.fail(DmError.InternalError, 'transaction closed');
    const failures = this.validate();
    if (failures.length > 0) return this.fail(failures[0]!.err, failures[0]!.message);
    if (this.journal.length > 0) {
      // The store replaces its value atomically: if the write fails, storage still holds the
      // state before this transaction, so memory goes back to it too (errors are values).
      try {
        this.persist();
      } catch {
        this.rollback();
        return this.fail(DmError.InternalError, 'the data model could not be stored; nothing was changed');
      }
    }
    this.open = false;
    const journal = this.journal.splice(0);
    this.notify(journal);
    this.created.clear();
    return this.ok();
  }

  rollback(): void {
    if (!this.open) return;
    this.rollbackTo(0);
    this.open = false;
    this.created.clear();
  }

  /** Setters, then listeners, in journal order; value changes only when the final value differs (R-NOT §VC noise). */
  private notify(journal: readonly JournalEntry[]): void {
    const tree = this.tree;
    const firstOld = new Map<ObjectInstance, Map<string, string | undefined>>();
    for (const e of journal) {
      if (e.op !== OP_SET) continue;
      let m = firstOld.get(e.inst);
      if (m === undefined) { m = new Map(); firstOld.set(e.inst, m); }
      if (!m.has(e.name)) m.set(e.name, e.old);
    }
    for (const e of journal) {
      if (e.op === OP_ADD) {
        if (this.live(e.inst)) for (const l of this.listeners) l.handleObjectCreation(e.inst);
      } else if (e.op === OP_DELETE) {
        if (this.createdHere(e.inst)) continue;
        forEachInstance(e.inst, (gone) => {
          if (gone.number > 0) for (const l of this.listeners) l.handleObjectDeletion(gone.path, gone.node);
        });
      } else {
        const m = firstOld.get(e.inst);
        if (m === undefined || !m.has(e.name) || !this.live(e.inst)) continue;
        const old = m.get(e.name);
        m.delete(e.name);
        const p = named(e.inst.node.params, e.name)!;
        // Setters push the committed value to the platform first, so a getter reads it back below.
        if (p.setter !== null) p.setter(tree.context, e.inst.path, tree.stored(e.inst, e.name) ?? p.defaultValue);
        if (this.createdHere(e.inst)) continue;
        const now = tree.read(e.inst, p);
        if (now === (old === undefined ? p.defaultValue : old)) continue;
        if (p.valueChange === 1) for (const l of this.listeners) l.handleValueChange(e.inst, p, now);
      }
    }
  }
}
