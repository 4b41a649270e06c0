/**
 * Test fixture shared by the agent tests, the XS conversation and the bench: a Device
 * model with the 01-architecture example objects, one provisioned Controller
 * (Controller.1, "proto::controller-1", Full Access by default), an Agent with a
 * seeded random source and a fixed wall clock, and a tiny Controller that wraps
 * request Msgs in Records and unwraps responses. Sans-I/O on purpose: it is also
 * bundled for the XS engine (no node:* imports here).
 */
import {
  createDataModel, createDeviceContext, createFactoryDefault, forEachInstance, WriteMode, type DataModel, type FactoryRow, type Schema,
} from '../../src/dm/index.ts';
import {
  addMsg, decodeMsg, emitRecord, encodedRecordLength, encodeMsg, getMsg, RecordType, RecordView, utf8Bytes, type Msg, type MsgInit,
} from '../../src/usp/index.ts';
import { createAgent, type Agent, type AgentConfig, type MtpOrigin, type Transmit } from '../../src/agent/index.ts';
import type { KeyValueStore } from '../../src/platform/types.ts';
import { BOARD, EXAMPLE_ROWS, exampleSchema } from '../dm/example-model.ts';

export const AGENT_ID = 'os::0A1B2C-T0001';
export const CONTROLLER_ID = 'proto::controller-1';
export const OTHER_ID = 'proto::controller-2';
export const ORIGIN: MtpOrigin = { reply: 'coap://controller/usp', secure: true, peerEndpointId: '' };
/** 2026-01-01T00:00:00Z */
export const WALL_START = 1767225600000;

/** Park–Miller LCG in [0, 1): the same sequence on Node and XS. */
export function seededRandom(seed: number): () => number {
  let s = seed % 2147483647;
  if (s <= 0) s += 2147483646;
  return () => { s = (s * 16807) % 2147483647; return (s - 1) / 2147483646; };
}

export const CONTROLLER_ROWS: FactoryRow[] = [
  { path: 'Device.LocalAgent.Controller.1.', values: [['Alias', 'cpe-1'], ['EndpointID', CONTROLLER_ID], ['Enable', 'true']] },
  { path: 'Device.LocalAgent.Controller.1.MTP.1.', values: [['Alias', 'cpe-1'], ['Enable', 'true'], ['Protocol', 'CoAP']] },
  { path: 'Device.LocalAgent.Controller.2.', values: [['Alias', 'cpe-2'], ['EndpointID', OTHER_ID], ['Enable', 'true'],
    ['AssignedRole', 'Device.LocalAgent.ControllerTrust.Role.2']] },
];

export interface TestAgentOptions {
  store?: KeyValueStore;
  /** Default: the 01-architecture example schema. */
  schema?: Schema;
  rows?: FactoryRow[];
  config?: Partial<AgentConfig>;
  seed?: number;
}

export class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, Uint8Array>();
  get(key: string): Uint8Array | undefined { return this.map.get(key); }
  set(key: string, value: Uint8Array): void { this.map.set(key, value.slice()); }
  delete(key: string): void { this.map.delete(key); }
  keys(): string[] { return [...this.map.keys()]; }
}

export interface TestAgent {
  readonly agent: Agent;
  readonly model: DataModel;
  wall: number;
  /** Notify Records drained by `exchange`, in order. */
  readonly notifies: Transmit[];
}

export function createTestAgent(o: TestAgentOptions = {}): TestAgent {
  const context = createDeviceContext(BOARD, 'T0001', '1.2.3', AGENT_ID, 0);
  const model = createDataModel({
    schema: o.schema ?? exampleSchema(), context, store: o.store,
    factoryDefault: createFactoryDefault(BOARD, { rows: [...EXAMPLE_ROWS, ...CONTROLLER_ROWS, ...(o.rows ?? [])] }),
  });
  giveAliases(model);
  const t: TestAgent = { agent: undefined as unknown as Agent, model, wall: WALL_START, notifies: [] };
  (t as { agent: Agent }).agent = createAgent({
    endpointId: AGENT_ID, model, random: seededRandom(o.seed ?? 7), store: o.store,
    wallClock: () => t.wall, ...o.config,
  });
  return t;
}

