/**
 * The MQTT and WebSocket side of the runtime (startHostAgent): their rows provisioned (or
 * MQTT's disabled) before the agent is built, their MTPs started with it, responses sent
 * back on the MTP the request came in on and a Notify sent on the Controller's MTP
 * (R-NOT.1). Its own module so that a build which injects neither (the Moddable coaps
 * build, startCoapAgent) links none of it: AgentRuntime alone serves CoAP and coaps.
 */
import { DeliveryOutcome, type Transmit } from '../agent/index.ts';
import type { DataModel } from '../dm/index.ts';
import type { OptionDefaults } from '../mtp/option-defaults.ts';
import { controllerMtpProtocol, read } from '../mtp/controller-rows.ts';
import { disableMqtt, type MqttRows } from '../mtp/mqtt/provision.ts';
import type { WebSocketRows } from '../mtp/websocket/index.ts';
import type { Logger } from '../platform/types.ts';
import type { HostAgentConfig } from './agent-host.ts';
import { AgentRuntime, type AgentRuntimeParts } from './agent-runtime.ts';

/** ws:// and wss:// Controllers are the WebSocket MTP's; mqtt: ones the MQTT MTP's; the rest CoAP's. */
export function isWsController(a: { uri: string }): boolean {
  return a.uri.startsWith('ws://') || a.uri.startsWith('wss://');
}

export class MtpRuntime extends AgentRuntime {
  private readonly mqttRows: MqttRows | null;
  private readonly wsRows: WebSocketRows | null;

  constructor(c: HostAgentConfig, p: AgentRuntimeParts) {
    super(c, p);
    this.mqttRows = p.mqttRows ?? null;
    this.wsRows = p.wsRows ?? null;
  }

  /**
   * The MQTT rows (provisioned, or disabled without `mqtt`) and the WebSocket rows, before
   * the agent is built; errors are logged and the MTP is then not started.
   */
  static provision(c: HostAgentConfig, model: DataModel, defaults: OptionDefaults, log: Logger): Pick<AgentRuntimeParts, 'mqttRows' | 'wsRows'> {
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
      const rows = c.websocket.mtp.provision(model, defaults, { ...c.websocket.settings, controllers: c.controllers.filter(isWsController) });
      if (typeof rows === 'string') log.error(`WebSocket MTP not provisioned: ${rows}`);
      else wsRows = rows;
    }
    return { mqttRows, wsRows };
  }

  protected override startMtps(): void {
    const { c, platform, agent, model, maxRecordBytes } = this;
    if (this.mqttRows !== null && c.mqtt !== undefined) {
      this.mqtt = c.mqtt.mtp.start({
        platform, agent, model, endpointId: c.endpointId, rows: this.mqttRows, caPem: c.mqtt.caPem, openTransport: c.mqtt.openTransport, maxRecordBytes,
        onService: () => this.pump(), onUp: (topic) => { this.pump(); c.onMqttUp?.(topic); },
      });
    }
    if (this.wsRows !== null && c.websocket !== undefined) {
      this.ws = c.websocket.mtp.start({
        platform, streams: c.websocket.streams, agent, model, endpointId: c.endpointId, rows: this.wsRows, maxRecordBytes,
        validateRecord: (buf, start, end) => agent.acceptsRecord(buf, start, end),
        address: c.host, tls: c.websocket.tls, maxSessions: c.websocket.maxSessions,
        onService: () => this.pump(), onListening: (p) => c.onWebSocketListening?.(p), onUp: (eid) => { this.pump(); c.onWebSocketUp?.(eid); },
      });
    }
  }

  /** A response goes back on the MTP its request came in on (origin.reply: a WebSocketReply, an MqttReply or a CoAP URI). */
  protected override respond(t: Transmit): void {
    const c = this.c;
    const reply = t.origin!.reply;
    if (c.websocket !== undefined && c.websocket.mtp.isReply(reply)) {
      const err = this.ws === null ? -1 : this.ws.sendResponse(reply, t.endpointId, t.bytes);
      if (err !== 0) this.platform.log.warn(`response to ${t.endpointId} over WebSocket not sent (error ${err})`);
    } else if (c.mqtt !== undefined && c.mqtt.mtp.isReply(reply)) {
      const err = this.mqtt === null ? -1 : this.mqtt.sendResponse(reply, t.endpointId, t.bytes);
      if (err !== 0) this.dropLog.warn(`response to ${t.endpointId} over MQTT not sent (error ${err})`);
    } else super.respond(t);
  }

  /** A Notify goes on the Controller's open WebSocket session, else on its first enabled MTP (R-NOT.1). */
  protected override sendNotify(now: number, endpointId: string, bytes: Uint8Array, handle: number): void {
    const { agent, ws, mqtt } = this;
    // An open WebSocket session with the Controller first (it may be one the Controller opened on our listener).
    const protocol = ws !== null && ws.hasSession(endpointId) ? 'WebSocket' : controllerMtpProtocol(this.model, endpointId);
    if (protocol === 'WebSocket') {
      // Queued on the Controller's TCP session: delivered as far as the MTP can tell; the NotifyResp decides the retry (R-NOT.1).
      const err = ws === null ? -1 : ws.sendNotify(endpointId, bytes);
      if (err !== 0) this.platform.log.debug(`notify to ${endpointId} not sent over WebSocket (error ${err})`);
      agent.handleDelivery(handle, err === 0 ? DeliveryOutcome.Delivered : DeliveryOutcome.Failure, now);
    } else if (protocol === 'MQTT') {
      // QoS 1 PUBLISH accepted (queued while offline): the NotifyResp decides the retry (R-NOT.1).
      const err = mqtt === null ? -1 : mqtt.sendNotify(endpointId, bytes);
      if (err !== 0) this.sendLog.debug(`notify to ${endpointId} not sent over MQTT (error ${err})`);
      agent.handleDelivery(handle, err === 0 ? DeliveryOutcome.Delivered : DeliveryOutcome.Failure, now);
    } else super.sendNotify(now, endpointId, bytes, handle);
  }
}
