/**
 * The running part of startHostAgent (agent-host.ts): the agent, its timer and the MTPs'
 * sockets once the data model is provisioned — the pump that sends every Transmit on the
 * MTP its origin names (responses to their reply-to, R-COAP.2a; Notify to the
 * Controller's MTP, R-NOT.1), the CoAP and coaps events, and the start once every socket
 * is bound.
 *
 * A class, not a scope of closures: on Moddable its methods stay with the preloaded code,
 * where each function of the old composition cost 10–13 XS slots of RAM (≈ 250 slots for
 * an agent with coaps; docs/device.md#figures-in-the-simulator). The few closures left are
 * callbacks the sockets and the core keep.
 */
import { DeliveryOutcome, type Agent, type MtpOrigin, type Transmit } from '../agent/index.ts';
import { attachIoTCapabilities, type DataModel } from '../dm/index.ts';
import { SendOutcome, type UspCoapEvent } from '../mtp/coap/binding.ts';
import { startCoapEndpoint, type CoapEndpointHandle, type CoapEndpointOptions } from '../mtp/coap/endpoint.ts';
import type { CoapsCredentials, CoapsEndpointHandle, CoapsEndpointOptions } from '../mtp/coap/coaps-endpoint.ts';
import type { DtlsConfig } from '../dtls/index.ts';
import type { CryptoPort } from '../platform/crypto.ts';
import type { HostCoapsConfig } from '../mtp/coap/provision.ts';
import { createDeadlineTimer, type DeadlineListener, type DeadlineTimer } from '../platform/deadline-timer.ts';
import { LogLimiter } from '../platform/log-limiter.ts';
import { controllerUri } from '../mtp/coap/controllers.ts';
import { parseCoapUri } from '../mtp/coap/uri.ts';
import type { MqttMtp } from '../mtp/mqtt/mtp.ts';
import type { MqttRows } from '../mtp/mqtt/provision.ts';
import type { FirmwareService } from '../firmware/index.ts';
import type { WebSocketMtp, WebSocketRows } from '../mtp/websocket/index.ts';
import type { Platform } from '../platform/types.ts';
import type { HostAgent, HostAgentConfig } from './agent-host.ts';

function advertisedHost(host: string, advertise: string | undefined): string {
  const h = (host === '0.0.0.0' || host === '' || host === '::') && advertise !== undefined ? advertise
    : host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return h.includes(':') ? `[${h}]` : h;
}

/** What startHostAgent built before the sockets: the runtime starts from it. */
export interface AgentRuntimeParts {
  readonly agent: Agent;
  readonly model: DataModel;
  readonly maxRecordBytes: number;
  readonly plainCoap: boolean;
  readonly coaps: HostCoapsConfig | undefined;
  /** The MQTT and WebSocket MTP rows to run (MtpRuntime, composition/mtp-runtime.ts; absent: none). */
  readonly mqttRows?: MqttRows | null;
  readonly wsRows?: WebSocketRows | null;
}

/** A CoAP endpoint's options and its callbacks into the runtime: one object, not four closures (XS RAM). */
class EndpointEvents implements CoapEndpointOptions {
  constructor(
    protected readonly rt: AgentRuntime, private readonly secure: boolean, readonly platform: Platform, readonly port: number,
    readonly address: string,
  ) {}

  /**
   * The binding's settings, built when the endpoint builds its binding (its first
   * datagram or send), not kept from boot: an idle endpoint holds none of their objects
   * and closures (≈ 80 XS slots for both endpoints, #13 item 3).
   */
  get binding(): CoapEndpointOptions['binding'] { return this.rt.bindingSettings(this.secure); }

  onEvent(e: UspCoapEvent): void { this.rt.onCoapEvent(e, this.secure); }
  onReady(port: number): void { this.rt.endpointReady(this.secure, port); }
  onError(message: string): void {
    this.platform.log.error(`CoAP socket: ${message}`);
    this.rt.c.onError?.(message);
  }

