/**
 * The MQTT MTP of the host agent (TR-369 "MQTT Binding"): UspMqttBinding driven by the
 * Node TCP/TLS driver, fed from and reporting to the data model.
 *
 * Received Records go to agent.handleRecord with origin.reply = an MqttReply (the
 * sender's "reply to" Topic, R-MQTT.25/26, or undefined when it gave none). Responses
 * go back on that Topic; without one, on the Controller's
 * Controller.{i}.MTP.{i}.MQTT.Topic (usp-js sends no "reply to"). Notify Records go to
 * that Topic too. PublishRetainResponse / PublishRetainNotify set RETAIN.
 *
 * Connection state is written to the model (volatile): MQTT.Client.{i}.Status,
 * ResponseInformation, Subscription.{i}.Status, LocalAgent.MTP.{i}.Status and
 * MQTT.ResponseTopicDiscovered; the assigned ClientID is saved (R-MQTT.9).
 * A Controller's change of Subscription.{i}.Enable/Topic/QoS (or an added/deleted row)
 * applies at once: UNSUBSCRIBE/SUBSCRIBE while connected (R-MQTT.34).
 * close() sends a DisconnectRecord to every Controller, then DISCONNECT (R-MTP.7/9).
 */
import type { Agent, MtpOrigin } from '../../agent/index.ts';
import { WriteMode, type ChangeListener, type DataModelApi, type ObjectInstance } from '../../dm/index.ts';
import { MqttError } from '../../mqtt/index.ts';
import { BindingState, UspMqttBinding, type UspMqttEvent } from './binding.ts';
import type { StreamMachine } from '../../platform/stream.ts';
import type { Platform } from '../../platform/types.ts';
import {
  controllerMqtt, provisionMqtt, provisionMqttControllers, read, readMqttConfig, readSubscriptions, type MqttRows,
} from './provision.ts';

/** origin.reply of a Record that came over MQTT. */
export class MqttReply {
  constructor(readonly topic: string | undefined) {}
}

/** The byte-stream side of MQTT (TCP or TLS), driven by the platform: Node's node:net/tls driver, Moddable's ECMA-419 TCP. */
export interface MqttTransport {
  /** Runs one round: transmit, transport commands, events, timer. */
  service(): void;
  close(): void;
}

export interface MqttTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Present: MQTT over TLS, the broker certificate chained to `ca` (R-MTP.1). */
  readonly tls?: { readonly ca: string } | undefined;
  readonly now: () => number;
  readonly onError: (message: string) => void;
  readonly onService: () => void;
}

/** Opens the platform's stream transport for an MQTT machine (supplied by the entry point). */
export type OpenMqttTransport = (machine: StreamMachine, options: MqttTransportOptions) => MqttTransport;

export interface MqttMtpConfig {
  readonly platform: Platform;
  readonly openTransport: OpenMqttTransport;
  readonly agent: Agent;
  readonly model: DataModelApi;
  readonly endpointId: string;
  readonly rows: MqttRows;
  /** PEM CA for mqtts (TransportProtocol TLS). */
  readonly caPem?: string | undefined;
  /** Largest Record received or sent (the agent's bound): sizes the MQTT receive buffer (default 64 KiB). */
  readonly maxRecordBytes?: number | undefined;
  /** Called after Records were handed to the agent (drain agent.pollTransmit). */
  readonly onService: () => void;
  /** Called once per connection, with our "reply to" Topic. */
  readonly onUp?: ((replyTopic: string) => void) | undefined;
}

export interface MqttMtp {
  readonly binding: UspMqttBinding;
  /** Subscribed and Connect Records sent (R-MTP.6): Records flow. */
  readonly up: boolean;
  /** A response to a Record that came over MQTT. Returns an MqttError (0 = published). */
  sendResponse(reply: MqttReply, endpointId: string, bytes: Uint8Array): MqttError;
  /** A Notify Record to the Controller's MQTT Topic. Returns an MqttError. */
  sendNotify(endpointId: string, bytes: Uint8Array): MqttError;
  /** DisconnectRecord + DISCONNECT, then the socket closes (idempotent). */
  close(reasonCode?: number, reason?: string): void;
  /** Applies Subscription rows a Controller changed (call after each processed Record). */
  applySubscriptionChanges(): void;
}

