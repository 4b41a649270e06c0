/**
 * The instantiated data model tree (TR-369 §"Instantiated Data Model").
 * One ObjectInstance per single-instance object and per table row; a Table per
 * multi-instance object under an instance. Values hold only what differs from the
 * schema default (DESIGN.md: per-instance state holds only values that differ).
 *
 * Representation (XS heap, docs/budgets.md): an instance is one object of six fields;
 * its sub-objects and child tables sit in one array aligned with `node.objects`, its
 * stored values in one flat array of name/value pairs, its table's rows in one array
 * in number order — no Map per instance, no path index. The names in the value array
 * are the schema's own strings (in flash when the schema is preloaded).
 *
 * Invariants: instance numbers are ≥ 1, assigned from `Table.nextNumber`, which
 * only grows and is persisted (R-ARC.8, §4 item 8); paths use instance numbers;
 * `rows` is in number order. Only the instance tree (instance-tree.ts) changes them.
 */
import { NONE, type ObjectNode } from './schema.ts';

/** Shared by every instance without stored values / sub-objects and every empty table: never written. */
export { NONE };

export class ObjectInstance {
  /**
   * Sub-object or child table at the index of its node in `node.objects` (null: a
   * discriminated sub-object this row does not have); NONE when the node has none.
   */
  sub: (ObjectInstance | Table | null)[];
  /** Stored values that differ from the defaults: name, value, name, value…; NONE while there are none. */
  pairs: string[];

  /**
   * @param node   the object's schema node
   * @param path   instantiated path with instance numbers, ending in ".": "Device.LocalAgent.Controller.1."
   * @param number row number; 0 for single-instance objects
   */
  constructor(readonly node: ObjectNode, readonly path: string, readonly number: number, readonly parent: ObjectInstance | null) {
    this.sub = NONE as never[];
    this.pairs = NONE as never[];
  }

  /** Single-instance sub-object `name`, or undefined (unknown name, a table, or absent). */
  child(name: string): ObjectInstance | undefined {
    const s = this.sub;
    const objects = this.node.objects;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c instanceof ObjectInstance && objects[i]!.name === name) return c;
    }
    return undefined;
  }

  /** Child table `name`, or undefined. */
  table(name: string): Table | undefined {
    const s = this.sub;
    const objects = this.node.objects;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c instanceof Table && objects[i]!.name === name) return c;
    }
    return undefined;
  }

  /** The stored value of parameter `name` (undefined while it holds its default). */
  stored(name: string): string | undefined {
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) if (p[i] === name) return p[i + 1];
    return undefined;
  }

  /** Single-instance sub-objects by name (a new Map per call: for provisioning code, not request paths). */
  get children(): ReadonlyMap<string, ObjectInstance> {
    const m = new Map<string, ObjectInstance>();
    for (let i = 0; i < this.sub.length; i++) {
      const c = this.sub[i]!;
      if (c instanceof ObjectInstance) m.set(this.node.objects[i]!.name, c);
    }
    return m;
  }

  /** Child tables by name (a new Map per call: for provisioning code, not request paths). */
  get tables(): ReadonlyMap<string, Table> {
    const m = new Map<string, Table>();
    for (let i = 0; i < this.sub.length; i++) {
      const c = this.sub[i]!;
      if (c instanceof Table) m.set(this.node.objects[i]!.name, c);
    }
    return m;
  }
}

export class Table {
  /** Rows in number order. */
  rows: ObjectInstance[];
  /** Next instance number to assign; never decreases (never reused). */
  nextNumber: number;

  constructor(readonly node: ObjectNode, readonly parent: ObjectInstance) {
    this.rows = NONE as never[];
    this.nextNumber = 1;
  }

  /** "Device.LocalAgent.Controller." (built on each call: tables are many, their paths rarely read). */
  get path(): string {
    return this.parent.path + this.node.name + '.';
  }

  /** Row `number`, or undefined. */
  row(number: number): ObjectInstance | undefined {
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) if (rows[i]!.number === number) return rows[i];
    return undefined;
  }
}

/** Builds an instance with its single-instance sub-objects and empty child tables. */
export function createInstance(node: ObjectNode, parent: ObjectInstance | null, path: string, number: number): ObjectInstance {
  const inst = new ObjectInstance(node, path, number, parent);
  const objects = node.objects;
  if (objects.length > 0) {
    const sub: (ObjectInstance | Table)[] = [];
    for (let i = 0; i < objects.length; i++) {
      const child = objects[i]!;
      sub.push(child.multi ? new Table(child, inst) : createInstance(child, inst, path + child.name + '.', 0));
    }
    inst.sub = sub;
  }
  return inst;
}

/** Every instance below `inst` (itself first, depth-first, rows in number order). */
export function forEachInstance(inst: ObjectInstance, visit: (i: ObjectInstance) => void): void {
  visit(inst);
  const s = inst.sub;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c instanceof ObjectInstance) forEachInstance(c, visit);
    else if (c !== null) for (let r = 0; r < c.rows.length; r++) forEachInstance(c.rows[r]!, visit);
  }
}
