/**
 * Compact declarations of the supported data model and their assembly into a frozen
 * Schema (schema.ts). Object files (objects/*.ts) call `object`, `table`, `param`,
 * `command` and `event`; `buildSchema` fills paths and parents once, then deep-freezes
 * every node (XS preload: no RAM for the schema, nothing allocated per request).
 */
import { CompactParam, shareFacets } from './param-node.ts';
import {
  type CommandNode, type EventNode, NodeKind, ObjAccess, type ObjectNode, ParamAccess, type ParamGetter, type ParamNode,
  type ParamSetter, ParamType, type ReferenceSpec, type Schema, type UniqueKey, ValueChange,
} from './schema.ts';

export interface ParamOptions {
  readonly def?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: string;
  readonly max?: string;
  readonly enumeration?: readonly string[];
  readonly patterns?: readonly string[];
  /** List of items: true, or item bounds. */
  readonly list?: boolean | { readonly minItems?: number; readonly maxItems?: number; readonly maxLength?: number };
  readonly ref?: ReferenceSpec;
  readonly secured?: boolean;
  readonly hidden?: boolean;
  /** VALUE_CHANGE_WILL_IGNORE (counters, uptime, clocks). */
  readonly ignoreChange?: boolean;
  readonly mandatory?: boolean;
  readonly entriesOf?: string;
  readonly get?: ParamGetter;
  readonly set?: ParamSetter;
  readonly volatile?: boolean;
  readonly immutable?: boolean;
}

/** Short names for declarations: type and access letters. */
export const T = ParamType;
export const R = ParamAccess.ReadOnly;
export const W = ParamAccess.ReadWrite;
export const WO = ParamAccess.WriteOnceReadOnly;

// Shared empty member lists: an XS array costs slots even when empty.
const NO_PARAMS: readonly ParamNode[] = Object.freeze([]);
const NO_OBJECTS: readonly ObjectNode[] = Object.freeze([]);
const NO_COMMANDS: readonly CommandNode[] = Object.freeze([]);
const NO_EVENTS: readonly EventNode[] = Object.freeze([]);

export function param(name: string, type: ParamType, access: ParamAccess, o: ParamOptions = {}): ParamNode {
  const list = o.list === undefined ? false : o.list !== false;
  const lo = typeof o.list === 'object' ? o.list : undefined;
  const numeric = type !== T.String && type !== T.Base64 && type !== T.HexBinary && type !== T.DateTime;
  const fallback = type === T.Boolean ? 'false' : numeric && !list ? '0' : type === T.DateTime && !list ? '0001-01-01T00:00:00Z' : '';
  return new CompactParam(name, type, access, o.def ?? fallback, {
    minLength: o.minLength ?? 0, maxLength: o.maxLength ?? 0,
    rangeMin: o.min ?? '', rangeMax: o.max ?? '',
    enumeration: o.enumeration ?? null, patterns: o.patterns ?? null,
    list, minItems: lo?.minItems ?? 0, maxItems: lo?.maxItems ?? 0, listMaxLength: lo?.maxLength ?? 0,
    reference: o.ref ?? null, secured: o.secured ?? false, hidden: o.hidden ?? false,
    valueChange: o.ignoreChange ? ValueChange.WillIgnore : ValueChange.Allowed,
    mandatory: o.mandatory ?? false, entriesOf: o.entriesOf ?? '',
    getter: o.get ?? null, setter: o.set ?? null, volatile: o.volatile ?? (o.get !== undefined),
    immutable: o.immutable ?? false,
  });
}

/** A "…NumberOfEntries" parameter counting the rows of sibling table `tableName`. */
export function entries(tableName: string): ParamNode {
  return param(tableName + 'NumberOfEntries', T.UnsignedInt, R, { entriesOf: tableName, volatile: true });
}

/**
 * The TR-181 Alias parameter (readWrite in TR-181, so GetSupportedDM says READ_WRITE): a
 * non-functional unique key, so it never changes after the row's creation (R-KEY.1,
 * enforced by the transaction; TP-469 1.104 calls it writeOnceReadOnly); the Agent
 * assigns "cpe-N" when the Controller leaves it out (R-ADD.5). TR-106 Alias (_AliasUSP):
 * 1–64 characters starting with a letter (TP-469 1.88: "88InvalidAlias" is refused).
 */
