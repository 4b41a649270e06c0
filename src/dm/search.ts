/**
 * Search expressions (TR-369 §"Searching with Expressions", R-ARC.9, §4 item 20):
 * checks each term against the schema once per search segment (relative parameter,
 * no child tables, operator allowed for the type, constant of the right type), then
 * evaluates the AND of the terms on each row with typed comparison.
 */
import { DmError } from './errors.ts';
import type { ObjectInstance } from './instances.ts';
import { SearchOp, type SearchTerm } from './path-types.ts';
import { type ObjectNode, type ParamNode, ParamType, named } from './schema.ts';
import { canonicalValue, compareValues, splitList, UNKNOWN_TIME } from './types/value.ts';

/** What evaluation needs from the model: values and reference following. */
export interface SearchContext {
  read(inst: ObjectInstance, param: ParamNode): string;
  /** Instance a reference value points at (numbers or keys), or undefined. */
  referenced(value: string): ObjectInstance | undefined;
  objectNodeAt(supportedPath: string): ObjectNode | undefined;
}

export interface TermCheck {
  readonly err: number;
  readonly message: string;
}

const OK: TermCheck = Object.freeze({ err: 0, message: '' });

function bad(message: string): TermCheck {
  return { err: DmError.InvalidPathSyntax, message };
}

/** Schema-level validity of every term on rows of `node` (before any row is looked at). */
export function checkTerms(ctx: SearchContext, node: ObjectNode, terms: readonly SearchTerm[]): TermCheck {
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    // The parameter the term's relative path ends on, following single-instance objects and references.
    let p: ParamNode | string = 'empty expression parameter';
    let cur = node;
    const steps = t.steps;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      const last = k === steps.length - 1;
      if (step.follow !== null) {
        const r = named(cur.params, step.name);
        if (r === undefined || r.reference === null) { p = `${step.name} is not a reference parameter of ${cur.path}`; break; }
        const target = ctx.objectNodeAt(r.reference.targetParent);
        if (target === undefined || last) { p = `reference ${step.name}+ must be followed by a parameter`; break; }
        cur = target;
      } else if (last) {
        p = named(cur.params, step.name) ?? `no parameter ${step.name} in ${cur.path}`;
      } else {
        const child = named(cur.objects, step.name);
        if (child === undefined) { p = `no object ${step.name} in ${cur.path}`; break; }
        if (child.multi) { p = `search expressions cannot descend into the child table ${step.name}`; break; }
        cur = child;
      }
    }
    if (typeof p === 'string') return bad(p);
    const equality = t.op === SearchOp.Eq || t.op === SearchOp.Ne;
    if (t.op === SearchOp.Contains && !p.list) return bad(`~= needs a list parameter, ${p.name} is not one`);
    if (p.list && t.op !== SearchOp.Contains && !equality) return bad(`${p.name} is a list: only ~=, == and != apply`);
    const stringLike = p.type === ParamType.String;
    if (stringLike && !t.quoted) return bad(`${p.name} is a string: the constant must be quoted`);
    if ((p.type === ParamType.Boolean || (!stringLike && p.type !== ParamType.DateTime && p.type !== ParamType.HexBinary && p.type !== ParamType.Base64)) && t.quoted) {
      return bad(`${p.name} is not a string: the constant must not be quoted`);
    }
    if ((stringLike || p.type === ParamType.Boolean) && !equality && !(p.list && t.op === SearchOp.Contains)) {
      return bad(`only == and != apply to ${p.name}`);
    }
    if (!stringLike && canonicalValue(p.type, t.value) === null) return bad(`"${t.value}" is not a valid value for ${p.name}`);
    if (p.type === ParamType.DateTime && !equality && compareValues(p.type, t.value, UNKNOWN_TIME) === 0) {
      return bad('only == and != apply to the Unknown Time');
    }
  }
  return OK;
}

/** Evaluates one term from `inst` along its relative steps (any followed reference matching counts). */
function matchFrom(ctx: SearchContext, inst: ObjectInstance, t: SearchTerm, from: number): boolean {
  let cur = inst;
  for (let i = from; i < t.steps.length; i++) {
    const step = t.steps[i]!;
    const p = named(cur.node.params, step.name);
    if (i === t.steps.length - 1) {
      if (p === undefined) return false;
      const value = ctx.read(cur, p);
      if (t.op === SearchOp.Contains) {
        const items = splitList(value);
        for (let k = 0; k < items.length; k++) if (compareValues(p.type, items[k]!, t.value) === 0) return true;
        return false;
      }
      const r = p.list ? (value === t.value ? 0 : 1) : compareValues(p.type, value, t.value);
      const op = t.op;
      if (Number.isNaN(r)) return op === SearchOp.Ne;
      return op === SearchOp.Eq ? r === 0 : op === SearchOp.Ne ? r !== 0 : op === SearchOp.Lt ? r < 0
        : op === SearchOp.Gt ? r > 0 : op === SearchOp.Le ? r <= 0 : r >= 0;
    }
    if (step.follow !== null) {
      if (p === undefined) return false;
      const items = splitList(ctx.read(cur, p));
      for (let k = 0; k < items.length; k++) {
        if (step.follow.item > 0 && k !== step.follow.item - 1) continue;
        const target = ctx.referenced(items[k]!);
        if (target !== undefined && matchFrom(ctx, target, t, i + 1)) return true;
      }
      return false;
    }
    const child = cur.child(step.name);
    if (child === undefined) return false;
    cur = child;
  }
  return false;
}

/** True when every term holds for `row` (AND only, R-ARC.9). */
export function matchesTerms(ctx: SearchContext, row: ObjectInstance, terms: readonly SearchTerm[]): boolean {
  for (let i = 0; i < terms.length; i++) if (!matchFrom(ctx, row, terms[i]!, 0)) return false;
  return true;
}
