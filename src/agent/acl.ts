/**
 * Access control (TR-369 07-security "Roles", TR-181 ControllerTrust.Role.{i}.Permission.{i}.,
 * AGENT-REQUIREMENTS §1.16): each Controller's Roles (AssignedRole ∪ InheritedRole, or
 * the configured default / UntrustedRole) compiled into an AccessView that answers
 * "which rwxn bits does this path get" for the four permission kinds.
 *
 * Rules: within a Role the enabled Permission with the highest Order whose Targets
 * match wins (§Precedence); across Roles the bits are unioned. A partial-path target
 * covers that object and everything below; `*` and `{i}` match any instance; search
 * targets are resolved against the model when compiled (§Targets).
 * Invariants: views are cached per role set; any change under ControllerTrust (or,
 * with search targets, anywhere) drops them. A path's bits are computed in place on
 * each call, never cached: a per-path cache grew to hundreds of XS slots and ~13 KB of
 * strings after one GetSupportedDM of Device. (docs/budgets.md), and matching a path
 * against a few compiled targets allocates nothing.
 */
import type { ChangeListener, DataModelApi, ObjectInstance, ParsedPath } from '../dm/index.ts';
import { splitList, named } from '../dm/index.ts';

/** Bit layout: 4 bits per kind, r=8 w=4 x=2 n=1. */
export const PermKind = { Param: 12, Obj: 8, InstantiatedObj: 4, CommandEvent: 0 } as const;
export type PermKind = (typeof PermKind)[keyof typeof PermKind];
export const Right = { Read: 8, Write: 4, Execute: 2, Notify: 1 } as const;
export type Right = (typeof Right)[keyof typeof Right];

const ROLES_PATH = 'Device.LocalAgent.ControllerTrust.';

interface CompiledPermission {
  readonly order: number;
  readonly bits: number;
  /** Target paths split at "."; a trailing "" segment marks a partial (object) path. */
  readonly targets: readonly (readonly string[])[];
}

function rwxn(s: string): number {
  let b = 0;
  if (s.charCodeAt(0) === 114) b |= 8;
  if (s.charCodeAt(1) === 119) b |= 4;
  if (s.charCodeAt(2) === 120) b |= 2;
  if (s.charCodeAt(3) === 110) b |= 1;
  return b;
}

/*
 * String methods called through the function (`f.call(s, …)`): XS wraps a primitive string
 * in a new String object (2 slots of garbage) for every `s.length`, `s.indexOf(…)` and
 * `s.charCodeAt(i)`, and coversPath runs for every target of every role on every path
 * checked (GetSupportedDM of Device.: ~3 300 slots of garbage in xsnap, docs/budgets.md).
 * `lastIndexOf('')` is the length. Taken from an instance: Espruino has no String.prototype
 * methods as values.
 */
const charCodeAt = ''.charCodeAt;
const indexOf = ''.indexOf;
const lastIndexOf = ''.lastIndexOf;
const startsWith = ''.startsWith;

/** True when `path`[start, end) is an instance number, "{i}" or "*". */
function instanceAt(path: string, start: number, end: number): boolean {
  if (end === start) return false;
  if (end - start === 1 && charCodeAt.call(path, start) === 42) return true; // "*"
  if (end - start === 3 && startsWith.call(path, '{i}', start)) return true;
  for (let i = start; i < end; i++) { const c = charCodeAt.call(path, i); if (c < 48 || c > 57) return false; }
  return true;
}

/**
 * Whether `path` is covered by `target` (split at "."; a trailing "" segment marks a partial
 * target, which covers that object and everything below): each segment equal, or `*`/`{i}`
 * against an instance number, `*` or `{i}`. Walks the path string in place (allocates nothing).
 * Each segment is matched inline (never cut out of the path): one
 * JavaScript frame less at the deepest point of a Get, whose stack the 384-slot Class 2
 * stack leaves no room for (the calls through the function add a native frame each).
 */
export function coversPath(target: readonly string[], path: string): boolean {
  const partial = target[target.length - 1] === '';
  const n = partial ? target.length - 1 : target.length;
  const length = lastIndexOf.call(path, '');
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (start > length) return false; // the path has fewer segments
    let end = indexOf.call(path, '.', start);
    if (end < 0) end = length;
    const t = target[i]!;
    const w = end - start;
    let ok = lastIndexOf.call(t, '') === w && startsWith.call(path, t, start);
    if (!ok && (t === '*' || t === '{i}')) ok = instanceAt(path, start, end);
    else if (!ok && ((w === 1 && charCodeAt.call(path, start) === 42) || (w === 3 && startsWith.call(path, '{i}', start)))) ok = instanceAt(t, 0, lastIndexOf.call(t, ''));
    if (!ok) return false;
    start = end + 1;
  }
  // Exact target: the path ends here. Partial target: anything (or nothing) may follow.
  return partial || start === length + 1;
}

export class AccessView {
  constructor(private readonly roles: readonly (readonly CompiledPermission[])[], readonly secured: boolean) {}

  /** The 16 permission bits of `path` (object paths end in "."). */
  bits(path: string): number {
    let bits = 0;
    const roles = this.roles;
    for (let r = 0; r < roles.length; r++) {
      const perms = roles[r]!;
      for (let i = 0; i < perms.length; i++) { // sorted by Order, highest first
        const p = perms[i]!;
        let m = false;
        for (let t = 0; t < p.targets.length && !m; t++) m = coversPath(p.targets[t]!, path);
        if (m) { bits |= p.bits; break; }
      }
    }
    return bits;
  }

  allows(path: string, kind: PermKind, right: Right): boolean {
    return ((this.bits(path) >>> kind) & right) !== 0;
  }
}

