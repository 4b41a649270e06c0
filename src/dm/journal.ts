/**
 * The undo journal of a transaction (transaction.ts): what each staged change replaced,
 * in order. Kept as one flat array, four items per change, rather than one object per
 * change: an entry costs four array items in the chunk heap instead of a 7-slot object in
 * the XS slot heap, which an Add of two Subscription rows (≈ 20 entries) needed at its
 * peak — and one array rather than four parallel ones (≈ 9 slots less at every Set; issue
 * #13, RFC 7228 Class 2).
 */
import type { ObjectInstance, Table } from './instances.ts';

export const OP_SET = 1;
export const OP_ADD = 2;
export const OP_DELETE = 3;

/** Items per entry: op, instance, target (OP_SET: the param name; OP_ADD / OP_DELETE: the table), old (OP_SET: the previous stored value, undefined = none; OP_ADD: the table's counter before). */
const STRIDE = 4;

type Item = number | ObjectInstance | string | Table | undefined;

export class Journal {
  private items: Item[] = [];

  get length(): number { return this.items.length / STRIDE; }

  set(inst: ObjectInstance, name: string, old: string | undefined): void { this.push(OP_SET, inst, name, old); }
  add(row: ObjectInstance, table: Table, oldNext: number): void { this.push(OP_ADD, row, table, oldNext); }
  remove(inst: ObjectInstance, table: Table): void { this.push(OP_DELETE, inst, table, undefined); }

  op(i: number): number { return this.items[i * STRIDE] as number; }
  inst(i: number): ObjectInstance { return this.items[i * STRIDE + 1] as ObjectInstance; }
  /** OP_SET entries only. */
  name(i: number): string { return this.items[i * STRIDE + 2] as string; }
  /** OP_SET entries only. */
  old(i: number): string | undefined { return this.items[i * STRIDE + 3] as string | undefined; }
  /** OP_ADD / OP_DELETE entries only. */
  table(i: number): Table { return this.items[i * STRIDE + 2] as Table; }
  /** OP_ADD entries only. */
  oldNext(i: number): number { return this.items[i * STRIDE + 3] as number; }

  /** Drops the last entry (after undoing it). */
  pop(): void {
    for (let k = 0; k < STRIDE; k++) this.items.pop();
  }

  /** Moves every entry into a new journal and leaves this one empty (commit hands them to the listeners). */
  takeAll(): Journal {
    const j = new Journal();
    j.items = this.items;
    this.items = [];
    return j;
  }

  private push(op: number, inst: ObjectInstance, target: string | Table, old: string | number | undefined): void {
    this.items.push(op, inst, target, old);
  }
}
