/**
 * The USP conversation of the simulator check, driven by the project's Controller
 * (tools/usp-ctl UspController) over real UDP against the agent in mcsim. Every step
 * names itself first (`io.phase`), so a failure says where it happened; a step throws
 * an Error that says what was wrong.
 *
 * First run (fresh state): Get, Set, Add of a persistent ValueChange subscription and a
 * persistent Boot! subscription (R-NOT.0, §Persistent), Add + Delete of a transient
 * subscription, Operate Device.IoTCapability.1.BinaryControl.Toggle() (sim board) with
 * its ValueChange Notify, a Set with its ValueChange Notify (R-NOT.1), GetSupportedDM
 * of the whole model, then a mixed session (Get / Set / GetSupportedDM / GetInstances /
 * Get of the IoT capabilities in turn) and a last Set whose value must survive.
 * After the restart: Boot! arrives through the stored subscription (§Boot!), the stored
 * FriendlyName and both subscriptions are back, and a Set still notifies.
 */
import {
  addMsg, deleteMsg, getInstancesMsg, getMsg, getSupportedDmMsg, operateMsg, setMsg, type Msg, type MsgInit,
} from '../../src/usp/index.ts';
import type { NotifyEvent, UspController } from '../usp-ctl/controller.ts';

export interface SessionIo {
  readonly ctl: UspController;
  readonly notifies: NotifyEvent[];
  /** Names the step that runs now. */
  phase(name: string): void;
  /** Requests sent so far (the verdict counts them). */
  requests: number;
}

export const VC_ID = 'check-vc';
export const BOOT_ID = 'check-boot';
export const LAST_NAME = 'survives-restart';
const NOTIFY_MS = 10_000;

async function request(io: SessionIo, build: (id: string) => MsgInit): Promise<Msg> {
  io.requests++;
  const m = await io.ctl.request(build);
  const body = m.body;
  if (body?.msg_body === 'error') throw new Error(`USP Error ${body.error!.err_code}: ${body.error!.err_msg}`);
  if (body?.msg_body !== 'response') throw new Error(`expected a response, got ${body?.msg_body ?? 'nothing'}`);
  return m;
}

function params(m: Msg): Map<string, string> {
  const out = new Map<string, string>();
  const resp = m.body!.response!.get_resp;
  if (resp === undefined) throw new Error('expected a GetResp');
  for (const r of resp.req_path_results) {
    if (r.err_code !== 0) throw new Error(`Get ${r.requested_path}: ${r.err_code} ${r.err_msg}`);
    for (const p of r.resolved_path_results) for (const [k, v] of Object.entries(p.result_params)) out.set(p.resolved_path + k, v);
  }
  return out;
}

function setName(value: string): (id: string) => MsgInit {
  return (id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value, required: true }] }] });
}

async function setOk(io: SessionIo, value: string): Promise<void> {
  const r = (await request(io, setName(value))).body!.response!.set_resp;
  const status = r?.updated_obj_results[0]?.oper_status;
  if (status?.oper_status !== 'oper_success') throw new Error(`Set FriendlyName=${value} failed: ${JSON.stringify(status)}`);
}

