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
import { createRecordViewConfig, RecordError, RecordView, utf8Bytes } from '../usp/index.ts';
import { startCoapEndpoint, type CoapEndpointHandle } from '../mtp/coap/endpoint.ts';
import type { CoapsEndpointHandle } from '../mtp/coap/coaps-endpoint.ts';
import { provisionCoapMtps, type HostCoapsConfig } from '../mtp/coap/provision.ts';
import { createDeadlineTimer } from '../platform/deadline-timer.ts';
import { controllerUri, provisionControllers, type ControllerAddress } from '../mtp/coap/controllers.ts';
import type { MqttMtp, MqttMtpModule, OpenMqttTransport } from '../mtp/mqtt/mtp.ts';
import { controllerMtpProtocol, disableMqtt, type MqttBrokerSettings, type MqttRows } from '../mtp/mqtt/provision.ts';

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
  /** CoAP over DTLS on its own port (mtp/coap/provision.ts). */
  readonly coaps?: HostCoapsConfig | undefined;
  /** Plain (NoSec) CoAP on coapPort (default true). */
  readonly plainCoap?: boolean;
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
  const context = createIoTDeviceContext(
    createDeviceContext(c.board, c.serialNumber, c.softwareVersion, c.endpointId, platform.now()), platform.board ?? null);
  const iot = iotCapabilityDefaults(c.board);
  const model = createDataModel({
    schema: c.schema ?? createDeviceSchema(iotCapabilityObjects(c.board)), context, store: platform.storage,
    ...(c.parseCacheSize !== undefined ? { parseCacheSize: c.parseCacheSize } : {}),
    factoryDefault: createFactoryDefault(c.board, {
      coapPort: c.coapPort || 5683, coapPath: c.coapPath.replace(/^\//, ''), rows: iot.rows, params: iot.params,
    }),
  });
  const why = provisionControllers(model, c.controllers.filter((a) => !a.uri.startsWith('mqtt:')));
  if (why !== '') log.error(`controllers not provisioned: ${why}`);
  const plainCoap = c.plainCoap !== false;
  const mtpWhy = provisionCoapMtps(model, { plain: plainCoap ? c.coapPort : null, path: c.coapPath, coaps: c.coaps });
  if (mtpWhy !== '') log.error(`CoAP MTP rows not provisioned: ${mtpWhy}`);
  let mqttRows: MqttRows | null = null;
  if (c.mqtt !== undefined) {
    const rows = c.mqtt.mtp.provision(model, c.mqtt.broker);
    const mqttControllers = c.controllers.filter((a) => a.uri.startsWith('mqtt:')).map((a) => ({ endpointId: a.endpointId, topic: a.uri.slice(5) }));
    const bad = typeof rows === 'string' ? rows : c.mqtt.mtp.provisionControllers(model, mqttControllers, rows.mtp);
    if (bad !== '') log.error(`MQTT MTP not provisioned: ${bad}`);
    if (typeof rows !== 'string') mqttRows = rows;
  } else {
    const off = disableMqtt(model);
    if (off !== '') log.error(`MQTT rows not disabled: ${off}`);
  }
  const random = new Uint32Array(1);
  const randomBytes = new Uint8Array(random.buffer);
  const agent = createAgent({
    endpointId: c.endpointId, model, store: platform.storage, limits: { ...c.agentLimits, maxRecordBytes },
    wallClock: () => platform.wallClock(),
    random: () => { platform.randomBytes(randomBytes); return random[0]! / 4294967296; /* 2^32, without Math.pow */ },
    ...(c.device !== undefined ? { device: c.device } : {}),
  });
  const ownId = utf8Bytes(c.endpointId);
  const view = new RecordView(createRecordViewConfig({ maxRecordBytes }));
  /** CoAP send handle → agent Notify handle. */
  const notifies = new Map<number, number>();
  /** coaps send handle → agent Notify handle (the two bindings number their sends apart). */
  const secureNotifies = new Map<number, number>();
  let ep: CoapEndpointHandle | null = null;
  let sep: CoapsEndpointHandle | null = null;
  let coapsUri = '';
  let waitingSockets = (plainCoap ? 1 : 0) + (c.coaps !== undefined ? 1 : 0);
  let mqtt: MqttMtp | null = null;
  let uri = '';
  const timer = createDeadlineTimer(platform, () => {
    if (closed) return;
    agent.handleTimeout(platform.now());
    pump();
  });
  let closed = false;
  let pumping = false;

  // R-COAP.13: 4.00 for what is not a Record; a Record the agent can answer with an Error goes through.
  function validateRecord(buf: Uint8Array, start: number, end: number): boolean {
    const err = view.wrap(buf, start, end);
    return err === RecordError.Ok || view.canReply(ownId);
  }

  function sendNotify(now: number, endpointId: string, bytes: Uint8Array, handle: number): void {
    if (controllerMtpProtocol(model, endpointId) === 'MQTT') {
      // QoS 1 PUBLISH accepted (queued while offline): the NotifyResp decides the retry (R-NOT.1).
      const err = mqtt === null ? -1 : mqtt.sendNotify(endpointId, bytes);
      if (err !== 0) log.debug(`notify to ${endpointId} not sent over MQTT (error ${err})`);
      agent.handleDelivery(handle, err === 0 ? DeliveryOutcome.Delivered : DeliveryOutcome.Failure, now);
      return;
    }
    const to = controllerUri(model, endpointId);
    const h = to === null ? -1 : sendCoap(to, bytes, endpointId);
    if (h > 0) { (to!.startsWith('coaps:') ? secureNotifies : notifies).set(h, handle); return; }
    log.debug(`notify to ${endpointId} not sent (${to === null ? 'no CoAP MTP configured' : `send error ${h}`})`);
    agent.handleDelivery(handle, DeliveryOutcome.Failure, now);
  }

  function pump(): void {
    if (pumping || closed) return;
    pumping = true;
    try {
      const now = platform.now();
      for (let t = agent.pollTransmit(now); t !== null; t = agent.pollTransmit(now)) {
        if (t.origin !== null && c.mqtt !== undefined && c.mqtt.mtp.isReply(t.origin.reply)) {
          const err = mqtt === null ? -1 : mqtt.sendResponse(t.origin.reply, t.endpointId, t.bytes);
          if (err !== 0) log.warn(`response to ${t.endpointId} over MQTT not sent (error ${err})`);
        } else if (t.origin !== null) {
          const h = sendCoap(String(t.origin.reply), t.bytes, t.endpointId);
          if (h < 0) log.warn(`response to ${t.endpointId} at ${String(t.origin.reply)} not sent (send error ${h})`);
        } else sendNotify(now, t.endpointId, t.bytes, t.handle);
      }
    } finally {
      pumping = false;
    }
    mqtt?.applySubscriptionChanges();
    timer.arm(closed ? Infinity : agent.pollTimeout());
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
      if (secure !== null && sec === null) log.warn(`coaps Record from ${e.peer.address}:${e.peer.port} dropped: the DTLS peer names no Endpoint ID`);
      else {
        const origin: MtpOrigin = { reply: e.replyTo, secure: sec !== null, peerEndpointId: sec === null ? '' : sec.peerEndpointId };
        agent.handleRecord(now, e.bytes, 0, e.bytes.length, origin);
      }
    } else {
      const sends = secure === null ? notifies : secureNotifies;
      const handle = sends.get(e.handle);
      if (handle === undefined) {
        if (e.outcome !== SendOutcome.Delivered) log.debug(`response Record not delivered (outcome ${e.outcome}, code ${e.code})`);
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

  /** Every socket is bound: the agent starts. */
  function ready(): void {
    if (--waitingSockets > 0 || closed) return;
    if (plainCoap) log.warn('CoAP without DTLS (NoSec): for development and trusted LANs only (D3)');
    agent.start(platform.now());
    if (mqttRows !== null && c.mqtt !== undefined) {
      mqtt = c.mqtt.mtp.start({
        platform, agent, model, endpointId: c.endpointId, rows: mqttRows, caPem: c.mqtt.caPem, openTransport: c.mqtt.openTransport,
        onService: pump, onUp: (topic) => { pump(); c.onMqttUp?.(topic); },
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
        path: c.coapPath, interfaceName: 'bbf.usp.a', validateRecord,
        replyTo: (port) => `coap://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`,
        coap: coapSettings, ...pending,
      },
      onEvent: (e) => onCoapEvent(e, null),
      onError: onSocketError,
      onReady(port) {
        uri = `coap://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`;
        ready();
      },
    });
  }
  if (c.coaps !== undefined) {
    const crypto = c.coaps.crypto ?? platform.crypto;
    if (crypto === undefined) throw new RangeError('coaps needs a crypto port (platform.crypto or coaps.crypto)');
    sep = c.coaps.start({
      platform, port: c.coaps.port, address: c.host, crypto, credentials: c.coaps.credentials,
      ...(c.coaps.dtls !== undefined ? { dtls: c.coaps.dtls } : {}),
      binding: {
        path: c.coapPath, interfaceName: 'bbf.usp.a', validateRecord,
        replyTo: (port) => `coaps://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`,
        // 512-byte blocks: a block with its options and the DTLS record overhead fits one datagram.
        coap: { preferredSzx: 5, ...coapSettings }, ...pending,
      },
      onEvent: (e) => onCoapEvent(e, sep),
      onError: onSocketError,
      onReady(port) {
        coapsUri = `coaps://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`;
        ready();
      },
    });
  }
  if (waitingSockets === 0) { waitingSockets = 1; ready(); } // MQTT only

  return {
    agent, model,
    get uri() { return uri; },
    get port() { return ep?.port ?? 0; },
    get coapsUri() { return coapsUri; },
    get coapsPort() { return sep?.port ?? 0; },
    close() {
      if (closed) return;
      closed = true;
      timer.cancel();
      ep?.close();
      sep?.close();
      mqtt?.close(0, 'agent shutting down'); // R-MTP.7/9: DisconnectRecord, then DISCONNECT
      model.save();
    },
  };
}
