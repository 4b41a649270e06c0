/**
 * Compact storage of ParamNode (schema.ts): a parameter keeps its hot fields (kind,
 * name, type, access, default) as own properties and its rarely read facets in a
 * ParamFacets record that `shareFacets` deduplicates across the schema, read through
 * prototype getters. In XS every property is a 16-byte slot, so this divides the
 * schema's heap by about two when it is not preloaded into flash (bench suite `dm`).
 *
 * Invariants: one shape for every parameter (monomorphic on V8); getters are defined
 * once on the prototype (no per-node closures); the prototype is frozen.
 */
import {
  NodeKind, type ParamAccess, type ParamGetter, type ParamNode, type ParamSetter, type ParamType, type ReferenceSpec, type ValueChange,
} from './schema.ts';

/** Everything of a ParamNode except its hot fields. */
export type ParamFacets = Omit<ParamNode, 'kind' | 'name' | 'type' | 'access' | 'defaultValue'>;

export class CompactParam implements ParamNode {
  readonly kind: typeof NodeKind.Param;
  readonly name: string;
  readonly type: ParamType;
  readonly access: ParamAccess;
  readonly defaultValue: string;
  /** Shared facets; replaced by an equal shared record in buildSchema, then frozen. */
  f: ParamFacets;

  constructor(name: string, type: ParamType, access: ParamAccess, defaultValue: string, f: ParamFacets) {
    this.kind = NodeKind.Param;
    this.name = name;
    this.type = type;
    this.access = access;
    this.defaultValue = defaultValue;
    this.f = f;
  }

  get minLength(): number { return this.f.minLength; }
  get maxLength(): number { return this.f.maxLength; }
  get rangeMin(): string { return this.f.rangeMin; }
  get rangeMax(): string { return this.f.rangeMax; }
  get enumeration(): readonly string[] | null { return this.f.enumeration; }
  get patterns(): readonly string[] | null { return this.f.patterns; }
  get list(): boolean { return this.f.list; }
  get minItems(): number { return this.f.minItems; }
  get maxItems(): number { return this.f.maxItems; }
  get listMaxLength(): number { return this.f.listMaxLength; }
  get reference(): ReferenceSpec | null { return this.f.reference; }
  get secured(): boolean { return this.f.secured; }
  get hidden(): boolean { return this.f.hidden; }
  get valueChange(): ValueChange { return this.f.valueChange; }
  get mandatory(): boolean { return this.f.mandatory; }
  get entriesOf(): string { return this.f.entriesOf; }
  get getter(): ParamGetter | null { return this.f.getter; }
  get setter(): ParamSetter | null { return this.f.setter; }
  get volatile(): boolean { return this.f.volatile; }
  get immutable(): boolean { return this.f.immutable; }
}
Object.freeze(CompactParam.prototype);
Object.freeze(CompactParam);

function sameStrings(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameReference(a: ReferenceSpec | null, b: ReferenceSpec | null): boolean {
  if (a === b) return true;
  return a !== null && b !== null && a.strong === b.strong && a.targetParent === b.targetParent && a.cascade === b.cascade;
}

function sameFacets(a: ParamFacets, b: ParamFacets): boolean {
  return a.minLength === b.minLength && a.maxLength === b.maxLength && a.rangeMin === b.rangeMin && a.rangeMax === b.rangeMax &&
    sameStrings(a.enumeration, b.enumeration) && sameStrings(a.patterns, b.patterns) && a.list === b.list &&
    a.minItems === b.minItems && a.maxItems === b.maxItems && a.listMaxLength === b.listMaxLength &&
    sameReference(a.reference, b.reference) && a.secured === b.secured && a.hidden === b.hidden &&
    a.valueChange === b.valueChange && a.mandatory === b.mandatory && a.entriesOf === b.entriesOf &&
    a.getter === b.getter && a.setter === b.setter && a.volatile === b.volatile && a.immutable === b.immutable;
}

/** Points every parameter at one shared record per distinct set of facets (build time only). */
export function shareFacets(params: readonly ParamNode[]): void {
  const unique: ParamFacets[] = [];
  for (const p of params) {
    if (!(p instanceof CompactParam)) continue;
    const found = unique.find((u) => sameFacets(u, p.f));
    if (found === undefined) unique.push(p.f);
    else p.f = found;
  }
}
