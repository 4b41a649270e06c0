/**
 * The WebSocket MTP in the data model (TR-181 Device.LocalAgent.MTP.{i}.WebSocket.,
 * Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.), seeded from the host options
 * and then owned by Controllers: the one rule of ../option-defaults.ts (D10).
 *
 * provisionWebSocket: `--ws-port` makes the agent's listener row (Protocol WebSocket:
 * Port, Path, EnableEncryption, KeepAliveInterval); without it a listener row the
 * options made before is disabled. Each `--controller <eid>=ws[s]://host:port/path`
 * gets a Controller row (added with Full Access when new) and an enabled WebSocket MTP
 * row (Host, Port, Path, EnableEncryption). SupportedProtocols lists WebSocket while
 * the MTP runs.
 *
 * readWebSocketConfig: what the MTP runs with, read back from the model (the listener
 * row and every enabled Controller's enabled WebSocket MTP row), so values a Controller
 * set apply (dialing: at once, mtp.ts; the listener's Port: at the next start).
 */
import { WriteMode, type DataModelApi, type ObjectInstance } from '../../dm/index.ts';
import { FULL_ACCESS_ROLE } from '../../dm/factory-default.ts';
import { CONTROLLER_TABLE, findController, read, type ControllerAddress } from '../controller-rows.ts';
import type { OptionDefaults } from '../option-defaults.ts';
import { DEFAULT_SESSION_RETRY, type SessionRetryConfig } from './retry.ts';
import { parseWsUri, type WsUri } from './uri.ts';

const LOCAL_MTP_TABLE = 'Device.LocalAgent.MTP.';

/** The listener the options ask for (`--ws-port`, `--ws-path`, wss credentials given). */
export interface WebSocketListenSettings {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  readonly path: string;
  readonly tls: boolean;
}

export interface WebSocketSettings {
  readonly listen?: WebSocketListenSettings | undefined;
  /** Controllers the agent dials: `uri` is ws:// or wss://. */
  readonly controllers: readonly ControllerAddress[];
  /** KeepAliveInterval seeded on the rows made here (seconds; undefined = the TR-181 default, 60). */
  readonly keepAliveS?: number | undefined;
}

/** What provisioning found: the listener row (if any) and the port to listen on. */
export interface WebSocketRows {
  readonly listener: ObjectInstance | null;
  /** The options' port, or the row's when a Controller changed it. */
  readonly listenPort: number;
  /** The options' record: the port a listener bound on port 0 is noted as theirs. */
  readonly defaults: OptionDefaults;
}

/** The agent's LocalAgent.MTP row with Protocol WebSocket. */
export function listenerRow(model: DataModelApi): ObjectInstance | undefined {
  for (const m of model.tableAt(LOCAL_MTP_TABLE)?.rows ?? []) if (read(model, m, 'Protocol') === 'WebSocket') return m;
  return undefined;
}

/** A Controller's MTP row with Protocol WebSocket (Protocol is a unique key of the table). */
export function controllerWsRow(controller: ObjectInstance, model: DataModelApi): ObjectInstance | undefined {
  for (const m of controller.tables.get('MTP')?.rows ?? []) if (read(model, m, 'Protocol') === 'WebSocket') return m;
  return undefined;
}

/** Adds or removes WebSocket in LocalAgent.SupportedProtocols. */
function supportedProtocols(model: DataModelApi, on: boolean): readonly [string, string] {
  const list = read(model, model.instanceAt('Device.LocalAgent.')!, 'SupportedProtocols').split(',').filter((p) => p !== '' && p !== 'WebSocket');
  if (on) list.push('WebSocket');
  return ['SupportedProtocols', (list.length > 0 ? list : ['CoAP']).join(',')];
}

