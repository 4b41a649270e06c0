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
 * Also the agent's write policy: ReferenceList immutable once non-empty, Recipient and
 * CreationDate filled by the agent, TimeToLive countdown on the monotonic clock.
 */
import {
  formatDateTime, parseDateTime, splitList, WriteMode, type ChangeListener, type DataModelApi, type ObjectInstance, type ObjectNode,
  type ParamNode, type Transaction,
} from '../dm/index.ts';
import type { Notification } from '../usp/index.ts';
import { covers, PermKind, Right, segMatches, splitPath, type AccessControl, type AccessView } from './acl.ts';
import { readFor } from './get.ts';
import type { Requester } from './types.ts';
import type { WritePolicy } from './write.ts';

export const SUBSCRIPTION_TABLE = 'Device.LocalAgent.Subscription.';

/** What a matching subscription produces; the agent turns it into a queued Notify. */
export type NotifySink = (recipient: ObjectInstance, subscriptionId: string, sendResp: boolean, expirationS: number, n: Notification) => void;

/** Builds a notification for one recipient (null = not for it). */
export type NotificationFor = (access: AccessView, recipient: ObjectInstance) => Notification | null;

function param(model: DataModelApi, inst: ObjectInstance, name: string): string {
  const p = inst.node.params.find((q) => q.name === name);
  return p === undefined ? '' : model.read(inst, p);
}

/** Exact segment match (no covering of what is below): "Device.X.*." vs "Device.X.3.". */
function sameShape(ref: string, path: string): boolean {
  const a = splitPath(ref);
  const b = splitPath(path);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!segMatches(a[i]!, b[i]!)) return false;
  return true;
}

export class Subscriptions implements ChangeListener, WritePolicy {
  /** Monotonic creation time of subscriptions with a TimeToLive. */
  private readonly born = new Map<string, number>();

  constructor(private readonly model: DataModelApi, private readonly acl: AccessControl, private readonly sink: NotifySink) {}

