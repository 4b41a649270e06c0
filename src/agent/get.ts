/**
 * Get (TR-369 06-messages "Get", AGENT-REQUIREMENTS §1.9, §4 items 4, 5, 7).
 *
 * One RequestedPathResult per param_paths entry, each evaluated on its own. One
 * ResolvedPathResult per object instance reached (not flattened, 1.2+), holding its
 * own readable parameters by relative name; a parameter path reports its parent.
 * max_depth (R-GET.5): 0 = unlimited, 1 = the object's own parameters, 2 = + children…
 * Unreadable = nonexistent (R-GET.1): a non-search path the Controller may not read
 * answers 7026; unreadable params are dropped (R-GET.4).
 */
import { DmError, parsePath, PathKind, type DataModelApi, ObjectInstance, type ParamNode, Table, named } from '../dm/index.ts';
import type { GetInit, GetRespInit, GetRespRequestedPathResultInit, GetRespResolvedPathResultInit } from '../usp/index.ts';
import { PermKind, Right, searchReadable, type AccessView } from './acl.ts';

/** The agent's own read of a parameter by name ("" when the object has no such parameter). */
export function readParam(model: DataModelApi, inst: ObjectInstance, name: string): string {
  const p = named(inst.node.params, name);
  return p === undefined ? '' : model.read(inst, p);
}

/** Reads a value as the Controller may see it: secured params read "" without a SecuredRole (§4 item 17). */
export function readFor(model: DataModelApi, access: AccessView, inst: ObjectInstance, p: ParamNode): string {
  return p.secured && !access.secured ? '' : model.read(inst, p);
}

/**
 * The unique keys of `row` the Controller may read, by name, secured ones blank (§4 item 17):
 * what an Add (R-ADD.6), a GetInstances (R-GIN.1) and an ObjectCreation notification report.
 */
export function readableKeys(model: DataModelApi, access: AccessView, row: ObjectInstance): Record<string, string> {
  const keys: Record<string, string> = {};
  for (let i = 0, uniqueKeys = row.node.uniqueKeys; i < uniqueKeys.length; i++) {
    for (let j = 0, names = uniqueKeys[i]!.params; j < names.length; j++) {
      const name = names[j]!;
      const p = named(row.node.params, name);
      if (p !== undefined && access.allows(row.path + name, PermKind.Param, Right.Read)) keys[name] = readFor(model, access, row, p);
    }
  }
  return keys;
}

interface GetWalk {
  readonly model: DataModelApi;
  readonly access: AccessView;
  readonly out: GetRespResolvedPathResultInit[];
  budget: number;
}

function objectResult(w: GetWalk, inst: ObjectInstance): void {
  if (inst.node.params.length === 0) return;
  const values: Record<string, string> = {};
  for (let i = 0, params = inst.node.params; i < params.length; i++) { const p = params[i]!;
    if (w.access.allows(inst.path + p.name, PermKind.Param, Right.Read)) values[p.name] = readFor(w.model, w.access, inst, p);
  }
  w.budget--;
  w.out.push({ resolved_path: inst.path, result_params: values });
}

/** Object `inst` and, depth permitting, everything below it (depth 0 = unlimited). */
function walk(w: GetWalk, inst: ObjectInstance, depth: number): void {
  if (w.budget <= 0) return;
  objectResult(w, inst);
  if (depth === 1) return;
  const next = depth === 0 ? 0 : depth - 1;
  for (let i = 0, sub = inst.sub; i < sub.length; i++) { const c = sub[i]!; if (c instanceof ObjectInstance) walk(w, c, next); }
  for (let i = 0, sub = inst.sub; i < sub.length; i++) { const t = sub[i]!;
    if (!(t instanceof Table)) continue;
    for (let j = 0, rows = t.rows; j < rows.length; j++) {
      const r = rows[j]!;
      if (w.access.allows(r.path, PermKind.InstantiatedObj, Right.Read)) walk(w, r, next); // §Perm: unreadable rows do not exist
    }
  }
}

function requested(model: DataModelApi, access: AccessView, path: string, maxDepth: number, budget: number): GetRespRequestedPathResultInit {
  const r = model.resolve(path);
  const fail = (code: number, msg: string): GetRespRequestedPathResultInit =>
    ({ requested_path: path, err_code: code, err_msg: msg, resolved_path_results: [] });
  // R-GET.0: a non-search path missing from the instantiated model is 7026 too.
  if (r.err !== 0) return fail(r.err === DmError.ObjectDoesNotExist ? DmError.InvalidPath : r.err, r.message);
  if (r.kind === PathKind.Command || r.kind === PathKind.Event) return fail(DmError.InvalidPath, `${path} is not a parameter or object path`);
  const w: GetWalk = { model, access, out: [], budget: budget + 1 };
  const parsed = r.search ? parsePath(path) : null;
  const objects = r.objects;
  if (r.kind === PathKind.Param) {
    const p = r.element as ParamNode;
    for (let i = 0; i < objects.length; i++) { const inst = objects[i]!;
      if (parsed !== null && !searchReadable(access, parsed, inst.path)) continue; // R-GET.1
      const visible = inst.number === 0 || !r.search || access.allows(inst.path, PermKind.InstantiatedObj, Right.Read); // §Perm strings: wildcard/search reads need InstantiatedObj-r
      if (!visible || !access.allows(inst.path + p.name, PermKind.Param, Right.Read)) {
        if (!r.search) return fail(DmError.InvalidPath, `${path} does not exist`); // R-GET.1
        continue;
      }
      w.out.push({ resolved_path: inst.path, result_params: { [p.name]: readFor(model, access, inst, p) } });
    }
    return { requested_path: path, err_code: 0, err_msg: '', resolved_path_results: w.out };
  }
  for (let i = 0; i < objects.length; i++) { const inst = objects[i]!;
    if (parsed !== null && !searchReadable(access, parsed, inst.path)) continue; // R-GET.1
    if (inst.number > 0 && !access.allows(inst.path, PermKind.InstantiatedObj, Right.Read)) {
      if (!r.search && r.tables.length === 0) return fail(DmError.InvalidPath, `${path} does not exist`); // R-GET.1
      continue;
    }
    walk(w, inst, maxDepth);
  }
  if (w.budget <= 0) return fail(DmError.ResourcesExceeded, `${path} reaches more than ${budget} objects`);
  return { requested_path: path, err_code: 0, err_msg: '', resolved_path_results: w.out };
}

export function processGet(model: DataModelApi, access: AccessView, get: GetInit, maxObjects: number): GetRespInit {
  const results: GetRespRequestedPathResultInit[] = [];
  const depth = get.max_depth ?? 0;
  for (let i = 0, paths = get.param_paths ?? []; i < paths.length; i++) { const path = paths[i]!; results.push(requested(model, access, path, depth, maxObjects)); }
  return { req_path_results: results };
}
