/**
 * Test fixture for the firmware suites: an agent process (npm start, or npm run start:xs
 * with `entry`) with the test Controller provisioned, a UspController collecting
 * notifications, the Subscriptions and BootParameters TP-469 9.3 sets up, and small
 * helpers to operate, get and wait for notifications.
 */
import * as assert from 'uvu/assert';
import { UspController, type NotifyEvent } from '../../tools/usp-ctl/controller.ts';
import { addMsg, getMsg, operateMsg, type Msg } from '../../src/usp/index.ts';
import { AGENT_ID, freePort, startAgentProcess, tempStateDir, type AgentProcess } from '../main/agent-process.ts';
import type { makeTestPki } from './image-server.ts';

let pki: ReturnType<typeof makeTestPki>;
let entry = 'src/main/node.ts';
export function setPki(p: ReturnType<typeof makeTestPki>, agentEntry = 'src/main/node.ts'): void { pki = p; entry = agentEntry; }

export const FI = 'Device.DeviceInfo.FirmwareImage.';

export interface Session {
  agent: AgentProcess;
  ctl: UspController;
  notes: NotifyEvent[];
  port: number;
}


export async function startAgent(stateDir: string, port: number, extra: string[] = []): Promise<AgentProcess> {
  return startAgentProcess(['--controller', `self::usp-ctl=coap://127.0.0.1:${port}/usp`, '--coap-ack-timeout', '100',
    '--firmware-ca', pki.ca, ...extra], stateDir, entry);
}

export async function open(agent: AgentProcess, port: number, notes: NotifyEvent[]): Promise<UspController> {
  const ctl = await UspController.open({ agentUri: agent.uri, agentId: AGENT_ID, endpointId: 'self::usp-ctl', port, timeoutMs: 10_000, ackTimeoutMs: 100 });
  ctl.onNotify = (n) => notes.push(n);
  return ctl;
}

export async function session(extra: string[] = [], stateDir = tempStateDir()): Promise<Session> {
  const port = await freePort();
  const agent = await startAgent(stateDir, port, extra);
  const notes: NotifyEvent[] = [];
  const ctl = await open(agent, port, notes);
  const s = { agent, ctl, notes, port };
  await req(s, (id) => addMsg(id, {
    allow_partial: false, create_objs: [
      sub('Event', 'Device.Boot!', 'boot'), sub('Event', 'Device.LocalAgent.TransferComplete!', 'tc'), sub('OperationComplete', FI, 'oc'),
      { obj_path: 'Device.LocalAgent.Controller.1.BootParameter.', param_settings: [{ param: 'Enable', value: 'true' }, { param: 'ParameterName', value: 'Device.DeviceInfo.ActiveFirmwareImage' }] },
      { obj_path: 'Device.LocalAgent.Controller.1.BootParameter.', param_settings: [{ param: 'Enable', value: 'true' }, { param: 'ParameterName', value: 'Device.DeviceInfo.SoftwareVersion' }] },
    ],
  }));
  return s;
}

function sub(type: string, ref: string, id: string) {
  return {
    obj_path: 'Device.LocalAgent.Subscription.',
    param_settings: [['Enable', 'true'], ['NotifType', type], ['ReferenceList', ref], ['ID', id], ['Persistent', 'true']].map(([param, value]) => ({ param, value, required: true })),
  };
}

export async function req(s: Session, build: Parameters<UspController['request']>[0]): Promise<Msg> {
  const m = await s.ctl.request(build);
  assert.not.ok(m.body?.error, `error: ${JSON.stringify(m.body?.error)}`);
  return m;
}

export async function get(s: Session, path: string): Promise<Record<string, string>> {
  const m = await req(s, (id) => getMsg(id, { param_paths: [path], max_depth: 0 }));
  const out: Record<string, string> = {};
  for (const r of m.body!.response!.get_resp!.req_path_results) {
    for (const rp of r.resolved_path_results) for (const [k, v] of Object.entries(rp.result_params)) out[rp.resolved_path + k] = v;
  }
  return out;
}

export async function operate(s: Session, command: string, args: Record<string, string>, key = ''): Promise<string> {
  const m = await req(s, (id) => operateMsg(id, { command, command_key: key, send_resp: true, input_args: args }));
  const r = m.body!.response!.operate_resp!.operation_results[0]!;
  assert.not.ok(r.cmd_failure, JSON.stringify(r.cmd_failure));
  return r.req_obj_path ?? '';
}

/** Waits for a notification matching `pred` (searching those already received). */
export async function waitFor(s: Session, what: string, pred: (n: NotifyEvent) => boolean, ms = 15_000): Promise<NotifyEvent> {
  const end = Date.now() + ms;
  for (;;) {
    const i = s.notes.findIndex(pred);
    if (i >= 0) return s.notes.splice(i, 1)[0]!;
    if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(s.notes.map((n) => n.notify.notification))}\n${s.agent.stderr.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const isEvent = (name: string) => (n: NotifyEvent): boolean => n.notify.event?.event_name === name;
export const isOper = (name: string) => (n: NotifyEvent): boolean => n.notify.oper_complete?.command_name === name;

export async function stderrSays(a: AgentProcess, re: RegExp, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!re.test(a.stderr)) {
    if (Date.now() > end) throw new Error(`stderr never matched ${re}:\n${a.stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

