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
import { createAgent, DeliveryOutcome, type Agent, type AgentLimits, type DeviceHooks, type MtpOrigin } from '../agent/index.ts';
import {
  attachIoTCapabilities, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, createIoTDeviceContext,
  iotCapabilityDefaults, iotCapabilityObjects, type DataModel, type Schema,
} from '../dm/index.ts';
import type { CoapConfig } from '../coap/index.ts';
import { SendOutcome, type UspCoapEvent } from '../mtp/coap/binding.ts';
import type { BoardDescription } from '../platform/board.ts';
import type { Platform } from '../platform/types.ts';
import { startCoapEndpoint, type CoapEndpointHandle } from '../mtp/coap/endpoint.ts';
import type { CoapsEndpointHandle } from '../mtp/coap/coaps-endpoint.ts';
import { provisionCoapMtps, runningCoapMtps, type HostCoapsConfig } from '../mtp/coap/provision.ts';
import { OptionDefaults } from '../mtp/option-defaults.ts';
import { read } from '../mtp/controller-rows.ts';
import { createDeadlineTimer } from '../platform/deadline-timer.ts';
import { LogLimiter } from '../platform/log-limiter.ts';
import { controllerUri, provisionControllers, type ControllerAddress } from '../mtp/coap/controllers.ts';
import { parseCoapUri } from '../mtp/coap/uri.ts';
import type { MqttMtp, MqttMtpModule, OpenMqttTransport } from '../mtp/mqtt/mtp.ts';
import { controllerMtpProtocol, disableMqtt, type MqttBrokerSettings, type MqttRows } from '../mtp/mqtt/provision.ts';
import type { FirmwareService, ImageHeader } from '../firmware/index.ts';
import type { FirmwareSlots, HashFactory, OpenDownloadStream } from '../platform/firmware.ts';
import type { WebSocketMtp, WebSocketMtpModule, WebSocketRows, WebSocketSettings } from '../mtp/websocket/index.ts';
import type { StreamPort, StreamTlsOptions } from '../platform/stream.ts';

/**
 * Limits for RFC 7228 Class 2 devices (≈ 50 KiB RAM: ESP32 with Moddable): one or two
 * Controllers, no request pipelining, Records up to 16 KiB. Saves ≈ 330 XS slots of
 * CoAP tables at boot over the host defaults (exchanges and dedup entries are built on
 * first use), ≈ 670 at peak (xs-budget bench).
 */
export const CLASS2_PROFILE = {
  maxRecordBytes: 16384,
  maxPendingRecords: 2,
  coapTables: { maxPeers: 4, dedupEntries: 8, maxExchanges: 2, maxQueuedRequests: 4, maxDeferred: 2, maxReassemblies: 1 },
} as const satisfies Partial<HostAgentConfig>;