/** Compiles and caches AccessViews; listens to the model to invalidate on role changes. */
export class AccessControl implements ChangeListener {
  private readonly views = new Map<string, AccessView>();
  private readonly compiled = new Map<string, readonly CompiledPermission[]>();
  private searchTargets = false;

  constructor(private readonly model: DataModelApi, readonly defaultRole: string) {
    model.addListener(this); // the class is the listener: no object of closures (XS RAM, issue #13)
  }

  // A value change or a creation is handled as a deletion at its path: any change under ControllerTrust or the
  // Controller table (anywhere, with search targets) drops the compiled views.
  handleValueChange(inst: ObjectInstance): void { this.handleObjectDeletion(inst.path); }
  handleObjectCreation(inst: ObjectInstance): void { this.handleObjectDeletion(inst.path); }
  handleObjectDeletion(path: string): void {
    if (this.searchTargets || path.startsWith(ROLES_PATH) || path.startsWith('Device.LocalAgent.Controller.')) this.invalidate();
  }

  invalidate(): void {
    this.views.clear();
    this.compiled.clear();
  }

  private param(objPath: string, name: string): string {
    const inst = this.model.instanceAt(objPath);
    if (inst === undefined) return '';
    const p = named(inst.node.params, name);
    return p === undefined ? '' : this.model.read(inst, p);
  }

  /**
   * The AccessView for a Controller (cached per role set): the roles of a configured
   * Controller are AssignedRole ∪ InheritedRole, else the default role; an unknown one
   * (null) gets UntrustedRole.
   */
  viewFor(controller: ObjectInstance | null): AccessView {
    let roles: string[];
    if (controller === null) roles = splitList(this.param(ROLES_PATH, 'UntrustedRole'));
    else {
      const params = controller.node.params;
      const all = splitList(this.model.read(controller, named(params, 'AssignedRole')!))
        .concat(splitList(this.model.read(controller, named(params, 'InheritedRole')!)));
      roles = [];
      for (let i = 0; i < all.length; i++) if (all[i] !== '') roles.push(all[i]!);
      if (roles.length === 0) roles.push(this.defaultRole);
    }
    const banned = this.param(ROLES_PATH, 'BannedRole');
    const securedRoles = splitList(this.param(ROLES_PATH, 'SecuredRoles'));
    const key = roles.join(',');
    let v = this.views.get(key);
    if (v !== undefined) return v;
    const compiled: (readonly CompiledPermission[])[] = [];
    let secured = false;
    for (let i = 0; i < roles.length; i++) { const r = roles[i]!;
      if (r === banned) continue;
      if (securedRoles.indexOf(r) >= 0) secured = true;
      compiled.push(this.compileRole(r));
    }
    v = new AccessView(compiled, secured);
    this.views.set(key, v);
    return v;
  }

  private compileRole(rolePath: string): readonly CompiledPermission[] {
    const hit = this.compiled.get(rolePath);
    if (hit !== undefined) return hit;
    const m = this.model;
    const role = m.instanceAt(rolePath.endsWith('.') ? rolePath : rolePath + '.');
    const out: CompiledPermission[] = [];
    if (role !== undefined && this.param(role.path, 'Enable') === 'true') {
      const table = role.table('Permission');
      for (let i = 0, rows = table === undefined ? [] : table.rows; i < rows.length; i++) { const row = rows[i]!;
        if (this.param(row.path, 'Enable') !== 'true') continue;
        const bits = (rwxn(this.param(row.path, 'Param')) << 12) | (rwxn(this.param(row.path, 'Obj')) << 8) |
          (rwxn(this.param(row.path, 'InstantiatedObj')) << 4) | rwxn(this.param(row.path, 'CommandEvent'));
        const targets: string[][] = [];
        for (let j = 0, list = splitList(this.param(row.path, 'Targets')); j < list.length; j++) { const t = list[j]!;
          if (t === '') continue;
          if (t.indexOf('[') < 0) { targets.push(t.split('.')); continue; }
          this.searchTargets = true; // §Targets: a search target names what it resolves to now
          const r = m.resolve(t);
          if (r.err !== 0) continue;
          const suffix = r.element === null ? '' : r.element.name;
          for (let k = 0, objects = r.objects; k < objects.length; k++) { const o = objects[k]!; targets.push((o.path + suffix).split('.')); }
        }
        // Sorted by Order, highest first; equal Orders keep the table's order (a stable sort).
        const order = Number(this.param(row.path, 'Order'));
        let at = out.length;
        while (at > 0 && out[at - 1]!.order < order) at--;
        out.splice(at, 0, { order, bits, targets });
      }
    }
    this.compiled.set(rolePath, out);
    return out;
  }
}

/**
 * R-GIN.0 / R-GET.1: an object matched by a search expression is visible only when the
 * Controller may read every parameter the expression tests, on the row it tested.
 * `parsed` is the requested path; `objPath` one of the instances it resolved to.
 * Paths that follow references change shape and are not checked here.
 */
export function searchReadable(access: AccessView, parsed: ParsedPath, objPath: string): boolean {
  if (!parsed.search) return true;
  let parts: string[] | null = null;
  const segs = parsed.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    if (seg.follow !== null) return true;
    if (seg.terms === null) continue;
    if (parts === null) parts = objPath.split('.');
    if (parts.length <= i) return true;
    const row = parts.slice(0, i + 1).join('.') + '.';
    for (let j = 0, terms = seg.terms; j < terms.length; j++) { const term = terms[j]!;
      if (term.steps.length === 0 || term.steps[0]!.follow !== null) continue;
      let rel = term.steps[0]!.name;
      for (let k = 1; k < term.steps.length; k++) rel += '.' + term.steps[k]!.name;
      if (!access.allows(row + rel, PermKind.Param, Right.Read)) return false;
    }
  }
  return true;
}
