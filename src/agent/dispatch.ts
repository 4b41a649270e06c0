/**
 * Request dispatch (TR-369 06-messages, AGENT-REQUIREMENTS §1.8): one decoded request
 * Msg from a known Controller → the response Msg (or null when none is due).
 *
 * Register/Deregister/Notify are Agent-originated; arriving at the Agent they are
 * "not understood" → Error 7001 (R-MSG.1, §Unsupported). Every handler checks the
 * Controller's permissions itself (R-SEC.1). Paths per message are bounded.
 */
import { DmError, type DataModelApi, type ObjectInstance, type ParamNode, type Transaction } from '../dm/index.ts';
import type { Msg, MsgInit } from '../usp/index.ts';
import { errorMsg, getInstancesRespMsg, getRespMsg, getSupportedDmRespMsg, getSupportedProtocolRespMsg, UspErrorCode } from '../usp/index.ts';
import { processAdd } from './add.ts';
import { processDelete } from './delete.ts';
import { processGet } from './get.ts';
import { processGetInstances } from './instances.ts';
import { processOperate, type OperateContext } from './operate.ts';
import { processSet } from './set.ts';
import { processGetSupportedDm } from './supported-dm.ts';
import type { AsyncCommandHandler, Requests } from './requests.ts';
import type { AgentLimits, Requester } from './types.ts';
import type { WritePolicy } from './write.ts';

export interface DispatchContext extends OperateContext {
  readonly limits: AgentLimits;
  readonly policy: WritePolicy;
  readonly versions: string;
}

function pathCount(msg: Msg): number {
  const r = msg.body!.request!;
  return (r.get?.param_paths.length ?? 0) + (r.get_supported_dm?.obj_paths.length ?? 0) + (r.get_instances?.obj_paths.length ?? 0) +
    (r.set?.update_objs.length ?? 0) + (r.add?.create_objs.length ?? 0) + (r.delete?.obj_paths.length ?? 0);
}

export function dispatchRequest(c: DispatchContext, req: Requester, msg: Msg): MsgInit | null {
  const id = msg.header!.msg_id;
  const r = msg.body!.request!;
  if (pathCount(msg) > c.limits.maxPathsPerMessage) return errorMsg(id, DmError.ResourcesExceeded, `more than ${c.limits.maxPathsPerMessage} paths`);
  const m = c.model;
  switch (r.req_type) {
    case 'get': return getRespMsg(id, processGet(m, req.access, r.get!, c.limits.maxGetObjects));
    case 'get_supported_dm': return getSupportedDmRespMsg(id, processGetSupportedDm(m, req.access, r.get_supported_dm!));
    case 'get_instances': return getInstancesRespMsg(id, processGetInstances(m, req.access, r.get_instances!));
    case 'get_supported_protocol': return getSupportedProtocolRespMsg(id, c.versions);
    case 'set': return processSet(m, req, c.policy, id, r.set!);
    case 'add': return processAdd(m, req, c.policy, id, r.add!);
    case 'delete': return processDelete(m, req, id, r.delete!);
    case 'operate': return processOperate(c, req, id, r.operate!);
    default: return errorMsg(id, UspErrorCode.MessageNotSupported, `${r.req_type ?? 'this'} message is not supported by the Agent`);
  }
}

/**
 * The subscriptions' write rules, then those other layers added (Agent.addWritePolicy).
 * Classes rather than objects of closures: the agent keeps them for its life (XS RAM on
 * Moddable, issue #13).
 */
export class ChainedWritePolicy implements WritePolicy {
  constructor(private readonly first: WritePolicy, private readonly rest: readonly WritePolicy[]) {}

  checkWrite(inst: ObjectInstance, p: ParamNode, value: string, created: boolean): number {
    const e = this.first.checkWrite(inst, p, value, created);
    if (e !== 0) return e;
    for (let i = 0, rest = this.rest; i < rest.length; i++) { const x = rest[i]!; const r = x.checkWrite(inst, p, value, created); if (r !== 0) return r; }
    return 0;
  }

  created(tx: Transaction, row: ObjectInstance, req: Requester): void {
    this.first.created(tx, row, req);
    for (let i = 0, rest = this.rest; i < rest.length; i++) { const x = rest[i]!; x.created(tx, row, req); }
  }
}

/** What a request is processed with; async command handlers are looked up by "<object node path><command name>". */
export class AgentDispatch implements DispatchContext {
  constructor(
    readonly model: DataModelApi, readonly requests: Requests, readonly limits: AgentLimits, readonly policy: WritePolicy,
    readonly versions: string, private readonly asyncHandlers: ReadonlyMap<string, AsyncCommandHandler>,
  ) {}

  asyncHandler(objectNodePath: string, commandName: string): AsyncCommandHandler | undefined {
    return this.asyncHandlers.get(objectNodePath + commandName);
  }
}
