/**
 * Compact storage of ObjectNode (schema.ts), as param-node.ts does for parameters: an
 * object holds as own properties its name, path, parent, one small integer packing its
 * multi/access/volatile facets (`b`), and only those member lists and facets it has;
 * empty lists, `kind` and the defaults come from the prototype.
 *
 * Invariants: `path` and `parent` are set once, by buildSchema, before the node is
 * frozen; getters are defined once on the prototype; the prototype is frozen.
 */
import {
  type CommandNode, type EventNode, NodeKind, type ObjAccess, type ObjectNode, type ParamNode, type UniqueKey,
} from './schema.ts';

/** `b`: bits 0–1 the ObjAccess, then one bit each. */
export const O_MULTI = 1 << 2;
export const O_VOLATILE = 1 << 3;

// Shared empty member lists: an XS array costs slots even when empty.
export const NO_PARAMS: readonly ParamNode[] = Object.freeze([]);
const NO_OBJECTS: readonly ObjectNode[] = Object.freeze([]);
const NO_COMMANDS: readonly CommandNode[] = Object.freeze([]);
const NO_EVENTS: readonly EventNode[] = Object.freeze([]);
const NO_KEYS: readonly UniqueKey[] = Object.freeze([]);

/** What an object has besides its name and `b`; an absent field is empty (or 0, ""). */
export interface ObjectMembers {
  readonly params?: readonly ParamNode[];
  readonly objects?: readonly ObjectNode[];
  readonly commands?: readonly CommandNode[];
  readonly events?: readonly EventNode[];
  readonly uniqueKeys?: readonly UniqueKey[];
  readonly maxEntries?: number;
  readonly persistWhen?: string;
}

export class CompactObject implements ObjectNode {
  readonly name: string;
  /** Filled by buildSchema (place). */
  path: string;
  parent: ObjectNode | null;
  /** Access, multi and volatile (O_* bits). */
  readonly b: number;
  declare readonly p?: readonly ParamNode[];
  declare readonly o?: readonly ObjectNode[];
  declare readonly c?: readonly CommandNode[];
  declare readonly e?: readonly EventNode[];
  declare readonly k?: readonly UniqueKey[];
  declare readonly n?: number;
  declare readonly w?: string;

  constructor(name: string, b: number, m: ObjectMembers) {
    this.name = name;
    this.path = '';
    this.parent = null;
    this.b = b;
    if (m.params !== undefined && m.params.length > 0) this.p = m.params;
    if (m.objects !== undefined && m.objects.length > 0) this.o = m.objects;
    if (m.commands !== undefined && m.commands.length > 0) this.c = m.commands;
    if (m.events !== undefined && m.events.length > 0) this.e = m.events;
    if (m.uniqueKeys !== undefined && m.uniqueKeys.length > 0) this.k = m.uniqueKeys;
    if (m.maxEntries !== undefined && m.maxEntries !== 0) this.n = m.maxEntries;
    if (m.persistWhen !== undefined && m.persistWhen !== '') this.w = m.persistWhen;
  }

  get kind(): typeof NodeKind.Object { return NodeKind.Object; }
  get multi(): boolean { return (this.b & O_MULTI) !== 0; }
  get access(): ObjAccess { return (this.b & 3) as ObjAccess; }
  get volatile(): boolean { return (this.b & O_VOLATILE) !== 0; }
  get params(): readonly ParamNode[] { return this.p ?? NO_PARAMS; }
  get objects(): readonly ObjectNode[] { return this.o ?? NO_OBJECTS; }
  get commands(): readonly CommandNode[] { return this.c ?? NO_COMMANDS; }
  get events(): readonly EventNode[] { return this.e ?? NO_EVENTS; }
  get uniqueKeys(): readonly UniqueKey[] { return this.k ?? NO_KEYS; }
  get maxEntries(): number { return this.n ?? 0; }
  get persistWhen(): string { return this.w ?? ''; }
}
Object.freeze(CompactObject.prototype);
Object.freeze(CompactObject);