export function alias(): ParamNode {
  return param('Alias', T.String, W, { minLength: 1, maxLength: 64, patterns: [ALIAS_PATTERN] });
}

/** TR-106 Alias: starts with a letter (XML Schema regex, whole value). */
export const ALIAS_PATTERN = '[A-Za-z].*';

export function command(name: string, async: boolean, input: readonly ParamNode[] = NO_PARAMS, output: readonly ParamNode[] = NO_PARAMS): CommandNode {
  return { kind: NodeKind.Command, name, async, input, output };
}

export function event(name: string, args: readonly ParamNode[] = NO_PARAMS): EventNode {
  return { kind: NodeKind.Event, name, args };
}

export interface ObjectOptions {
  readonly access?: ObjAccess;
  readonly maxEntries?: number;
  /** Each key is a list of param names; prefix the first name with "~" for a non-functional key. */
  readonly keys?: readonly (readonly string[])[];
  readonly persistWhen?: string;
  readonly volatile?: boolean;
}

type Member = ParamNode | CommandNode | EventNode | ObjectNode;

function makeObject(name: string, multi: boolean, o: ObjectOptions, members: readonly Member[]): ObjectNode {
  const params: ParamNode[] = [];
  const objects: ObjectNode[] = [];
  const commands: CommandNode[] = [];
  const events: EventNode[] = [];
  for (const m of members) {
    if (m.kind === NodeKind.Param) params.push(m);
    else if (m.kind === NodeKind.Object) objects.push(m);
    else if (m.kind === NodeKind.Command) commands.push(m);
    else events.push(m);
  }
  const uniqueKeys: UniqueKey[] = [];
  for (const k of o.keys ?? []) {
    const functional = !(k[0] ?? '').startsWith('~');
    uniqueKeys.push({ params: k.map((n) => (n.startsWith('~') ? n.slice(1) : n)), functional });
  }
  return {
    kind: NodeKind.Object, name, path: '', parent: null, multi,
    access: o.access ?? ObjAccess.ReadOnly, maxEntries: o.maxEntries ?? 0, uniqueKeys,
    params: params.length > 0 ? params : NO_PARAMS,
    objects: objects.length > 0 ? objects : NO_OBJECTS,
    commands: commands.length > 0 ? commands : NO_COMMANDS,
    events: events.length > 0 ? events : NO_EVENTS,
    persistWhen: o.persistWhen ?? '', volatile: o.volatile ?? false,
  };
}

/** A single-instance object. */
export function object(name: string, members: readonly Member[], o: ObjectOptions = {}): ObjectNode {
  return makeObject(name, false, o, members);
}

/** A multi-instance object (table). */
export function table(name: string, o: ObjectOptions, members: readonly Member[]): ObjectNode {
  return makeObject(name, true, o, members);
}

function place(node: ObjectNode, parent: ObjectNode | null, all: ObjectNode[]): void {
  const m = node as { path: string; parent: ObjectNode | null };
  m.parent = parent;
  m.path = (parent ? parent.path : '') + node.name + (node.multi ? '.{i}.' : '.');
  all.push(node);
  for (const child of node.objects) place(child, node, all);
}

/** Object.freeze, deeply (tested: test/dm/schema.test.ts). */
export function deepFreeze<V>(value: V): V {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/** Assembles and freezes the schema: called once at start-up (or at module load for preloading). */
export function buildSchema(root: ObjectNode, dataModelUri: string): Schema {
  const objects: ObjectNode[] = [];
  place(root, null, objects);
  const params: ParamNode[] = [];
  for (const o of objects) {
    params.push(...o.params);
    for (const c of o.commands) params.push(...c.input, ...c.output);
    for (const e of o.events) params.push(...e.args);
  }
  shareFacets(params);
  return deepFreeze({ root, dataModelUri, objects });
}
