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
import { DmError, type DataModelApi, type ObjectInstance, type ParamNode, type Transaction } from '../dm/index.ts';
import {
  BodyKind, createMsgDecodeConfig, createRecordViewConfig, decodeMsg, errorMsg, msgErrorUspCode, RecordError, RecordType, RecordView, recordErrorUspCode,
  UspErrorCode, utf8Bytes,
} from '../usp/index.ts';
import { AccessControl } from './acl.ts';
import { ascii, parameterMap, periodicDue, saveBootInfo, takeBootInfo, type PeriodicState } from './boot.ts';
import { CONTROLLER_TABLE, ControllerIndex } from './controllers.ts';
import { registerDeviceCommands } from './device-commands.ts';
import { dispatchRequest, type DispatchContext } from './dispatch.ts';
import { readParam } from './get.ts';
import type { NotifyQueue } from './notify-queue.ts';
import { Notifier } from './notifier.ts';
import { OnBoarding } from './onboarding.ts';
import { Outbox } from './outbox.ts';
import { msgErrorText, recordErrorText, type MessageLimits } from './message-errors.ts';
import { MAX_MSG_DEPTH } from '../usp/msg-validate.ts';
import { Requests, type AsyncCommandHandler } from './requests.ts';
import type { Subscriptions } from './subscriptions.ts';
import { applyTriggered } from './trigger-config.ts';
import type { WritePolicy } from './write.ts';
import { DEFAULT_LIMITS, type AgentConfig, type AgentLimits, type BootInfo, type DeliveryOutcome, type MtpOrigin, type Requester, type Transmit } from './types.ts';

/** D1: the versions this agent speaks. */
export const SUPPORTED_VERSIONS = '1.0,1.1,1.2,1.3,1.4';
const FULL_ACCESS_ROLE = 'Device.LocalAgent.ControllerTrust.Role.1';

