/**
 * The instantiated data model tree (TR-369 §"Instantiated Data Model").
 * One ObjectInstance per single-instance object and per table row; a Table per
 * multi-instance object under an instance. Values hold only what differs from the
 * schema default (DESIGN.md: per-instance state holds only values that differ).
 *
 * Invariants: instance numbers are ≥ 1, assigned from `Table.nextNumber`, which
 * only grows and is persisted (R-ARC.8, §4 item 8); paths use instance numbers.
 */
import type { ObjectNode } from './schema.ts';

export interface ObjectInstance {
  readonly node: ObjectNode;
  /** Instantiated path with instance numbers, ending in ".": "Device.LocalAgent.Controller.1." */
  readonly path: string;
  /** Row number; 0 for single-instance objects. */
  readonly number: number;
  readonly parent: ObjectInstance | null;
  /** Stored values that differ from the defaults; null while there are none. */
  values: Map<string, string> | null;
  /** Single-instance sub-objects by name. */
  readonly children: Map<string, ObjectInstance>;
  /** Child tables by name. */
  readonly tables: Map<string, Table>;
}

export interface Table {
  readonly node: ObjectNode;
  /** "Device.LocalAgent.Controller." */
  readonly path: string;
  readonly parent: ObjectInstance;
  /** Rows by instance number, in creation order. */
  readonly rows: Map<number, ObjectInstance>;
  /** Next instance number to assign; never decreases (never reused). */
  nextNumber: number;
}

/**
 * Shared by every instance whose object has no sub-object / no child table (most rows
 * and leaves): two fewer Maps per instance in the XS heap. Never written: children and
 * tables are filled only here, at creation, and only deleted from (iot-capability-io).
 */
const NO_CHILDREN: Map<string, ObjectInstance> = new Map();
const NO_TABLES: Map<string, Table> = new Map();

/** Builds an instance with its single-instance sub-objects and empty child tables. */
export function createInstance(node: ObjectNode, parent: ObjectInstance | null, path: string, number: number): ObjectInstance {
  let singles = 0;
  for (const child of node.objects) if (!child.multi) singles++;
  const inst: ObjectInstance = {
    node, path, number, parent, values: null,
    children: singles > 0 ? new Map() : NO_CHILDREN, tables: node.objects.length > singles ? new Map() : NO_TABLES,
  };
  for (const child of node.objects) {
    const childPath = path + child.name + '.';
    if (child.multi) inst.tables.set(child.name, { node: child, path: childPath, parent: inst, rows: new Map(), nextNumber: 1 });
    else inst.children.set(child.name, createInstance(child, inst, childPath, 0));
  }
  return inst;
}

/** Every instance below `inst` (itself first, depth-first, rows in number order). */
export function forEachInstance(inst: ObjectInstance, visit: (i: ObjectInstance) => void): void {
  visit(inst);
  for (const child of inst.children.values()) forEachInstance(child, visit);
  for (const table of inst.tables.values()) for (const row of table.rows.values()) forEachInstance(row, visit);
}
