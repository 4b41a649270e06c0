/**
 * A Controller session against the agent running in Espruino, for the `espruino` bench
 * suite and its test: every kind of request the Controller CLI sends, in a fixed cycle,
 * with the agent's JsVar blocks read after each (process.memory() after a garbage
 * collection, through the control channel of process.ts).
 *
 *   Get (DeviceInfo.), Get (IoTCapability.), Set FriendlyName (a subscribed parameter:
 *   each Set also sends a ValueChange Notify), Add a Subscription row, Delete it,
 *   Operate Toggle() on the LED, GetInstances, GetSupportedDM (one object)
 *
 * Each answer is checked (a response of the right kind, no error), so a broken agent
 * cannot pass for a flat one.
 */
import {
  addMsg, deleteMsg, getInstancesMsg, getMsg, getSupportedDmMsg, operateMsg, setMsg, type Msg,
} from '../../src/usp/index.ts';
import type { NotifyEvent, UspController } from '../usp-ctl/controller.ts';
import type { EspruinoAgent } from './process.ts';

export interface SessionResult {
  /** Blocks in use after each request (index = request number - 1). */
  readonly blocks: number[];
  /** Round-trip time of each request, ms (Node's clock: request sent → response decoded). */
  readonly ms: number[];
  /** The request kinds, in order. */
  readonly kinds: string[];
  readonly notifies: number;
}

type Step = (ctl: UspController, n: number) => Promise<Msg>;

function check(m: Msg, kind: string): Msg {
  const r = m.body?.response;
  if (r === undefined || r === null) throw new Error(`${kind}: no response: ${JSON.stringify(m.body)}`);
  return m;
}

/** The cycle of requests; `n` numbers them (unique values and IDs). */
export const SESSION_STEPS: ReadonlyArray<readonly [string, Step]> = [
  ['get', (c) => c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.'] }))],
  ['get-iot', (c) => c.request((id) => getMsg(id, { param_paths: ['Device.IoTCapability.'] }))],
  ['set', (c, n) => c.request((id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: `espruino ${n}`, required: true }] }] }))],
  ['add', (c, n) => c.request((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'ID', value: `s${n}` }, { param: 'NotifType', value: 'ValueChange' }, { param: 'ReferenceList', value: 'Device.DeviceInfo.HardwareVersion' }] }] }))],
  ['delete', (c, n) => c.request((id) => deleteMsg(id, { allow_partial: false, obj_paths: [`Device.LocalAgent.Subscription.[ID=="s${n - 1}"].`] }))],
  ['operate', (c, n) => c.request((id) => operateMsg(id, { command: 'Device.IoTCapability.1.BinaryControl.Toggle()', command_key: `k${n}`, send_resp: true }))],
  ['get-instances', (c) => c.request((id) => getInstancesMsg(id, { obj_paths: ['Device.LocalAgent.'], first_level_only: false }))],
  ['get-supported-dm', (c) => c.request((id) => getSupportedDmMsg(id, { obj_paths: ['Device.DeviceInfo.'], first_level_only: true, return_commands: true, return_events: true, return_params: true, return_unique_key_sets: true }))],
];

/**
 * Subscribes `ctl` to FriendlyName changes (the Sets then notify), then sends `count`
 * requests cycling through SESSION_STEPS, reading the blocks after each.
 */
export async function runSession(agent: EspruinoAgent, ctl: UspController, count: number, subscribe = true): Promise<SessionResult> {
  let notifies = 0;
  const previous = ctl.onNotify;
  ctl.onNotify = (e: NotifyEvent) => { notifies++; previous?.(e); };
  if (subscribe) check(await ctl.request((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'ID', value: 'session-vc' }, { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'ValueChange' },
    { param: 'ReferenceList', value: 'Device.DeviceInfo.FriendlyName' }] }] })), 'subscribe');
  const blocks: number[] = [];
  const ms: number[] = [];
  const kinds: string[] = [];
  for (let i = 0; i < count; i++) {
    const [kind, step] = SESSION_STEPS[i % SESSION_STEPS.length]!;
    const t0 = performance.now();
    const m = check(await step(ctl, i), kind);
    ms.push(performance.now() - t0);
    if (m.body?.response?.add_resp !== undefined) {
      const r = m.body.response.add_resp!.created_obj_results[0]!;
      if (r.oper_status?.oper_success === undefined) throw new Error(`add failed: ${JSON.stringify(r)}`);
    }
    kinds.push(kind);
    blocks.push((await agent.evaluate<{ usage: number }>('tinyusp.memory()')).usage);
  }
  ctl.onNotify = previous;
  return { blocks, ms, kinds, notifies };
}

/** Blocks gained per request from request `from` on (least squares over the rest). */
export function growthPerRequest(blocks: readonly number[], from: number): number {
  const ys = blocks.slice(from);
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (i - mx) * (ys[i]! - my); den += (i - mx) * (i - mx); }
  return num / den;
}
