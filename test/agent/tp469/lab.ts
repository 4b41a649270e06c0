/**
 * The TP-469 test lab as a certification lab runs it, sans-I/O so the same script runs on
 * Node and inside the XS engine (test/agent/tp469.test.ts, tp469.xs.test.ts): a traffic
 * generator (the Controller "proto::controller-1", Full Access, and a second one,
 * "proto::controller-2") talking to the agent core through Records, a clock it moves
 * itself, and an analyzer that keeps every Notify the agent sent, when it sent it.
 *
 * Notify Records are reported delivered to the agent (the MTP accepted them); NotifyResp
 * is sent only when a case says so (ack). Failures throw an Error naming the metric.
 */
import {
  addMsg, decodeMsg, deleteMsg, getInstancesMsg, getMsg, getSupportedDmMsg, notifyRespMsg, operateMsg, RecordView, setMsg,
  type AddResp, type DeleteResp, type Error as UspError, type GetInstancesResp, type GetResp, type GetSupportedDMResp, type GetSupportedProtocolResp, type Msg,
  type MsgInit, type Notify, type OperateResp, type SetResp,
} from '../../../src/usp/index.ts';
import { DeliveryOutcome, type Transmit } from '../../../src/agent/index.ts';
import { CONTROLLER_ID, createTestAgent, MemoryStore, ORIGIN, requestRecord, WALL_START, type TestAgent, type TestAgentOptions } from '../harness.ts';

export { AGENT_ID, CONTROLLER_ID, OTHER_ID } from '../harness.ts';

/** One Notify the analyzer saw: when (lab ms), to whom, its msg_id and content. */
export interface Heard {
  readonly at: number;
  readonly to: string;
  readonly msgId: string;
  readonly notify: Notify;
}

/** [param, value] or [param, value, required]. */
export type Setting = readonly [string, string] | readonly [string, string, boolean];

const view = new RecordView();

export function check(ok: boolean, metric: string): void {
  if (!ok) throw new Error(metric);
}

