/**
 * USP over MQTT (TR-369 "MQTT Binding", R-MQTT.1–35) for an Agent, on top of the
 * sans-I/O `MqttClient`. It picks the ClientId (R-MQTT.8/9/11), adds the
 * "usp-endpoint-id" User Property and asks for Response Information (R-MQTT.12/13),
 * subscribes to the configured filters, the "subscribe-topic" User Properties and its
 * "reply to" Topic (R-MQTT.15), gives up when nothing could be subscribed
 * (R-MQTT.16/17), sends an MQTTConnectRecord to every Controller once subscribed
 * (R-MTP.6/8) and a DisconnectRecord before DISCONNECT (R-MTP.7/9), and carries Records
 * both ways with the "reply to" conventions of 5.0 (Response Topic, Content Type
 * "usp.msg": R-MQTT.23/26/27/27a) and 3.1.1 ("/reply-to=": R-MQTT.24/25).
 *
 * The driver feeds it exactly like the client (handle…/poll…); the Agent drains
 * `pollEvent()` for Records and connection state and calls `sendRecord`.
 */
import { MqttClient, type MqttClientConfig } from '../../mqtt/client.ts';
import { encodeDisconnectRecord, encodeMqttConnectRecord } from './connect-record.ts';
import { ClientState, type MqttEvent, type TransportCommand } from '../../mqtt/events.ts';
import type { SubscriptionFields } from '../../mqtt/packets.ts';
import { replyToOf, topicMatches, withReplyTo } from '../../mqtt/topic.ts';
import { MqttError, MqttVersion, type Mqtt5Properties } from '../../mqtt/types.ts';

/** R-MQTT.27 / R-MQTT.27a Content Types of a USP Record. */
export const USP_CONTENT_TYPE = 'usp.msg';
const USP_MEDIA_TYPE = 'application/vnd.bbf.usp.msg';

export interface MqttControllerConfig {
  /** Device.LocalAgent.Controller.{i}.EndpointID */
  readonly endpointId: string;
  /** Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT.Topic */
  readonly topic: string;
}

export interface UspMqttConfig {
  /** This Agent's Endpoint ID (Record from_id; 3.1.1 default ClientId, R-MQTT.8). */
  readonly endpointId: string;
  /** Device.MQTT.Client.{i}.* — `clientId` '' means "not configured" (R-MQTT.8). */
  readonly client: MqttClientConfig;
  /** Device.MQTT.Client.{i}.Subscription.{i}.Topic / QoS (enabled rows). */
  readonly subscriptions: readonly SubscriptionFields[];
  /** Device.LocalAgent.MTP.{i}.MQTT.ResponseTopicConfigured */
  readonly responseTopicConfigured?: string | undefined;
  /** Device.LocalAgent.MTP.{i}.MQTT.PublishQoS (0 or 1). */
  readonly publishQoS: 0 | 1;
  readonly controllers: readonly MqttControllerConfig[];
  /** USP Record `version` field; default "1.3". */
  readonly recordVersion?: string | undefined;
}

export const BindingState = {
  STOPPED: 0, CONNECTING: 1, SUBSCRIBING: 2, UP: 3,
  /** R-MQTT.16/17: no usable subscription; the MTP is disabled until restarted. */
  DISABLED: 4,
} as const;
export type BindingState = (typeof BindingState)[keyof typeof BindingState];

export type UspMqttEvent =
  /**
   * Subscribed and Connect Records sent: Records may flow. `clientId` is to be saved in
   * Device.MQTT.Client.{i}.ClientID (R-MQTT.9); `responseTopicDiscovered` in
   * Device.LocalAgent.MTP.{i}.MQTT.ResponseTopicDiscovered.
   */
  | { readonly kind: 'up'; readonly replyTopic: string | undefined; readonly clientId: string; readonly responseTopicDiscovered: string | undefined }
  /** A received USP Record; answer on `replyTopic` (undefined: the sender gave none, R-MQTT.26a). */
  | { readonly kind: 'record'; readonly bytes: Uint8Array; readonly replyTopic: string | undefined; readonly topic: string }
  /** Connection lost or refused; `reasonCode` = CONNACK refusal or server DISCONNECT reason, -1 otherwise. */
  | { readonly kind: 'down'; readonly retryAt: number; readonly reasonCode: number }
  | { readonly kind: 'disabled'; readonly reason: string }
  | { readonly kind: 'closed' };

export class UspMqttBinding {
  readonly client: MqttClient;
  state: BindingState = BindingState.STOPPED;
  /** Our "reply to" Topic (R-MQTT.21/22), known once connected. */
  replyTopic: string | undefined;
  private readonly events: UspMqttEvent[] = [];
  /** Device.MQTT.Client.{i}.Subscription rows in force (changed by `updateSubscriptions`). */
  private subscriptions: readonly SubscriptionFields[];

