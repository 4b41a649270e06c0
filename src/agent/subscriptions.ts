/**
 * Subscriptions (TR-181 Device.LocalAgent.Subscription.{i}., normative via R-NOT.0;
 * AGENT-REQUIREMENTS §1.14, §4 items 9, 11): which model changes and events become
 * Notify messages, for whom.
 *
 * Enabled rows only; the recipient is the Controller in Recipient, which must be
 * enabled and hold the `n` permission for what is reported (§n-permission: Param for
 * ValueChange, Obj for creation, InstantiatedObj for deletion, CommandEvent for
 * OperationComplete/Event). ReferenceList matching: ValueChange — param path or an
 * object path covering every param below; ObjectCreation — table paths;
 * ObjectDeletion — instance paths (or the table); OperationComplete/Event — the
 * element path or an object path covering everything below. `*` matches any
 * instance; search expressions are resolved against the current model.
 * TriggerAction Config / NotifyAndConfig queue the row's TriggerConfigSettings
 * (trigger-config.ts); Config alone sends no Notify.
 * Also the agent's write policy: ReferenceList immutable once non-empty, TriggerConfigSettings
 * items well-formed, Recipient and CreationDate filled by the agent, TimeToLive countdown on
 * the monotonic clock.
 */
import {
  DmError, formatDateTime, parseDateTime, splitList, WriteMode, type ChangeListener, type DataModelApi, type ObjectInstance, type ObjectNode,
  type ParamNode, type Transaction,
} from '../dm/index.ts';
import type { Notification } from '../usp/index.ts';
import { coversPath, PermKind, Right, type AccessControl, type AccessView } from './acl.ts';
import { readableKeys, readParam } from './get.ts';
import { CONTROLLER_TABLE } from './controllers.ts';
import type { Requester } from './types.ts';
import { checkConfigSettings } from './trigger-config.ts';
import type { WritePolicy } from './write.ts';

export const SUBSCRIPTION_TABLE = 'Device.LocalAgent.Subscription.';
/** Bound on Config actions waiting to be applied (one per subscription row at most). */
const MAX_TRIGGERED = 16;
const NONE_TRIGGERED: readonly string[] = Object.freeze([]);

/** What a matching subscription produces; the agent turns it into a queued Notify. */
export interface NotifySink {
  queueNotify(recipient: ObjectInstance, subscriptionId: string, sendResp: boolean, expirationS: number, n: Notification): unknown;
}

/** Builds a notification for one recipient (null = not for it). */
export type NotificationFor = (access: AccessView, recipient: ObjectInstance) => Notification | null;


/**
 * Exact segment match (no covering of what is below): "Device.X.*." vs "Device.X.3.".
 * `path` ends in "." (a table or an instance path), so with as many segments a partial
 * `ref` compares them all too.
 */
function sameShape(ref: string, path: string): boolean {
  const target = ref.split('.');
  return target.length === path.split('.').length && coversPath(target, path);
}

export class Subscriptions implements ChangeListener, WritePolicy {
  /** Monotonic creation time of subscriptions with a TimeToLive. */
  private readonly born = new Map<string, number>();
  /** The Controller row being disabled by the change now being reported, if any. */
  private disabling: ObjectInstance | null = null;
  /** Getter-backed params this object asked the model to poll. */
  private watched = new Map<string, { inst: ObjectInstance; p: ParamNode }>();
  /** Subscription rows that fired with TriggerAction Config / NotifyAndConfig, not yet applied. */
  private readonly triggered: string[] = [];

  constructor(private readonly model: DataModelApi, private readonly acl: AccessControl, private readonly sink: NotifySink) {}