export function startMqttMtp(c: MqttMtpConfig): MqttMtp {
  const { platform, model, rows } = c;
  const log = platform.log;
  const random = new Uint32Array(1);
  const config = readMqttConfig(model, c.endpointId, rows, () => {
    platform.randomBytes(new Uint8Array(random.buffer));
    return random[0]! / 4294967296; // 2^32, without Math.pow (inexact in Espruino)
  }, c.maxRecordBytes);
  const binding = new UspMqttBinding(config);
  const tls = read(model, rows.client, 'TransportProtocol') === 'TLS';
  const host = read(model, rows.client, 'BrokerAddress');
  const port = Number(read(model, rows.client, 'BrokerPort')) || (tls ? 8883 : 1883);
  let closed = false;

  function note(inst: ObjectInstance | undefined, values: readonly (readonly [string, string])[]): void {
    if (inst === undefined) return;
    const tx = model.begin();
    for (const [name, value] of values) {
      if (read(model, inst, name) !== value && tx.set(inst, name, value, WriteMode.Agent) !== 0) log.debug(`${inst.path}${name}: ${tx.message}`);
    }
    if (tx.commit() !== 0) tx.rollback();
  }

  function subscriptionStatus(status: string): void {
    for (const s of rows.client.table('Subscription')?.rows ?? []) {
      note(s, [['Status', read(model, s, 'Enable') === 'true' ? status : 'Unsubscribed']]);
    }
  }

  function handleEvent(e: UspMqttEvent): void {
    const now = platform.now();
    switch (e.kind) {
      case 'record': {
        const origin: MtpOrigin = { reply: new MqttReply(e.replyTopic), secure: false, peerEndpointId: '' };
        c.agent.handleRecord(now, e.bytes, 0, e.bytes.length, origin);
        return;
      }
      case 'up': {
        log.info(`MQTT up: broker ${host}:${port}, reply-to ${e.replyTopic ?? '(none)'}, client id ${e.clientId}`);
        const saved = read(model, rows.client, 'ClientID');
        note(rows.client, [
          ['Status', 'Connected'], ['ResponseInformation', e.responseTopicDiscovered ?? ''],
          ...(saved === '' && e.clientId !== '' ? [['ClientID', e.clientId] as const] : []), // R-MQTT.9
        ]);
        note(rows.mtp, [['Status', 'Up']]);
        note(rows.mtp.child('MQTT'), [['ResponseTopicDiscovered', e.responseTopicDiscovered ?? '']]);
        subscriptionStatus('Subscribed');
        c.onUp?.(e.replyTopic ?? '');
        return;
      }
      case 'down':
        log.warn(`MQTT down (reason ${e.reasonCode}); retry in ${Math.max(0, Math.round(e.retryAt - now))} ms`);
        note(rows.client, [['Status', e.reasonCode >= 0 ? 'Error' : 'Error_BrokerUnreachable']]);
        note(rows.mtp, [['Status', 'Down']]);
        subscriptionStatus('Unsubscribed');
        return;
      case 'disabled':
        log.error(`MQTT MTP disabled: ${e.reason}`);
        note(rows.client, [['Status', 'Error_Misconfigured']]);
        note(rows.mtp, [['Status', 'Error']]);
        subscriptionStatus('Error');
        return;
      case 'closed':
        if (!closed) log.debug('MQTT connection closed');
        return;
    }
  }

  const driver = c.openTransport(binding, {
    host, port,
    tls: tls ? { ca: c.caPem ?? '' } : undefined,
    now: () => platform.now(),
    onError: (m) => log.info(`MQTT socket: ${m}`),
    onService() {
      let any = false;
      for (let e = binding.pollEvent(); e !== undefined; e = binding.pollEvent()) { handleEvent(e); any = true; }
      if (any) c.onService();
    },
  });

  // R-MQTT.34: Subscription rows changed by a Controller apply while connected.
  const subsPath = rows.client.path + 'Subscription.';
  let subsChanged = false;
  const watchSubscriptions: ChangeListener = {
    handleValueChange(inst, param) {
      if (inst.path.startsWith(subsPath) && param.name !== 'Status') subsChanged = true;
    },
    handleObjectCreation(inst) { if (inst.path.startsWith(subsPath)) subsChanged = true; },
    handleObjectDeletion(path) { if (path.startsWith(subsPath)) subsChanged = true; },
  };
  model.addListener(watchSubscriptions);
  /** After each request: push changed Subscription rows to the binding. */
  function applySubscriptionChanges(): void {
    if (!subsChanged || closed) return;
    subsChanged = false;
    const err = binding.updateSubscriptions(readSubscriptions(model, rows.client));
    if (err !== MqttError.OK) log.warn(`MQTT subscriptions not updated (error ${err})`);
    driver.service();
  }

  note(rows.client, [['Status', 'Connecting']]);
  binding.start(platform.now());
  driver.service();

  function publish(bytes: Uint8Array, topic: string, retain: boolean): MqttError {
    if (closed) return MqttError.NOT_CONNECTED;
    const err = binding.sendRecord(bytes, topic, retain);
    driver.service();
    return err;
  }

  return {
    binding,
    get up() { return binding.state === BindingState.UP; },
    sendResponse(reply, endpointId, bytes) {
      const ctl = controllerMqtt(model, endpointId);
      const topic = reply.topic ?? ctl?.topic;
      if (topic === undefined) return MqttError.BAD_ARGUMENT; // no return path (R-MTP.5)
      return publish(bytes, topic, ctl?.retainResponse ?? false);
    },
    sendNotify(endpointId, bytes) {
      const ctl = controllerMqtt(model, endpointId);
      if (ctl === null) return MqttError.BAD_ARGUMENT;
      return publish(bytes, ctl.topic, ctl.retainNotify);
    },
    applySubscriptionChanges,
    close(reasonCode = 0, reason = '') {
      if (closed) return;
      closed = true;
      model.removeListener(watchSubscriptions);
      binding.stop(platform.now(), reasonCode, reason);
      driver.service();
      driver.close();
      note(rows.client, [['Status', 'Disabled']]);
      note(rows.mtp, [['Status', 'Down']]);
    },
  };
}

/**
 * The MQTT MTP as startHostAgent takes it (HostAgentConfig.mqtt.mtp). The entry point
 * passes it in, so a bundle whose entry does not (start:xs, Moddable) carries no MQTT code.
 */
export const MQTT_MTP = {
  start: startMqttMtp,
  provision: provisionMqtt,
  provisionControllers: provisionMqttControllers,
  isReply: (reply: unknown): reply is MqttReply => reply instanceof MqttReply,
} as const;
export type MqttMtpModule = typeof MQTT_MTP;
