/**
 * Human-readable rendering of USP responses and notifications for usp-ctl
 * (`--json` prints the decoded Msg body instead). Each function returns the lines and
 * whether any part of the answer was an error (the CLI's exit code).
 */
import type { Msg, Notify } from '../../src/usp/index.ts';

export interface Rendered {
  readonly lines: string[];
  readonly failed: boolean;
}

const ACCESS_OBJ = ['read-only', 'add-delete', 'add-only', 'delete-only'];
const ACCESS_PARAM = ['read-only', 'read-write', 'write-only'];
const VALUE_TYPE = ['unknown', 'base64', 'boolean', 'dateTime', 'decimal', 'hexBinary', 'int', 'long', 'string', 'unsignedInt', 'unsignedLong'];
const CMD_TYPE = ['unknown', 'sync', 'async'];

const err = (code: number, msg: string): string => `error ${code}: ${msg}`;

function entries(m: Record<string, string> | undefined): [string, string][] {
  return Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function renderMsg(msg: Msg): Rendered {
  const lines: string[] = [];
  let failed = false;
  const body = msg.body;
  if (body?.msg_body === 'error' && body.error !== undefined) {
    lines.push(err(body.error.err_code, body.error.err_msg));
    for (const p of body.error.param_errs) lines.push(`  ${p.param_path}: ${err(p.err_code, p.err_msg)}`);
    return { lines, failed: true };
  }
  const r = body?.response;
  if (r === undefined) return { lines: ['(unexpected message)'], failed: true };
  switch (r.resp_type) {
    case 'get_resp':
      for (const p of r.get_resp!.req_path_results) {
        if (p.err_code !== 0) { lines.push(`${p.requested_path}: ${err(p.err_code, p.err_msg)}`); failed = true; continue; }
        if (p.resolved_path_results.length === 0) lines.push(`${p.requested_path}: (no match)`);
        for (const rp of p.resolved_path_results) {
          for (const [k, v] of entries(rp.result_params)) lines.push(`${rp.resolved_path}${k} = ${v}`);
        }
      }
      break;
    case 'set_resp':
      for (const o of r.set_resp!.updated_obj_results) {
        const s = o.oper_status;
        if (s?.oper_status === 'oper_failure') {
          failed = true;
          lines.push(`${o.requested_path}: ${err(s.oper_failure!.err_code, s.oper_failure!.err_msg)}`);
          for (const f of s.oper_failure!.updated_inst_failures) for (const p of f.param_errs) lines.push(`  ${f.affected_path}${p.param}: ${err(p.err_code, p.err_msg)}`);
          continue;
        }
        for (const i of s?.oper_success?.updated_inst_results ?? []) {
          for (const [k, v] of entries(i.updated_params)) lines.push(`${i.affected_path}${k} = ${v}`);
          for (const p of i.param_errs) { failed = true; lines.push(`  ${i.affected_path}${p.param}: ${err(p.err_code, p.err_msg)}`); }
        }
      }
      break;
    case 'add_resp':
      for (const o of r.add_resp!.created_obj_results) {
        const s = o.oper_status;
        if (s?.oper_status === 'oper_failure') { failed = true; lines.push(`${o.requested_path}: ${err(s.oper_failure!.err_code, s.oper_failure!.err_msg)}`); continue; }
        const ok = s?.oper_success;
        lines.push(`created ${ok?.instantiated_path ?? '?'}`);
        for (const [k, v] of entries(ok?.unique_keys)) lines.push(`  ${k} = ${v}`);
        for (const p of ok?.param_errs ?? []) { failed = true; lines.push(`  ${p.param}: ${err(p.err_code, p.err_msg)}`); }
      }
      break;
    case 'delete_resp':
      for (const o of r.delete_resp!.deleted_obj_results) {
        const s = o.oper_status;
        if (s?.oper_status === 'oper_failure') { failed = true; lines.push(`${o.requested_path}: ${err(s.oper_failure!.err_code, s.oper_failure!.err_msg)}`); continue; }
        const ok = s?.oper_success;
        if ((ok?.affected_paths.length ?? 0) === 0) lines.push(`${o.requested_path}: nothing to delete`);
        for (const p of ok?.affected_paths ?? []) lines.push(`deleted ${p}`);
        for (const u of ok?.unaffected_path_errs ?? []) { failed = true; lines.push(`  ${u.unaffected_path}: ${err(u.err_code, u.err_msg)}`); }
      }
      break;
    case 'operate_resp':
      for (const o of r.operate_resp!.operation_results) {
        if (o.operation_resp === 'cmd_failure') { failed = true; lines.push(`${o.executed_command}: ${err(o.cmd_failure!.err_code, o.cmd_failure!.err_msg)}`); continue; }
        if (o.operation_resp === 'req_obj_path') { lines.push(`${o.executed_command}: running as ${o.req_obj_path}`); continue; }
        const out = entries(o.req_output_args?.output_args);
        lines.push(`${o.executed_command}: done`);
        for (const [k, v] of out) lines.push(`  ${k} = ${v}`);
      }
      break;
    case 'get_instances_resp':
      for (const p of r.get_instances_resp!.req_path_results) {
        if (p.err_code !== 0) { failed = true; lines.push(`${p.requested_path}: ${err(p.err_code, p.err_msg)}`); continue; }
        for (const i of p.curr_insts) {
          const keys = entries(i.unique_keys).map(([k, v]) => `${k}=${v}`).join(' ');
          lines.push(keys === '' ? i.instantiated_obj_path : `${i.instantiated_obj_path}  ${keys}`);
        }
      }
      break;
    case 'get_supported_dm_resp':
      for (const o of r.get_supported_dm_resp!.req_obj_results) {
        if (o.err_code !== 0) { failed = true; lines.push(`${o.req_obj_path}: ${err(o.err_code, o.err_msg)}`); continue; }
        lines.push(`# ${o.req_obj_path} (${o.data_model_inst_uri})`);
        for (const s of o.supported_objs) {
          lines.push(`${s.supported_obj_path}  ${ACCESS_OBJ[s.access] ?? s.access}${s.is_multi_instance ? ', multi-instance' : ''}`);
          for (const p of s.supported_params) lines.push(`  ${p.param_name}  ${VALUE_TYPE[p.value_type] ?? p.value_type}, ${ACCESS_PARAM[p.access] ?? p.access}`);
          for (const c of s.supported_commands) lines.push(`  ${c.command_name}  ${CMD_TYPE[c.command_type] ?? c.command_type} command${c.input_arg_names.length ? `, in: ${c.input_arg_names.join(' ')}` : ''}${c.output_arg_names.length ? `, out: ${c.output_arg_names.join(' ')}` : ''}`);
          for (const e of s.supported_events) lines.push(`  ${e.event_name}  event${e.arg_names.length ? `, args: ${e.arg_names.join(' ')}` : ''}`);
        }
      }
      break;
    case 'get_supported_protocol_resp':
      lines.push(`agent supports USP ${r.get_supported_protocol_resp!.agent_supported_protocol_versions}`);
      break;
    default:
      lines.push(`(${r.resp_type ?? 'unknown'} response)`);
  }
  return { lines, failed };
}

/** One line per notification, e.g. `[sub-1] ValueChange Device.DeviceInfo.FriendlyName = x`. */
export function renderNotify(n: Notify): string {
  const tag = `[${n.subscription_id}]`;
  if (n.value_change !== undefined) return `${tag} ValueChange ${n.value_change.param_path} = ${n.value_change.param_value}`;
  if (n.obj_creation !== undefined) {
    const keys = entries(n.obj_creation.unique_keys).map(([k, v]) => `${k}=${v}`).join(' ');
    return `${tag} ObjectCreation ${n.obj_creation.obj_path}${keys ? ' ' + keys : ''}`;
  }
  if (n.obj_deletion !== undefined) return `${tag} ObjectDeletion ${n.obj_deletion.obj_path}`;
  if (n.event !== undefined) {
    const args = entries(n.event.params).map(([k, v]) => `${k}=${v}`).join(' ');
    return `${tag} Event ${n.event.obj_path}${n.event.event_name}${args ? ' ' + args : ''}`;
  }
  if (n.oper_complete !== undefined) {
    const o = n.oper_complete;
    const what = o.cmd_failure !== undefined ? err(o.cmd_failure.err_code, o.cmd_failure.err_msg)
      : entries(o.req_output_args?.output_args).map(([k, v]) => `${k}=${v}`).join(' ');
    return `${tag} OperationComplete ${o.obj_path}${o.command_name} key=${o.command_key} ${what}`.trimEnd();
  }
  if (n.on_board_req !== undefined) {
    const b = n.on_board_req;
    return `${tag} OnBoardRequest oui=${b.oui} product_class=${b.product_class} serial=${b.serial_number} versions=${b.agent_supported_protocol_versions}`;
  }
  return `${tag} (empty notification)`;
}
