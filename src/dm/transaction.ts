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
import { ObjAccess, ParamAccess, ParamType, named } from './schema.ts';
import { checkValue, splitList } from './types/value.ts';
import { duplicateKeys, fillKeys, isKeyParam } from './unique-keys.ts';
import { type JournalItem, OP_ADD, OP_DELETE, OP_SET, STRIDE } from './journal.ts';


/** "Device.X.1." → "Device.X.1" (reference values carry no final dot). */
function refForm(path: string): string {
  return path.endsWith('.') ? path.slice(0, -1) : path;
}

/** Writes the committed state (the data model: DataModel.save). */
export interface StateSaver {
  save(): void;
}

export class ModelTransaction implements Transaction {
  err = 0;
  message = '';
  open = true;
  /** The undo journal (journal.ts): STRIDE items per change. */
  private journal: JournalItem[] = [];
  /** Rows added here; made by the first Add (a Set needs none: XS slots, #13 item 3). */
  private created: Set<ObjectInstance> | null = null;

  /**
   * @param tree      the instance tree the writes go to (in place, journaled)
   * @param listeners told of committed changes, in order
   * @param store     writes the committed state (throws when storage fails: the commit is then
   *                  undone); the model itself, called as a method — no closure frame on the
   *                  Set's deepest path (XS stack, #13 item 3)
   */
  constructor(
    private readonly tree: InstanceTree,
    private readonly listeners: readonly ChangeListener[],
    private readonly store: StateSaver,
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
    const created = this.created;
    if (created === null) return false;
    for (let i: ObjectInstance | null = inst; i !== null; i = i.parent) if (created.has(i)) return true;
    return false;
  }

  /** Stores a value and journals the old one (fillKeys writes the keys it assigns through this). */
  put(inst: ObjectInstance, name: string, value: string): void {
    this.journal.push(OP_SET, inst, name, inst.stored(name));
    this.tree.putValue(inst, name, value);
  }

  set(inst: ObjectInstance, name: string, value: string, mode: WriteMode = WriteMode.Set): number {
    if (!this.open) return this.fail(DmError.InternalError, 'transaction closed');
    if (!this.tree.live(inst)) return this.fail(DmError.ObjectDoesNotExist, `${inst.path} does not exist`);
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
    // A value set once stays: immutable params (§1.14), and non-functional unique keys, which
    // never change after the row's creation (R-KEY.1, TP-469 1.96).
    const current = inst.stored(name);
    if (mode === WriteMode.Set && current !== undefined && current !== '' && current !== r.value && !this.createdHere(inst)) {
      if (p.immutable) return this.fail(DmError.NonWritableParameter, `${inst.path}${name} cannot change once set (delete and recreate the row)`);
      if (inst.number > 0 && isKeyParam(inst.node, name, true)) {
        return this.fail(DmError.NonWritableParameter, `${inst.path}${name} is a non-functional unique key: it cannot change after creation (R-KEY.1)`);
      }
    }
    let v = r.value;
    const ref = p.reference;
    if (ref !== null && p.type === ParamType.String) {
      // Canonical reference value: every item resolved to instance numbers (R-ARC.11); strong ones must exist (R-ARC.12).
      const items = splitList(v);
      for (let i = 0; i < items.length; i++) {
        if (items[i] === '') continue;
        const target = this.tree.referenced(items[i]!);
        if (target !== undefined && target.node.path === ref.targetParent) items[i] = refForm(target.path);
        else if (ref.strong) return this.fail(DmError.InvalidValue, `${inst.path}${name}: "${value}" references no ${ref.targetParent}`);
      }
      v = items.join(',');
    }
    this.put(inst, name, v);
    return this.ok();
  }

  add(table: Table, mode: WriteMode = WriteMode.Set): ObjectInstance | null {
    if (!this.open) { this.fail(DmError.InternalError, 'transaction closed'); return null; }
    if (!this.tree.live(table.parent) || table.parent.table(table.node.name) !== table) {
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
    this.journal.push(OP_ADD, row, table, oldNext);
    if (this.created === null) this.created = new Set<ObjectInstance>();
    this.created.add(row);
    // R-ADD.5: the Agent assigns unique-key values the Controller leaves out.
    fillKeys(this.tree, row, this);
    this.ok();
    return row;
  }

  deleteInstance(inst: ObjectInstance, mode: WriteMode = WriteMode.Set): number {
    if (!this.open) return this.fail(DmError.InternalError, 'transaction closed');
    if (!this.tree.live(inst)) return this.fail(DmError.ObjectDoesNotExist, `${inst.path} does not exist`);
    if (inst.number === 0 || inst.parent === null) return this.fail(DmError.ObjectNotATable, `${inst.path} is not a table row`);
    const node = inst.node;
    if (mode !== WriteMode.Agent && node.access !== ObjAccess.AddDelete && node.access !== ObjAccess.DeleteOnly) {
      return this.fail(DmError.DeleteFailure, `${node.path} rows cannot be deleted`);
    }
    const table = this.tree.tableOf(inst)!;
    this.tree.removeRow(table, inst);
    this.journal.push(OP_DELETE, inst, table, undefined);
    // R-ARC.12: strong references to the deleted row (or below it) become "" / lose the list item; cascade rows go too.
    const gone = refForm(inst.path);
    const cascade: ObjectInstance[] = [];
    forEachInstance(this.tree.root, (r) => {
      const params = r.node.params;
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        if (p.reference === null || !p.reference.strong) continue;
        const v = r.stored(p.name);
        if (v === undefined || v === '') continue;
        const items = splitList(v);
        const kept: string[] = [];
        for (let k = 0; k < items.length; k++) if (items[k] !== gone && !items[k]!.startsWith(gone + '.')) kept.push(items[k]!);
        if (kept.length === items.length) continue;
        if (p.reference.cascade === true) cascade.push(r);
        else this.put(r, p.name, kept.join(','));
      }
    });
    for (let i = 0; i < cascade.length; i++) if (this.tree.live(cascade[i]!)) this.deleteInstance(cascade[i]!, WriteMode.Agent);
    return this.ok();
  }

