/**
 * Compact storage of ParamNode (schema.ts). A parameter holds as own properties only its
 * name, one small integer packing its type, access and boolean facets (`b`), its default
 * when it is not the type's usual one (`d`), and, when it has any, a record of its
 * other facets (`f`) interned at declaration time, so equal facets are one shared
 * record. Everything else — `kind`, the defaults, the accessors — lives once on the
 * prototype. Every own property costs: a 16-byte slot in XS when the schema is not
 * preloaded into flash, a JsVar block in Espruino (docs/espruino.md#memory: a boolean
 * costs two blocks there, a small integer one, an unused facet none).
 *
 * Invariants: a facets record holds only facets that differ from their default and is
 * never changed once interned; getters are defined once on the prototype (no per-node
 * closures); the prototype is frozen.
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

export class CompactParam implements ParamNode {
  readonly name: string;
  /** Type, access and boolean facets (the P_* bits). */
  readonly b: number;
  /** The default, only when it is not fallbackDefault(type, list). */
  declare readonly d?: string;
  /** The other facets, only when one differs from its default; shared (internFacets). */
  declare readonly f?: ParamFacets;

  constructor(name: string, b: number, d: string | undefined, f: ParamFacets | undefined) {
    this.name = name;
    this.b = b;
    if (d !== undefined) this.d = d;
    if (f !== undefined) this.f = f;
  }

  get kind(): typeof NodeKind.Param { return NodeKind.Param; }
  get type(): ParamType { return (this.b & TYPE_BITS) as ParamType; }
  get access(): ParamAccess { return ((this.b >> ACCESS_SHIFT) & 3) as ParamAccess; }
  get defaultValue(): string { return this.d ?? fallbackDefault(this.type, this.list); }
  get list(): boolean { return (this.b & P_LIST) !== 0; }
  get secured(): boolean { return (this.b & P_SECURED) !== 0; }
  get hidden(): boolean { return (this.b & P_HIDDEN) !== 0; }
  get valueChange(): ValueChange { return (this.b & P_IGNORE_CHANGE) !== 0 ? ValueChange.WillIgnore : ValueChange.Allowed; }
  get mandatory(): boolean { return (this.b & P_MANDATORY) !== 0; }
  get volatile(): boolean { return (this.b & P_VOLATILE) !== 0; }
  get immutable(): boolean { return (this.b & P_IMMUTABLE) !== 0; }
  get minLength(): number { return this.f?.minLength ?? 0; }
  get maxLength(): number { return this.f?.maxLength ?? 0; }
  get rangeMin(): string { return this.f?.rangeMin ?? ''; }
  get rangeMax(): string { return this.f?.rangeMax ?? ''; }
  get enumeration(): readonly string[] | null { return this.f?.enumeration ?? null; }
  get patterns(): readonly string[] | null { return this.f?.patterns ?? null; }
  get minItems(): number { return this.f?.minItems ?? 0; }
  get maxItems(): number { return this.f?.maxItems ?? 0; }
  get listMaxLength(): number { return this.f?.listMaxLength ?? 0; }
  get reference(): ReferenceSpec | null { return this.f?.reference ?? null; }
  get entriesOf(): string { return this.f?.entriesOf ?? ''; }
  get getter(): ParamGetter | null { return this.f?.getter ?? null; }
  get setter(): ParamSetter | null { return this.f?.setter ?? null; }
}
Object.freeze(CompactParam.prototype);
Object.freeze(CompactParam);

/** Packs type, access and the boolean facets into CompactParam.b. */
export function packParam(type: ParamType, access: ParamAccess, flags: number): number {
  return type | (access << ACCESS_SHIFT) | flags;
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameReference(a: ReferenceSpec | undefined, b: ReferenceSpec | undefined): boolean {
  if (a === b) return true;
  return a !== undefined && b !== undefined && a.strong === b.strong && a.targetParent === b.targetParent && a.cascade === b.cascade;
}

function sameFacets(a: ParamFacets, b: ParamFacets): boolean {
  return a.getter === b.getter && a.setter === b.setter && a.entriesOf === b.entriesOf && a.minLength === b.minLength &&
    a.maxLength === b.maxLength && a.rangeMin === b.rangeMin && a.rangeMax === b.rangeMax && a.minItems === b.minItems &&
    a.maxItems === b.maxItems && a.listMaxLength === b.listMaxLength && sameStrings(a.enumeration, b.enumeration) &&
    sameStrings(a.patterns, b.patterns) && sameReference(a.reference, b.reference);
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
  for (let i = 0; i < interned.length; i++) if (sameFacets(interned[i]!, f)) return interned[i]!;
  if (f.reference !== undefined) Object.freeze(f.reference);
  interned.push(Object.freeze(f));
  return f;
}