export interface HostAgentConfig {
  readonly platform: Platform;
  readonly endpointId: string;
  readonly board: BoardDescription;
  /** createDeviceSchema(iotCapabilityObjects(board)) built ahead (Moddable: preloaded into flash); built here if absent. */
  readonly schema?: Schema;
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

function advertisedHost(host: string, advertise: string | undefined): string {
  const h = (host === '0.0.0.0' || host === '' || host === '::') && advertise !== undefined ? advertise
    : host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return h.includes(':') ? `[${h}]` : h;
}

export function startHostAgent(c: HostAgentConfig): HostAgent {
  const { platform } = c;
  const log = platform.log;
  const maxRecordBytes = c.maxRecordBytes ?? 65536;
  // Device.IoTCapability.{i}. from the board description, its values from platform.board (sim board, GPIO/ADC).
  const fwSlots = c.firmware?.slots;
  const softwareVersion = fwSlots === undefined ? c.softwareVersion : fwSlots.info(fwSlots.running).version || c.softwareVersion;
  const context = createIoTDeviceContext(
    createDeviceContext(c.board, c.serialNumber, softwareVersion, c.endpointId, platform.now()), platform.board ?? null);
  const model = createDataModel({
    schema: c.schema ?? createDeviceSchema(iotCapabilityObjects(c.board)), context, store: platform.storage,
    ...(c.parseCacheSize !== undefined ? { parseCacheSize: c.parseCacheSize } : {}),
    // Built only to seed a fresh or factory-reset tree (never held in RAM).
    factoryDefault: () => {
      const iot = iotCapabilityDefaults(c.board);
      return createFactoryDefault(c.board, { coapPort: c.coapPort || 5683, coapPath: c.coapPath.replace(/^\//, ''), rows: iot.rows, params: iot.params });
    },
  });
  // The options are factory defaults: what a Controller configured in these rows stays (mtp/option-defaults.ts).
  const defaults = new OptionDefaults(platform.storage);
  const isWs = (a: { uri: string }): boolean => a.uri.startsWith('ws://') || a.uri.startsWith('wss://');
  const why = provisionControllers(model, c.controllers.filter((a) => !a.uri.startsWith('mqtt:') && !isWs(a)), defaults);
  if (why !== '') log.error(`controllers not provisioned: ${why}`);
  const mtpWhy = provisionCoapMtps(model, { plain: c.plainCoap !== false ? c.coapPort : null, path: c.coapPath, coaps: c.coaps }, defaults);
  if (mtpWhy !== '') log.error(`CoAP MTP rows not provisioned: ${mtpWhy}`);
  const running = mtpWhy === '' ? runningCoapMtps(model) : { plain: c.plainCoap !== false, coaps: c.coaps !== undefined };
  const plainCoap = c.plainCoap !== false && running.plain;
  const coaps = running.coaps ? c.coaps : undefined;
  if (plainCoap !== (c.plainCoap !== false) || coaps !== c.coaps) log.warn('a CoAP MTP a Controller disabled (LocalAgent.MTP.{i}.Enable) is not started');
  let mqttRows: MqttRows | null = null;
  if (c.mqtt !== undefined) {
    const rows = c.mqtt.mtp.provision(model, c.mqtt.broker, defaults);
    const mqttControllers = c.controllers.filter((a) => a.uri.startsWith('mqtt:')).map((a) => ({ endpointId: a.endpointId, topic: a.uri.slice(5) }));
    const bad = typeof rows === 'string' ? rows : c.mqtt.mtp.provisionControllers(model, mqttControllers, rows.mtp, defaults);
    if (bad !== '') log.error(`MQTT MTP not provisioned: ${bad}`);
    if (typeof rows !== 'string') {
      if (read(model, rows.client, 'Enable') === 'true' && read(model, rows.mtp, 'Enable') === 'true') mqttRows = rows;
      else log.warn(`the MQTT MTP is disabled in the data model (${rows.client.path}Enable / ${rows.mtp.path}Enable): not started`);
    }
  } else {
    const off = disableMqtt(model, defaults);
    if (off !== '') log.error(`MQTT rows not disabled: ${off}`);
  }
  let wsRows: WebSocketRows | null = null;
  if (c.websocket !== undefined) {
    const rows = c.websocket.mtp.provision(model, defaults, { ...c.websocket.settings, controllers: c.controllers.filter(isWs) });
    if (typeof rows === 'string') log.error(`WebSocket MTP not provisioned: ${rows}`);
    else wsRows = rows;
  }
  defaults.save(model);
  const random = new Uint32Array(1);
  const randomBytes = new Uint8Array(random.buffer);
  const agent = createAgent({
    endpointId: c.endpointId, model, store: platform.storage, limits: { ...c.agentLimits, maxRecordBytes },
    wallClock: () => platform.wallClock(),
    random: () => { platform.randomBytes(randomBytes); return random[0]! / 4294967296; /* 2^32, without Math.pow */ },
    ...(c.device !== undefined ? { device: c.device } : {}),
    ...(fwSlots !== undefined ? { firmwareUpdated: fwSlots.updated } : {}),
  });
  let firmware: FirmwareService | null = null;
  if (c.firmware !== undefined) {
    const fw = c.firmware;
    firmware = new fw.service({
      agent, slots: fw.slots, openStream: fw.openStream, store: platform.storage, now: () => platform.now(), log,
      random: (out) => platform.randomBytes(out), verifySignature: fw.verifySignature, hashes: fw.hashes,
      ...(fw.healthTimeoutMs !== undefined ? { healthTimeoutMs: fw.healthTimeoutMs } : {}),
      ...(fw.idleTimeoutMs !== undefined ? { idleTimeoutMs: fw.idleTimeoutMs } : {}),
      onChange: () => pump(),
    });
  }
  /** CoAP send handle → agent Notify handle. */
  const notifies = new Map<number, number>();
  /** coaps send handle → agent Notify handle (the two bindings number their sends apart). */
  const secureNotifies = new Map<number, number>();
  let ep: CoapEndpointHandle | null = null;
  let sep: CoapsEndpointHandle | null = null;
  let coapsUri = '';
  /** Sockets still to bind; the agent starts once none is left and both endpoints exist. */
  let waitingSockets = (plainCoap ? 1 : 0) + (coaps !== undefined ? 1 : 0);
  let constructed = false;
  let started = false;
  let mqtt: MqttMtp | null = null;
  let ws: WebSocketMtp | null = null;
  let uri = '';
  const timer = createDeadlineTimer(platform, () => {
    if (closed) return;
    agent.handleTimeout(platform.now());
    firmware?.handleTimeout(platform.now());
    pump();
  });
  let closed = false;
  let pumping = false;
  // Issue #16: one burst must not write hundreds of lines; each kind is limited on its own.
  const clock = (): number => platform.now();
  const dropLog = new LogLimiter(log, clock, 'responses not sent');
  const sendLog = new LogLimiter(log, clock, 'send failures');

  // R-COAP.13: 4.00 for what is not a Record; a Record the agent can answer with an Error goes through.
  function validateRecord(buf: Uint8Array, start: number, end: number): boolean {
    return agent.acceptsRecord(buf, start, end); // the agent's RecordView: one per agent
  }

  /**
   * NoSec reply-to rule (issue #16): besides the datagram's own source address, a Controller
   * may name the host of its provisioned CoAP MTP (Controller.{i}.MTP.{i}.CoAP.Host).
   */
  function provisionedHost(host: string, buf: Uint8Array, start: number, end: number): boolean {
    const fromId = agent.recordFromId(buf, start, end);
    if (fromId === undefined) return false;
    const to = controllerUri(model, fromId);
    const u = to === null ? null : parseCoapUri(to);
    return u !== null && u.host.toLowerCase() === host.toLowerCase();
  }

  function sendNotify(now: number, endpointId: string, bytes: Uint8Array, handle: number): void {
    // An open WebSocket session with the Controller first (it may be one the Controller opened on our listener).
    const protocol = ws !== null && ws.hasSession(endpointId) ? 'WebSocket' : controllerMtpProtocol(model, endpointId);
    if (protocol === 'WebSocket') {
      // Queued on the Controller's TCP session: delivered as far as the MTP can tell; the NotifyResp decides the retry (R-NOT.1).
      const err = ws === null ? -1 : ws.sendNotify(endpointId, bytes);
      if (err !== 0) log.debug(`notify to ${endpointId} not sent over WebSocket (error ${err})`);
      agent.handleDelivery(handle, err === 0 ? DeliveryOutcome.Delivered : DeliveryOutcome.Failure, now);
      return;
    }
    if (protocol === 'MQTT') {
      // QoS 1 PUBLISH accepted (queued while offline): the NotifyResp decides the retry (R-NOT.1).
      const err = mqtt === null ? -1 : mqtt.sendNotify(endpointId, bytes);
      if (err !== 0) sendLog.debug(`notify to ${endpointId} not sent over MQTT (error ${err})`);
      agent.handleDelivery(handle, err === 0 ? DeliveryOutcome.Delivered : DeliveryOutcome.Failure, now);
      return;
    }
    const to = controllerUri(model, endpointId);
    const h = to === null ? -1 : sendCoap(to, bytes, endpointId);
    if (h > 0) { (to!.startsWith('coaps:') ? secureNotifies : notifies).set(h, handle); return; }
    sendLog.debug(`notify to ${endpointId} not sent (${to === null ? 'no CoAP MTP configured' : `send error ${h}`})`);
    agent.handleDelivery(handle, DeliveryOutcome.Failure, now);
  }

  function pump(): void {
    if (pumping || closed) return;
    pumping = true;
    try {
      const now = platform.now();
      firmware?.checkHealth(now);
      for (let t = agent.pollTransmit(now); t !== null; t = agent.pollTransmit(now)) {
        if (t.origin !== null && c.websocket !== undefined && c.websocket.mtp.isReply(t.origin.reply)) {
          const err = ws === null ? -1 : ws.sendResponse(t.origin.reply, t.endpointId, t.bytes);
          if (err !== 0) log.warn(`response to ${t.endpointId} over WebSocket not sent (error ${err})`);
        } else if (t.origin !== null && c.mqtt !== undefined && c.mqtt.mtp.isReply(t.origin.reply)) {
          const err = mqtt === null ? -1 : mqtt.sendResponse(t.origin.reply, t.endpointId, t.bytes);
          if (err !== 0) dropLog.warn(`response to ${t.endpointId} over MQTT not sent (error ${err})`);
        } else if (t.origin !== null) {
          const h = sendCoap(String(t.origin.reply), t.bytes, t.endpointId);
          if (h < 0) dropLog.warn(`response to ${t.endpointId} at ${String(t.origin.reply)} not sent (send error ${h})`);
        } else sendNotify(now, t.endpointId, t.bytes, t.handle);
      }
    } finally {
      pumping = false;
    }
    mqtt?.applySubscriptionChanges();
    ws?.applyChanges();
    timer.arm(closed ? Infinity : Math.min(agent.pollTimeout(), firmware === null ? Infinity : firmware.pollTimeout()));
  }

  // A digital input changed (button): report ValueChange now rather than at the next poll.
  const iotErr = attachIoTCapabilities(model, () => {
    if (closed) return;
    model.setTime(platform.now(), platform.wallClock());
    model.pollWatched();
    pump();
  });
  if (iotErr !== 0) log.warn(`IoT capabilities: not every sensor is watched (${iotErr})`);

  /** coaps:// over DTLS to `endpointId` only (R-SEC.0a), coap:// in the clear. */
  function sendCoap(uri: string, bytes: Uint8Array, endpointId: string): number {
    if (uri.startsWith('coaps:')) return sep === null ? -1 : sep.sendRecord(uri, bytes, endpointId);
    return ep === null ? -1 : ep.sendRecord(uri, bytes);
  }

  function onCoapEvent(e: UspCoapEvent, secure: CoapsEndpointHandle | null): void {
    const now = platform.now();
    if (e.kind === 'record') {
      const sec = secure === null ? null : secure.originOf(e.peer, e.bytes);
      if (secure !== null && sec === null) dropLog.warn(`coaps Record from ${e.peer.address}:${e.peer.port} dropped: the DTLS peer names no Endpoint ID`);
      else {
        const origin: MtpOrigin = { reply: e.replyTo, secure: sec !== null, peerEndpointId: sec === null ? '' : sec.peerEndpointId };
        agent.handleRecord(now, e.bytes, 0, e.bytes.length, origin);
      }
    } else {
      const sends = secure === null ? notifies : secureNotifies;
      const handle = sends.get(e.handle);
      if (handle === undefined) {
        if (e.outcome !== SendOutcome.Delivered) dropLog.debug(`response Record not delivered (outcome ${e.outcome}, code ${e.code})`);
      } else {
        sends.delete(e.handle);
        const outcome = e.outcome === SendOutcome.Delivered ? DeliveryOutcome.Delivered
          : e.outcome === SendOutcome.Timeout ? DeliveryOutcome.Timeout : DeliveryOutcome.Failure;
        agent.handleDelivery(handle, outcome, now);
      }
    }
    pump();
  }

  function onSocketError(message: string): void {
    log.error(`CoAP socket: ${message}`);
    c.onError?.(message);
  }

  /** One destination could not be reached; its Records end as Unreachable (issue #16: never fatal). */
  function onWriteError(address: string, port: number, message: string): void {
    sendLog.warn(`cannot send to ${address}:${port}: ${message}`);
  }

  /** A socket is bound. */
  function socketReady(): void {
    waitingSockets--;
    ready();
  }

  /**
   * Every socket is bound and both endpoint handles exist: the agent starts, once.
   * Moddable binds UDP synchronously, inside startCoapEndpoint, before `ep` is assigned:
   * starting there would send Boot! through no endpoint, so the start waits for the end
   * of construction (and must not run a second time from the MQTT-only path).
   */
  function ready(): void {
    if (waitingSockets > 0 || !constructed || started || closed) return;
    started = true;
    if (plainCoap) log.warn('CoAP without DTLS (NoSec): for development and trusted LANs only (D3)');
    agent.start(platform.now());
    firmware?.start(platform.now());
    if (mqttRows !== null && c.mqtt !== undefined) {
      mqtt = c.mqtt.mtp.start({
        platform, agent, model, endpointId: c.endpointId, rows: mqttRows, caPem: c.mqtt.caPem, openTransport: c.mqtt.openTransport, maxRecordBytes,
        onService: pump, onUp: (topic) => { pump(); c.onMqttUp?.(topic); },
      });
    }
    if (wsRows !== null && c.websocket !== undefined) {
      ws = c.websocket.mtp.start({
        platform, streams: c.websocket.streams, agent, model, endpointId: c.endpointId, rows: wsRows, maxRecordBytes, validateRecord,
        address: c.host, tls: c.websocket.tls, maxSessions: c.websocket.maxSessions,
        onService: pump, onListening: (p) => c.onWebSocketListening?.(p), onUp: (eid) => { pump(); c.onWebSocketUp?.(eid); },
      });
    }
    pump();
    c.onReady?.(uri !== '' ? uri : coapsUri);
  }

  const coapSettings = { maxBodyBytes: maxRecordBytes, ...(c.coapAckTimeoutMs !== undefined ? { ackTimeoutMs: c.coapAckTimeoutMs } : {}), ...c.coapTables };
  const pending = c.maxPendingRecords !== undefined ? { maxPendingRecords: c.maxPendingRecords } : {};
  if (plainCoap) {
    ep = startCoapEndpoint({
      platform, port: c.coapPort, address: c.host,
      binding: {
        path: c.coapPath, interfaceName: 'bbf.usp.a', validateRecord, checkReplyTo: true, admitReplyTo: provisionedHost,
        replyTo: (port) => `coap://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`,
        coap: coapSettings, ...pending,
      },
      onEvent: (e) => onCoapEvent(e, null),
      onError: onSocketError,
      onWriteError,
      onReady(port) {
        uri = `coap://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`;
        socketReady();
      },
    });
  }
  if (coaps !== undefined) {
    const crypto = coaps.crypto ?? platform.crypto;
    if (crypto === undefined) throw new RangeError('coaps needs a crypto port (platform.crypto or coaps.crypto)');
    sep = coaps.start({
      platform, port: coaps.port, address: c.host, crypto, credentials: coaps.credentials,
      ...(coaps.dtls !== undefined ? { dtls: coaps.dtls } : {}),
      binding: {
        path: c.coapPath, interfaceName: 'bbf.usp.a', validateRecord,
        replyTo: (port) => `coaps://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`,
        // 512-byte blocks: a block with its options and the DTLS record overhead fits one datagram.
        coap: { preferredSzx: 5, ...coapSettings }, ...pending,
      },
      onEvent: (e) => onCoapEvent(e, sep),
      onError: onSocketError,
      onWriteError,
      onReady(port) {
        coapsUri = `coaps://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`;
        socketReady();
      },
    });
  }
  constructed = true;
  ready(); // sockets bound synchronously (Moddable), or MQTT only

  return {
    agent, model,
    get uri() { return uri; },
    get port() { return ep?.port ?? 0; },
    get coapsUri() { return coapsUri; },
    get coapsPort() { return sep?.port ?? 0; },
    get wsPort() { return ws?.port ?? 0; },
    close() {
      if (closed) return;
      closed = true;
      timer.cancel();
      firmware?.close();
      ep?.close();
      sep?.close();
      mqtt?.close(0, 'agent shutting down'); // R-MTP.7/9: DisconnectRecord, then DISCONNECT
      ws?.close(0, 'agent shutting down'); // R-MTP.7/9: DisconnectRecord, then Close 1001
      model.save();
    },
  };
}