/** The example rows leave Alias empty; a real agent fills it (R-ADD.5), so do that here. */
function giveAliases(model: DataModel): void {
  const tx = model.begin();
  forEachInstance(model.root, (inst) => {
    const p = inst.node.params.find((q) => q.name === 'Alias');
    if (inst.number > 0 && p !== undefined && model.read(inst, p) === '') tx.set(inst, 'Alias', 'cpe-' + inst.number, WriteMode.Agent);
  });
  tx.commit();
}

/** A Record carrying `msg` from `fromId` to the agent. */
export function requestRecord(msg: MsgInit | Uint8Array, fromId = CONTROLLER_ID, version = '1.3', toId = AGENT_ID): Uint8Array {
  const payload = msg instanceof Uint8Array ? msg : encodeMsg(msg);
  const f = { version: utf8Bytes(version), toId: utf8Bytes(toId), fromId: utf8Bytes(fromId), recordType: RecordType.NoSessionContext, payload };
  const out = new Uint8Array(encodedRecordLength(f));
  emitRecord(out, 0, f);
  return out;
}

const view = new RecordView();

/** The Msg inside a Record the agent emitted (and the Record's version / to_id / type). */
export function openRecord(bytes: Uint8Array): { msg: Msg | undefined; payload: Uint8Array; version: string; toId: string; type: number; reasonCode: number } {
  const err = view.wrap(bytes, 0, bytes.length);
  if (err !== 0) throw new Error(`agent emitted a bad Record (${err})`);
  const ascii = (s: number, n: number): string => String.fromCharCode(...bytes.subarray(s, s + n));
  const payload = bytes.slice(view.payloadStart, view.payloadStart + view.payloadLen);
  const d = view.recordType === RecordType.NoSessionContext ? decodeMsg(bytes, view.payloadStart, view.payloadStart + view.payloadLen) : undefined;
  return {
    msg: d?.msg, payload, version: ascii(view.versionStart, view.versionLen), toId: ascii(view.toIdStart, view.toIdLen),
    type: view.recordType, reasonCode: view.reasonCode,
  };
}

/** Every Transmit the agent has ready now. */
export function drain(agent: Agent, now: number): Transmit[] {
  const out: Transmit[] = [];
  for (let t = agent.pollTransmit(now); t !== null; t = agent.pollTransmit(now)) out.push(t);
  return out;
}

/** Sends `msg` and returns the one response Msg (throws if there is not exactly one response). */
export function exchange(t: TestAgent, msg: MsgInit | Uint8Array, now = 1000, fromId = CONTROLLER_ID): Msg {
  t.agent.handleRecord(now, ...recordArgs(requestRecord(msg, fromId)), ORIGIN);
  const all = drain(t.agent, now);
  for (const n of all) if (n.handle !== 0) t.notifies.push(n);
  const out = all.filter((x) => x.handle === 0);
  if (out.length !== 1) throw new Error(`expected one response, got ${out.length}`);
  return openRecord(out[0]!.bytes).msg!;
}

function recordArgs(b: Uint8Array): [Uint8Array, number, number] {
  return [b, 0, b.length];
}

/** A parameter's value as the Controller reads it with Get, or "<err_code>". */
export function valueOf(t: TestAgent, path: string): string {
  const r = exchange(t, getMsg('v', { param_paths: [path] })).body!.response!.get_resp!.req_path_results[0]!;
  const name = path.slice(path.lastIndexOf('.') + 1);
  return r.resolved_path_results[0]?.result_params[name] ?? `<${r.err_code}>`;
}

/** Adds an enabled Subscription for the Controller (ID "s-<type>"); returns the AddResp success. */
export function subscribe(t: TestAgent, type: string, refs: string, extra: [string, string][] = []) {
  const m = exchange(t, addMsg('sub', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'NotifType', value: type }, { param: 'ReferenceList', value: refs }, { param: 'ID', value: 's-' + type },
    ...extra.map(([param, value]) => ({ param, value }))] }] }));
  return m.body!.response!.add_resp!.created_obj_results[0]!.oper_status!.oper_success!;
}
