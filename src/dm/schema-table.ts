/**
 * Compact declarations of the supported data model and their assembly into a frozen
 * Schema (schema.ts). Object files (objects/*.ts) call `object`, `table`, `param`,
 * `command` and `event`; `buildSchema` fills paths and parents once, then deep-freezes
 * every node (XS preload: no RAM for the schema, nothing allocated per request).
 */
import {
  compactParam, fallbackDefault, forgetInterned, internFacets, type ParamFacets,
  P_HIDDEN, P_IGNORE_CHANGE, P_IMMUTABLE, P_LIST, P_MANDATORY, P_SECURED, P_VOLATILE,
} from './param-node.ts';
import { compactObject, O_MULTI, O_VOLATILE } from './object-node.ts';
import {
  type CommandNode, type EventNode, NodeKind, NONE, ObjAccess, type ObjectNode, ParamAccess, type ParamGetter, type ParamNode,
  type ParamSetter, ParamType, type ReferenceSpec, type Schema, type UniqueKey,
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

/**
 * Short names for declarations: type and access letters. A re-export and literals, not
 * `const T = ParamType`: an alias passes the table on, so the XS build could not inline
 * `ParamType.String` as the number 8 anywhere (tools/build/xs-constants.ts).
 */
export { ParamType as T } from './schema.ts';
export const R: typeof ParamAccess.ReadOnly = 0;
export const W: typeof ParamAccess.ReadWrite = 1;
export const WO: typeof ParamAccess.WriteOnceReadOnly = 3;


/**
 * What the declarations made since the last buildSchema share (emptied by it, the
 * schema keeps what it uses): arrays of strings (enumerations, patterns), unique keys,
 * and names — a string literal is a new string each time it is evaluated in Espruino
 * (1–3 blocks each; 'Alias' is declared 15 times), and already one string in XS.
 */
const stringLists: (readonly string[])[] = [];
const names: string[] = [];

/** The one copy of `name` among the declarations (native indexOf: fast in every engine). */
function pooled(name: string): string {
  const i = names.indexOf(name);
  if (i >= 0) return names[i]!;
  names.push(name);
  return name;
}

function internStrings(a: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined) return undefined;
  for (let i = 0; i < stringLists.length; i++) {
    const s = stringLists[i]!;
    if (s === a) return s;
    if (s.length !== a.length) continue;
    let same = true;
    for (let j = 0; j < a.length && same; j++) same = s[j] === a[j];
    if (same) return s;
  }
  stringLists.push(Object.freeze(a));
  return a;
}

export function param(name: string, type: ParamType, access: ParamAccess, o: ParamOptions = {}): ParamNode {
  const list = o.list === undefined ? false : o.list !== false;
  const lo = typeof o.list === 'object' ? o.list : undefined;
  const flags = (list ? P_LIST : 0) | (o.secured === true ? P_SECURED : 0) | (o.hidden === true ? P_HIDDEN : 0) |
    (o.ignoreChange === true ? P_IGNORE_CHANGE : 0) | (o.mandatory === true ? P_MANDATORY : 0) |
    ((o.volatile ?? (o.get !== undefined)) ? P_VOLATILE : 0) | (o.immutable === true ? P_IMMUTABLE : 0);
  // Every facet as declared; those left at their default (undefined, 0, "") are dropped:
  // the record holds only what differs (param-node.ts).
  const f: Record<string, unknown> = {
    minLength: o.minLength, maxLength: o.maxLength, rangeMin: o.min, rangeMax: o.max,
    enumeration: internStrings(o.enumeration), patterns: internStrings(o.patterns),
    minItems: lo?.minItems, maxItems: lo?.maxItems, listMaxLength: lo?.maxLength,
    reference: o.ref, entriesOf: o.entriesOf, getter: o.get, setter: o.set,
  };
  const keys = Object.keys(f);
  let any = false;
  for (let i = 0; i < keys.length; i++) {
    const v = f[keys[i]!];
    if (v === undefined || v === 0 || v === '') delete f[keys[i]!];
    else any = true;
  }
  const d = o.def === undefined || o.def === fallbackDefault(type, list) ? undefined : pooled(o.def);
  return compactParam(pooled(name), type, access, flags, d, any ? internFacets(f as ParamFacets) : undefined);
}

/** A "…NumberOfEntries" parameter counting the rows of sibling table `tableName`. */
export function entries(tableName: string): ParamNode {
  return param(tableName + 'NumberOfEntries', ParamType.UnsignedInt, R, { entriesOf: tableName, volatile: true });
}

/**
 * The TR-181 Alias parameter (readWrite in TR-181, so GetSupportedDM says READ_WRITE): a
 * non-functional unique key, so it never changes after the row's creation (R-KEY.1,
 * enforced by the transaction; TP-469 1.104 calls it writeOnceReadOnly); the Agent
 * assigns "cpe-N" when the Controller leaves it out (R-ADD.5). TR-106 Alias (_AliasUSP):
 * 1–64 characters starting with a letter (TP-469 1.88: "88InvalidAlias" is refused).
 */