  /** Applies R-NOT.0 §TimeToLive across a restart: without absolute time a TTL subscription expires. */
  start(now: number, wallClock: number | undefined): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    if (t === undefined) return;
    const gone: ObjectInstance[] = [];
    for (const row of t.rows.values()) {
      if (Number(param(this.model, row, 'TimeToLive')) === 0) continue;
      const cd = param(this.model, row, 'CreationDate');
      const ms = wallClock === undefined || cd === '' || cd.startsWith('0001-') ? NaN : parseDateTime(cd) * 1000;
      if (Number.isNaN(ms)) gone.push(row);
      else this.born.set(row.path, now - (wallClock! - ms));
    }
    this.deleteRows(gone);
  }

  private deleteRows(rows: readonly ObjectInstance[]): void {
    if (rows.length === 0) return;
    const tx = this.model.begin();
    for (const r of rows) tx.delete(r, WriteMode.Agent);
    tx.commit();
  }

  /** Removes subscriptions whose TimeToLive ran out. */
  expire(now: number): void {
    const gone: ObjectInstance[] = [];
    for (const [path, born] of this.born) {
      const row = this.model.instanceAt(path);
      if (row === undefined) { this.born.delete(path); continue; }
      const ttl = Number(param(this.model, row, 'TimeToLive'));
      if (ttl === 0) { this.born.delete(path); continue; }
      if (born + ttl * 1000 <= now) { gone.push(row); this.born.delete(path); }
    }
    this.deleteRows(gone);
  }

  nextExpiry(): number {
    let t = Infinity;
    for (const [path, born] of this.born) {
      const row = this.model.instanceAt(path);
      if (row === undefined) continue;
      const ttl = Number(param(this.model, row, 'TimeToLive'));
      if (ttl > 0) t = Math.min(t, born + ttl * 1000);
    }
    return t;
  }

  /** Watches getter-backed, change-reporting params named by enabled ValueChange subscriptions (bounded by the model). */
  watchGetters(): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    if (t === undefined) return;
    const m = this.model;
    for (const row of t.rows.values()) {
      if (param(m, row, 'Enable') !== 'true' || param(m, row, 'NotifType') !== 'ValueChange') continue;
      for (const ref of splitList(param(m, row, 'ReferenceList'))) {
        const r = ref === '' ? null : m.resolve(ref);
        if (r === null || r.err !== 0) continue;
        for (const inst of r.objects) {
          const params = r.element === null ? inst.node.params : r.element.kind === 2 ? [r.element as ParamNode] : [];
          for (const p of params) if (p.getter !== null && p.valueChange === 1) m.watch(inst, p);
        }
      }
    }
  }

  // WritePolicy ------------------------------------------------------------
  checkWrite(inst: ObjectInstance, p: ParamNode, value: string, created: boolean): number {
    if (created || p.name !== 'ReferenceList' || inst.node.path !== SUBSCRIPTION_TABLE + '{i}.') return 0;
    const current = this.model.read(inst, p);
    return current === '' || current === value ? 0 : 7013; // §1.14: immutable once non-empty
  }

  created(tx: Transaction, row: ObjectInstance, req: Requester): void {
    if (row.node.path !== SUBSCRIPTION_TABLE + '{i}.') return;
    if (req.controller !== null) tx.set(row, 'Recipient', req.controller.path.slice(0, -1), WriteMode.Agent);
    const ctx = this.model.context;
    tx.set(row, 'CreationDate', ctx.wallClock === undefined ? '0001-01-01T00:00:00Z' : formatDateTime(ctx.wallClock), WriteMode.Agent);
    this.born.set(row.path, ctx.now);
  }

  // Matching ---------------------------------------------------------------
  /** Calls `build` for every enabled subscription of `type` whose ReferenceList `matches`, and whose recipient may be told. */
  notify(type: string, matches: (ref: string) => boolean, perm: { path: string; kind: PermKind }, build: NotificationFor): void {
    const t = this.model.tableAt(SUBSCRIPTION_TABLE);
    if (t === undefined) return;
    const m = this.model;
    for (const row of t.rows.values()) {
      if (param(m, row, 'Enable') !== 'true' || param(m, row, 'NotifType') !== type) continue;
      let hit = false;
      for (const ref of splitList(param(m, row, 'ReferenceList'))) if (ref !== '' && matches(ref)) { hit = true; break; }
      if (!hit) continue;
      const recipient = m.instanceAt(param(m, row, 'Recipient') + '.');
      if (recipient === undefined || param(m, recipient, 'Enable') !== 'true') continue;
      const access = this.acl.viewFor(recipient);
      if (!access.allows(perm.path, perm.kind, Right.Notify)) continue;
      const n = build(access, recipient);
      if (n === null) continue;
      const retry = param(m, row, 'NotifRetry') === 'true';
      this.sink(recipient, param(m, row, 'ID'), retry, retry ? Number(param(m, row, 'NotifExpiration')) : 0, n);
    }
  }

  /** Element path (param, command, event) against a reference: exact, or under an object reference. */
  private elementMatch(ref: string, inst: ObjectInstance, name: string): boolean {
    const path = inst.path + name;
    if (ref.indexOf('[') >= 0) {
      const r = this.model.resolve(ref);
      if (r.err !== 0) return false;
      if (r.element !== null) return r.element.name === name && r.objects.indexOf(inst) >= 0;
      for (const o of r.objects) if (path.startsWith(o.path)) return true;
      return false;
    }
    return covers(splitPath(ref), splitPath(path));
  }

  handleValueChange(inst: ObjectInstance, p: ParamNode, value: string): void {
    const path = inst.path + p.name;
    this.notify('ValueChange', (ref) => this.elementMatch(ref, inst, p.name), { path, kind: PermKind.Param },
      (access) => ({ value_change: { param_path: path, param_value: p.secured && !access.secured ? '' : value } }));
  }

  handleObjectCreation(inst: ObjectInstance): void {
    const tablePath = inst.path.slice(0, inst.path.length - String(inst.number).length - 1);
    const m = this.model;
    this.notify('ObjectCreation', (ref) => {
      if (ref.indexOf('[') < 0) return sameShape(ref, tablePath);
      const r = m.resolve(ref);
      return r.err === 0 && r.tables.some((t) => t.path === tablePath);
    }, { path: tablePath, kind: PermKind.Obj }, (access) => {
      const keys: Record<string, string> = {};
      for (const [k, v] of m.uniqueKeyValues(inst)) {
        const kp = inst.node.params.find((q) => q.name === k)!;
        if (access.allows(inst.path + k, PermKind.Param, Right.Read)) keys[k] = readFor(m, access, inst, kp) === '' ? '' : v;
      }
      return { obj_creation: { obj_path: inst.path, unique_keys: keys } };
    });
  }

  handleObjectDeletion(path: string, _node: ObjectNode): void {
    this.born.delete(path);
    this.notify('ObjectDeletion', (ref) => {
      if (ref.indexOf('[') >= 0) return false; // the row is gone: a search cannot be evaluated any more
      return sameShape(ref, path) || sameShape(ref + '*.', path);
    }, { path, kind: PermKind.InstantiatedObj }, () => ({ obj_deletion: { obj_path: path } }));
  }

  /** OperationComplete / Event for `inst` + element `name` ("Reboot()", "Boot!"). */
  notifyElement(type: 'OperationComplete' | 'Event', inst: ObjectInstance, name: string, build: NotificationFor): void {
    this.notify(type, (ref) => this.elementMatch(ref, inst, name), { path: inst.path + name, kind: PermKind.CommandEvent }, build);
  }
}
