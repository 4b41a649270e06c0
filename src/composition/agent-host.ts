/**
 * Composition of a running USP Agent over the platform port: the Device:2 data model
 * (persisted in platform.storage), the agent core (agent/) and the MTPs (mtp/coap, mtp/mqtt)
 * (startCoapEndpoint). Uses only `Platform`, so `npm start` (Node) and the XS/Moddable
 * entry can share it.
 *
 * Flow: a CoAP `record` event → agent.handleRecord(origin = {reply: reply-to URI,
 * secure: false}) → pump: every Transmit goes out with sendRecord — responses to
 * their origin's reply-to (R-COAP.2a), Notify Records to the Controller's
 * Controller.{i}.MTP.{i}.CoAP address; each send's `sent` outcome is handed back
 * through handleDelivery (R-COAP.9/10 feed the Notify retry, R-NOT.1). One platform
 * timer follows agent.pollTimeout().
 *
 * With `mqtt`, the MQTT MTP runs beside CoAP (mtp/mqtt/mtp.ts): a Record's response goes
 * back on the MTP it came in on (origin.reply is an MqttReply or a CoAP URI); a Notify
 * goes to the Controller's enabled MTP with the lowest Order.
 *
 * With `websocket`, the WebSocket MTP runs beside them (mtp/websocket/mtp.ts): the agent
 * dials the Controllers whose WebSocket MTP rows name a server and, with a listener,
 * accepts their sessions; responses go back on the session the request came on, a
 * Notify to a Controller whose first enabled MTP is WebSocket goes on its session.
 *
 * With `coaps`, CoAP over DTLS runs beside (or, with `plainCoap: false`, instead of)
 * plain CoAP (mtp/coap/coaps-endpoint.ts, injected as coaps.start so that bundles
 * without coaps link no DTLS): Records from it carry origin.secure and the peer's
 * certificate/PSK Endpoint ID (R-SEC.0a); coaps:// reply-to and Controller URIs are
 * sent over DTLS to that Endpoint ID only. Plain CoAP is NoSec (D3: warned at start).
 */
import { Agent, type AgentLimits, type DeviceHooks } from '../agent/index.ts';
import {
  createDataModel, createDeviceContext, createFactoryDefault, createIoTDeviceContext,
  iotCapabilityDefaults, type DataModel, type Schema,
} from '../dm/index.ts';
import type { CoapConfig } from '../coap/index.ts';
import type { BoardDescription } from '../platform/board.ts';
import type { Platform } from '../platform/types.ts';
import { provisionCoapMtps, runningCoapMtps, type HostCoapsConfig } from '../mtp/coap/provision.ts';
import { OptionDefaults } from '../mtp/option-defaults.ts';
import { provisionControllers, type ControllerAddress } from '../mtp/coap/controllers.ts';
import type { MqttMtpModule, OpenMqttTransport } from '../mtp/mqtt/mtp.ts';
import type { MqttBrokerSettings } from '../mtp/mqtt/provision.ts';
import type { FirmwareService, ImageHeader } from '../firmware/index.ts';
import type { FirmwareSlots, HashFactory, OpenDownloadStream } from '../platform/firmware.ts';
import type { WebSocketMtpModule, WebSocketSettings } from '../mtp/websocket/index.ts';
import type { StreamPort, StreamTlsOptions } from '../platform/stream.ts';
import { AgentRuntime } from './agent-runtime.ts';
import { isWsController, MtpRuntime } from './mtp-runtime.ts';

/**
 * Limits for RFC 7228 Class 2 devices (≈ 50 KiB RAM: ESP32 with Moddable): one or two
 * Controllers, no request pipelining, Records up to 16 KiB. Saves ≈ 330 XS slots of
 * CoAP tables at boot over the host defaults (exchanges and dedup entries are built on
 * first use), ≈ 670 at peak (xs-budget bench).
 */
export const CLASS2_PROFILE = {
  maxRecordBytes: 16384,
  maxPendingRecords: 2,
  coapTables: { maxPeers: 4, dedupEntries: 4, maxExchanges: 2, maxQueuedRequests: 4, maxDeferred: 2, maxReassemblies: 1 },
  // No parsed paths kept: each cached path held 20–40 XS slots (a Controller repeats few paths; parsing again costs time, not RAM).
  parseCacheSize: 0,
} as const satisfies Partial<HostAgentConfig>;

