/**
 * Boot! and Periodic! (TR-181 Device.Boot!, Device.LocalAgent.Periodic!,
 * AGENT-REQUIREMENTS §1.14 §Boot!/§Periodic!, §4 item 13).
 *
 * BootInfo (CommandKey + Cause of the Reboot()/FactoryReset() that caused the restart)
 * is persisted under its own key before the restart, read once at start and reset
 * to "LocalReboot" so a later power cycle is reported as such. Boot!.ParameterMap is
 * built per recipient from its enabled BootParameter rows (wildcards allowed), as a
 * JSON object of the parameters the recipient may read.
 * Periodic!: one deadline per enabled Controller from PeriodicNotifInterval and the
 * PeriodicNotifTime phase (Unknown Time or no wall clock: phase = first computation).
 */
import { parseDateTime, type DataModelApi, type ObjectInstance, type ParamNode } from '../dm/index.ts';
import { utf8Bytes } from '../usp/index.ts';
import type { KeyValueStore } from '../platform/types.ts';
import { PermKind, Right, type AccessView } from './acl.ts';
import { CONTROLLER_TABLE } from './controllers.ts';
import { readFor, readParam } from './get.ts';
import type { BootInfo } from './types.ts';

const BOOT_KEY = 'agent.boot';

/** The text of ASCII bytes `buf`[start, start + len): a Record's ids and version, the stored BootInfo (encodeURIComponent output). */
export function ascii(buf: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** Stores the BootInfo the next run reports: cause & commandKey & firmwareUpdated, URI-encoded (ASCII). */
export function saveBootInfo(store: KeyValueStore | undefined, info: BootInfo): void {
  if (store !== undefined) store.set(BOOT_KEY, utf8Bytes(encodeURIComponent(info.cause) + '&' + encodeURIComponent(info.commandKey) + '&' + (info.firmwareUpdated ? '1' : '0')));
}

/** Reads the BootInfo left by the previous run and replaces it with the power-cycle default. */
export function takeBootInfo(store: KeyValueStore | undefined, firmwareUpdated: boolean): BootInfo {
  const stored = store === undefined ? undefined : store.get(BOOT_KEY);
  const parts = (stored === undefined ? '' : ascii(stored, 0, stored.length)).split('&'); // cause & commandKey & firmwareUpdated (saveBootInfo)
  const info: BootInfo = parts.length !== 3 ? { cause: 'LocalReboot', commandKey: '', firmwareUpdated } :
    { cause: decodeURIComponent(parts[0]!), commandKey: decodeURIComponent(parts[1]!), firmwareUpdated: parts[2] === '1' || firmwareUpdated };
  saveBootInfo(store, { cause: 'LocalReboot', commandKey: '', firmwareUpdated: false });
  return info;
}


/** Boot!.ParameterMap for one recipient: {"Device.X.Y": "value", …} (readable params only). */
export function parameterMap(model: DataModelApi, access: AccessView, controller: ObjectInstance): string {
  const map: Record<string, string> = {};
  const table = controller.table('BootParameter');
  for (let i = 0, rows = table === undefined ? [] : table.rows; i < rows.length; i++) { const row = rows[i]!;
    if (readParam(model, row, 'Enable') !== 'true') continue;
    const r = model.resolve(readParam(model, row, 'ParameterName'));
    if (r.err !== 0) continue;
    const el = r.element;
    if (el !== null && el.kind !== 2) continue; // a command or event names no value
    const one = el === null ? null : [el as ParamNode];
    for (let j = 0, objects = r.objects; j < objects.length; j++) { const inst = objects[j]!;
      const params = one ?? inst.node.params;
      for (let k = 0; k < params.length; k++) {
        const p = params[k]!;
        if (access.allows(inst.path + p.name, PermKind.Param, Right.Read)) map[inst.path + p.name] = readFor(model, access, inst, p);
      }
    }
  }
  return JSON.stringify(map);
}

/** Periodic! state of one Controller row: its next deadline and the parameters it was computed from. */
export interface PeriodicState {
  due: number;
  interval: string;
  time: string;
}

/**
 * Controllers whose Periodic! is due now (deadlines advanced); recomputes changed ones.
 * `states`: the Periodic! deadlines per Controller row path (the agent's; module functions,
 * no object of their own: flash, #13 item 4).
 */
export function periodicDue(model: DataModelApi, states: Map<string, PeriodicState>, now: number, wallClock: number | undefined): ObjectInstance[] {
  const out: ObjectInstance[] = [];
  const table = model.tableAt(CONTROLLER_TABLE);
  const seen = new Set<string>();
  for (let i = 0, rows = table === undefined ? [] : table.rows; i < rows.length; i++) { const c = rows[i]!;
    if (readParam(model, c, 'Enable') !== 'true') continue;
    seen.add(c.path);
    const interval = readParam(model, c, 'PeriodicNotifInterval');
    const time = readParam(model, c, 'PeriodicNotifTime');
    const step = Math.max(1000, Number(interval) * 1000);
    let st = states.get(c.path);
    if (st === undefined || st.interval !== interval || st.time !== time) {
      // The first deadline after `now` for the interval and the phase PeriodicNotifTime (Unknown Time or no wall clock: now).
      const phase = time === '' || time.startsWith('0001-') ? NaN : parseDateTime(time) * 1000;
      const due = wallClock === undefined || Number.isNaN(phase) ? now + step : now + (phase + (Math.floor((wallClock - phase) / step) + 1) * step - wallClock);
      st = { due, interval, time };
      states.set(c.path, st);
    }
    if (st.due <= now) {
      out.push(c);
      while (st.due <= now) st.due += step;
    }
  }
  for (const k of states.keys()) if (!seen.has(k)) states.delete(k);
  return out;
}
