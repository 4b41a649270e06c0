/**
 * Request dispatch (TR-369 06-messages, AGENT-REQUIREMENTS §1.8): one decoded request
 * Msg from a known Controller → the response Msg (or null when none is due).
 *
 * Register/Deregister/Notify are Agent-originated; arriving at the Agent they are
 * "not understood" → Error 7001 (R-MSG.1, §Unsupported). Every handler checks the
 * Controller's permissions itself (R-SEC.1). Paths per message are bounded.
 */
import { DmError } from '../dm/index.ts';
import type { Msg, MsgInit } from '../usp/index.ts';
import { errorMsg, responseMsg, UspErrorCode } from '../usp/index.ts';
import { processAdd } from './add.ts';
import { processDelete } from './delete.ts';
import { processGet } from './get.ts';
import { processGetInstances } from './instances.ts';
import { processOperate, type OperateContext } from './operate.ts';
import { processSet } from './set.ts';
import { processGetSupportedDm } from './supported-dm.ts';
import type { AgentLimits, Requester } from './types.ts';
import type { WritePolicy } from './write.ts';

/** What a request is processed with (the Agent); it is also the write policy Set and Add apply. */
export interface DispatchContext extends OperateContext, WritePolicy {
  readonly limits: AgentLimits;
  readonly versions: string;
}

export function dispatchRequest(c: DispatchContext, req: Requester, msg: Msg): MsgInit | null {
  const id = msg.header!.msg_id;
  const r = msg.body!.request!;
  // Paths per message, counted in the condition: no local kept in this frame, on the stack under every handler (XS stack, #13 item 3).
  if ((r.get?.param_paths.length ?? 0) + (r.get_supported_dm?.obj_paths.length ?? 0) + (r.get_instances?.obj_paths.length ?? 0) +
    (r.set?.update_objs.length ?? 0) + (r.add?.create_objs.length ?? 0) + (r.delete?.obj_paths.length ?? 0) > c.limits.maxPathsPerMessage) {
    return errorMsg(id, DmError.ResourcesExceeded, `more than ${c.limits.maxPathsPerMessage} paths`);
  }
  // c.model read in each case, no local: the response kind pushed before processGet runs takes that slot (XS stack, #13 item 3).
  switch (r.req_type) {
    case 'get': return responseMsg(id, 'get_resp', processGet(c.model, req.access, r.get!, c.limits.maxGetObjects));
    case 'get_supported_dm': return responseMsg(id, 'get_supported_dm_resp', processGetSupportedDm(c.model, req.access, r.get_supported_dm!));
    case 'get_instances': return responseMsg(id, 'get_instances_resp', processGetInstances(c.model, req.access, r.get_instances!));
    case 'get_supported_protocol': return responseMsg(id, 'get_supported_protocol_resp', { agent_supported_protocol_versions: c.versions });
    case 'set': return processSet(c.model, req, c, id, r.set!);
    case 'add': return processAdd(c.model, req, c, id, r.add!);
    case 'delete': return processDelete(c.model, req, id, r.delete!);
    case 'operate': return processOperate(c, req, id, r.operate!);
    default: return errorMsg(id, UspErrorCode.MessageNotSupported, `${r.req_type ?? 'this'} message is not supported by the Agent`);
  }
}
