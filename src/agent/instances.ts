/**
 * GetInstances (TR-369 06-messages "GetInstances", R-GIN.0/1, AGENT-REQUIREMENTS §1.9).
 *
 * obj_paths name tables (or search over rows). first_level_only=true: the matched
 * table's rows; false: those plus every descendant table's rows. Each CurrInstance
 * carries every readable unique key (R-GIN.1). Rows without InstantiatedObj-r are
 * absent (R-GIN.0); a single-instance object path is 7018.
 */
import { DmError, parsePath, PathKind, type DataModelApi, ObjectInstance, Table } from '../dm/index.ts';
import type { GetInstancesInit, GetInstancesRespCurrInstanceInit, GetInstancesRespInit, GetInstancesRespRequestedPathResultInit } from '../usp/index.ts';
import { PermKind, Right, searchReadable, type AccessView } from './acl.ts';
import { readableKeys } from './get.ts';

function addRow(model: DataModelApi, access: AccessView, row: ObjectInstance, deep: boolean, out: GetInstancesRespCurrInstanceInit[]): void {
  if (!access.allows(row.path, PermKind.InstantiatedObj, Right.Read)) return;
  out.push({ instantiated_obj_path: row.path, unique_keys: readableKeys(model, access, row) });
  if (deep) addBelow(model, access, row, out);
}

function addBelow(model: DataModelApi, access: AccessView, inst: ObjectInstance, out: GetInstancesRespCurrInstanceInit[]): void {
  for (let i = 0, sub = inst.sub; i < sub.length; i++) { const c = sub[i]!; if (c instanceof ObjectInstance) addBelow(model, access, c, out); }
  for (let i = 0, sub = inst.sub; i < sub.length; i++) {
    const t = sub[i]!;
    if (t instanceof Table) for (let j = 0, rows = t.rows; j < rows.length; j++) addRow(model, access, rows[j]!, true, out);
  }
}

function requested(model: DataModelApi, access: AccessView, path: string, firstLevel: boolean): GetInstancesRespRequestedPathResultInit {
  const r = model.resolve(path);
  const fail = (code: number, msg: string): GetInstancesRespRequestedPathResultInit =>
    ({ requested_path: path, err_code: code, err_msg: msg, curr_insts: [] });
  if (r.err !== 0) return fail(r.err, r.message);
  if (r.kind !== PathKind.Object) return fail(DmError.InvalidPath, `${path} is not an object path`);
  const out: GetInstancesRespCurrInstanceInit[] = [];
  if (r.tables.length === 0 && !r.search) {
    const only = r.objects[0];
    if (only === undefined || only.number === 0) return fail(DmError.ObjectNotATable, `${path} is not a multi-instance object`);
  }
  const parsed = r.search ? parsePath(path) : null;
  for (let i = 0, objects = r.objects; i < objects.length; i++) { const inst = objects[i]!;
    if (parsed !== null && !searchReadable(access, parsed, inst.path)) continue; // R-GIN.0
    if (inst.number === 0) { if (!firstLevel) addBelow(model, access, inst, out); continue; }
    addRow(model, access, inst, !firstLevel, out);
  }
  return { requested_path: path, err_code: 0, err_msg: '', curr_insts: out };
}

export function processGetInstances(model: DataModelApi, access: AccessView, gi: GetInstancesInit): GetInstancesRespInit {
  const results: GetInstancesRespRequestedPathResultInit[] = [];
  for (let i = 0, paths = gi.obj_paths ?? []; i < paths.length; i++) results.push(requested(model, access, paths[i]!, gi.first_level_only === true));
  return { req_path_results: results };
}
