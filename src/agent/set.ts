/**
 * Set (TR-369 06-messages "Set", R-SET.0–3, AGENT-REQUIREMENTS §1.10, §4 items 1–3).
 *
 * Each obj_path is atomic (R-SET.2a: a search matching several objects is undone as a
 * whole when any of them fails, whatever allow_partial says). allow_partial=false:
 * any failed obj_path → Error with param_errs and nothing committed (R-SET.1);
 * allow_partial=true: oper_failure with updated_inst_failures for that obj_path only
 * (R-SET.0). Non-required failures stay in the success's param_errs. Unique keys are
 * judged after the whole message (write.ts).
 */
import { DmError, PathKind, WriteMode, type DataModelApi, type Transaction, type WriteFailure } from '../dm/index.ts';
import type {
  MsgInit, Set as SetRequest, SetRespUpdatedInstanceFailureInit, SetRespUpdatedInstanceResultInit, SetRespUpdatedObjectResultInit,
} from '../usp/index.ts';
import { responseMsg } from '../usp/index.ts';
import type { Requester } from './types.ts';
import { fullParamErrs, runWriteMessage, writeParams, type FullParamError, type ParamError, type PathRun, ObjPathsMessage, type WritePolicy } from './write.ts';

type PathOutcome = PathRun<SetRespUpdatedObjectResultInit>;

/** An obj_path that failed; its Error param_errs name the failed parameters, or else the obj_path itself (as Add does, TP-469 1.4). */
function failure(path: string, code: number, msg: string, insts: SetRespUpdatedInstanceFailureInit[]): PathOutcome {
  const errs: FullParamError[] = [];
  for (let i = 0; i < insts.length; i++) fullParamErrs(insts[i]!.affected_path ?? '', (insts[i]!.param_errs ?? []) as ParamError[], errs);
  if (errs.length === 0) errs.push({ param_path: path, err_code: code, err_msg: msg });
  return {
    outcome: { requested_path: path, oper_status: { oper_failure: { err_code: code, err_msg: msg, updated_inst_failures: insts } } },
    failCode: code, failMsg: msg, failErrs: errs,
  };
}

type SetSetting = SetRequest['update_objs'][number]['param_settings'][number];

/** The Set as the write driver sees it (write.ts ObjPathsMessage). */
class SetMessage extends ObjPathsMessage<SetSetting, SetRespUpdatedObjectResultInit> {
  failed(i: number, f: WriteFailure): SetRespUpdatedObjectResultInit {
    return failure(this.objs[i]!.obj_path ?? '', f.err, f.message, [{ affected_path: f.path, param_errs: [] }]).outcome;
  }

  respond(outcomes: SetRespUpdatedObjectResultInit[]): MsgInit {
    return responseMsg(this.msgId, 'set_resp', { updated_obj_results: outcomes });
  }

  /** Writes obj_path `i` (atomic: R-SET.2a). */
  run(tx: Transaction, i: number, touched: string[]): PathOutcome {
    const o = this.objs[i]!;
    const path = o.obj_path ?? '';
    const settings = o.param_settings ?? [];
    const model = this.model;
    const r = model.resolve(path);
    if (r.err !== 0) return failure(path, r.err, r.message, []);
    if (r.kind !== PathKind.Object || r.tables.length > 0) return failure(path, DmError.InvalidArguments, `${path} is not an object instance path`, []);
    const results: SetRespUpdatedInstanceResultInit[] = [];
    const failed: SetRespUpdatedInstanceFailureInit[] = [];
    for (let j = 0, objects = r.objects; j < objects.length; j++) { const inst = objects[j]!;
      touched.push(inst.path);
      const w = writeParams(tx, this.req, this.policy, inst, settings, WriteMode.Set, model);
      if (w.failed) failed.push({ affected_path: inst.path, param_errs: w.errs });
      else results.push({ affected_path: inst.path, param_errs: w.errs, updated_params: w.written });
    }
    if (failed.length > 0) return failure(path, DmError.RequiredParameterFailed, `required parameter failed in ${failed.length} object(s)`, failed);
    return { outcome: { requested_path: path, oper_status: { oper_success: { updated_inst_results: results } } }, failCode: 0, failMsg: '', failErrs: [] };
  }
}

export function processSet(model: DataModelApi, req: Requester, policy: WritePolicy, msgId: string, set: SetRequest): MsgInit {
  return runWriteMessage(model, msgId, new SetMessage(model, req, policy, msgId, set.update_objs ?? [], set.allow_partial === true));
}
