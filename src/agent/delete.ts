/**
 * Delete (TR-369 06-messages "Delete", R-DEL.0–4, AGENT-REQUIREMENTS §1.10, §4 item 4).
 *
 * obj_paths are instance paths or search paths. allow_partial=true: delete what can
 * be deleted, one UnaffectedPathError per matched instance that failed (R-DEL.3).
 * A valid path matching nothing — a search, or an instance number not in use — is
 * oper_success with no affected_paths whatever allow_partial says (R-DEL.2a; TP-469
 * 1.25/1.29, as the reference agent answers: see docs/decisions.md, where R-DEL.1's
 * "an Object Instance that does not exist" is read as losing to R-DEL.2a).
 * allow_partial=false: a non-instance path, a path outside the supported model, a
 * non-deletable row or a row without InstantiatedObj-w fails the whole message (R-DEL.1).
 * Unreadable rows are left out of both lists (R-DEL.2/4). Strong references to the
 * deleted rows are cleared by the model in the same transaction (R-ARC.12).
 */
import { DmError, PathKind, WriteMode, type DataModelApi } from '../dm/index.ts';
import type { DeleteInit, DeleteRespDeletedObjectResultInit, DeleteRespUnaffectedPathErrorInit, MsgInit } from '../usp/index.ts';
import { errorMsg, responseMsg } from '../usp/index.ts';
import { PermKind, Right } from './acl.ts';
import type { Requester } from './types.ts';

export function processDelete(model: DataModelApi, req: Requester, msgId: string, del: DeleteInit): MsgInit {
  const allowPartial = del.allow_partial === true;
  const tx = model.begin();
  const results: DeleteRespDeletedObjectResultInit[] = [];
  for (let i = 0, paths = del.obj_paths ?? []; i < paths.length; i++) { const path = paths[i]!;
    const r = model.resolve(path);
    let err = r.err;
    let msg = r.message;
    if (err === 0 && (r.kind !== PathKind.Object || r.tables.length > 0)) { err = DmError.InvalidArguments; msg = `${path} is not an object instance path`; }
    if (err === DmError.ObjectDoesNotExist) { // R-DEL.2a: valid, resolves to nothing → nothing to delete
      // "Device.X.7." ends with an instance number (an Object Instance Path, not a table or sub-object).
      const cut = path.lastIndexOf('.', path.length - 2);
      let endsWithInstance = cut >= 0 && path.endsWith('.') && cut !== path.length - 2;
      for (let k = cut + 1; k < path.length - 1 && endsWithInstance; k++) { const c = path.charCodeAt(k); endsWithInstance = c >= 48 && c <= 57; }
      const s = model.resolveSupported(path);
      if (s.err !== 0) { err = s.err; msg = s.message; }
      else if (s.kind !== PathKind.Object || s.node === null || !s.node.multi || !endsWithInstance) {
        err = DmError.InvalidArguments; msg = `${path} is not an object instance path`;
      } else err = 0;
    }
    if (err !== 0) {
      if (!allowPartial) { tx.rollback(); return errorMsg(msgId, err, msg, [{ param_path: path, err_code: err, err_msg: msg }]); }
      results.push({ requested_path: path, oper_status: { oper_failure: { err_code: err, err_msg: msg } } });
      continue;
    }
    const affected: string[] = [];
    const unaffected: DeleteRespUnaffectedPathErrorInit[] = [];
    for (let j = 0, objects = r.objects; j < objects.length; j++) { const inst = objects[j]!;
      let code = 0;
      let text = '';
      if (!model.instanceAt(inst.path)) continue; // already deleted by an earlier path of this message
      if (inst.number === 0) { code = DmError.ObjectNotATable; text = `${inst.path} is not a multi-instance object`; }
      else if (!req.access.allows(inst.path, PermKind.InstantiatedObj, Right.Write)) { code = DmError.PermissionDenied; text = `no permission to delete ${inst.path}`; }
      else { code = tx.deleteInstance(inst, WriteMode.Set); text = tx.message; }
      const readable = req.access.allows(inst.path, PermKind.InstantiatedObj, Right.Read); // R-DEL.2/4: unreadable rows are left out
      if (code === 0) { if (readable) affected.push(inst.path); continue; }
      if (!allowPartial) { tx.rollback(); return errorMsg(msgId, code, text, [{ param_path: inst.path, err_code: code, err_msg: text }]); }
      if (readable) unaffected.push({ unaffected_path: inst.path, err_code: code, err_msg: text });
    }
    results.push({ requested_path: path, oper_status: { oper_success: { affected_paths: affected, unaffected_path_errs: unaffected } } });
  }
  const err = tx.commit();
  if (err !== 0) { tx.rollback(); return errorMsg(msgId, err, tx.message); }
  return responseMsg(msgId, 'delete_resp', { deleted_obj_results: results });
}