/** Also the context requests are processed with (DispatchContext): async command handlers by "<object node path><command name>". */
export class Agent implements DispatchContext {
  // `declare`: assigned in the constructor, so no field of its own to define them first (an undefined each, flash: #13 item 4).
  declare readonly model: DataModelApi;
  declare readonly endpointId: string;
  declare readonly limits: AgentLimits;
  declare readonly versions: string;
  declare readonly acl: AccessControl;
  declare readonly subscriptions: Subscriptions;
  declare readonly requests: Requests;
  declare readonly notifications: NotifyQueue;
  /** Produces every agent-initiated Notify (Event, OnBoardRequest, OperationComplete…). */
  declare readonly notifier: Notifier;
  /** SendOnBoardRequest() and the OnBoardingRestartTime restarts. */
  declare readonly onBoarding: OnBoarding;
  /** Records accepted from known, enabled Controllers: the firmware layer's "healthy" signal (TR-369 08 rollback). */
  controllerContacts = 0;
  /** Boot! information of this run (after start). */
  bootInfo: BootInfo = { cause: 'LocalReboot', commandKey: '', firmwareUpdated: false };
  /** Responses waiting for pollTransmit (and their refusal count). */
  declare readonly outbox: Outbox;
  declare private readonly config: AgentConfig;
  declare private readonly ownId: Uint8Array;
  declare private readonly view: RecordView;
  declare private readonly messageLimits: MessageLimits;
  declare private readonly versionList: string[];
  private readonly lastVersion = new Map<string, string>();
  private readonly asyncHandlers = new Map<string, AsyncCommandHandler>();
  /** Periodic! deadlines per Controller row path (boot.ts). */
  private readonly periodic = new Map<string, PeriodicState>();
  declare private readonly controllers: ControllerIndex;
  /** The write rules of Set and Add: the subscriptions' first, then those of other layers (addWritePolicy). */
  private readonly policies: WritePolicy[] = [];
  private nextPoll = Infinity;
  private restartAt = Infinity;
  /** requestReboot: hold the reboot while notifications are queued, until this time. */
  private drainUntil = 0;
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
    this.messageLimits = { maxRecordBytes: this.limits.maxRecordBytes, maxStringBytes: createMsgDecodeConfig().maxStringBytes, maxDepth: MAX_MSG_DEPTH };
    this.outbox = new Outbox(this.ownId, this.limits.maxQueuedResponses, this.limits.maxRecordBytes);
    this.controllers = new ControllerIndex(this.model, this);
    this.acl = new AccessControl(this.model, config.defaultRole ?? FULL_ACCESS_ROLE);
    this.notifier = new Notifier(this.model, this.acl, this.limits.maxQueuedNotifications, config.random, this.versions, this.limits.maxRecordBytes);
    this.notifications = this.notifier.queue;
    this.subscriptions = this.notifier.subscriptions;
    this.policies.push(this.subscriptions);
    this.onBoarding = new OnBoarding(this.model, this.notifier, this.limits.maxQueuedNotifications);
    this.requests = new Requests(this.model, this.limits.maxPendingRequests, this.notifier);
    registerDeviceCommands(this);
  }

  /** Binds an async command ("Device.X.{i}.Start()") to a handler that may finish later via completeOperation. */
  registerAsyncCommand(supportedPath: string, handler: AsyncCommandHandler): number {
    const r = this.model.resolveSupported(supportedPath);
    if (r.err !== 0 || r.node === null || r.element === null) return r.err || DmError.InvalidPath;
    this.asyncHandlers.set(r.node.path + r.element.name, handler);
    return 0;
  }

  asyncHandler(objectNodePath: string, commandName: string): AsyncCommandHandler | undefined {
    return this.asyncHandlers.get(objectNodePath + commandName);
  }

  /** Ends an async operation started by a registered handler (OperationComplete follows). */
  completeOperation(requestPath: string, err: number, message: string, output: ReadonlyMap<string, string> | null): boolean {
    const done = this.requests.complete(requestPath, { err, message, output });
    this.runTriggers();
    return done;
  }

  /** A board or firmware event ("Device.IoTCapability.1.", "Triggered!") to every matching Event subscription. */
  sendEvent(now: number, objPath: string, eventName: string, params: Record<string, string>): void {
    this.setTime(now);
    this.notifier.sendEvent(objPath, eventName, params);
    this.runTriggers();
  }

  /** TriggerAction Config / NotifyAndConfig, applied once the change that fired them is committed. */
  private runTriggers(): void {
    applyTriggered(this.model, this.acl, this.subscriptions);
  }

  private setTime(now: number): void {
    this.now = now;
    this.model.setTime(now, this.config.wallClock === undefined ? undefined : this.config.wallClock());
  }

  /**
   * After boot: TTL bookkeeping, Boot! to its subscribers, then the non-persistent
   * subscriptions go (their ObjectDeletion after the Boot!), polling and Periodic! deadlines.
   */
  start(now: number): void {
    this.setTime(now);
    this.bootInfo = takeBootInfo(this.config.store, this.config.firmwareUpdated === true);
    this.subscriptions.start(now, this.model.context.wallClock);
    this.notifier.sendEvent('Device.', 'Boot!', (access, recipient) => ({
      CommandKey: this.bootInfo.commandKey, Cause: this.bootInfo.cause, FirmwareUpdated: String(this.bootInfo.firmwareUpdated),
      ParameterMap: parameterMap(this.model, access, recipient),
    }));
    this.subscriptions.dropNonPersistent();
    periodicDue(this.model, this.periodic, now, this.model.context.wallClock);
    this.nextPoll = now + this.limits.pollIntervalMs;
    this.runTriggers();
  }

  // Receive ----------------------------------------------------------------
  /**
   * R-COAP.13 / R-MTP.5: whether `buf[start, end)` is a Record this agent takes or can answer
   * with an Error (an MTP refuses anything else, e.g. CoAP 4.00). Runs on the agent's own
   * RecordView, so an MTP keeps none of its own (67 XS slots each).
   */
  acceptsRecord(buf: Uint8Array, start: number, end: number): boolean {
    const v = this.view;
    return v.wrap(buf, start, end) === RecordError.Ok || v.canReply(this.ownId);
  }

  /** from_id of a well-formed Record (the MTP's NoSec reply-to rule, issue #16), or undefined. */
  recordFromId(buf: Uint8Array, start: number, end: number): string | undefined {
    const v = this.view;
    return v.wrap(buf, start, end) === RecordError.Ok ? ascii(buf, v.fromIdStart, v.fromIdLen) : undefined;
  }

  handleRecord(now: number, buf: Uint8Array, start: number, end: number, origin: MtpOrigin): void {
    this.setTime(now);
    const v = this.view;
    const err = v.wrap(buf, start, end);
    if (err !== RecordError.Ok) { this.recordError(err, origin); return; }
    if (!v.toIdEquals(this.ownId) || v.fromIdEquals(this.ownId)) return; // R-E2E.1, R-ARC.2
    if (v.recordType !== RecordType.NoSessionContext) return; // connect/disconnect records carry no Msg for us
    const req = this.requester(origin);
    if (req === null) return;
    if (req.controller !== null) this.controllerContacts++;
    const fromId = req.endpointId;
    const version = ascii(buf, v.versionStart, v.versionLen);
    const replyVersion = this.versionList.indexOf(version) >= 0 ? version : this.versionList[this.versionList.length - 1]!;
    if (this.lastVersion.size >= 32 && !this.lastVersion.has(fromId)) this.lastVersion.clear(); // bounded: unknown Controllers may be many
    this.lastVersion.set(fromId, replyVersion);
    const d = decodeMsg(buf, v.payloadStart, v.payloadStart + v.payloadLen);
    if (d.error !== 0 || d.msg === undefined) {
      // R-MTP.5 / R-ENC.5: a Msg whose msg_id we could read gets an Error — unless it is a
      // response or an Error itself (no Error answers those); no body at all is reported too (issue #16).
      if (d.msgId !== '' && (d.bodyKind === BodyKind.Request || d.bodyKind === BodyKind.None)) {
        this.outbox.respond(origin, fromId, replyVersion, d.msgId, errorMsg(d.msgId, msgErrorUspCode(d.error), msgErrorText(d.error, this.messageLimits)));
      }
      return;
    }
    const body = d.msg.body!;
    if (body.msg_body === 'response' || body.msg_body === 'error') {
      // R-NOT.9 matched by msg_id only; unknown msg_ids are ignored (R-MSG.9); an Error just stops the retries.
      if (this.notifications.handleResponse(fromId, d.msgId) && body.response?.resp_type === 'notify_resp') this.onBoarding.acknowledged(d.msgId, now);
      return;
    }
    if (this.outbox.pending(fromId, d.msgId)) return; // R-MSG.4
    const resp = dispatchRequest(this, req, d.msg);
    if (resp !== null) this.outbox.respond(origin, fromId, replyVersion, d.msgId, resp);
    this.runTriggers();
    const kind = body.request!.req_type;
    if (kind === 'set' || kind === 'add' || kind === 'delete') this.periodicTick(now); // a new interval takes effect at once
  }

  /**
   * The sender of the wrapped Record as a Requester, or null when it must be dropped:
   * an unprotected channel when one is required (R-SEC.0), certificate EID ≠ from_id (R-SEC.0a), unknown (unless admitted as untrusted) or
   * disabled Controller. Allocates nothing until the sender is accepted.
   */
  private requester(origin: MtpOrigin): Requester | null {
    const v = this.view;
    if (!origin.secure && this.config.requireSecure === true) return null; // R-SEC.0
    if (origin.peerEndpointId !== '' && !v.fromIdEquals(this.outbox.encoded(origin.peerEndpointId))) return null;
    const c = this.controllers.bySender(v);
    if (c === null) {
      if (this.config.acceptUnknownControllers !== true) return null;
      return { endpointId: ascii(v.buf, v.fromIdStart, v.fromIdLen), controller: null, access: this.acl.viewFor(null) };
    }
    if (!c.enabled) return null;
    return { endpointId: c.endpointId, controller: c.row, access: this.acl.viewFor(c.row) };
  }

  private recordError(err: RecordError, origin: MtpOrigin): void {
    const v = this.view;
    if (!v.canReply(this.ownId) || v.fromIdEquals(this.ownId)) return;
    const req = this.requester(origin);
    if (req === null) return; // R-MTP.5: a known Controller with a return path
    const fromId = req.endpointId;
    const version = this.versionList[this.versionList.length - 1]!;
    if (err === RecordError.SessionContextNotAllowed) { // R-E2E.6a
      this.outbox.disconnect(origin, fromId, version, UspErrorCode.SessionContextNotAllowed, 'session context not supported');
      return;
    }
    if (v.payloadLen === 0) return;
    const d = decodeMsg(v.buf, v.payloadStart, v.payloadStart + v.payloadLen);
    if (d.msgId === '' || d.bodyKind !== BodyKind.Request) return;
    this.outbox.respond(origin, fromId, version, d.msgId, errorMsg(d.msgId, recordErrorUspCode(err), recordErrorText(err, this.messageLimits)));
  }

  /** ControllerStateOwner: a Controller row went; what the agent kept for it goes too. */
  dropControllerState(): void {
    const known = new Set<string>();
    const t = this.model.tableAt(CONTROLLER_TABLE);
    for (let i = 0, rows = t === undefined ? [] : t.rows; i < rows.length; i++) { const c = rows[i]!; known.add(readParam(this.model, c, 'EndpointID')); }
    for (const eid of this.lastVersion.keys()) if (!known.has(eid)) this.lastVersion.delete(eid);
    this.notifications.keepOnly(known);
  }

  /**
   * Reboots after rebootDelayMs, Boot! then reporting `cause` and `commandKey` (firmware
   * activation: RemoteReboot). Queued notifications (the OperationComplete and
   * TransferComplete! that announced the switch) go out first: the reboot waits for the
   * queue to drain, at most `drainMs`.
   */
  requestReboot(cause: string, commandKey: string, drainMs = 10_000): void {
    this.scheduleRestart('reboot', cause, commandKey);
    this.drainUntil = this.restartAt + drainMs;
  }

  /** Write rules beyond the schema from another layer (firmware: Available, BootFirmwareImage). */
  addWritePolicy(p: WritePolicy): void {
    this.policies.push(p);
  }

  /** WritePolicy of Set and Add: the subscriptions' rules, then those other layers added; the first refusal wins. */
  checkWrite(inst: ObjectInstance, p: ParamNode, value: string, created: boolean): number {
    const policies = this.policies;
    for (let i = 0; i < policies.length; i++) { const e = policies[i]!.checkWrite(inst, p, value, created); if (e !== 0) return e; }
    return 0;
  }

  created(tx: Transaction, row: ObjectInstance, req: Requester): void {
    const policies = this.policies;
    for (let i = 0; i < policies.length; i++) policies[i]!.created(tx, row, req);
  }

  /** CommandHost (Device.Reboot(), Device.FactoryReset()): Boot! information stored, the platform action scheduled. */
  scheduleRestart(kind: 'reboot' | 'factoryReset', cause: string, commandKey: string): void {
    this.drainUntil = 0;
    saveBootInfo(this.config.store, { cause, commandKey, firmwareUpdated: false });
    this.restartKind = kind;
    this.restartAt = this.now + (this.config.rebootDelayMs ?? 1000);
  }

  // Output and time --------------------------------------------------------
  pollTransmit(now: number): Transmit | null {
    const r = this.outbox.next();
    if (r !== null) return r;
    for (;;) {
      const n = this.notifications.nextReady(now);
      if (n === null) return null;
      const payload = this.notifier.payloadOf(n);
      if (payload === null) continue; // too large for one Record: dropped
      const version = this.lastVersion.get(n.endpointId) ?? this.versionList[this.versionList.length - 1]!;
      return { bytes: this.outbox.record(n.endpointId, version, payload), origin: null, endpointId: n.endpointId, handle: n.handle };
    }
  }

  handleDelivery(handle: number, outcome: DeliveryOutcome, now: number): void {
    this.notifications.handleDelivery(handle, outcome, now);
  }

  handleTimeout(now: number): void {
    this.setTime(now);
    this.requests.handleTimeout(now);
    this.subscriptions.expire(now, true);
    this.notifications.handleTimeout(now);
    this.periodicTick(now);
    this.onBoarding.handleTimeout(now);
    if (this.nextPoll <= now) { // getter-backed params subscribed for ValueChange (§4 item 9)
      this.subscriptions.watchGetters();
      this.model.pollWatched();
      this.nextPoll = now + this.limits.pollIntervalMs;
    }
    if (this.restartAt <= now && this.notifications.size > 0 && now < this.drainUntil) this.restartAt = now + 100;
    if (this.restartAt <= now) {
      this.restartAt = Infinity;
      this.drainUntil = 0;
      const dev = this.config.device;
      if (this.restartKind === 'factoryReset') {
        this.model.factoryReset(); // a new tree: no listener runs, so every cache built on the old one goes
        this.acl.invalidate();
        this.controllers.invalidate();
        this.requests.clear();
        this.onBoarding.clear();
        this.notifications.keepOnly(new Set());
        if (dev !== undefined) dev.factoryReset();
      }
      else if (dev !== undefined) dev.reboot();
    }
    this.runTriggers();
  }

  /** §Periodic!: sends what is due and re-reads changed intervals/phases. */
  private periodicTick(now: number): void {
    const due = periodicDue(this.model, this.periodic, now, this.model.context.wallClock);
    for (let i = 0; i < due.length; i++) this.notifier.sendEvent('Device.LocalAgent.', 'Periodic!', {}, due[i]!);
  }

  pollTimeout(): number {
    if (this.outbox.size > 0) return this.now;
    const q = this.notifications.pollTimeout();
    if (q === -Infinity) return this.now;
    let t = Math.min(q, this.requests.pollTimeout(), this.subscriptions.expire(this.now, false), this.onBoarding.pollTimeout(), this.nextPoll, this.restartAt);
    for (const s of this.periodic.values()) if (s.due < t) t = s.due; // Periodic!
    return t;
  }
}

export function createAgent(config: AgentConfig): Agent {
  return new Agent(config);
}
