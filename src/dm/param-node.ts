/**
 * Compact storage of ParamNode (schema.ts). A parameter holds as own properties only its
 * name, one small integer packing its type, access and boolean facets (`b`) and its default
 * when it is not the type's usual one (`d`). Its prototype is, when it has any, the record
 * of its other facets interned at declaration time, so equal facets are one shared
 * record; that record's prototype (or the parameter's, without one) is PARAM_BASE, which
 * holds `kind`, every facet's default as a plain value and the accessors of `b`.
 * Every own property costs: a 16-byte slot in XS when the schema is not
 * preloaded into flash, a JsVar block in Espruino (docs/espruino.md#memory: a boolean
 * costs two blocks there, a small integer one, an unused facet none).
 *
 * Invariants: a facets record holds only facets that differ from their default and is
 * never changed once interned; getters are defined once on PARAM_BASE (no per-node
 * closures); PARAM_BASE and every facets record are frozen.
 */
import {
  NodeKind, type ParamAccess, type ParamGetter, type ParamNode, type ParamSetter, ParamType, type ReferenceSpec, ValueChange,
} from './schema.ts';

/** The facets of a ParamNode that are not packed into `b`; absent = the default (0, "", null). */
export interface ParamFacets {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly rangeMin?: string;
  readonly rangeMax?: string;
  readonly enumeration?: readonly string[];
  readonly patterns?: readonly string[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly listMaxLength?: number;
  readonly reference?: ReferenceSpec;
  readonly entriesOf?: string;
  readonly getter?: ParamGetter;
  readonly setter?: ParamSetter;
}

/** `b`: bits 0–3 the ParamType, 4–5 the ParamAccess, then one bit per boolean facet (below 2^15: one JsVar). */
const TYPE_BITS = 15;
const ACCESS_SHIFT = 4;
export const P_LIST = 1 << 6;
export const P_SECURED = 1 << 7;
export const P_HIDDEN = 1 << 8;
export const P_IGNORE_CHANGE = 1 << 9;
export const P_MANDATORY = 1 << 10;
export const P_VOLATILE = 1 << 11;
export const P_IMMUTABLE = 1 << 12;

/** The default a parameter of `type` has unless it declares one (TR-106 zero values). */
export function fallbackDefault(type: ParamType, list: boolean): string {
  if (type === ParamType.Boolean) return 'false';
  if (list || type === ParamType.String || type === ParamType.Base64 || type === ParamType.HexBinary) return '';
  return type === ParamType.DateTime ? '0001-01-01T00:00:00Z' : '0';
}

/**
 * What every parameter inherits: the facets' defaults as plain values (a facets record
 * with this as its prototype only holds what differs) and the accessors of `b` and `d`.
 * Values, not getters, for the facets: a getter is a function in flash (#13 item 4).
 */
const PARAM_BASE: Omit<ParamNode, 'name'> = {
  kind: NodeKind.Param,
  minLength: 0, maxLength: 0, rangeMin: '', rangeMax: '', enumeration: null, patterns: null, minItems: 0, maxItems: 0,
  listMaxLength: 0, reference: null, entriesOf: '', getter: null, setter: null,
  get type(): ParamType { return ((this as CompactParam).b & TYPE_BITS) as ParamType; },
  get access(): ParamAccess { return (((this as CompactParam).b >> ACCESS_SHIFT) & 3) as ParamAccess; },
  get defaultValue(): string { return (this as CompactParam).d ?? fallbackDefault(this.type, this.list); },
  get list(): boolean { return ((this as CompactParam).b & P_LIST) !== 0; },
  get secured(): boolean { return ((this as CompactParam).b & P_SECURED) !== 0; },
  get hidden(): boolean { return ((this as CompactParam).b & P_HIDDEN) !== 0; },
  get valueChange(): ValueChange { return ((this as CompactParam).b & P_IGNORE_CHANGE) !== 0 ? ValueChange.WillIgnore : ValueChange.Allowed; },
  get mandatory(): boolean { return ((this as CompactParam).b & P_MANDATORY) !== 0; },
  get volatile(): boolean { return ((this as CompactParam).b & P_VOLATILE) !== 0; },
  get immutable(): boolean { return ((this as CompactParam).b & P_IMMUTABLE) !== 0; },
};
Object.freeze(PARAM_BASE);

/** A parameter's own properties: its name, type/access/flags (`b`) and, when not the type's usual one, its default (`d`). */
interface CompactParam extends ParamNode {
  readonly b: number;
  readonly d?: string;
}

/**
 * A parameter node: own `name`, `b` and `d`; its prototype is its interned facets record
 * (internFacets), or PARAM_BASE when it has none.
 */
export function compactParam(name: string, type: ParamType, access: ParamAccess, flags: number, d: string | undefined, f: ParamFacets | undefined): ParamNode {
  // Own properties made while the prototype is Object.prototype: PARAM_BASE is frozen.
  const n: { name: string; b: number; d?: string } = { name, b: type | (access << ACCESS_SHIFT) | flags };
  if (d !== undefined) n.d = d;
  return Object.setPrototypeOf(n, f ?? PARAM_BASE) as ParamNode;
}

/**
 * Every distinct facets record declared since the last buildSchema, which empties it
 * (forgetInterned): the records live on in the parameters that share them.
 */
const interned: ParamFacets[] = [];

/** Called by buildSchema once its declarations are made. */
export function forgetInterned(): void {
  interned.splice(0);
}

/** The shared record equal to `f` (a new one is frozen and kept). */
export function internFacets(f: ParamFacets): ParamFacets {
  // Compared as they will read: facets left out read PARAM_BASE's defaults.
  Object.setPrototypeOf(f, PARAM_BASE);
  // Enumerations and patterns compare by identity: param() (schema-table.ts) already shares
  // one list per content (internStrings).
  for (let i = 0; i < interned.length; i++) {
    const a = interned[i]!;
    if (a.getter === f.getter && a.setter === f.setter && a.entriesOf === f.entriesOf && a.minLength === f.minLength &&
      a.maxLength === f.maxLength && a.rangeMin === f.rangeMin && a.rangeMax === f.rangeMax && a.minItems === f.minItems &&
      a.maxItems === f.maxItems && a.listMaxLength === f.listMaxLength && a.enumeration === f.enumeration &&
      a.patterns === f.patterns && (a.reference === f.reference || (!!a.reference && !!f.reference &&
        a.reference.strong === f.reference.strong && a.reference.targetParent === f.reference.targetParent &&
        a.reference.cascade === f.reference.cascade))) return a;
  }
  if (f.reference !== undefined) Object.freeze(f.reference);
  interned.push(Object.freeze(f));
  return f;
}