export function alias(): ParamNode {
  return param('Alias', ParamType.String, W, { minLength: 1, maxLength: 64, patterns: [ALIAS_PATTERN] });
}

/** TR-106 Alias: starts with a letter (XML Schema regex, whole value). */
export const ALIAS_PATTERN = '[A-Za-z].*';

/**
 * What commands and events inherit: `kind` and the defaults. A node holds as own
 * properties its name and only what differs (as param-node.ts does for parameters).
 */
const COMMAND_BASE: Omit<CommandNode, 'name'> = Object.freeze({ kind: NodeKind.Command, async: false, input: NONE, output: NONE });
const EVENT_BASE: Omit<EventNode, 'name'> = Object.freeze({ kind: NodeKind.Event, args: NONE });

export function command(name: string, async: boolean, input: readonly ParamNode[] = NONE, output: readonly ParamNode[] = NONE): CommandNode {
  // Own properties made while the prototype is Object.prototype: COMMAND_BASE is frozen.
  const c: { name: string; async?: boolean; input?: readonly ParamNode[]; output?: readonly ParamNode[] } = { name };
  if (async) c.async = true;
  if (input.length > 0) c.input = input;
  if (output.length > 0) c.output = output;
  return Object.setPrototypeOf(c, COMMAND_BASE) as CommandNode;
}

export function event(name: string, args: readonly ParamNode[] = NONE): EventNode {
  return Object.setPrototypeOf(args.length > 0 ? { name, args } : { name }, EVENT_BASE) as EventNode;
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

/** Unique keys declared since the last buildSchema: every table with the same key shares it. */
const keys: UniqueKey[] = [];

function uniqueKey(list: readonly string[]): UniqueKey {
  const functional = !(list[0] ?? '').startsWith('~');
  // The key's parameter names ("~" marks a non-functional key on its first name), one shared
  // frozen list per content (internStrings), so equal keys have the same list.
  const given: string[] = [];
  for (let j = 0; j < list.length; j++) given.push(pooled(list[j]!.startsWith('~') ? list[j]!.slice(1) : list[j]!));
  const params = internStrings(given)!;
  for (let i = 0; i < keys.length; i++) if (keys[i]!.functional === functional && keys[i]!.params === params) return keys[i]!;
  const k: UniqueKey = Object.freeze({ params, functional });
  keys.push(k);
  return k;
}

/**
 * A declared member, or a list of them in its place (a list the caller computed: the MTPs'
 * sub-objects, a firmware's images): one level is flattened, in order — no array spread in
 * every declaration (flash, #13 item 4).
 */
export type Members = readonly (Member | readonly Member[])[];

/** A multi-instance object (table); `multi` false: a single-instance one (object()). */
export function table(name: string, o: ObjectOptions, declared: Members, multi = true): ObjectNode {
  const flat: Member[] = [];
  const members: readonly Member[] = flat.concat.apply(flat, declared as Member[][]);
  const params: ParamNode[] = [];
  const objects: ObjectNode[] = [];
  const commands: CommandNode[] = [];
  const events: EventNode[] = [];
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    if (m.kind === NodeKind.Param) params.push(m);
    else if (m.kind === NodeKind.Object) objects.push(m);
    else if (m.kind === NodeKind.Command) commands.push(m);
    else events.push(m);
  }
  const b = (o.access ?? ObjAccess.ReadOnly) | (multi ? O_MULTI : 0) | (o.volatile === true ? O_VOLATILE : 0);
  return compactObject(pooled(name), b, {
    params, objects, commands, events, uniqueKeys: o.keys?.map(uniqueKey), maxEntries: o.maxEntries, persistWhen: o.persistWhen,
  });
}

/** A single-instance object. */
export function object(name: string, members: Members, o: ObjectOptions = {}): ObjectNode {
  return table(name, o, members, false);
}

function place(node: ObjectNode, parent: ObjectNode | null, all: ObjectNode[]): void {
  const m = node as { path: string; parent: ObjectNode | null };
  m.parent = parent;
  m.path = (parent ? parent.path : '') + node.name + (node.multi ? '.{i}.' : '.');
  all.push(node);
  for (let i = 0; i < node.objects.length; i++) place(node.objects[i]!, node, all);
}

/** Object.freeze, deeply (tested: test/dm/schema.test.ts). */
export function deepFreeze<V>(value: V): V {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) deepFreeze((value as Record<string, unknown>)[keys[i]!]);
  return value;
}

/** Assembles and freezes the schema: called once at start-up (or at module load for preloading). */
export function buildSchema(root: ObjectNode, dataModelUri: string): Schema {
  const objects: ObjectNode[] = [];
  place(root, null, objects);
  forgetInterned();
  stringLists.splice(0);
  names.splice(0);
  keys.splice(0);
  return deepFreeze({ root, dataModelUri, objects });
}