  constructor(readonly config: UspMqttConfig) {
    this.subscriptions = config.subscriptions;
    const c = config.client;
    const v5 = c.version === MqttVersion.V5;
    this.client = new MqttClient({
      ...c,
      // R-MQTT.8: configured id, else "" (5.0: the server assigns) or our Endpoint ID (3.1.1).
      clientId: c.clientId !== '' ? c.clientId : v5 ? '' : config.endpointId,
      // R-MQTT.12, R-MQTT.13.
      requestResponseInformation: v5 ? c.requestResponseInformation ?? true : undefined,
      userProperties: v5 ? [...(c.userProperties ?? []), ['usp-endpoint-id', config.endpointId]] : undefined,
      holdInflightAfterConnect: true,
    });
  }

  get version(): MqttVersion {
    return this.client.version;
  }

  start(now: number): void {
    if (this.state !== BindingState.STOPPED && this.state !== BindingState.DISABLED) return;
    this.state = BindingState.CONNECTING;
    this.client.connect(now);
  }

  /**
   * Leaves: a DisconnectRecord to every Controller (R-MTP.7; `reasonCode`/`reason`
   * per R-MTP.9), then DISCONNECT (R-MQTT.35).
   */
  stop(now: number, reasonCode = 0, reason = ''): void {
    if (this.state === BindingState.UP) {
      for (const c of this.config.controllers) {
        this.publishRecord(encodeDisconnectRecord(this.address(c.endpointId), reasonCode, reason), c.topic, false);
      }
    }
    this.state = BindingState.STOPPED;
    this.client.disconnect(now);
    this.pump(now);
  }

  /**
   * Sends a Record to `topic` (a Controller's MQTT Topic or a received `replyTopic`).
   * `retain` follows PublishRetainResponse/PublishRetainNotify. NOT_CONNECTED until 'up'.
   */
  sendRecord(bytes: Uint8Array, topic: string, retain = false): MqttError {
    if (this.state !== BindingState.UP) return MqttError.NOT_CONNECTED;
    return this.publishRecord(bytes, topic, retain);
  }

  /**
   * The enabled Subscription rows changed: while up, UNSUBSCRIBE the dropped filters
   * (R-MQTT.34) and SUBSCRIBE the new ones; otherwise they apply at the next connect.
   */
  updateSubscriptions(subscriptions: readonly SubscriptionFields[]): MqttError {
    const before = this.subscriptions;
    this.subscriptions = subscriptions.slice();
    if (this.state !== BindingState.UP) return MqttError.OK;
    const dropped = before.filter((o) => !subscriptions.some((n) => n.topicFilter === o.topicFilter)).map((o) => o.topicFilter);
    const added = subscriptions.filter((n) => !before.some((o) => o.topicFilter === n.topicFilter && o.qos === n.qos));
    let err: MqttError = MqttError.OK;
    if (dropped.length > 0) err = this.client.unsubscribe(dropped);
    if (err === MqttError.OK && added.length > 0) err = this.client.subscribe(added);
    return err;
  }

  // ---- driver side: the client's surface, plus turning its events into USP ones ----

  handleTransportUp(now: number): void { this.client.handleTransportUp(now); this.pump(now); }
  handleTransportDown(now: number): void { this.client.handleTransportDown(now); this.pump(now); }
  handleBytes(now: number, data: Uint8Array, start: number, end: number): void { this.client.handleBytes(now, data, start, end); this.pump(now); }
  handleTimeout(now: number): void { this.client.handleTimeout(now); this.pump(now); }
  pollTransmit(out: Uint8Array): number { return this.client.pollTransmit(out); }
  pollTransportCommand(): TransportCommand | undefined { return this.client.pollTransportCommand(); }
  pollTimeout(): number | undefined { return this.client.pollTimeout(); }
  pollEvent(): UspMqttEvent | undefined { return this.events.shift(); }

  private pump(now: number): void {
    for (let e = this.client.pollEvent(); e !== undefined; e = this.client.pollEvent()) this.handleClientEvent(now, e);
  }

