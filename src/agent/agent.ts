/**
 * The USP Agent core (TR-369 01-architecture, 05 "Messages" receive/send rules,
 * AGENT-REQUIREMENTS §1.3, §1.8, §1.12): sans-I/O, MTP-neutral.
 *
 *   handleRecord(now, buf, start, end, origin) — a Record from any MTP
 *   handleDelivery(handle, outcome, now)      — what became of a Notify Record
 *   handleTimeout(now)                         — deadlines (retries, timers, TTL, Periodic!, polling)
 *   pollTransmit(now) → Transmit | null        — drain after every input: responses first
 *   pollTimeout() → ms deadline (Infinity when idle)
 *
 * Receive rules, in order: RecordView (zero-alloc) — session_context while
 * unsupported → DisconnectRecord 7106 (R-E2E.6a); other Record errors → Error
 * 7100/7104 only when R-MTP.5 allows, else drop; to_id ≠ own → drop (R-E2E.1);
 * from_id = own → drop (R-ARC.2); certificate EID ≠ from_id → drop (R-SEC.0a);
 * unknown or disabled Controller → drop (unless unknown ones are admitted as
 * untrusted); then the Msg: undecodable Request with a msg_id → Error 7004/7001
 * (R-ENC.5, R-MSG.1); duplicate msg_id not yet answered → ignored (R-MSG.4);
 * NotifyResp/Error → matched to a Notify by msg_id (R-NOT.9); other responses ignored.
 * Responses carry the request's version when supported, else the highest (D1), and
 * go only back to the origin (R-MSG.0a).
 */
import { DmError, WriteMode, type DataModelApi, type ObjectInstance, type ParamNode } from '../dm/index.ts';
import {
  BodyKind, createRecordViewConfig, decodeMsg, emitRecord, encodedRecordLength, encodeMsg, errorMsg, msgErrorUspCode, notifyMsg,
  RecordError, RecordType, RecordView, recordErrorUspCode, UspErrorCode, utf8Bytes, type MsgInit, type Notification,
} from '../usp/index.ts';
import { AccessControl, type AccessView } from './acl.ts';
import { CONTROLLER_TABLE, parameterMap, PeriodicSchedule, saveBootInfo, takeBootInfo } from './boot.ts';
import { markOnBoarding, registerDeviceCommands } from './device-commands.ts';
import { dispatchRequest, type DispatchContext } from './dispatch.ts';
import { NotifyQueue } from './notify-queue.ts';
import { Requests, type AsyncCommandHandler, type Operation } from './requests.ts';
import { DEFAULT_MIN_WAIT_S, DEFAULT_MULTIPLIER, retryDelayMs } from './retry.ts';
import { Subscriptions } from './subscriptions.ts';
import { DEFAULT_LIMITS, type AgentConfig, type AgentLimits, type BootInfo, type DeliveryOutcome, type MtpOrigin, type Requester, type Transmit } from './types.ts';

/** D1: the versions this agent speaks. */
export const SUPPORTED_VERSIONS = '1.0,1.1,1.2,1.3,1.4';
const FULL_ACCESS_ROLE = 'Device.LocalAgent.ControllerTrust.Role.1';

function param(model: DataModelApi, inst: ObjectInstance, name: string): string {
  const p = inst.node.params.find((q: ParamNode) => q.name === name);
  return p === undefined ? '' : model.read(inst, p);
}