  /** One destination could not be reached; its Records end as Unreachable (issue #16: never fatal). */
  onWriteError(address: string, port: number, message: string): void { this.rt.sendLog.warn(`cannot send to ${address}:${port}: ${message}`); }
}

/** The same for the coaps endpoint, with its credentials. */
class SecureEndpointEvents extends EndpointEvents implements CoapsEndpointOptions {
  constructor(
    rt: AgentRuntime, secure: boolean, platform: Platform, port: number, address: string,
    readonly crypto: CryptoPort, readonly credentials: CoapsCredentials, readonly dtls: Partial<DtlsConfig> | undefined,
  ) {
    super(rt, secure, platform, port, address);
  }
}

/**
 * The CoAP and coaps part, all the Moddable coaps build links (startCoapAgent). MtpRuntime
 * (composition/mtp-runtime.ts) adds MQTT and WebSocket through startMtps, respond and
 * sendNotify; `mqtt` and `ws` stay here so that pump and close serve both.
 */
export class AgentRuntime implements HostAgent, DeadlineListener {
  readonly agent: Agent;
  readonly model: DataModel;
  firmware: FirmwareService | null = null;
  protected readonly platform: Platform;
  protected readonly maxRecordBytes: number;
  private readonly plainCoap: boolean;
  private readonly coaps: HostCoapsConfig | undefined;
  /** CoAP send handle → agent Notify handle. */
  private readonly notifies = new Map<number, number>();
  /** coaps send handle → agent Notify handle (the two bindings number their sends apart). */
  private readonly secureNotifies = new Map<number, number>();
  private ep: CoapEndpointHandle | null = null;
  private sep: CoapsEndpointHandle | null = null;
  /** Our coaps:// URI ('' without coaps or until ready): a field, not a getter (HostAgent). */
  coapsUri = '';
  /** Sockets still to bind; the agent starts once none is left and both endpoints exist. */
  private waitingSockets: number;
  private constructed = false;
  private started = false;
  protected mqtt: MqttMtp | null = null;
  protected ws: WebSocketMtp | null = null;
  /** Our coap:// URI ('' until ready). */
  uri = '';
  private readonly timer: DeadlineTimer;
  private closed = false;
  private pumping = false;
  // Issue #16: one burst must not write hundreds of lines; each kind is limited on its own.
  protected readonly dropLog: LogLimiter;
  readonly sendLog: LogLimiter;

  constructor(readonly c: HostAgentConfig, p: AgentRuntimeParts) {
    const platform = c.platform;
    this.platform = platform;
    this.agent = p.agent;
    this.model = p.model;
    this.maxRecordBytes = p.maxRecordBytes;
    this.plainCoap = p.plainCoap;
    this.coaps = p.coaps;
    this.waitingSockets = (p.plainCoap ? 1 : 0) + (p.coaps !== undefined ? 1 : 0);
    this.timer = createDeadlineTimer(platform, this);
    // platform.now is called unbound (Platform contract): no clock closure kept.
    this.dropLog = new LogLimiter(platform.log, platform.now, 'responses not sent');
    this.sendLog = new LogLimiter(platform.log, platform.now, 'send failures');
  }

  /** DeadlineListener: the agent's and the firmware service's next deadline. */
  onDeadline(): void {
    if (this.closed) return;
    const platform = this.platform;
    this.agent.handleTimeout(platform.now());
    this.firmware?.handleTimeout(platform.now());
    this.pump();
  }

  /** Watches the IoT inputs and opens the sockets; the agent starts once they are bound (`ready`). */
  open(): void {
    const { c, platform, model } = this;
    // A digital input changed (button): report ValueChange now rather than at the next poll.
    const iotErr = attachIoTCapabilities(model, () => {
      if (this.closed) return;
      model.setTime(platform.now(), platform.wallClock());
      model.pollWatched();
      this.pump();
    });
    if (iotErr !== 0) platform.log.warn(`IoT capabilities: not every sensor is watched (${iotErr})`);
    if (this.plainCoap) this.ep = startCoapEndpoint(new EndpointEvents(this, false, platform, c.coapPort, c.host));
    const coaps = this.coaps;
    if (coaps !== undefined) {
      const crypto = coaps.crypto ?? platform.crypto;
      if (crypto === undefined) throw new RangeError('coaps needs a crypto port (platform.crypto or coaps.crypto)');
      this.sep = coaps.start(new SecureEndpointEvents(this, true, platform, coaps.port, c.host, crypto, coaps.credentials, coaps.dtls));
    }
    this.constructed = true;
    this.ready(); // sockets bound synchronously (Moddable), or MQTT only
  }