/** Returns the rows, or why provisioning failed (nothing is committed then). */
export function provisionWebSocket(model: DataModelApi, defaults: OptionDefaults, s: WebSocketSettings): WebSocketRows | string {
  const tx = model.begin();
  const fail = (why: string): string => { tx.rollback(); return why; };
  let listener = listenerRow(model) ?? null;
  let listenPort = 0;
  const keepAlive: [string, string][] = s.keepAliveS === undefined ? [] : [['KeepAliveInterval', String(s.keepAliveS)]];
  if (s.listen !== undefined) {
    if (listener === null) {
      const table = model.tableAt(LOCAL_MTP_TABLE);
      listener = table === undefined ? null : tx.add(table, WriteMode.Agent);
      if (listener === null) return fail(`cannot add a LocalAgent.MTP row: ${tx.message}`);
    }
    let why = defaults.apply(tx, listener, [['Protocol', 'WebSocket'], ['Enable', 'true']]);
    const ws = listener.children.get('WebSocket')!;
    const values: [string, string][] = [['Path', s.listen.path.replace(/^\//, '')], ['EnableEncryption', String(s.listen.tls)], ...keepAlive];
    if (s.listen.port !== 0) values.push(['Port', String(s.listen.port)]);
    if (why === '') why = defaults.apply(tx, ws, values);
    if (why !== '') return fail(why);
    listenPort = defaults.changedSince(ws, 'Port') ? Number(read(model, ws, 'Port')) : s.listen.port;
  } else if (listener !== null) {
    const why = defaults.apply(tx, listener, [['Enable', 'false']]);
    if (why !== '') return fail(why);
  }
  const why = provisionControllerRows(model, tx, defaults, s);
  if (why !== '') return fail(why);
  const sp = defaults.apply(tx, model.instanceAt('Device.LocalAgent.')!, [supportedProtocols(model, s.listen !== undefined || s.controllers.length > 0 || readWebSocketControllers(model).length > 0)]);
  if (sp !== '') return fail(sp);
  const err = tx.commit();
  if (err !== 0) return fail(`WebSocket provisioning failed (${err}): ${tx.message}`);
  return { listener: s.listen !== undefined ? listener : null, listenPort, defaults };
}

function provisionControllerRows(model: DataModelApi, tx: ReturnType<DataModelApi['begin']>, defaults: OptionDefaults, s: WebSocketSettings): string {
  const table = model.tableAt(CONTROLLER_TABLE);
  if (table === undefined) return s.controllers.length === 0 ? '' : 'the data model has no Controller table';
  for (const c of s.controllers) {
    const u = parseWsUri(c.uri);
    if (u === null) return `${c.uri} is not a ws:// or wss:// URI`;
    let row = findController(model, c.endpointId) ?? null;
    if (row === null) {
      row = tx.add(table, WriteMode.Agent);
      if (row === null) return `cannot add a Controller row: ${tx.message}`;
    }
    const rowWhy = defaults.apply(tx, row, [['EndpointID', c.endpointId], ['Enable', 'true'], ['AssignedRole', FULL_ACCESS_ROLE]]);
    if (rowWhy !== '') return rowWhy;
    const mtps = row.tables.get('MTP');
    if (mtps === undefined) return `${row.path} has no MTP table`;
    let mtp = controllerWsRow(row, model) ?? null;
    if (mtp === null) {
      mtp = tx.add(mtps, WriteMode.Agent);
      if (mtp === null) return `cannot add ${mtps.path} row: ${tx.message}`;
    }
    let why = defaults.apply(tx, mtp, [['Protocol', 'WebSocket'], ['Enable', 'true']]);
    if (why === '') {
      why = defaults.apply(tx, mtp.children.get('WebSocket')!, [
        ['Host', u.host], ['Port', String(u.port)], ['Path', u.path.replace(/^\//, '')], ['EnableEncryption', String(u.secure)],
        ...(s.keepAliveS === undefined ? [] : [['KeepAliveInterval', String(s.keepAliveS)] as const]),
      ]);
    }
    if (why !== '') return why;
  }
  return '';
}

/** One Controller the agent dials, as its rows say. */
export interface WebSocketControllerConfig {
  readonly endpointId: string;
  readonly uri: WsUri;
  readonly keepAliveS: number;
  readonly retry: SessionRetryConfig;
  /** Its Controller.{i}.MTP.{i}.WebSocket. instance (CurrentRetryCount). */
  readonly row: ObjectInstance;
}

function num(model: DataModelApi, inst: ObjectInstance, name: string, def: number): number {
  const n = Number(read(model, inst, name));
  return Number.isFinite(n) && n > 0 ? n : def;
}

/** Every enabled Controller's enabled WebSocket MTP with a Host. */
export function readWebSocketControllers(model: DataModelApi): WebSocketControllerConfig[] {
  const out: WebSocketControllerConfig[] = [];
  for (const c of model.tableAt(CONTROLLER_TABLE)?.rows ?? []) {
    if (read(model, c, 'Enable') !== 'true') continue;
    const mtp = controllerWsRow(c, model);
    const ws = mtp?.children.get('WebSocket');
    if (mtp === undefined || ws === undefined || read(model, mtp, 'Enable') !== 'true') continue;
    const host = read(model, ws, 'Host');
    if (host === '') continue;
    const secure = read(model, ws, 'EnableEncryption') !== 'false';
    const path = read(model, ws, 'Path');
    out.push({
      endpointId: read(model, c, 'EndpointID'),
      uri: { secure, host, port: num(model, ws, 'Port', secure ? 443 : 80), path: path.startsWith('/') ? path : `/${path}` },
      keepAliveS: num(model, ws, 'KeepAliveInterval', 60),
      retry: {
        minimumWaitS: num(model, ws, 'SessionRetryMinimumWaitInterval', DEFAULT_SESSION_RETRY.minimumWaitS),
        intervalMultiplier: num(model, ws, 'SessionRetryIntervalMultiplier', DEFAULT_SESSION_RETRY.intervalMultiplier),
      },
      row: ws,
    });
  }
  return out;
}

/** The listener row's Path (with "/") and KeepAliveInterval, read when a session is requested. */
export function readListenerConfig(model: DataModelApi, row: ObjectInstance): { path: string; keepAliveS: number } {
  const ws = row.children.get('WebSocket')!;
  const path = read(model, ws, 'Path');
  return { path: path.startsWith('/') ? path : `/${path}`, keepAliveS: num(model, ws, 'KeepAliveInterval', 60) };
}