function ascii(buf: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

export class Agent {
  readonly model: DataModelApi;
  readonly endpointId: string;
  readonly limits: AgentLimits;
  readonly versions: string;
  readonly acl: AccessControl;
  readonly subscriptions: Subscriptions;
  readonly requests: Requests;
  readonly notifications: NotifyQueue;
  /** Boot! information of this run (after start). */
  bootInfo: BootInfo = { cause: 'LocalReboot', commandKey: '', firmwareUpdated: false };
  /** Responses refused because the response queue was full. */
  droppedResponses = 0;
  private readonly config: AgentConfig;
  private readonly ownId: Uint8Array;
  private readonly view: RecordView;
  private readonly versionList: string[];
  private readonly responses: { t: Transmit; key: string }[] = [];
  /** R-MSG.4: fromId + NUL + msgId of requests whose response is still queued. */
  private readonly unanswered = new Set<string>();
  private readonly lastVersion = new Map<string, string>();
  private readonly asyncHandlers = new Map<string, AsyncCommandHandler>();
  private readonly periodic: PeriodicSchedule;
  private readonly dispatch: DispatchContext;
  private msgCounter = 0;
  private nextPoll = Infinity;
  private restartAt = Infinity;
  private restartKind: 'reboot' | 'factoryReset' = 'reboot';
  private now = 0;

  constructor(config: AgentConfig) {
    this.config = config;
    this.model = config.model;
    this.endpointId = config.endpointId;
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...config.limits });
    this.versions = config.versions ?? SUPPORTED_VERSIONS;
    this.versionList = this.versions.split(',');
    this.ownId = utf8Bytes(config.endpointId);
    this.view = new RecordView(createRecordViewConfig({ maxRecordBytes: this.limits.maxRecordBytes }));
    this.acl = new AccessControl(this.model, config.defaultRole ?? FULL_ACCESS_ROLE);
    this.notifications = new NotifyQueue(this.limits.maxQueuedNotifications, (eid, n) => this.retryDelay(eid, n));
    this.subscriptions = new Subscriptions(this.model, this.acl, (r, id, resp, exp, n) => this.queueNotify(r, id, resp, exp, n));
    this.model.addListener(this.subscriptions);
    this.model.addListener({
      handleValueChange: () => undefined,
      handleObjectCreation: () => undefined,
      handleObjectDeletion: (path) => { if (path.startsWith(CONTROLLER_TABLE)) this.dropControllerState(); },
    });
    this.requests = new Requests(this.model, this.limits.maxPendingRequests, (op, o) => this.operationComplete(op, o));
    this.periodic = new PeriodicSchedule(this.model);
    this.dispatch = {
      model: this.model, requests: this.requests, limits: this.limits, policy: this.subscriptions, versions: this.versions,
      asyncHandler: (nodePath, name) => this.asyncHandlers.get(nodePath + name),
    };
    registerDeviceCommands({
      model: this.model, requests: this.requests,
      restart: (kind, cause, key) => this.scheduleRestart(kind, cause, key),
      sendOnBoardRequest: (path) => this.sendOnBoardRequest(path),
      registerAsync: (path, h) => this.registerAsyncCommand(path, h),
    });
  }

  /** Binds an async command ("Device.X.{i}.Start()") to a handler that may finish later via completeOperation. */
  registerAsyncCommand(supportedPath: string, handler: AsyncCommandHandler): number {
    const r = this.model.resolveSupported(supportedPath);
    if (r.err !== 0 || r.node === null || r.element === null) return r.err || DmError.InvalidPath;
    this.asyncHandlers.set(r.node.path + r.element.name, handler);
    return 0;
  }

  /** Ends an async operation started by a registered handler (OperationComplete follows). */
  completeOperation(requestPath: string, err: number, message: string, output: ReadonlyMap<string, string> | null): boolean {
    return this.requests.complete(requestPath, { err, message, output });
  }

  private setTime(now: number): void {
    this.now = now;
    this.model.setTime(now, this.config.wallClock === undefined ? undefined : this.config.wallClock());
  }

  /** After boot: TTL bookkeeping, Boot! to its subscribers, polling and Periodic! deadlines. */
  start(now: number): void {
    this.setTime(now);
    this.bootInfo = takeBootInfo(this.config.store, this.config.firmwareUpdated === true);
    this.subscriptions.start(now, this.model.context.wallClock);
    this.sendEvent('Device.', 'Boot!', (access, recipient) => ({
      CommandKey: this.bootInfo.commandKey, Cause: this.bootInfo.cause, FirmwareUpdated: String(this.bootInfo.firmwareUpdated),
      ParameterMap: parameterMap(this.model, access, recipient),
    }));
    this.periodic.due(now, this.model.context.wallClock);
    this.nextPoll = now + this.limits.pollIntervalMs;
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

  // Receive ----------------------------------------------------------------
  handleRecord(now: number, buf: Uint8Array, start: number, end: number, origin: MtpOrigin): void {
    this.setTime(now);
    const v = this.view;
    const err = v.wrap(buf, start, end);
    if (err !== RecordError.Ok) { this.recordError(err, origin); return; }
    if (!v.toIdEquals(this.ownId) || v.fromIdEquals(this.ownId)) return; // R-E2E.1, R-ARC.2
    if (v.recordType !== RecordType.NoSessionContext) return; // connect/disconnect records carry no Msg for us
    const fromId = ascii(buf, v.fromIdStart, v.fromIdLen);
    const req = this.requester(fromId, origin);
    if (req === null) return;
    const version = ascii(buf, v.versionStart, v.versionLen);
    const replyVersion = this.versionList.indexOf(version) >= 0 ? version : this.versionList[this.versionList.length - 1]!;
    this.lastVersion.set(fromId, replyVersion);
    const d = decodeMsg(buf, v.payloadStart, v.payloadStart + v.payloadLen);
    if (d.error !== 0 || d.msg === undefined) {
      // R-MTP.5 / R-ENC.5: only a Request whose msg_id we could read gets an Error.
      if (d.msgId !== '' && d.bodyKind === BodyKind.Request) this.respond(origin, fromId, replyVersion, d.msgId, errorMsg(d.msgId, msgErrorUspCode(d.error), 'cannot decode the message'));
      return;
    }
    const body = d.msg.body!;
    if (body.msg_body === 'response' || body.msg_body === 'error') {
      this.notifications.handleResponse(fromId, d.msgId); // R-NOT.9; unknown msg_ids are ignored (R-MSG.9)
      if (body.msg_body === 'response' && body.response?.resp_type === 'notify_resp') this.onBoarded(req.controller);
      return;
    }
    const key = fromId + '\u0000' + d.msgId;
    if (this.unanswered.has(key)) return; // R-MSG.4
    const resp = dispatchRequest(this.dispatch, req, d.msg);
    if (resp !== null) this.respond(origin, fromId, replyVersion, d.msgId, resp);
  }

  /** The sender as a Requester, or null when the Record must be dropped. */
  private requester(fromId: string, origin: MtpOrigin): Requester | null {
    if (origin.peerEndpointId !== '' && origin.peerEndpointId !== fromId) return null; // R-SEC.0a
    const table = this.model.tableAt(CONTROLLER_TABLE);
    let controller: ObjectInstance | null = null;
    for (const c of table === undefined ? [] : table.rows.values()) if (param(this.model, c, 'EndpointID') === fromId) { controller = c; break; }
    if (controller === null && this.config.acceptUnknownControllers !== true) return null;
    if (controller !== null && param(this.model, controller, 'Enable') !== 'true') return null;
    return { endpointId: fromId, controller, access: this.acl.viewFor(controller) };
  }

  private recordError(err: RecordError, origin: MtpOrigin): void {
    const v = this.view;
    if (!v.canReply(this.ownId) || v.fromIdEquals(this.ownId)) return;
    const fromId = ascii(v.buf, v.fromIdStart, v.fromIdLen);
    if (this.requester(fromId, origin) === null) return; // R-MTP.5: known Controller with a return path
    const version = this.versionList[this.versionList.length - 1]!;
    if (err === RecordError.SessionContextNotAllowed) { // R-E2E.6a
      const fields = {
        version: utf8Bytes(version), toId: utf8Bytes(fromId), fromId: this.ownId, recordType: RecordType.Disconnect,
        reason: utf8Bytes('session context not supported'), reasonCode: UspErrorCode.SessionContextNotAllowed,
      };
      const bytes = new Uint8Array(encodedRecordLength(fields));
      emitRecord(bytes, 0, fields);
      this.pushResponse({ bytes, origin, endpointId: fromId, handle: 0 });
      return;
    }
    if (v.payloadLen === 0) return;
    const d = decodeMsg(v.buf, v.payloadStart, v.payloadStart + v.payloadLen);
    if (d.msgId === '' || d.bodyKind !== BodyKind.Request) return;
    this.respond(origin, fromId, version, d.msgId, errorMsg(d.msgId, recordErrorUspCode(err), 'invalid record'));
  }

  private record(toId: string, version: string, payload: Uint8Array): Uint8Array {
    const fields = { version: utf8Bytes(version), toId: utf8Bytes(toId), fromId: this.ownId, recordType: RecordType.NoSessionContext, payload };
    const bytes = new Uint8Array(encodedRecordLength(fields));
    emitRecord(bytes, 0, fields);
    return bytes;
  }

  private respond(origin: MtpOrigin, toId: string, version: string, msgId: string, msg: MsgInit): void {
    let bytes = this.record(toId, version, encodeMsg(msg));
    if (bytes.length > this.limits.maxRecordBytes) { // §1.15 7005: the answer does not fit the MTP
      bytes = this.record(toId, version, encodeMsg(errorMsg(msgId, DmError.ResourcesExceeded, `response of ${bytes.length} bytes exceeds ${this.limits.maxRecordBytes}`)));
    }
    const key = toId + '\u0000' + msgId;
    if (this.pushResponse({ bytes, origin, endpointId: toId, handle: 0 }, key)) this.unanswered.add(key);
  }

  private pushResponse(t: Transmit, key = ''): boolean {
    if (this.responses.length >= this.limits.maxQueuedResponses) { this.droppedResponses++; return false; }
    this.responses.push({ t, key });
    return true;
  }

  // Notifications ----------------------------------------------------------
  private nextMsgId(): string {
    if (this.msgCounter === 0) this.msgCounter = 1 + Math.floor(this.config.random() * 1e6);
    return 'N' + String(this.msgCounter++);
  }

  private queueNotify(recipient: ObjectInstance, subId: string, sendResp: boolean, expirationS: number, n: Notification): void {
    const eid = param(this.model, recipient, 'EndpointID');
    const msgId = this.nextMsgId();
    const expiresAt = sendResp && expirationS > 0 ? this.now + expirationS * 1000 : Infinity;
    this.notifications.enqueue(eid, msgId, encodeMsg(notifyMsg(msgId, subId, sendResp, n)), sendResp, expiresAt);
  }

  private retryDelay(endpointId: string, n: number): number {
    const t = this.model.tableAt(CONTROLLER_TABLE);
    let m = DEFAULT_MIN_WAIT_S;
    let k = DEFAULT_MULTIPLIER;
    for (const c of t === undefined ? [] : t.rows.values()) {
      if (param(this.model, c, 'EndpointID') !== endpointId) continue;
      m = Number(param(this.model, c, 'USPNotifRetryMinimumWaitInterval')) || m;
      k = Number(param(this.model, c, 'USPNotifRetryIntervalMultiplier')) || k;
    }
    return retryDelayMs(n, m, k, this.config.random);
  }

  private operationComplete(op: Operation, o: { err: number; message: string; output: ReadonlyMap<string, string> | null }): void {
    const inst = this.model.instanceAt(op.objPath);
    if (inst === undefined) return;
    const out: Record<string, string> = {};
    if (o.output !== null) for (const [k, v] of o.output) out[k] = v;
    const base = { obj_path: op.objPath, command_name: op.commandName, command_key: op.commandKey };
    this.subscriptions.notifyElement('OperationComplete', inst, op.commandName, () => ({
      oper_complete: o.err === 0 ? { ...base, req_output_args: { output_args: out } } : { ...base, cmd_failure: { err_code: o.err, err_msg: o.message } },
    }));
  }

  /** R-NOT.5/6: OnBoardRequest to an enabled Controller, send_resp=true, never expires, subscription_id "". */
  private sendOnBoardRequest(controllerPath: string): number {
    const c = this.model.instanceAt(controllerPath);
    if (c === undefined || param(this.model, c, 'Enable') !== 'true') return DmError.CommandFailure;
    markOnBoarding(this.model, controllerPath);
    const ctx = this.model.context;
    this.queueNotify(c, '', true, 0, {
      on_board_req: {
        oui: ctx.board.identity.manufacturerOUI, product_class: ctx.board.identity.productClass,
        serial_number: ctx.serialNumber, agent_supported_protocol_versions: this.versions,
      },
    });
    return 0;
  }

  /** A NotifyResp from a Controller that was on-boarding completes it (OnBoardingComplete=true). */
  private onBoarded(controller: ObjectInstance | null): void {
    if (controller === null || param(this.model, controller, 'OnBoardingComplete') === 'true') return;
    const tx = this.model.begin();
    tx.set(controller, 'OnBoardingComplete', 'true', WriteMode.Agent);
    tx.commit();
  }

  private dropControllerState(): void {
    const known = new Set<string>();
    const t = this.model.tableAt(CONTROLLER_TABLE);
    for (const c of t === undefined ? [] : t.rows.values()) known.add(param(this.model, c, 'EndpointID'));
    for (const eid of [...this.lastVersion.keys()]) if (!known.has(eid)) { this.lastVersion.delete(eid); this.notifications.dropFor(eid); }
  }

  private scheduleRestart(kind: 'reboot' | 'factoryReset', cause: string, commandKey: string): void {
    saveBootInfo(this.config.store, { cause, commandKey, firmwareUpdated: false });
    this.restartKind = kind;
    this.restartAt = this.now + (this.config.rebootDelayMs ?? 1000);
  }

  // Output and time --------------------------------------------------------
  pollTransmit(now: number): Transmit | null {
    const r = this.responses.shift();
    if (r !== undefined) {
      this.unanswered.delete(r.key);
      return r.t;
    }
    const n = this.notifications.nextReady(now);
    if (n === null) return null;
    const version = this.lastVersion.get(n.endpointId) ?? this.versionList[this.versionList.length - 1]!;
    return { bytes: this.record(n.endpointId, version, n.payload), origin: null, endpointId: n.endpointId, handle: n.handle };
  }

  handleDelivery(handle: number, outcome: DeliveryOutcome, now: number): void {
    this.notifications.handleDelivery(handle, outcome, now);
  }

  handleTimeout(now: number): void {
    this.setTime(now);
    this.requests.handleTimeout(now);
    this.subscriptions.expire(now);
    this.notifications.handleTimeout(now);
    for (const c of this.periodic.due(now, this.model.context.wallClock)) this.sendEvent('Device.LocalAgent.', 'Periodic!', {}, c);
    if (this.nextPoll <= now) { // getter-backed params subscribed for ValueChange (§4 item 9)
      this.subscriptions.watchGetters();
      this.model.pollWatched();
      this.nextPoll = now + this.limits.pollIntervalMs;
    }
    if (this.restartAt <= now) {
      this.restartAt = Infinity;
      const dev = this.config.device;
      if (this.restartKind === 'factoryReset') { this.model.factoryReset(); if (dev !== undefined) dev.factoryReset(); }
      else if (dev !== undefined) dev.reboot();
    }
  }

  pollTimeout(): number {
    if (this.responses.length > 0) return this.now;
    const q = this.notifications.pollTimeout();
    if (q === -Infinity) return this.now;
    return Math.min(q, this.requests.pollTimeout(), this.subscriptions.nextExpiry(), this.periodic.pollTimeout(), this.nextPoll, this.restartAt);
  }
}

export function createAgent(config: AgentConfig): Agent {
  return new Agent(config);
}