/** Structural equality by JSON (the Msgs are plain data). */
export function same(actual: unknown, expected: unknown, metric: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${metric}: got ${a}, expected ${e}`);
}

function settings(list: readonly Setting[]): { param: string; value: string; required: boolean }[] {
  return list.map((s) => ({ param: s[0], value: s[1], required: s[2] === true }));
}

export class Lab {
  t: TestAgent;
  /** Lab time in ms (the agent's monotonic clock). */
  now = 0;
  /** Every Notify so far, in order. */
  readonly heard: Heard[] = [];
  /** Device hooks: how often the agent asked the platform to reboot / reset. */
  reboots = 0;
  resets = 0;
  readonly store = new MemoryStore();
  private ids = 0;
  private readonly options: TestAgentOptions;

  constructor(o: TestAgentOptions = {}) {
    this.options = o;
    this.t = this.boot();
  }

  private boot(): TestAgent {
    const t = createTestAgent({
      seed: 11, store: this.store, ...this.options,
      config: {
        limits: { pollIntervalMs: 1e12 }, rebootDelayMs: 500,
        device: { reboot: () => { this.reboots++; }, factoryReset: () => { this.resets++; } }, ...this.options.config,
      },
    });
    t.wall = WALL_START + this.now;
    t.agent.start(this.now);
    this.t = t;
    this.pump();
    return t;
  }

  /** The device restarted (after Reboot()): a new agent over the same storage, started now. */
  restart(): void {
    this.boot();
  }

  /** Drains the agent at `now`: Notifies go to `heard` (delivered), responses are returned. */
  private pump(): Transmit[] {
    const responses: Transmit[] = [];
    for (let tr = this.t.agent.pollTransmit(this.now); tr !== null; tr = this.t.agent.pollTransmit(this.now)) {
      if (tr.handle === 0) { responses.push(tr); continue; }
      view.wrap(tr.bytes, 0, tr.bytes.length);
      const d = decodeMsg(tr.bytes, view.payloadStart, view.payloadStart + view.payloadLen);
      this.heard.push({ at: this.now, to: tr.endpointId, msgId: d.msgId, notify: d.msg!.body!.request!.notify! });
      this.t.agent.handleDelivery(tr.handle, DeliveryOutcome.Delivered, this.now);
    }
    return responses;
  }

  /** Sends a request 100 ms after the last event; returns the response Msgs (none, one, or Error). */
  sendAll(msg: MsgInit, from = CONTROLLER_ID): Msg[] {
    this.advance(this.now + 100);
    const b = requestRecord(msg, from);
    this.t.agent.handleRecord(this.now, b, 0, b.length, ORIGIN);
    return this.pump().map((tr) => {
      view.wrap(tr.bytes, 0, tr.bytes.length);
      return decodeMsg(tr.bytes, view.payloadStart, view.payloadStart + view.payloadLen).msg!;
    });
  }

  /** Sends a request and returns its one response. */
  send(msg: MsgInit, from = CONTROLLER_ID): Msg {
    const r = this.sendAll(msg, from);
    check(r.length === 1, `expected one response, got ${r.length}`);
    return r[0]!;
  }

  /** Moves the clock to `until` (lab ms), running every deadline on the way; fails on a livelock. */
  advance(until: number): void {
    let rounds = 0;
    for (let at = this.t.agent.pollTimeout(); at <= until; at = this.t.agent.pollTimeout()) {
      check(++rounds < 10000, `livelock: the agent keeps asking for ${at} ms`);
      this.tick(at);
      this.t.agent.handleTimeout(this.now);
      this.pump();
    }
    this.tick(until);
  }

  /** Sets the clock (never backwards); the wall clock runs with it from 2026-01-01T00:00:00Z. */
  private tick(at: number): void {
    this.now = Math.max(this.now, at);
    this.t.wall = WALL_START + this.now;
  }

  /** Waits `ms`. */
  wait(ms: number): void {
    this.advance(this.now + ms);
  }

  /** NotifyResp (from the Notify's recipient) to a Notify the analyzer saw. */
  ack(h: Heard): void {
    check(this.sendAll(notifyRespMsg(h.msgId, { subscription_id: h.notify.subscription_id }), h.to).length === 0, 'a NotifyResp gets no answer');
  }

  /** Notifies heard since index `from`. */
  since(from: number): Heard[] {
    return this.heard.slice(from);
  }

  private id(kind: string): string {
    return kind + '-' + String(++this.ids);
  }

  // Requests -------------------------------------------------------------------------------
  add(allowPartial: boolean, objs: readonly (readonly [string, readonly Setting[]])[], from = CONTROLLER_ID): Msg {
    return this.send(addMsg(this.id('add'), { allow_partial: allowPartial, create_objs: objs.map(([obj_path, s]) => ({ obj_path, param_settings: settings(s) })) }), from);
  }

  set(allowPartial: boolean, objs: readonly (readonly [string, readonly Setting[]])[], from = CONTROLLER_ID): Msg {
    return this.send(setMsg(this.id('set'), { allow_partial: allowPartial, update_objs: objs.map(([obj_path, s]) => ({ obj_path, param_settings: settings(s) })) }), from);
  }

  del(allowPartial: boolean, paths: readonly string[], from = CONTROLLER_ID): Msg {
    return this.send(deleteMsg(this.id('del'), { allow_partial: allowPartial, obj_paths: [...paths] }), from);
  }

  get(paths: readonly string[], maxDepth = 0): GetResp {
    return resp(this.send(getMsg(this.id('get'), { param_paths: [...paths], max_depth: maxDepth })), 'get_resp');
  }

  instances(paths: readonly string[], firstLevelOnly: boolean): GetInstancesResp {
    return resp(this.send(getInstancesMsg(this.id('gi'), { obj_paths: [...paths], first_level_only: firstLevelOnly })), 'get_instances_resp');
  }

  supported(paths: readonly string[], firstLevelOnly: boolean, flags: { params?: boolean; commands?: boolean; events?: boolean; keys?: boolean }): GetSupportedDMResp {
    return resp(this.send(getSupportedDmMsg(this.id('gsdm'), {
      obj_paths: [...paths], first_level_only: firstLevelOnly, return_params: flags.params === true, return_commands: flags.commands === true,
      return_events: flags.events === true, return_unique_key_sets: flags.keys === true,
    })), 'get_supported_dm_resp');
  }

  operate(command: string, commandKey: string, sendResp: boolean, input: Record<string, string> = {}): Msg[] {
    return this.sendAll(operateMsg(this.id('op'), { command, command_key: commandKey, send_resp: sendResp, input_args: input }));
  }

  /** A parameter's value as Get reports it ("<err>" when it fails). */
  value(path: string): string {
    const r = this.get([path]).req_path_results[0]!;
    return r.resolved_path_results[0]?.result_params[path.slice(path.lastIndexOf('.') + 1)] ?? `<${r.err_code}>`;
  }

  /** Adds an enabled Subscription (allow_partial=false); returns its instance path. */
  subscribe(id: string, type: string, refs: string, extra: readonly Setting[] = [], from = CONTROLLER_ID): string {
    const m = this.add(false, [['Device.LocalAgent.Subscription.', [['Enable', 'true'], ['ID', id], ['NotifType', type], ['ReferenceList', refs], ...extra]]], from);
    return created(m)[0]!;
  }

  /** Instance paths of the Subscription table (GetInstances). */
  subscriptions(): string[] {
    return this.instances(['Device.LocalAgent.Subscription.'], true).req_path_results[0]!.curr_insts.map((c) => c.instantiated_obj_path);
  }
}

type ResponseKey = 'get_resp' | 'get_instances_resp' | 'get_supported_dm_resp' | 'set_resp' | 'add_resp' | 'delete_resp' | 'operate_resp'
  | 'get_supported_protocol_resp';
interface Responses {
  get_resp: GetResp; get_instances_resp: GetInstancesResp; get_supported_dm_resp: GetSupportedDMResp; set_resp: SetResp;
  add_resp: AddResp; delete_resp: DeleteResp; operate_resp: OperateResp; get_supported_protocol_resp: GetSupportedProtocolResp;
}

/** The response body of kind `k` (fails the metric "the EUT sends a …" otherwise). */
export function resp<K extends ResponseKey>(m: Msg, k: K): Responses[K] {
  const r = m.body?.response?.[k];
  if (r === undefined) throw new Error(`the EUT sends a ${k}: got ${JSON.stringify(m.body)}`);
  return r as Responses[K];
}

/** The Error body (fails "the EUT sends an Error" otherwise). */
export function error(m: Msg): UspError {
  const e = m.body?.error;
  if (e === undefined) throw new Error(`the EUT sends an Error: got ${JSON.stringify(m.body)}`);
  return e;
}

/** instantiated_path of every successful CreatedObjectResult. */
export function created(m: Msg): string[] {
  const out: string[] = [];
  for (const r of resp(m, 'add_resp').created_obj_results) if (r.oper_status?.oper_success !== undefined) out.push(r.oper_status.oper_success.instantiated_path);
  return out;
}

/** Keys of a map in sorted order. */
export function keys(o: Record<string, string>): string[] {
  return Object.keys(o).sort();
}