/** Waits for a Notify that `match` accepts, arrived after index `from` of io.notifies. */
async function notifyAfter(io: SessionIo, from: number, match: (n: NotifyEvent) => boolean, what: string): Promise<NotifyEvent> {
  const end = Date.now() + NOTIFY_MS;
  for (;;) {
    const n = io.notifies.slice(from).find(match);
    if (n !== undefined) return n;
    if (Date.now() > end) throw new Error(`no ${what} Notify within ${NOTIFY_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const valueChange = (path: string, value?: string) => (n: NotifyEvent): boolean =>
  n.notify.subscription_id === VC_ID && n.notify.value_change?.param_path === path && (value === undefined || n.notify.value_change.param_value === value);

function subscription(id: string, type: string, refs: string, persistent: boolean) {
  return {
    obj_path: 'Device.LocalAgent.Subscription.',
    param_settings: [
      { param: 'Enable', value: 'true' }, { param: 'ID', value: id }, { param: 'NotifType', value: type },
      { param: 'ReferenceList', value: refs }, { param: 'Persistent', value: persistent ? 'true' : 'false' },
    ],
  };
}

async function addOk(io: SessionIo, objs: ReturnType<typeof subscription>[]): Promise<string[]> {
  const r = (await request(io, (id) => addMsg(id, { allow_partial: false, create_objs: objs }))).body!.response!.add_resp;
  return (r?.created_obj_results ?? []).map((c) => {
    const ok = c.oper_status?.oper_success;
    if (ok === undefined) throw new Error(`Add ${c.requested_path} failed: ${JSON.stringify(c.oper_status)}`);
    return ok.instantiated_path;
  });
}

/** One request of the mixed session, by its index. */
function mixed(i: number): (id: string) => MsgInit {
  switch (i % 5) {
    case 0: return (id) => getMsg(id, { param_paths: ['Device.DeviceInfo.'] });
    case 1: return setName(`mixed-${i}`);
    case 2: return (id) => getSupportedDmMsg(id, { obj_paths: ['Device.LocalAgent.'], return_commands: true, return_events: true, return_params: true });
    case 3: return (id) => getInstancesMsg(id, { obj_paths: ['Device.LocalAgent.Subscription.'], first_level_only: false });
    default: return (id) => getMsg(id, { param_paths: ['Device.IoTCapability.'] });
  }
}

/** Everything the check asks of a freshly booted agent. */
export async function firstRun(io: SessionIo, sessionRequests: number): Promise<void> {
  io.phase('Get');
  const info = params(await request(io, (id) => getMsg(id, { param_paths: ['Device.DeviceInfo.', 'Device.LocalAgent.EndpointID'] })));
  if (info.get('Device.LocalAgent.EndpointID') !== io.ctl.agentId) throw new Error(`EndpointID is ${info.get('Device.LocalAgent.EndpointID')}`);
  io.phase('Set');
  await setOk(io, 'check-1');
  io.phase('Add (persistent ValueChange and Boot! subscriptions)');
  await addOk(io, [
    subscription(VC_ID, 'ValueChange', 'Device.DeviceInfo.FriendlyName,Device.IoTCapability.1.BinaryControl.Value', true),
    subscription(BOOT_ID, 'Event', 'Device.Boot!', true),
  ]);
  io.phase('Add/Delete');
  const [tmp] = await addOk(io, [subscription('check-tmp', 'ObjectCreation', 'Device.LocalAgent.Controller.', false)]);
  const del = (await request(io, (id) => deleteMsg(id, { allow_partial: false, obj_paths: [tmp!] }))).body!.response!.delete_resp;
  if (del?.deleted_obj_results[0]?.oper_status?.oper_status !== 'oper_success') throw new Error(`Delete ${tmp} failed: ${JSON.stringify(del)}`);
  io.phase('Operate Toggle()');
  let mark = io.notifies.length;
  const op = (await request(io, (id) => operateMsg(id, { command: 'Device.IoTCapability.1.BinaryControl.Toggle()', command_key: 'check', send_resp: true })))
    .body!.response!.operate_resp?.operation_results[0];
  if (op === undefined || op.operation_resp === 'cmd_failure') throw new Error(`Toggle() failed: ${JSON.stringify(op)}`);
  await notifyAfter(io, mark, valueChange('Device.IoTCapability.1.BinaryControl.Value'), 'BinaryControl.Value ValueChange');
  io.phase('ValueChange Notify');
  mark = io.notifies.length;
  await setOk(io, 'check-2');
  await notifyAfter(io, mark, valueChange('Device.DeviceInfo.FriendlyName', 'check-2'), 'FriendlyName ValueChange');
  io.phase('GetSupportedDM');
  const dm = (await request(io, (id) => getSupportedDmMsg(id, { obj_paths: ['Device.'], return_commands: true, return_events: true, return_params: true })))
    .body!.response!.get_supported_dm_resp?.req_obj_results[0];
  if (dm === undefined || dm.err_code !== 0 || dm.supported_objs.length === 0) throw new Error(`GetSupportedDM Device. failed: ${dm?.err_code} ${dm?.err_msg}`);
  for (let i = 0; i < sessionRequests; i++) {
    io.phase(`mixed session, request ${i + 1} of ${sessionRequests}`);
    await request(io, mixed(i));
  }
  io.phase('Set (the value that must survive the restart)');
  await setOk(io, LAST_NAME);
}

/** Waits for the Boot! Notify of the restarted agent (index `from` of io.notifies: when the restart began). */
export async function bootNotify(io: SessionIo, from: number): Promise<void> {
  io.phase('Boot! after the restart');
  await notifyAfter(io, from, (n) => n.notify.subscription_id === BOOT_ID && n.notify.event?.event_name === 'Boot!', 'Boot!');
}

/** What must hold after the restart: stored value, stored subscriptions, and they still notify. */
export async function afterRestart(io: SessionIo): Promise<void> {
  io.phase('stored state after the restart');
  const p = params(await request(io, (id) => getMsg(id, { param_paths: ['Device.DeviceInfo.FriendlyName', 'Device.LocalAgent.Subscription.*.ID'] })));
  if (p.get('Device.DeviceInfo.FriendlyName') !== LAST_NAME) throw new Error(`FriendlyName is "${p.get('Device.DeviceInfo.FriendlyName')}", not "${LAST_NAME}"`);
  const ids = [...p].filter(([k]) => k.endsWith('.ID')).map(([, v]) => v);
  for (const id of [VC_ID, BOOT_ID]) if (!ids.includes(id)) throw new Error(`subscription ${id} did not survive (found: ${ids.join(', ') || 'none'})`);
  io.phase('ValueChange Notify after the restart');
  const mark = io.notifies.length;
  await setOk(io, 'after-restart');
  await notifyAfter(io, mark, valueChange('Device.DeviceInfo.FriendlyName', 'after-restart'), 'FriendlyName ValueChange');
}
