/**
 * Compact storage of ObjectNode (schema.ts), as param-node.ts does for parameters: an
 * object holds as own properties its name, path, parent, one small integer packing its
 * multi/access/volatile facets (`b`), and only those member lists and facets it has;
 * empty lists, `kind` and the defaults come from its prototype, OBJECT_BASE.
 *
 * Invariants: `path` and `parent` are set once, by buildSchema, before the node is
 * frozen; getters are defined once on OBJECT_BASE; OBJECT_BASE is frozen.
 */
import {
  type CommandNode, type EventNode, NodeKind, NONE, type ObjAccess, type ObjectNode, type ParamNode, type UniqueKey,
} from './schema.ts';

/** `b`: bits 0–1 the ObjAccess, then one bit each. */
export const O_MULTI = 1 << 2;
export const O_VOLATILE = 1 << 3;


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

/**
 * What every object inherits: `kind`, its members' and facets' defaults as plain values
 * (an object holds as own properties only those it has), the accessors of `b`.
 */
const OBJECT_BASE: Omit<ObjectNode, 'name' | 'path' | 'parent'> & { readonly b?: number } = {
  kind: NodeKind.Object,
  params: NONE, objects: NONE, commands: NONE, events: NONE, uniqueKeys: NONE, maxEntries: 0, persistWhen: '',
  get multi(): boolean { return (this.b! & O_MULTI) !== 0; },
  get access(): ObjAccess { return (this.b! & 3) as ObjAccess; },
  get volatile(): boolean { return (this.b! & O_VOLATILE) !== 0; },
};
Object.freeze(OBJECT_BASE);

/**
 * An object node: own `name`, `path` and `parent` (filled by buildSchema), `b` (access,
 * multi and volatile: the O_* bits) and the members and facets it has.
 */
export function compactObject(name: string, b: number, m: ObjectMembers): ObjectNode {
  // Own properties made while the prototype is Object.prototype: OBJECT_BASE is frozen.
  const n: { -readonly [K in keyof ObjectMembers]: ObjectMembers[K] } & { name: string; path: string; parent: ObjectNode | null; b: number } =
    { name, path: '', parent: null, b };
  if (m.params !== undefined && m.params.length > 0) n.params = m.params;
  if (m.objects !== undefined && m.objects.length > 0) n.objects = m.objects;
  if (m.commands !== undefined && m.commands.length > 0) n.commands = m.commands;
  if (m.events !== undefined && m.events.length > 0) n.events = m.events;
  if (m.uniqueKeys !== undefined && m.uniqueKeys.length > 0) n.uniqueKeys = m.uniqueKeys;
  if (m.maxEntries !== undefined && m.maxEntries !== 0) n.maxEntries = m.maxEntries;
  if (m.persistWhen !== undefined && m.persistWhen !== '') n.persistWhen = m.persistWhen;
  return Object.setPrototypeOf(n, OBJECT_BASE) as ObjectNode;
}