export interface HostAgentConfig {
  readonly platform: Platform;
  readonly endpointId: string;
  readonly board: BoardDescription;
  /**
   * The Device:2 schema, chosen by the entry with the MTPs its build runs (D14):
   * createDeviceSchema(iotCapabilityObjects(board)) declares every MTP (host agent, full
   * build), buildDeviceSchema(COAP_MTPS, …) CoAP alone (the Moddable coaps build, whose
   * core then links no other MTP's objects). Moddable preloads it into flash.
   */
  readonly schema: Schema;
  readonly serialNumber: string;
  readonly softwareVersion: string;
  /** Address to bind; also the host of our reply-to URI unless `advertiseHost` is given. */
  readonly host: string;
  /** Host put in our reply-to when `host` is a wildcard (default: 127.0.0.1 / ::1). */
  readonly advertiseHost?: string;
  /** 0 picks a free port (see onReady). */
  readonly coapPort: number;
  readonly coapPath: string;
  /** CoAP ACK_TIMEOUT (default 2000 ms). */
  readonly coapAckTimeoutMs?: number;
  /** Provisioned with Full Access at every start. */
  readonly controllers: readonly ControllerAddress[];
  /** Largest Record we accept or send (CoAP reassembly and the agent's 7005 bound). */
  readonly maxRecordBytes?: number;
  /** CoAP table sizes (peers, dedup cache, exchanges…; see CLASS2_PROFILE) over the defaults. */
  readonly coapTables?: Partial<CoapConfig>;
  /** Records taken in by the CoAP binding and not yet answered (default 8). */
  readonly maxPendingRecords?: number;
  /** Parsed paths the data model keeps (dm/instance-tree.ts; default 32). */
  readonly parseCacheSize?: number;
  /** The agent core's bounds over its defaults (agent/types.ts DEFAULT_LIMITS); maxRecordBytes comes from above. */
  readonly agentLimits?: Partial<Omit<AgentLimits, 'maxRecordBytes'>>;
  readonly device?: DeviceHooks;
  /** Called once the CoAP socket is bound, with the agent's own coap:// URI. */
  readonly onReady?: (uri: string) => void;
  /** The CoAP socket failed (port taken…): the agent cannot run. */
  readonly onError?: (message: string) => void;
  /**
   * Also run the MQTT MTP (controllers given as `mqtt:<topic>` are reached through it).
   * `mtp` is MQTT_MTP (mtp/mqtt/mtp.ts), injected so that bundles without MQTT exclude it.
   */
  readonly mqtt?: {
    readonly broker: MqttBrokerSettings; readonly caPem?: string | undefined; readonly openTransport: OpenMqttTransport; readonly mtp: MqttMtpModule;
  } | undefined;
  /** Called at each MQTT (re)connection with our "reply to" Topic. */
  readonly onMqttUp?: (replyTopic: string) => void;
  /**
   * Also run the WebSocket MTP: Controllers given as ws:// or wss:// URIs are dialed, and
   * with `settings.listen` the agent accepts sessions. `mtp` is WEBSOCKET_MTP
   * (mtp/websocket/index.ts) and `streams` the platform's stream port, injected so that
   * bundles without WebSocket exclude it.
   */
  readonly websocket?: {
    readonly mtp: WebSocketMtpModule;
    readonly streams: StreamPort;
    readonly settings: Omit<WebSocketSettings, 'controllers'>;
    /** wss: the CA peers chain to, our certificate and key. */
    readonly tls?: StreamTlsOptions | undefined;
    /** Sessions the listener keeps at once (default 8). */
    readonly maxSessions?: number;
  } | undefined;
  /** The WebSocket listener is bound (its port). */
  readonly onWebSocketListening?: (port: number) => void;
  /** A WebSocket session with a Controller is up. */
  readonly onWebSocketUp?: (controllerId: string) => void;
  /** CoAP over DTLS on its own port (mtp/coap/provision.ts). */
  readonly coaps?: HostCoapsConfig | undefined;
  /** Plain (NoSec) CoAP on coapPort (default true). */
  readonly plainCoap?: boolean;
  /**
   * The firmware lifecycle (src/firmware/, docs/firmware.md): A/B slots opened for this boot,
   * the platform's stream opener for HTTP(S) downloads, and the image signature check.
   * SoftwareVersion becomes the running slot's version; Boot! FirmwareUpdated follows the slots.
   */
  readonly firmware?: {
    readonly slots: FirmwareSlots;
    readonly openStream: OpenDownloadStream;
    readonly verifySignature?: ((h: ImageHeader) => string) | undefined;
    readonly healthTimeoutMs?: number | undefined;
    readonly idleTimeoutMs?: number | undefined;
    /** Incremental hashes: firmware/portable-hashes.ts (host, XS) or the platform's (Moddable `crypt`). */
    readonly hashes: HashFactory;
    /**
     * FirmwareService (firmware/service.ts), injected like the MQTT and WebSocket MTPs: a
     * bundle whose entry passes no firmware (Espruino) carries none of firmware/ and http/
     * (≈ 700 JsVar blocks at load there, docs/espruino.md#memory).
     */
    readonly service: typeof FirmwareService;
  } | undefined;
}

