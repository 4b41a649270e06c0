/**
 * The undo journal of a transaction (transaction.ts): what each staged change replaced,
 * in order. Kept as parallel arrays rather than one object per change: an entry costs
 * four array items in the chunk heap instead of a 7-slot object in the XS slot heap,
 * which an Add of two Subscription rows (≈ 20 entries) needed at its peak (issue #13,
 * RFC 7228 Class 2).
 */
import type { ObjectInstance, Table } from './instances.ts';

export const OP_SET = 1;
export const OP_ADD = 2;
export const OP_DELETE = 3;

export class Journal {
  private ops: number[] = [];
  private insts: ObjectInstance[] = [];
  /** OP_SET: the param name; OP_ADD / OP_DELETE: the table. */
  private targets: (string | Table)[] = [];
  /** OP_SET: the previous stored value (undefined = none); OP_ADD: the table's counter before. */
  private olds: (string | number | undefined)[] = [];

  get length(): number { return this.ops.length; }

  set(inst: ObjectInstance, name: string, old: string | undefined): void { this.push(OP_SET, inst, name, old); }
  add(row: ObjectInstance, table: Table, oldNext: number): void { this.push(OP_ADD, row, table, oldNext); }
  remove(inst: ObjectInstance, table: Table): void { this.push(OP_DELETE, inst, table, undefined); }

  op(i: number): number { return this.ops[i]!; }
  inst(i: number): ObjectInstance { return this.insts[i]!; }
  /** OP_SET entries only. */
  name(i: number): string { return this.targets[i] as string; }
  /** OP_SET entries only. */
  old(i: number): string | undefined { return this.olds[i] as string | undefined; }
  /** OP_ADD / OP_DELETE entries only. */
  table(i: number): Table { return this.targets[i] as Table; }
  /** OP_ADD entries only. */
  oldNext(i: number): number { return this.olds[i] as number; }

  /** Drops the last entry (after undoing it). */
  pop(): void {
    this.ops.pop();
    this.insts.pop();
    this.targets.pop();
    this.olds.pop();
  }

  /** Moves every entry into a new journal and leaves this one empty (commit hands them to the listeners). */
  takeAll(): Journal {
    const j = new Journal();
    j.ops = this.ops;
    j.insts = this.insts;
    j.targets = this.targets;
    j.olds = this.olds;
    this.ops = [];
    this.insts = [];
    this.targets = [];
    this.olds = [];
    return j;
  }

  private push(op: number, inst: ObjectInstance, target: string | Table, old: string | number | undefined): void {
    this.ops.push(op);
    this.insts.push(inst);
    this.targets.push(target);
    this.olds.push(old);
  }
}
