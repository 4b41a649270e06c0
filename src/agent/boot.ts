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

function encode(info: BootInfo): Uint8Array {
  return utf8Bytes(encodeURIComponent(info.cause) + '&' + encodeURIComponent(info.commandKey) + '&' + (info.firmwareUpdated ? '1' : '0'));
}

function decode(b: Uint8Array): BootInfo | undefined {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!); // ASCII: encodeURIComponent output
  const parts = s.split('&');
  if (parts.length !== 3) return undefined;
  return { cause: decodeURIComponent(parts[0]!), commandKey: decodeURIComponent(parts[1]!), firmwareUpdated: parts[2] === '1' };
}

/** Reads the BootInfo left by the previous run and replaces it with the power-cycle default. */
export function takeBootInfo(store: KeyValueStore | undefined, firmwareUpdated: boolean): BootInfo {
  const stored = store === undefined ? undefined : store.get(BOOT_KEY);
  const info = (stored === undefined ? undefined : decode(stored)) ?? { cause: 'LocalReboot', commandKey: '', firmwareUpdated: false };
  if (store !== undefined) store.set(BOOT_KEY, encode({ cause: 'LocalReboot', commandKey: '', firmwareUpdated: false }));
  return { ...info, firmwareUpdated: info.firmwareUpdated || firmwareUpdated };
}

export function saveBootInfo(store: KeyValueStore | undefined, info: BootInfo): void {
  if (store !== undefined) store.set(BOOT_KEY, encode(info));
}


/** Boot!.ParameterMap for one recipient: {"Device.X.Y": "value", …} (readable params only). */
export function parameterMap(model: DataModelApi, access: AccessView, controller: ObjectInstance): string {
  const map: Record<string, string> = {};
  const table = controller.table('BootParameter');
  for (let i = 0, rows = table === undefined ? [] : table.rows; i < rows.length; i++) { const row = rows[i]!;
    if (readParam(model, row, 'Enable') !== 'true') continue;
    const r = model.resolve(readParam(model, row, 'ParameterName'));
    if (r.err !== 0) continue;
    const add = (inst: ObjectInstance, p: ParamNode): void => {
      if (access.allows(inst.path + p.name, PermKind.Param, Right.Read)) map[inst.path + p.name] = readFor(model, access, inst, p);
    };
    for (let j = 0, objects = r.objects; j < objects.length; j++) { const inst = objects[j]!;
      if (r.element !== null) { if (r.element.kind === 2) add(inst, r.element as ParamNode); }
      else for (let k = 0, params = inst.node.params; k < params.length; k++) { const p = params[k]!; add(inst, p); }
    }
  }
  return JSON.stringify(map);
}

interface PeriodicState {
  due: number;
  interval: string;
  time: string;
}

/** Periodic! deadlines per Controller row path. */
export class PeriodicSchedule {
  private readonly states = new Map<string, PeriodicState>();

  constructor(private readonly model: DataModelApi) {}

  /** Controllers whose Periodic! is due now (deadlines advanced); recomputes changed ones. */
  due(now: number, wallClock: number | undefined): ObjectInstance[] {
    const out: ObjectInstance[] = [];
    const table = this.model.tableAt(CONTROLLER_TABLE);
    const seen = new Set<string>();
    for (let i = 0, rows = table === undefined ? [] : table.rows; i < rows.length; i++) { const c = rows[i]!;
      if (readParam(this.model, c, 'Enable') !== 'true') continue;
      seen.add(c.path);
      const interval = readParam(this.model, c, 'PeriodicNotifInterval');
      const time = readParam(this.model, c, 'PeriodicNotifTime');
      let st = this.states.get(c.path);
      if (st === undefined || st.interval !== interval || st.time !== time) {
        st = { due: next(now, wallClock, Number(interval) * 1000, time), interval, time };
        this.states.set(c.path, st);
      }
      if (st.due <= now) {
        out.push(c);
        const step = Math.max(1000, Number(interval) * 1000);
        while (st.due <= now) st.due += step;
      }
    }
    for (const k of this.states.keys()) if (!seen.has(k)) this.states.delete(k);
    return out;
  }

  pollTimeout(): number {
    let t = Infinity;
    for (const s of this.states.values()) if (s.due < t) t = s.due;
    return t;
  }
}

/** The first Periodic! deadline after `now` (monotonic ms) for interval `ms` and phase `time`. */
function next(now: number, wallClock: number | undefined, ms: number, time: string): number {
  const step = Math.max(1000, ms);
  const phase = time === '' || time.startsWith('0001-') ? NaN : parseDateTime(time) * 1000;
  if (wallClock === undefined || Number.isNaN(phase)) return now + step;
  const k = Math.floor((wallClock - phase) / step) + 1;
  return now + (phase + k * step - wallClock);
}