  /** The USP CoAP binding's settings of the plain or the coaps endpoint (EndpointEvents.binding). */
  bindingSettings(secure: boolean): CoapEndpointOptions['binding'] {
    const c = this.c;
    const coap = { maxBodyBytes: this.maxRecordBytes, ...(c.coapAckTimeoutMs !== undefined ? { ackTimeoutMs: c.coapAckTimeoutMs } : {}), ...c.coapTables };
    const pending = c.maxPendingRecords !== undefined ? { maxPendingRecords: c.maxPendingRecords } : {};
    const validateRecord = (buf: Uint8Array, start: number, end: number): boolean => this.agent.acceptsRecord(buf, start, end);
    if (secure) {
      return {
        path: c.coapPath, interfaceName: 'bbf.usp.a', validateRecord,
        replyTo: (port) => `coaps://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`,
        // 512-byte blocks: a block with its options and the DTLS record overhead fits one datagram.
        coap: { preferredSzx: 5, ...coap }, ...pending,
      };
    }
    return {
      path: c.coapPath, interfaceName: 'bbf.usp.a', validateRecord, checkReplyTo: true,
      admitReplyTo: (host, buf, start, end) => this.provisionedHost(host, buf, start, end),
      replyTo: (port) => `coap://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`,
      coap, ...pending,
    };
  }

  /**
   * NoSec reply-to rule (issue #16): besides the datagram's own source address, a Controller
   * may name the host of its provisioned CoAP MTP (Controller.{i}.MTP.{i}.CoAP.Host).
   */
  private provisionedHost(host: string, buf: Uint8Array, start: number, end: number): boolean {
    const fromId = this.agent.recordFromId(buf, start, end);
    if (fromId === undefined) return false;
    const to = controllerUri(this.model, fromId);
    const u = to === null ? null : parseCoapUri(to);
    return u !== null && u.host.toLowerCase() === host.toLowerCase();
  }

  /** A Notify to its Controller's CoAP MTP; its delivery comes back as the send's outcome (onCoapEvent). */
  protected sendNotify(now: number, endpointId: string, bytes: Uint8Array, handle: number): void {
    const to = controllerUri(this.model, endpointId);
    const h = to === null ? -1 : this.sendCoap(to, bytes, endpointId);
    if (h > 0) { (to!.startsWith('coaps:') ? this.secureNotifies : this.notifies).set(h, handle); return; }
    this.sendLog.debug(`notify to ${endpointId} not sent (${to === null ? 'no CoAP MTP configured' : `send error ${h}`})`);
    this.agent.handleDelivery(handle, DeliveryOutcome.Failure, now);
  }

  /** A response, to the CoAP reply-to of the Record it answers (R-COAP.2a). */
  protected respond(t: Transmit): void {
    const h = this.sendCoap(String(t.origin!.reply), t.bytes, t.endpointId);
    if (h < 0) this.dropLog.warn(`response to ${t.endpointId} at ${String(t.origin!.reply)} not sent (send error ${h})`);
  }

  pump(): void {
    if (this.pumping || this.closed) return;
    const agent = this.agent;
    this.pumping = true;
    try {
      const now = this.platform.now();
      this.firmware?.checkHealth(now);
      for (let t = agent.pollTransmit(now); t !== null; t = agent.pollTransmit(now)) {
        if (t.origin !== null) this.respond(t);
        else this.sendNotify(now, t.endpointId, t.bytes, t.handle);
      }
    } finally {
      this.pumping = false;
    }
    this.mqtt?.applySubscriptionChanges();
    this.ws?.applyChanges();
    this.timer.arm(this.closed ? Infinity : Math.min(agent.pollTimeout(), this.firmware === null ? Infinity : this.firmware.pollTimeout()));
  }

