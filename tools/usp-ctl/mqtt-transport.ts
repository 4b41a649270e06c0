/**
 * usp-ctl's MQTT MTP (TR-369 "MQTT Binding", Controller side): our own MQTT client and
 * USP binding (src/mtp/mqtt) over the Node TCP/TLS driver. We subscribe to our topic
 * (R-MQTT.15; on 3.1.1 as `<topic>/#`, for "/reply-to=" replies), publish requests to
 * the agent's topic with our topic as "reply to" (5.0 Response Topic, 3.1.1 suffix:
 * R-MQTT.22–24) and hand every received Record to `onRecord` with its "reply to"
 * (R-MQTT.25/26) so a NotifyResp goes back where the agent wants it.
 */
import { randomInt } from 'node:crypto';
import { MqttVersion, UspMqttBinding, type UspMqttEvent } from '../../src/mtp/mqtt/index.ts';
import { MqttStreamDriver } from '../../src/platform/node/stream-transport.ts';

export interface MqttTransportOptions {
  /** mqtt[s]://[user[:password]@]host[:port] */
  readonly url: string;
  /** Our Endpoint ID (usp-endpoint-id User Property, 3.1.1 ClientId). */
  readonly endpointId: string;
  /** Our topic: subscribed to, and the "reply to" of every request. */
  readonly topic: string;
  readonly version?: MqttVersion;
  /** PEM CA for mqtts. */
  readonly ca?: string;
  /** Connect + subscribe deadline, ms. */
  readonly timeoutMs?: number;
}

export class MqttTransport {
  /** Called with each received Record and the sender's "reply to" Topic (if any). */
  onRecord: ((bytes: Uint8Array, replyTopic: string | undefined) => void) | null = null;

  private constructor(private readonly binding: UspMqttBinding, private readonly driver: MqttStreamDriver) {}

  /** Connects, subscribes and resolves once Records can flow. */
  static open(o: MqttTransportOptions): Promise<MqttTransport> {
    let u: URL;
    try {
      u = new URL(o.url);
    } catch {
      return Promise.reject(new Error(`--mqtt: "${o.url}" is not a URL`));
    }
    if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') return Promise.reject(new Error(`--mqtt: "${o.url}" must be mqtt:// or mqtts://`));
    const tls = u.protocol === 'mqtts:';
    if (tls && o.ca === undefined) return Promise.reject(new Error('--mqtt mqtts://… needs --mqtt-ca <file.pem>'));
    const v5 = (o.version ?? MqttVersion.V5) === MqttVersion.V5;
    const password = decodeURIComponent(u.password);
    const binding = new UspMqttBinding({
      endpointId: o.endpointId, controllers: [], publishQoS: 1, responseTopicConfigured: o.topic,
      subscriptions: [{ topicFilter: v5 ? o.topic : `${o.topic}/#`, qos: 1 }], // "t/#" matches "t" too
      client: {
        version: v5 ? MqttVersion.V5 : MqttVersion.V3_1_1, clientId: '', keepAliveS: 60, cleanStart: true, maximumPacketSize: 1 << 20,
        username: u.username === '' ? undefined : decodeURIComponent(u.username),
        password: password === '' ? undefined : new TextEncoder().encode(password),
        random: () => randomInt(0, 2 ** 32) / 2 ** 32,
      },
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      let t: MqttTransport | null = null;
      const timer = setTimeout(() => finish(new Error(`MQTT broker ${u.host} not reached within ${o.timeoutMs ?? 10000} ms`)), o.timeoutMs ?? 10000);
      function finish(err: Error | null): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err === null) resolve(t!);
        else { driver.close(); reject(err); }
      }
      const handle = (e: UspMqttEvent): void => {
        if (e.kind === 'up') finish(null);
        else if (e.kind === 'disabled') finish(new Error(`MQTT: ${e.reason}`));
        else if (e.kind === 'down' && !settled) finish(new Error(`MQTT broker ${u.host} refused or closed the connection (reason ${e.reasonCode})`));
        else if (e.kind === 'record') t?.onRecord?.(e.bytes, e.replyTopic);
      };
      const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
      const driver = new MqttStreamDriver(binding, {
        host, port: u.port === '' ? (tls ? 8883 : 1883) : Number(u.port),
        tls: tls ? { ca: o.ca! } : undefined,
        onService() { for (let e = binding.pollEvent(); e !== undefined; e = binding.pollEvent()) handle(e); },
      });
      t = new MqttTransport(binding, driver);
      binding.start(performance.now());
      driver.service();
    });
  }

  /** Publishes a Record to `topic`; returns an MqttError (0 = sent). */
  send(bytes: Uint8Array, topic: string): number {
    const err = this.binding.sendRecord(bytes, topic);
    this.driver.service();
    return err;
  }

  /** DISCONNECT (no DisconnectRecord: we configured no peers), then close the socket. */
  close(): void {
    this.binding.stop(performance.now());
    this.driver.service();
    this.driver.close();
  }
}