  /** Applies R-NOT.0 §TimeToLive across a restart: without absolute time a TTL subscription expires. */
  start(now: number, wallClock: number | undefined): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    if (t === undefined) return;
    const gone: ObjectInstance[] = [];
    for (let i = 0, rows = t.rows; i < rows.length; i++) { const row = rows[i]!;
      if (Number(readParam(this.model, row, 'TimeToLive')) === 0) continue;
      const cd = readParam(this.model, row, 'CreationDate');
      const ms = wallClock === undefined || cd === '' || cd.startsWith('0001-') ? NaN : parseDateTime(cd) * 1000;
      if (Number.isNaN(ms)) gone.push(row);
      else this.born.set(row.path, now - (wallClock! - ms));
    }
    this.deleteRows(gone);
  }

  /**
   * TR-181 Subscription.{i}.Persistent=false: "removed whenever [the agent] is restarted".
   * Called once after Boot! went out, so the Boot! of a non-persistent subscription is
   * delivered and its ObjectDeletion follows it (TP-469 9.10, as the reference agent does).
   */
  dropNonPersistent(): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    if (t === undefined) return;
    const gone: ObjectInstance[] = [];
    for (let i = 0, rows = t.rows; i < rows.length; i++) { const row = rows[i]!; if (readParam(this.model, row, 'Persistent') !== 'true') gone.push(row); }
    this.deleteRows(gone);
  }

  private deleteRows(rows: readonly ObjectInstance[]): void {
    if (rows.length === 0) return;
    const tx = this.model.begin();
    for (let i = 0; i < rows.length; i++) { const r = rows[i]!; tx.deleteInstance(r, WriteMode.Agent); }
    tx.commit();
  }

  /**
   * The earliest TimeToLive deadline still ahead; with `remove` (handleTimeout), subscriptions
   * whose TimeToLive ran out by `now` go first, and so do the entries of rows gone or without a TTL.
   */
  expire(now: number, remove: boolean): number {
    const gone: ObjectInstance[] = [];
    let t = Infinity;
    for (const path of this.born.keys()) { // keys, each value read: no [key, value] array per entry
      const born = this.born.get(path)!;
      const row = this.model.instanceAt(path);
      const ttl = row === undefined ? 0 : Number(readParam(this.model, row, 'TimeToLive'));
      if (remove && ttl === 0) this.born.delete(path);
      else if (remove && born + ttl * 1000 <= now) { gone.push(row!); this.born.delete(path); }
      else if (ttl > 0 && born + ttl * 1000 < t) t = born + ttl * 1000;
    }
    this.deleteRows(gone);
    return t;
  }

  /**
   * Watches the getter-backed, change-reporting params named by enabled ValueChange
   * subscriptions, and stops watching those no longer named (the model bounds the set).
   */
  watchGetters(): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    const m = this.model;
    const now = new Map<string, { inst: ObjectInstance; p: ParamNode }>();
    for (let i = 0, rows = t === undefined ? [] : t.rows; i < rows.length; i++) { const row = rows[i]!;
      if (readParam(m, row, 'Enable') !== 'true' || readParam(m, row, 'NotifType') !== 'ValueChange') continue;
      for (let j = 0, list = splitList(readParam(m, row, 'ReferenceList')); j < list.length; j++) { const ref = list[j]!;
        const r = ref === '' ? null : m.resolve(ref);
        if (r === null || r.err !== 0) continue;
        for (let n = 0, objects = r.objects; n < objects.length; n++) { const inst = objects[n]!;
          const params = r.element === null ? inst.node.params : r.element.kind === 2 ? [r.element as ParamNode] : [];
          for (let q = 0; q < params.length; q++) { const p = params[q]!; if (p.getter !== null && p.valueChange === 1) now.set(inst.path + p.name, { inst, p }); }
        }
      }
    }
    for (const k of this.watched.keys()) {
      if (now.has(k)) continue;
      const w = this.watched.get(k)!;
      m.unwatch(w.inst, w.p);
    }
    for (const w of now.values()) m.watch(w.inst, w.p);
    this.watched = now;
  }

  // WritePolicy ------------------------------------------------------------
  checkWrite(inst: ObjectInstance, p: ParamNode, value: string, created: boolean): number {
    if (inst.node.path !== SUBSCRIPTION_TABLE + '{i}.') return 0;
    if (p.name === 'TriggerConfigSettings') return checkConfigSettings(this.model, value);
    if (p.name !== 'ReferenceList') return 0;
    const current = this.model.read(inst, p);
    if (!created && current !== '' && current !== value) return DmError.NonWritableParameter; // §1.14: immutable once non-empty
    // Every item must be a path of the supported model (absent instances are fine).
    for (let i = 0, list = splitList(value); i < list.length; i++) { const ref = list[i]!;
      const r = ref === '' ? null : this.model.resolve(ref);
      if (r !== null && r.err !== 0 && r.err !== DmError.ObjectDoesNotExist) return DmError.InvalidValue;
    }
    return 0;
  }

  created(tx: Transaction, row: ObjectInstance, req: Requester): void {
    if (row.node.path !== SUBSCRIPTION_TABLE + '{i}.') return;
    if (req.controller !== null) tx.set(row, 'Recipient', req.controller.path.slice(0, -1), WriteMode.Agent);
    const ctx = this.model.context;
    tx.set(row, 'CreationDate', ctx.wallClock === undefined ? '0001-01-01T00:00:00Z' : formatDateTime(ctx.wallClock), WriteMode.Agent);
  }

  // Matching ---------------------------------------------------------------
  /**
   * Calls `build` for every enabled subscription of `type` whose ReferenceList names what
   * happened (matches), and whose recipient may be told: `kind`-n on `path`.
   */
  private notify(type: string, path: string, kind: PermKind, inst: ObjectInstance | null, name: string, build: NotificationFor): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    if (t === undefined) return;
    const m = this.model;
    for (let i = 0, rows = t.rows; i < rows.length; i++) { const row = rows[i]!;
      if (readParam(m, row, 'Enable') !== 'true' || readParam(m, row, 'NotifType') !== type) continue;
      let hit = false;
      for (let j = 0, list = splitList(readParam(m, row, 'ReferenceList')); j < list.length && !hit; j++) {
        hit = list[j] !== '' && this.matches(type, list[j]!, path, inst, name);
      }
      if (!hit) continue;
      const recipient = m.instanceAt(readParam(m, row, 'Recipient') + '.');
      if (recipient === undefined || (readParam(m, recipient, 'Enable') !== 'true' && recipient !== this.disabling)) continue;
      const action = readParam(m, row, 'TriggerAction');
      // Queues the Config action (trigger-config.ts applies it after the current change is committed); bounded.
      const queued = this.triggered;
      if ((action === 'Config' || action === 'NotifyAndConfig') && queued.indexOf(row.path) < 0 && queued.length < MAX_TRIGGERED) queued.push(row.path);
      if (action === 'Config') continue;
      const access = this.acl.viewFor(recipient);
      if (!access.allows(path, kind, Right.Notify)) continue;
      const n = build(access, recipient);
      if (n === null) continue;
      const retry = readParam(m, row, 'NotifRetry') === 'true';
      this.sink.queueNotify(recipient, readParam(m, row, 'ID'), retry, retry ? Number(readParam(m, row, 'NotifExpiration')) : 0, n);
    }
  }

  /** Subscription rows whose Config action is due (TriggerAction Config / NotifyAndConfig), oldest first; the queue is emptied. */
  takeTriggered(): readonly string[] {
    return this.triggered.length === 0 ? NONE_TRIGGERED : this.triggered.splice(0); // nothing allocated on the common path
  }

  /**
   * Whether ReferenceList item `ref` names what happened. ObjectCreation: the table `path`
   * (or a search over tables resolving to it); ObjectDeletion: the row `path` or its table
   * (a search cannot be evaluated once the row is gone); the others: element `name` of
   * `inst` (`path`), exactly or under an object reference.
   */
  private matches(type: string, ref: string, path: string, inst: ObjectInstance | null, name: string): boolean {
    const search = ref.indexOf('[') >= 0;
    if (type === 'ObjectDeletion') return !search && (sameShape(ref, path) || sameShape(ref + '*.', path));
    if (!search) return type === 'ObjectCreation' ? sameShape(ref, path) : coversPath(ref.split('.'), path);
    const r = this.model.resolve(ref);
    if (r.err !== 0) return false;
    if (type === 'ObjectCreation') {
      for (let i = 0; i < r.tables.length; i++) if (r.tables[i]!.path === path) return true;
      return false;
    }
    if (r.element !== null) return r.element.name === name && r.objects.indexOf(inst!) >= 0;
    for (let i = 0, objects = r.objects; i < objects.length; i++) if (path.startsWith(objects[i]!.path)) return true;
    return false;
  }

  handleValueChange(inst: ObjectInstance, p: ParamNode, value: string): void {
    const path = inst.path + p.name;
    // TR-181 Controller.{i}.Enable: the ValueChange disabling a Controller still reaches it, as its last notification.
    this.disabling = p.name === 'Enable' && value === 'false' && inst.node.path === CONTROLLER_TABLE + '{i}.' ? inst : null;
    this.notify('ValueChange', path, PermKind.Param, inst, p.name,
      (access) => ({ value_change: { param_path: path, param_value: p.secured && !access.secured ? '' : value } }));
    this.disabling = null;
  }

  handleObjectCreation(inst: ObjectInstance): void {
    // TimeToLive counts from the committed creation (a rolled-back Add leaves nothing behind).
    if (inst.node.path === SUBSCRIPTION_TABLE + '{i}.') this.born.set(inst.path, this.model.context.now);
    const tablePath = inst.path.slice(0, inst.path.length - String(inst.number).length - 1);
    const m = this.model;
    this.notify('ObjectCreation', tablePath, PermKind.Obj, inst, '',
      (access) => ({ obj_creation: { obj_path: inst.path, unique_keys: readableKeys(m, access, inst) } }));
  }

  handleObjectDeletion(path: string, _node: ObjectNode): void {
    this.born.delete(path);
    this.notify('ObjectDeletion', path, PermKind.InstantiatedObj, null, '', () => ({ obj_deletion: { obj_path: path } }));
  }

  /** OperationComplete / Event for `inst` + element `name` ("Reboot()", "Boot!"). */
  notifyElement(type: 'OperationComplete' | 'Event', inst: ObjectInstance, name: string, build: NotificationFor): void {
    this.notify(type, inst.path + name, PermKind.CommandEvent, inst, name, build);
  }
}