  /** coaps:// over DTLS to `endpointId` only (R-SEC.0a), coap:// in the clear. */
  private sendCoap(uri: string, bytes: Uint8Array, endpointId: string): number {
    if (uri.startsWith('coaps:')) return this.sep === null ? -1 : this.sep.sendRecord(uri, bytes, endpointId);
    return this.ep === null ? -1 : this.ep.sendRecord(uri, bytes);
  }

  /** An endpoint's socket is bound: its URI is known. */
  endpointReady(secure: boolean, port: number): void {
    const c = this.c;
    if (secure) this.coapsUri = `coaps://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`;
    else this.uri = `coap://${advertisedHost(c.host, c.advertiseHost)}:${port}${c.coapPath}`;
    this.waitingSockets--;
    this.ready();
  }

  /** A CoAP event of the plain (`fromCoaps` false) or the coaps endpoint. */
  onCoapEvent(e: UspCoapEvent, fromCoaps: boolean): void {
    const secure = fromCoaps ? this.sep : null;
    const now = this.platform.now();
    if (e.kind === 'record') {
      const sec = secure === null ? null : secure.originOf(e.peer, e.bytes);
      if (secure !== null && sec === null) this.dropLog.warn(`coaps Record from ${e.peer.address}:${e.peer.port} dropped: the DTLS peer names no Endpoint ID`);
      else {
        const origin: MtpOrigin = { reply: e.replyTo, secure: sec !== null, peerEndpointId: sec === null ? '' : sec.peerEndpointId };
        this.agent.handleRecord(now, e.bytes, 0, e.bytes.length, origin);
      }
    } else {
      const sends = secure === null ? this.notifies : this.secureNotifies;
      const handle = sends.get(e.handle);
      if (handle === undefined) {
        if (e.outcome !== SendOutcome.Delivered) this.dropLog.debug(`response Record not delivered (outcome ${e.outcome}, code ${e.code})`);
      } else {
        sends.delete(e.handle);
        const outcome = e.outcome === SendOutcome.Delivered ? DeliveryOutcome.Delivered
          : e.outcome === SendOutcome.Timeout ? DeliveryOutcome.Timeout : DeliveryOutcome.Failure;
        this.agent.handleDelivery(handle, outcome, now);
      }
    }
    this.pump();
  }

  /**
   * Every socket is bound and both endpoint handles exist: the agent starts, once.
   * Moddable binds UDP synchronously, inside startCoapEndpoint, before `ep` is assigned:
   * starting there would send Boot! through no endpoint, so the start waits for the end
   * of construction (and must not run a second time from the MQTT-only path).
   */
  private ready(): void {
    if (this.waitingSockets > 0 || !this.constructed || this.started || this.closed) return;
    const platform = this.platform;
    this.started = true;
    if (this.plainCoap) platform.log.warn('CoAP without DTLS (NoSec): for development and trusted LANs only (D3)');
    this.agent.start(platform.now());
    this.firmware?.start(platform.now());
    this.startMtps();
    this.pump();
    this.c.onReady?.(this.uri !== '' ? this.uri : this.coapsUri);
  }

  /** The agent has started: MtpRuntime starts MQTT and WebSocket here, before the first pump (Boot! may go over them). */
  protected startMtps(): void {}

  get port(): number { return this.ep?.port ?? 0; }
  get coapsPort(): number { return this.sep?.port ?? 0; }
  get wsPort(): number { return this.ws?.port ?? 0; }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer.cancel();
    this.firmware?.close();
    this.ep?.close();
    this.sep?.close();
    this.mqtt?.close(0, 'agent shutting down'); // R-MTP.7/9: DisconnectRecord, then DISCONNECT
    this.ws?.close(0, 'agent shutting down'); // R-MTP.7/9: DisconnectRecord, then Close 1001
    this.model.save();
  }
}
