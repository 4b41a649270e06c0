/**
 * Operate (TR-369 06-messages "Operate", R-OPR.1–7, AGENT-REQUIREMENTS §1.11, §4 item 12).
 *
 * `command` is a command path or a search path; one OperationResult per matched
 * object. A per-object failure is a cmd_failure, never an Error (R-OPR.1); a
 * message-level fault (bad syntax, not a command path, unknown path) is an Error.
 * Sync commands answer req_output_args; async ones create a Request row each (R-OPR.2)
 * and answer req_obj_path, completing later through requests.ts. send_resp=false: no
 * OperateResp (R-OPR.4). Needs CommandEvent-x; a non-search path without it is 7006.
 */
import { DmError, PathKind, type CommandNode, type DataModelApi, type ObjectInstance } from '../dm/index.ts';
import type { MsgInit, OperateInit, OperateRespOperationResultInit } from '../usp/index.ts';
import { errorMsg, responseMsg } from '../usp/index.ts';
import { PermKind, Right } from './acl.ts';
import type { AsyncCommandHandler, Requests } from './requests.ts';
import type { Requester } from './types.ts';

export interface OperateContext {
  readonly model: DataModelApi;
  readonly requests: Requests;
  asyncHandler(objectNodePath: string, commandName: string): AsyncCommandHandler | undefined;
}

/** A command's output arguments as the Msg's map (also OperationComplete's, notifier.ts). */
export function toRecord(m: ReadonlyMap<string, string> | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (m !== null) for (const k of m.keys()) out[k] = m.get(k)!; // keys: no [key, value] array per entry
  return out;
}

function runOne(c: OperateContext, req: Requester, inst: ObjectInstance, cmd: CommandNode, op: OperateInit): OperateRespOperationResultInit {
  const executed = inst.path + cmd.name;
  const fail = (code: number, msg: string): OperateRespOperationResultInit =>
    ({ executed_command: executed, cmd_failure: { err_code: code, err_msg: msg } });
  if (!req.access.allows(executed, PermKind.CommandEvent, Right.Execute)) return fail(DmError.PermissionDenied, `no permission to run ${executed}`);
  const input = new Map<string, string>();
  const args = op.input_args ?? {};
  for (let i = 0, keys = Object.keys(args); i < keys.length; i++) input.set(keys[i]!, args[keys[i]!]!);
  const chk = c.model.checkCommandInput(cmd, input); // R-OPR.5–7
  if (chk.err !== 0) return fail(chk.err, chk.message);
  const inv = { target: inst, command: cmd, path: executed, input: chk.input, commandKey: op.command_key ?? '' };
  if (!cmd.async) {
    const h = c.model.commandHandler(inst.node, cmd);
    if (h === undefined) return fail(DmError.CommandFailure, `${executed} is not implemented`);
    const out = h(c.model, inv);
    if (out.err !== 0) return fail(out.err, out.message);
    return { executed_command: executed, req_output_args: { output_args: toRecord(out.output) } };
  }
  const ah = c.asyncHandler(inst.node.path, cmd.name);
  const dh = ah === undefined ? c.model.commandHandler(inst.node, cmd) : undefined;
  if (ah === undefined && dh === undefined) return fail(DmError.CommandFailure, `${executed} is not implemented`);
  const created = c.requests.create(inv, req.endpointId);
  // §Concurrency: a second run with the same (Originator, Command, CommandKey) is denied like a full table (7005).
  if (typeof created === 'number') {
    return fail(DmError.ResourcesExceeded, created === DmError.DuplicateKey ? `${executed} is already running with this CommandKey` : 'too many operations in progress');
  }
  c.requests.setStatus(created, 'Active');
  const outcome = ah !== undefined ? ah(inv, created.requestPath) : dh!(c.model, inv);
  if (outcome !== null) c.requests.complete(created.requestPath, outcome);
  return { executed_command: executed, req_obj_path: created.requestPath };
}

/** Returns the OperateResp, an Error, or null when send_resp=false asks for silence. */
export function processOperate(c: OperateContext, req: Requester, msgId: string, op: OperateInit): MsgInit | null {
  const path = op.command ?? '';
  const r = c.model.resolve(path);
  if (r.err !== 0) return errorMsg(msgId, r.err, r.message);
  if (r.kind !== PathKind.Command) return errorMsg(msgId, DmError.InvalidPath, `${path} is not a command path`);
  const cmd = r.element as CommandNode;
  if (!r.search && r.objects.length === 1 && !req.access.allows(r.objects[0]!.path + cmd.name, PermKind.CommandEvent, Right.Execute)) {
    return errorMsg(msgId, DmError.PermissionDenied, `no permission to run ${path}`);
  }
  const results: OperateRespOperationResultInit[] = [];
  for (let i = 0, objects = r.objects; i < objects.length; i++) { const inst = objects[i]!; results.push(runOne(c, req, inst, cmd, op)); }
  if (op.send_resp !== true) return null; // R-OPR.4
  return responseMsg(msgId, 'operate_resp', { operation_results: results });
}
