/**
 * Everything the agent sends on its own (TR-369 "Notify", AGENT-REQUIREMENTS §1.12):
 * notifications produced by subscriptions, OperationComplete of async operations,
 * Event (Boot!, Periodic!, board events) and OnBoardRequest (R-NOT.5/6), encoded
 * once into the bounded NotifyQueue with a locally unique msg_id (R-MSG.8) and the
 * recipient Controller's retry parameters (R-NOT.1).
 *
 * Invariant: nothing here touches the MTP; the Agent turns queued payloads into
 * Records when the driver polls.
 */
import { DmError, type DataModelApi, type ObjectInstance } from '../dm/index.ts';
import { encodeMsg, notifyMsg, type Notification, type NotifyOperationCompleteInit } from '../usp/index.ts';
import type { AccessControl, AccessView } from './acl.ts';
import { CONTROLLER_TABLE } from './controllers.ts';
import { readParam } from './get.ts';
import { NotifyQueue, type PendingNotify, type RetryDelay } from './notify-queue.ts';
import { toRecord } from './operate.ts';
import type { Operation } from './requests.ts';
import { DEFAULT_MIN_WAIT_S, DEFAULT_MULTIPLIER, retryDelayMs } from './retry.ts';
import { Subscriptions, type NotifySink } from './subscriptions.ts';


/** Record fields around a Notify payload besides the recipient's EID: version, our EID (≤ 256 bytes), tags and lengths. */
const RECORD_OVERHEAD_BYTES = 300;

/** Also the sink of the notify queue (retry delays) and of the subscriptions: no closures kept (XS RAM, issue #13). */
export class Notifier implements RetryDelay, NotifySink {
  // `declare`: assigned in the constructor (no undefined first: flash, #13 item 4).
  declare readonly queue: NotifyQueue;
  declare readonly subscriptions: Subscriptions;
  private msgCounter = 0;

  constructor(
    private readonly model: DataModelApi, acl: AccessControl, capacity: number,
    private readonly random: () => number, private readonly versions: string, private readonly maxRecordBytes: number,
  ) {
    this.queue = new NotifyQueue(capacity, this);
    this.subscriptions = new Subscriptions(model, acl, this);
    model.addListener(this.subscriptions);
  }

  /** Sends `objPath` + `eventName` ("Device.", "Boot!") to every matching Event subscription. */
  sendEvent(objPath: string, eventName: string, params: Record<string, string> | ((a: AccessView, r: ObjectInstance) => Record<string, string>), only?: ObjectInstance): void {
    const inst = this.model.instanceAt(objPath);
    if (inst === undefined) return;
    this.subscriptions.notifyElement('Event', inst, eventName, (access, recipient) => {
      if (only !== undefined && recipient !== only) return null;
      return { event: { obj_path: objPath, event_name: eventName, params: typeof params === 'function' ? params(access, recipient) : params } };
    });
  }

  /**
   * The encoded Msg of queued notification `n`, encoded on its first send; null when it
   * cannot fit one Record of the MTP — then it is dropped, never sent (counted like a full queue).
   */
  payloadOf(n: PendingNotify): Uint8Array | null {
    if (n.payload instanceof Uint8Array) return n.payload;
    const bytes = encodeMsg(n.payload);
    if (bytes.length + RECORD_OVERHEAD_BYTES + n.endpointId.length > this.maxRecordBytes) { this.queue.discard(n.handle); return null; }
    n.payload = bytes;
    return bytes;
  }

  /** Queues a Notify for `recipient`; returns its msg_id, or "" when it was dropped. */
  queueNotify(recipient: ObjectInstance, subId: string, sendResp: boolean, expirationS: number, n: Notification): string {
    const eid = readParam(this.model, recipient, 'EndpointID');
    if (this.msgCounter === 0) this.msgCounter = 1 + Math.floor(this.random() * 1e6); // R-MSG.8: unique across restarts too
    const msgId = 'N' + String(this.msgCounter++);
    const expiresAt = sendResp && expirationS > 0 ? this.model.context.now + expirationS * 1000 : Infinity;
    // Encoded when first sent (Agent.pollTransmit), where a Notify too large for one Record is dropped.
    return this.queue.enqueue(eid, msgId, notifyMsg(msgId, subId, sendResp, n), sendResp, expiresAt) === 0 ? '' : msgId;
  }

  retryDelay(endpointId: string, n: number): number {
    const t = this.model.tableAt(CONTROLLER_TABLE);
    let m = DEFAULT_MIN_WAIT_S;
    let k = DEFAULT_MULTIPLIER;
    for (let i = 0, rows = t === undefined ? [] : t.rows; i < rows.length; i++) { const c = rows[i]!;
      if (readParam(this.model, c, 'EndpointID') !== endpointId) continue;
      m = Number(readParam(this.model, c, 'USPNotifRetryMinimumWaitInterval')) || m;
      k = Number(readParam(this.model, c, 'USPNotifRetryIntervalMultiplier')) || k;
    }
    return retryDelayMs(n, m, k, this.random);
  }

  operationComplete(op: Operation, o: { err: number; message: string; output: ReadonlyMap<string, string> | null }): void {
    const inst = this.model.instanceAt(op.objPath);
    if (inst === undefined) return;
    // One OperationComplete for every recipient: queued Msgs are only read (encoded when sent).
    const oc: NotifyOperationCompleteInit = { obj_path: op.objPath, command_name: op.commandName, command_key: op.commandKey };
    if (o.err === 0) oc.req_output_args = { output_args: toRecord(o.output) };
    else oc.cmd_failure = { err_code: o.err, err_msg: o.message };
    this.subscriptions.notifyElement('OperationComplete', inst, op.commandName, () => ({ oper_complete: oc }));
  }

  /** R-NOT.5/6: OnBoardRequest to an enabled Controller, send_resp=true, never expires, subscription_id "". Its msg_id, or a USP error code. */
  onBoardRequest(controllerPath: string): string | number {
    const c = this.model.instanceAt(controllerPath);
    if (c === undefined || readParam(this.model, c, 'Enable') !== 'true') return DmError.CommandFailure;
    const ctx = this.model.context;
    const msgId = this.queueNotify(c, '', true, 0, {
      on_board_req: {
        oui: ctx.board.identity.manufacturerOUI, product_class: ctx.board.identity.productClass,
        serial_number: ctx.serialNumber, agent_supported_protocol_versions: this.versions,
      },
    });
    return msgId === '' ? DmError.ResourcesExceeded : msgId;
  }
}
