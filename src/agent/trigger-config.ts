/**
 * Subscription TriggerAction Config / NotifyAndConfig (TR-181 2.16 Device.LocalAgent.
 * Subscription.{i}.TriggerAction, TriggerConfigSettings; USP 1.3+; TP-469 1.93, 1.94).
 *
 * When a subscription whose TriggerAction is Config or NotifyAndConfig fires, its
 * TriggerConfigSettings ("<Parameter Path>=<Value>" items; string values may be quoted)
 * are written as one Set by its Recipient: with that Controller's write permissions and
 * the same parameter, unique-key and subscription rules as a Set message, all of them or
 * none (a failing item rolls the whole action back). The subscription itself stays as it
 * is unless the settings change it (TP-469 1.93 disables it this way).
 *
 * Left out on purpose: a value holding a comma (TR-106 lists split on commas, so it
 * cannot be written in TriggerConfigSettings anyway).
 */
import { DmError, PathKind, splitList, WriteMode, type DataModelApi, type ParamNode } from '../dm/index.ts';
import { PermKind, Right, type AccessControl } from './acl.ts';
import { readParam } from './get.ts';
import type { WritePolicy } from './write.ts';

/** One "<path>=<value>" item: the path and the value with one pair of surrounding quotes removed, or null. */
export function parseSetting(item: string): { path: string; value: string } | null {
  const eq = item.indexOf('=');
  if (eq <= 0) return null;
  const path = item.slice(0, eq).trim();
  let value = item.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  return { path, value };
}

/**
 * Checks a TriggerConfigSettings value on write: every item is "<path>=<value>" whose path
 * names a parameter of the supported model (its instances may not exist yet). 0 or 7012.
 */
export function checkConfigSettings(model: DataModelApi, value: string): number {
  for (let i = 0, list = splitList(value); i < list.length; i++) { const item = list[i]!;
    const s = parseSetting(item);
    if (s === null) return DmError.InvalidValue;
    const supported = model.resolveSupported(s.path);
    if (supported.err === 0 && supported.kind === PathKind.Param) continue;
    const inst = model.resolve(s.path);
    if (inst.err !== 0 || inst.kind !== PathKind.Param) return DmError.InvalidValue;
  }
  return 0;
}

/** A Config action that fires another is followed this many times, so subscriptions that configure each other cannot loop. */
const MAX_TRIGGER_ROUNDS = 4;

/**
 * Applies every queued Config action (and those they fire, MAX_TRIGGER_ROUNDS deep): the
 * TriggerConfigSettings of each Subscription row, as its Recipient, all of them or none.
 */
export function applyTriggered(model: DataModelApi, acl: AccessControl, subs: WritePolicy & { takeTriggered(): readonly string[] }): void {
  for (let round = 0; round < MAX_TRIGGER_ROUNDS; round++) {
    const rows = subs.takeTriggered();
    if (rows.length === 0) return;
    for (let q = 0; q < rows.length; q++) {
      const row = model.instanceAt(rows[q]!);
      const recipient = row === undefined ? undefined : model.instanceAt(readParam(model, row, 'Recipient') + '.');
      if (recipient === undefined) continue; // the row or its Recipient is gone: nothing to write, or no one to write it as
      const access = acl.viewFor(recipient);
      const tx = model.begin();
      let err = 0; // the first failure undoes every item
      for (let i = 0, list = splitList(readParam(model, row!, 'TriggerConfigSettings')); i < list.length && err === 0; i++) {
        const s = parseSetting(list[i]!);
        const r = s === null ? null : model.resolve(s.path);
        if (s === null || r === null) err = DmError.InvalidValue;
        else if (r.err !== 0) err = r.err;
        else if (r.kind !== PathKind.Param) err = DmError.InvalidPath;
        else {
          const p = r.element as ParamNode;
          for (let j = 0, objects = r.objects; j < objects.length && err === 0; j++) {
            const inst = objects[j]!;
            err = !access.allows(inst.path + p.name, PermKind.Param, Right.Write) ? DmError.PermissionDenied :
              subs.checkWrite(inst, p, s.value, false) || tx.set(inst, p.name, s.value, WriteMode.Set);
          }
        }
      }
      if (err === 0) err = tx.commit();
      if (err !== 0) tx.rollback();
    }
  }
  subs.takeTriggered(); // a deeper cascade is dropped
}