  private handleClientEvent(now: number, e: MqttEvent): void {
    switch (e.kind) {
      case 'connected': return this.subscribeAll(now, e.properties);
      case 'subscribed': {
        if (this.state !== BindingState.SUBSCRIBING) return;
        let ok = false;
        for (const code of e.reasonCodes) if (code < 0x80) ok = true;
        if (!ok) return this.disable(now, 'R-MQTT.17: the server refused every subscription');
        this.state = BindingState.UP;
        const address = this.config.controllers;
        for (const c of address) {
          this.publishRecord(encodeMqttConnectRecord(this.address(c.endpointId), this.version, this.replyTopic ?? ''), c.topic, false);
        }
        this.client.resumeInflight();
        this.events.push({
          kind: 'up', replyTopic: this.replyTopic, clientId: this.client.clientId,
          responseTopicDiscovered: this.client.connack.responseInformation,
        });
        return;
      }
      case 'message': return this.handleMessage(e.topic, e.payload, e.properties);
      case 'connection-lost':
        if (this.state === BindingState.STOPPED || this.state === BindingState.DISABLED) return;
        this.state = BindingState.CONNECTING;
        this.events.push({ kind: 'down', retryAt: e.retryAt, reasonCode: e.reasonCode });
        return;
      case 'closed':
        if (this.state !== BindingState.DISABLED) this.events.push({ kind: 'closed' });
        return;
      default:
        return;
    }
  }

  /** R-MQTT.15: configured filters + "subscribe-topic" User Properties + the "reply to" Topic. */
  private subscribeAll(now: number, connack: Mqtt5Properties): void {
    const v5 = this.version === MqttVersion.V5;
    const subs: SubscriptionFields[] = this.subscriptions.slice();
    if (v5) for (const [name, value] of connack.userProperties ?? []) if (name === 'subscribe-topic') subs.push({ topicFilter: value, qos: 1 });
    // R-MQTT.16: nothing configured and nothing offered by the server.
    if (subs.length === 0) return this.disable(now, 'R-MQTT.16: no subscription configured or offered');
    // R-MQTT.21 / ResponseTopicDiscovered overrides ResponseTopicConfigured.
    this.replyTopic = (v5 ? connack.responseInformation : undefined) ?? this.config.responseTopicConfigured ?? firstExactTopic(subs);
    const reply = this.replyTopic;
    if (reply !== undefined) {
      // 3.1.1 senders append "/reply-to=…" to our topic, so the filter must be wildcarded.
      const probe = v5 ? reply : withReplyTo(reply, 'x');
      if (!subs.some((s) => topicMatches(s.topicFilter, probe))) subs.push({ topicFilter: v5 ? reply : reply + '/#', qos: this.config.publishQoS });
    }
    this.state = BindingState.SUBSCRIBING;
    if (this.client.subscribe(subs) !== MqttError.OK) this.disable(now, 'R-MQTT.17: SUBSCRIBE could not be sent');
  }

  private handleMessage(topic: string, payload: Uint8Array, p: Mqtt5Properties): void {
    if (this.state !== BindingState.UP) return;
    let replyTopic: string | undefined;
    if (this.version === MqttVersion.V5) {
      // R-MQTT.27a: another Content Type is not a USP Record.
      if (p.contentType !== undefined && p.contentType !== USP_CONTENT_TYPE && p.contentType !== USP_MEDIA_TYPE) return;
      replyTopic = p.responseTopic; // R-MQTT.26
    } else {
      replyTopic = replyToOf(topic); // R-MQTT.25
    }
    this.events.push({ kind: 'record', bytes: payload, replyTopic, topic });
  }

  /** R-MQTT.18/19/22/23/24/27, PublishQoS capped by the server's Maximum QoS and Retain Available. */
  private publishRecord(bytes: Uint8Array, topic: string, retain: boolean): MqttError {
    const connack = this.client.connack;
    const qos = Math.min(this.config.publishQoS, connack.maximumQoS ?? 1) as 0 | 1;
    const keepRetain = retain && connack.retainAvailable !== 0;
    const reply = this.replyTopic;
    if (this.version === MqttVersion.V5) {
      const properties: Mqtt5Properties = { contentType: USP_CONTENT_TYPE };
      if (reply !== undefined) properties.responseTopic = reply;
      return this.client.publish(topic, bytes, qos, properties, keepRetain);
    }
    return this.client.publish(reply !== undefined ? withReplyTo(topic, reply) : topic, bytes, qos, undefined, keepRetain);
  }

  private disable(now: number, reason: string): void {
    this.state = BindingState.DISABLED;
    if (this.client.state !== ClientState.IDLE) this.client.disconnect(now);
    this.events.push({ kind: 'disabled', reason });
  }

  private address(toId: string): { version: string; toId: string; fromId: string } {
    return { version: this.config.recordVersion ?? '1.3', toId, fromId: this.config.endpointId };
  }
}

function firstExactTopic(subs: readonly SubscriptionFields[]): string | undefined {
  for (const s of subs) if (s.topicFilter.indexOf('+') < 0 && s.topicFilter.indexOf('#') < 0) return s.topicFilter;
  return undefined;
}