  mark(): number {
    return this.journal.length;
  }

  rollbackTo(mark: number): void {
    const j = this.journal;
    while (j.length > mark) {
      const e = j.length - STRIDE;
      const op = j[e];
      const inst = j[e + 1] as ObjectInstance;
      if (op === OP_SET) {
        this.tree.putValue(inst, j[e + 2] as string, j[e + 3] as string | undefined);
      } else if (op === OP_ADD) {
        this.tree.removeRow(j[e + 2] as Table, inst);
        (j[e + 2] as Table).nextNumber = j[e + 3] as number;
        this.created?.delete(inst);
      } else {
        this.tree.attach(j[e + 2] as Table, inst);
      }
      j.splice(e, STRIDE);
    }
    this.ok();
  }

  validate(): readonly WriteFailure[] {
    // Each touched table once, in journal order (a plain array: no Set and no iterator).
    const tables: Table[] = [];
    const j = this.journal;
    for (let e = 0; e < j.length; e += STRIDE) {
      const inst = j[e + 1] as ObjectInstance;
      const t = j[e] === OP_ADD ? j[e + 2] as Table
        : j[e] === OP_SET && inst.number > 0 && inst.parent !== null && isKeyParam(inst.node, j[e + 2] as string, false) ? this.tree.tableOf(inst) : undefined;
      if (t !== undefined && tables.indexOf(t) < 0) tables.push(t);
    }
    const failures: WriteFailure[] = [];
    for (let i = 0; i < tables.length; i++) if (this.tree.live(tables[i]!.parent)) duplicateKeys(this.tree, tables[i]!, failures);
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
        this.store.save();
      } catch {
        this.rollback();
        return this.fail(DmError.InternalError, 'the data model could not be stored; nothing was changed');
      }
    }
    this.open = false;
    const j = this.journal;
    this.journal = [];
    // Setters, then listeners, in journal order; value changes only when the final value differs (R-NOT §VC noise).
    const tree = this.tree;
    for (let e = 0; e < j.length; e += STRIDE) {
      const inst = j[e + 1] as ObjectInstance;
      const op = j[e];
      if (op === OP_ADD) {
        if (tree.live(inst)) for (let k = 0; k < this.listeners.length; k++) this.listeners[k]!.handleObjectCreation(inst);
      } else if (op === OP_DELETE) {
        if (this.createdHere(inst)) continue;
        forEachInstance(inst, (gone) => {
          if (gone.number > 0) for (let k = 0; k < this.listeners.length; k++) this.listeners[k]!.handleObjectDeletion(gone.path, gone.node);
        });
      } else {
        // Once per param, at its first change, against the value before it (no Map per instance: XS slots).
        const name = j[e + 2] as string;
        let before = false;
        for (let b = 0; b < e; b += STRIDE) if (j[b] === OP_SET && j[b + 1] === inst && j[b + 2] === name) before = true;
        if (before || !tree.live(inst)) continue;
        const old = j[e + 3] as string | undefined;
        const p = named(inst.node.params, name)!;
        // Setters push the committed value to the platform first, so a getter reads it back below.
        if (p.setter !== null) p.setter(tree.context, inst.path, inst.stored(name) ?? p.defaultValue);
        if (this.createdHere(inst)) continue;
        const now = tree.read(inst, p);
        if (now === (old === undefined ? p.defaultValue : old)) continue;
        if (p.valueChange === 1) for (let k = 0; k < this.listeners.length; k++) this.listeners[k]!.handleValueChange(inst, p, now);
      }
    }
    this.created = null;
    return this.ok();
  }

  rollback(): void {
    if (!this.open) return;
    this.rollbackTo(0);
    this.open = false;
    this.created = null;
  }
}
