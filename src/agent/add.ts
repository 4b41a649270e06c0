/**
 * Add (TR-369 06-messages "Add", R-ADD.0–6, AGENT-REQUIREMENTS §1.10, §4 items 1, 3).
 *
 * obj_path names a table (or a search over tables: one CreatedObjectResult per row
 * created, all with the same requested_path). Each obj_path is atomic; allow_partial
 * =false fails the whole message on any failure and commits nothing (R-ADD.1/2a).
 * Unique keys left out are filled by the model (R-ADD.5) and always count as
 * required; the response lists every readable key (R-ADD.6). Needs Obj-w on the table.
 */
import { DmError, PathKind, WriteMode, type DataModelApi, type Table, type Transaction, type WriteFailure } from '../dm/index.ts';
import type { Add as AddRequest, AddRespCreatedObjectResultInit, MsgInit } from '../usp/index.ts';
import { responseMsg } from '../usp/index.ts';
import { PermKind, Right } from './acl.ts';
import { readableKeys } from './get.ts';
import type { Requester } from './types.ts';
import { fullParamErrs, runWriteMessage, writeParams, type FullParamError, type PathRun, ObjPathsMessage, type WritePolicy } from './write.ts';

type Results = AddRespCreatedObjectResultInit[];
type PathOutcome = PathRun<Results>;

/**
 * An obj_path that failed. With allow_partial=false it becomes the Error, whose param_errs
 * name what failed (06-messages "Using allow_partial and required Parameters": param_errs
 * regardless of Response or Error; TP-469 1.4/1.6): the failed parameters of the row, or
 * else the obj_path itself with its code (an invalid or non-creatable object).
 */
function failure(path: string, code: number, msg: string, errs?: FullParamError[]): PathOutcome {
  const failErrs = errs ?? [{ param_path: path, err_code: code, err_msg: msg }];
  return { outcome: [{ requested_path: path, oper_status: { oper_failure: { err_code: code, err_msg: msg } } }], failCode: code, failMsg: msg, failErrs };
}

type AddSetting = AddRequest['create_objs'][number]['param_settings'][number];

/**
 * The tables `path` names, or its outcome when there are none. Resolved in a frame of its
 * own so the resolution (≈ 10 XS slots) is garbage before the rows are written: the Add of
 * two subscriptions is the Class 2 run's worst moment (#13 item 3).
 */
function tablesAt(model: DataModelApi, path: string): readonly Table[] | PathOutcome {
  const r = model.resolve(path);
  if (r.err !== 0) return failure(path, r.err, r.message);
  if (r.kind !== PathKind.Object) return failure(path, DmError.InvalidPath, `${path} is not an object path`);
  if (r.tables.length === 0) {
    if (r.search && r.objects.length === 0) return { outcome: [], failCode: 0, failMsg: '', failErrs: [] };
    return failure(path, DmError.ObjectNotATable, `${path} is not a multi-instance object`);
  }
  return r.tables;
}

/** The Add as the write driver sees it (write.ts ObjPathsMessage). */
class AddMessage extends ObjPathsMessage<AddSetting, Results> {
  failed(i: number, f: WriteFailure): Results {
    return failure(this.objs[i]!.obj_path ?? '', f.err, f.message).outcome;
  }

  respond(outcomes: Results[]): MsgInit {
    // R-ADD.5/6: every readable unique key of the created rows, read after the whole message: the values the Controller will see.
    const results = outcomes.flat();
    for (let i = 0; i < results.length; i++) {
      const ok = results[i]!.oper_status?.oper_success;
      const row = ok === undefined ? undefined : this.model.instanceAt(ok.instantiated_path ?? '');
      if (row !== undefined) ok!.unique_keys = readableKeys(this.model, this.req.access, row);
    }
    return responseMsg(this.msgId, 'add_resp', { created_obj_results: results });
  }

  /** Creates the rows of obj_path `i` (atomic: R-ADD.2a), pushing each new row's path into `created`. */
  run(tx: Transaction, i: number, created: string[]): PathOutcome {
    const o = this.objs[i]!;
    const path = o.obj_path ?? '';
    const settings = o.param_settings ?? [];
    const tables = tablesAt(this.model, path);
    if ('failCode' in tables) return tables;
    const results: AddRespCreatedObjectResultInit[] = [];
    for (let j = 0; j < tables.length; j++) { const table = tables[j]!;
      if (!this.req.access.allows(table.path, PermKind.Obj, Right.Write)) {
        return failure(path, DmError.PermissionDenied, `no permission to add to ${table.path}`);
      }
      const row = tx.add(table, WriteMode.Add);
      if (row === null) return failure(path, tx.err, tx.message);
      created.push(row.path);
      this.policy.created(tx, row, this.req);
      const w = writeParams(tx, this.req, this.policy, row, settings, WriteMode.Add, this.model);
      if (w.failed) {
        return failure(path, DmError.RequiredParameterFailed, `required parameter failed creating ${row.path}`, fullParamErrs(row.path, w.errs));
      }
      results.push({ requested_path: path, oper_status: { oper_success: { instantiated_path: row.path, param_errs: w.errs, unique_keys: {} } } });
    }
    return { outcome: results, failCode: 0, failMsg: '', failErrs: [] };
  }
}

export function processAdd(model: DataModelApi, req: Requester, policy: WritePolicy, msgId: string, add: AddRequest): MsgInit {
  return runWriteMessage(model, msgId, new AddMessage(model, req, policy, msgId, add.create_objs ?? [], add.allow_partial === true));
}