export interface HostAgent {
  readonly agent: Agent;
  readonly model: DataModel;
  /** Our coap:// URI ('' until ready). */
  readonly uri: string;
  /** The bound UDP port (0 until ready). */
  readonly port: number;
  /** Our coaps:// URI ('' without coaps or until ready). */
  readonly coapsUri: string;
  /** The bound coaps UDP port (0 without coaps or until ready). */
  readonly coapsPort: number;
  /** The WebSocket listener's TCP port (0 without one or until bound). */
  readonly wsPort: number;
  /** Stops the MTP and the timer and writes the state (idempotent). */
  close(): void;
}

/** The data model, the agent and every MTP the config injects: CoAP, coaps, MQTT, WebSocket. */
export function startHostAgent(c: HostAgentConfig): HostAgent {
  return startCoapAgent(c, MtpRuntime);
}

/**
 * startHostAgent without the MQTT and WebSocket side (composition/mtp-runtime.ts): the
 * entry of a build that injects neither and whose schema declares neither (the Moddable
 * coaps build, src/main/xs-coaps.ts, exports it as startHostAgent) links none of that code.
 * `mqtt` and `websocket` are then not run, and no Device.MQTT. row is disabled.
 */
export function startCoapAgent(c: HostAgentConfig, Runtime: typeof AgentRuntime & { provision?: typeof MtpRuntime.provision } = AgentRuntime): HostAgent {
  const { platform } = c;
  const log = platform.log;
  const maxRecordBytes = c.maxRecordBytes ?? 65536;
  // Device.IoTCapability.{i}. from the board description, its values from platform.board (sim board, GPIO/ADC).
  const fwSlots = c.firmware?.slots;
  const softwareVersion = fwSlots === undefined ? c.softwareVersion : fwSlots.info(fwSlots.running).version || c.softwareVersion;
  const context = createIoTDeviceContext(
    createDeviceContext(c.board, c.serialNumber, softwareVersion, c.endpointId, platform.now()), platform.board ?? null);
  const model = createDataModel({
    schema: c.schema, context, store: platform.storage,
    ...(c.parseCacheSize !== undefined ? { parseCacheSize: c.parseCacheSize } : {}),
    // Built only to seed a fresh or factory-reset tree (never held in RAM).
    factoryDefault: () => {
      const iot = iotCapabilityDefaults(c.board);
      return createFactoryDefault(c.board, { coapPort: c.coapPort || 5683, coapPath: c.coapPath.replace(/^\//, ''), rows: iot.rows, params: iot.params });
    },
  });
  // The options are factory defaults: what a Controller configured in these rows stays (mtp/option-defaults.ts).
  const defaults = new OptionDefaults(platform.storage);
  const why = provisionControllers(model, c.controllers.filter((a) => !a.uri.startsWith('mqtt:') && !isWsController(a)), defaults);
  if (why !== '') log.error(`controllers not provisioned: ${why}`);
  const mtpWhy = provisionCoapMtps(model, { plain: c.plainCoap !== false ? c.coapPort : null, path: c.coapPath, coaps: c.coaps }, defaults);
  if (mtpWhy !== '') log.error(`CoAP MTP rows not provisioned: ${mtpWhy}`);
  const running = mtpWhy === '' ? runningCoapMtps(model) : { plain: c.plainCoap !== false, coaps: c.coaps !== undefined };
  const plainCoap = c.plainCoap !== false && running.plain;
  const coaps = running.coaps ? c.coaps : undefined;
  if (plainCoap !== (c.plainCoap !== false) || coaps !== c.coaps) log.warn('a CoAP MTP a Controller disabled (LocalAgent.MTP.{i}.Enable) is not started');
  const rows = Runtime.provision?.(c, model, defaults, log);
  defaults.save(model);
  const random = new Uint32Array(1);
  const randomBytes = new Uint8Array(random.buffer);
  const agent = new Agent({
    endpointId: c.endpointId, model, store: platform.storage, limits: { ...c.agentLimits, maxRecordBytes },
    wallClock: platform.wallClock, // called unbound (Platform contract): no closure kept
    random: () => { platform.randomBytes(randomBytes); return random[0]! / 4294967296; /* 2^32, without Math.pow */ },
    ...(c.device !== undefined ? { device: c.device } : {}),
    ...(fwSlots !== undefined ? { firmwareUpdated: fwSlots.updated } : {}),
  });
  const runtime = new Runtime(c, { agent, model, maxRecordBytes, plainCoap, coaps, ...rows });
  if (c.firmware !== undefined) {
    const fw = c.firmware;
    runtime.firmware = new fw.service({
      agent, slots: fw.slots, openStream: fw.openStream, store: platform.storage, now: () => platform.now(), log,
      random: (out) => platform.randomBytes(out), verifySignature: fw.verifySignature, hashes: fw.hashes,
      ...(fw.healthTimeoutMs !== undefined ? { healthTimeoutMs: fw.healthTimeoutMs } : {}),
      ...(fw.idleTimeoutMs !== undefined ? { idleTimeoutMs: fw.idleTimeoutMs } : {}),
      onChange: () => runtime.pump(),
    });
  }
  runtime.open();
  return runtime;
}
