/**
 * The undo journal of a transaction (transaction.ts): what each staged change replaced,
 * in order. Kept as one flat array, four items per change, rather than one object per
 * change: an entry costs four array items in the chunk heap instead of a 7-slot object in
 * the XS slot heap, which an Add of two Subscription rows (≈ 20 entries) needed at its
 * peak — and one array rather than four parallel ones (≈ 9 slots less at every Set; issue
 * #13, RFC 7228 Class 2). The transaction reads and writes the array itself: no wrapper
 * object and no accessor functions (flash, #13 item 4).
 *
 * Entry at index e (a multiple of STRIDE):
 *   e + 0  op: OP_SET, OP_ADD or OP_DELETE
 *   e + 1  the instance (OP_SET: the one written; OP_ADD: the new row; OP_DELETE: the row removed)
 *   e + 2  OP_SET: the param name; OP_ADD / OP_DELETE: the table
 *   e + 3  OP_SET: the previous stored value (undefined = none); OP_ADD: the table's counter before
 */
import type { ObjectInstance, Table } from './instances.ts';

export const OP_SET = 1;
export const OP_ADD = 2;
export const OP_DELETE = 3;

/** Items per entry. */
export const STRIDE = 4;

export type JournalItem = number | ObjectInstance | string | Table | undefined;
