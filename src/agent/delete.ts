/**
 * Delete (TR-369 06-messages "Delete", R-DEL.0–4, AGENT-REQUIREMENTS §1.10, §4 item 4).
 *
 * obj_paths are instance paths or search paths. allow_partial=true: delete what can
 * be deleted, one UnaffectedPathError per matched instance that failed (R-DEL.3); a
 * path matching nothing is oper_success with no affected_paths (R-DEL.2a).
 * allow_partial=false: a non-instance path, an absent instance, a non-deletable row
 * or a row without InstantiatedObj-w fails the whole message (R-DEL.1).
 * Unreadable rows are left out of both lists (R-DEL.2/4). Strong references to the
 * deleted rows are cleared by the model in the same transaction (R-ARC.12).
 */
import { DmError, PathKind, WriteMode, type DataModelApi } from '../dm/index.ts';
import type { DeleteInit, DeleteRespDeletedObjectResultInit, DeleteRespUnaffectedPathErrorInit, MsgInit } from '../usp/index.ts';
import { deleteRespMsg, errorMsg } from '../usp/index.ts';
import { PermKind, Right } from './acl.ts';
import type { Requester } from './types.ts';

export function processDelete(model: DataModelApi, req: Requester, msgId: string, del: DeleteInit): MsgInit {
  const allowPartial = del.allow_partial === true;
  const tx = model.begin();
  const results: DeleteRespDeletedObjectResultInit[] = [];
  const readable = (p: string): boolean => req.access.allows(p, PermKind.InstantiatedObj, Right.Read);
  for (const path of del.obj_paths ?? []) {
    const r = model.resolve(path);
    let err = r.err;
    let msg = r.message;
    if (err === 0 && (r.kind !== PathKind.Object || r.tables.length > 0)) { err = DmError.InvalidArguments; msg = `${path} is not an object instance path`; }
    if (err === DmError.ObjectDoesNotExist && allowPartial) err = 0; // R-DEL.2a / §4 item 4: nothing to delete
    if (err !== 0) {
      if (!allowPartial) { tx.rollback(); return errorMsg(msgId, err, msg, [{ param_path: path, err_code: err, err_msg: msg }]); }
      results.push({ requested_path: path, oper_status: { oper_failure: { err_code: err, err_msg: msg } } });
      continue;
    }
    const affected: string[] = [];
    const unaffected: DeleteRespUnaffectedPathErrorInit[] = [];
    for (const inst of r.objects) {
      let code = 0;
      let text = '';
      if (!model.instanceAt(inst.path)) continue; // already deleted by an earlier path of this message
      if (inst.number === 0) { code = DmError.ObjectNotATable; text = `${inst.path} is not a multi-instance object`; }
      else if (!req.access.allows(inst.path, PermKind.InstantiatedObj, Right.Write)) { code = DmError.PermissionDenied; text = `no permission to delete ${inst.path}`; }
      else { code = tx.deleteInstance(inst, WriteMode.Set); text = tx.message; }
      if (code === 0) { if (readable(inst.path)) affected.push(inst.path); continue; }
      if (!allowPartial) { tx.rollback(); return errorMsg(msgId, code, text, [{ param_path: inst.path, err_code: code, err_msg: text }]); }
      if (readable(inst.path)) unaffected.push({ unaffected_path: inst.path, err_code: code, err_msg: text });
    }
    results.push({ requested_path: path, oper_status: { oper_success: { affected_paths: affected, unaffected_path_errs: unaffected } } });
  }
  const err = tx.commit();
  if (err !== 0) { tx.rollback(); return errorMsg(msgId, err, tx.message); }
  return deleteRespMsg(msgId, { deleted_obj_results: results });
}
