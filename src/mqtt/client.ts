/**
 * Sans-I/O MQTT client (MQTT 3.1.1 and 5.0) over a byte-stream port: the
 * quinn/h11 shape (STYLE.md §2). Input: `handleTransportUp/Down`, `handleBytes(now,…)`,
 * `handleTimeout(now)`. Commands: `connect`, `publish`, `subscribe`, `unsubscribe`,
 * `disconnect`. Output, drained after every input in this order: `pollTransmit(out)`
 * (bytes for the stream), `pollTransportCommand()` (open/close the stream),
 * `pollEvent()` (application events), `pollTimeout()` (the one deadline to arm).
 *
 * Invariants: no I/O, clock or randomness of its own (`now` is given, `random` is
 * injected, so back-off is deterministic); an incoming packet larger than
 * `maximumPacketSize` or malformed ends the connection with an error value, never a
 * throw (5.0 §4.13); the receive buffer, the transmit queue and the inflight window
 * are bounded; unacknowledged QoS 1 PUBLISHes are resent after a reconnect (5.0 §4.4).
 */
import { connectRetryDelayMs, DEFAULT_CONNECT_RETRY, type ConnectRetryConfig } from './backoff.ts';
import { emitConnect, emitDisconnect, emitPingreq, emitPuback, emitPublish, emitSubscribe, emitUnsubscribe, type SubscriptionFields, type WillFields } from './packets.ts';
import { BAD_LENGTH, frameLength, NEED_MORE, PacketView } from './packet-view.ts';
import { PacketWriter } from './packet-writer.ts';
import { SessionState } from './session-state.ts';
import { ClientState, TransportCommand, type MqttEvent } from './events.ts';
import { disconnectReasonFor, MqttError, MqttVersion, PacketType, type Mqtt5Properties, type UserProperty } from './types.ts';

export interface MqttClientConfig {
  readonly version: MqttVersion;
  /** R-MQTT.8: may be empty (5.0: the server assigns one). */
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: Uint8Array | undefined;
  /** CONNECT Keep Alive, seconds; 0 = no keep-alive (R-MQTT.14). */
  readonly keepAliveS: number;
  readonly cleanStart: boolean;
  /** Largest packet we accept; sizes the receive buffer; 5.0 sends it as Maximum Packet Size. */
  readonly maximumPacketSize: number;
  /** 5.0 CONNECT properties. */
  readonly sessionExpiryIntervalS?: number | undefined;
  readonly requestResponseInformation?: boolean | undefined;
  readonly userProperties?: UserProperty[] | undefined;
  readonly will?: WillFields | undefined;
  readonly retry?: ConnectRetryConfig | undefined;
  /** Time allowed for the stream to open and CONNACK to arrive. */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * Keep the QoS 1 PUBLISHes left from an earlier connection until `resumeInflight`
   * (the USP binding first sends its Connect Record, R-MTP.8).
   */
  readonly holdInflightAfterConnect?: boolean | undefined;
  /** Most unacknowledged QoS 1 PUBLISHes kept (queued while offline included). */
  readonly maxInflight?: number | undefined;
  /** Bound of the transmit queue, bytes. */
  readonly transmitLimit?: number | undefined;
  /** Uniform random in [0, 1) — the platform's, or a seeded one in tests. */
  readonly random: () => number;
}

export class MqttClient {
  state: ClientState = ClientState.IDLE;
  /** Effective client id: the configured one, or the Assigned Client Identifier (R-MQTT.9, R-MQTT.11). */
  clientId: string;
  /** The last CONNACK's properties (5.0): Response Information, Maximum QoS, … */
  connack: Mqtt5Properties = {};
  readonly version: MqttVersion;

  private readonly rx: Uint8Array;
  private rxStart = 0;
  private rxEnd = 0;
  private readonly tx: PacketWriter;
  private readonly view = new PacketView();
  private readonly events: MqttEvent[] = [];
  private readonly commands: TransportCommand[] = [];
  private readonly session: SessionState;
  private attempt = 0;
  private keepAliveMs: number;
  private lastTxAt = 0;
  private txPackets = 0;
  private pingDeadline = -1;
  private connectDeadline = -1;
  private retryAt = -1;
  /** Time of the latest input; commands between inputs happen "now". */
  private now = 0;

  constructor(readonly config: MqttClientConfig) {
    this.version = config.version;
    this.clientId = config.clientId;
    this.keepAliveMs = config.keepAliveS * 1000;
    this.rx = new Uint8Array(config.maximumPacketSize);
    this.tx = new PacketWriter(config.transmitLimit ?? Math.max(4096, 2 * config.maximumPacketSize));
    this.session = new SessionState(config.maxInflight ?? 16);
  }

  // ---- commands ----

  /** Starts connecting (R-MQTT.6): asks the driver for a stream. */
  connect(now: number): void {
    this.now = now;
    if (this.state !== ClientState.IDLE && this.state !== ClientState.WAITING_RETRY) return;
    this.state = ClientState.OPENING;
    this.retryAt = -1;
    this.connectDeadline = now + (this.config.connectTimeoutMs ?? 10_000);
    this.commands.push(TransportCommand.OPEN);
  }

  /** Sends DISCONNECT (R-MQTT.35) when connected, then asks the driver to close; no retry follows. */
  disconnect(now: number, reasonCode = 0): void {
    this.now = now;
    if (this.state === ClientState.CONNECTED) emitDisconnect(this.tx, this.version, reasonCode);
    const hadStream = this.state === ClientState.OPENING || this.state === ClientState.CONNECTING || this.state === ClientState.CONNECTED;
    this.stopTimers();
    this.state = ClientState.IDLE;
    if (hadStream) this.commands.push(TransportCommand.CLOSE);
    this.events.push({ kind: 'closed', at: now });
  }

  /**
   * Publishes an Application Message. QoS 1 messages are kept until PUBACK and are
   * queued while offline; QoS 0 needs a connection. The payload is not copied: the
   * caller must not change it until acknowledged.
   */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1, properties?: Mqtt5Properties, retain = false): MqttError {
    if (topic.length === 0 || hasWildcard(topic)) return MqttError.BAD_ARGUMENT;
    if (qos === 0) {
      if (this.state !== ClientState.CONNECTED) return MqttError.NOT_CONNECTED;
      return this.sent(emitPublish(this.tx, this.version, { topic, payload, qos, retain, dup: false, packetId: 0, properties }, this.session.maximumPacketSize));
    }
    const err = this.session.add(topic, payload, retain, properties);
    if (err !== MqttError.OK || this.state !== ClientState.CONNECTED) return err;
    return this.sent(this.session.flush(this.tx, this.version));
  }

  subscribe(subscriptions: readonly SubscriptionFields[], properties?: Mqtt5Properties): MqttError {
    if (this.state !== ClientState.CONNECTED) return MqttError.NOT_CONNECTED;
    const id = this.session.allocatePacketId();
    if (id === 0) return MqttError.INFLIGHT_FULL;
    const err = this.sent(emitSubscribe(this.tx, this.version, id, subscriptions, properties));
    if (err === MqttError.OK) this.session.expect(id, { unsubscribe: false, topicFilters: subscriptions.map((s) => s.topicFilter) });
    return err;
  }

  /** UNSUBSCRIBE (R-MQTT.34). */
  unsubscribe(topicFilters: readonly string[]): MqttError {
    if (this.state !== ClientState.CONNECTED) return MqttError.NOT_CONNECTED;
    const id = this.session.allocatePacketId();
    if (id === 0) return MqttError.INFLIGHT_FULL;
    const err = this.sent(emitUnsubscribe(this.tx, this.version, id, topicFilters));
    if (err === MqttError.OK) this.session.expect(id, { unsubscribe: true, topicFilters: topicFilters.slice() });
    return err;
  }

  // ---- input ----

  /** The driver's stream is open: send CONNECT. */
  handleTransportUp(now: number): void {
    this.now = now;
    if (this.state !== ClientState.OPENING) return;
    this.state = ClientState.CONNECTING;
    this.rxStart = 0;
    this.rxEnd = 0;
    this.tx.clear();
    const c = this.config;
    let properties: Mqtt5Properties | undefined;
    if (this.version === MqttVersion.V5) {
      properties = { maximumPacketSize: c.maximumPacketSize, topicAliasMaximum: 0 };
      if (c.sessionExpiryIntervalS !== undefined) properties.sessionExpiryInterval = c.sessionExpiryIntervalS;
      if (c.requestResponseInformation === true) properties.requestResponseInformation = 1;
      if (c.userProperties !== undefined) properties.userProperties = c.userProperties;
    }
    this.sent(emitConnect(this.tx, this.version, {
      clientId: this.clientId, keepAliveS: c.keepAliveS, cleanStart: c.cleanStart,
      username: c.username, password: c.password, will: c.will, properties,
    }));
  }

  /** The stream closed or failed to open. */
  handleTransportDown(now: number): void {
    this.now = now;
    if (this.state === ClientState.OPENING || this.state === ClientState.CONNECTING || this.state === ClientState.CONNECTED) {
      this.lose(now, MqttError.OK, -1, false);
    }
  }

  /** Bytes from the stream, `data[start, end)`; packets may span calls. */
  handleBytes(now: number, data: Uint8Array, start: number, end: number): void {
    this.now = now;
    while (start < end && (this.state === ClientState.CONNECTING || this.state === ClientState.CONNECTED)) {
      if (this.rxStart > 0) {
        this.rx.copyWithin(0, this.rxStart, this.rxEnd);
        this.rxEnd -= this.rxStart;
        this.rxStart = 0;
      }
      const n = Math.min(end - start, this.rx.length - this.rxEnd);
      this.rx.set(data.subarray(start, start + n), this.rxEnd);
      this.rxEnd += n;
      start += n;
      for (;;) {
        const len = frameLength(this.rx, this.rxStart, this.rxEnd);
        if (len === NEED_MORE) break;
        if (len === BAD_LENGTH) return this.fail(now, MqttError.MALFORMED);
        if (len > this.rx.length) return this.fail(now, MqttError.TOO_LARGE);
        if (this.rxStart + len > this.rxEnd) break;
        const at = this.rxStart;
        this.rxStart += len;
        const err = this.view.wrap(this.rx, at, at + len, this.version);
        if (err !== MqttError.OK) return this.fail(now, err);
        this.handlePacket(now);
        if (this.state !== ClientState.CONNECTING && this.state !== ClientState.CONNECTED) return;
      }
    }
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.connectDeadline >= 0 && now >= this.connectDeadline) { this.lose(now, MqttError.OK, -1, true); return; }
    if (this.retryAt >= 0 && now >= this.retryAt) { this.connect(now); return; }
    if (this.state !== ClientState.CONNECTED) return;
    if (this.pingDeadline >= 0 && now >= this.pingDeadline) { this.lose(now, MqttError.OK, -1, true); return; }
    if (this.keepAliveMs > 0 && this.pingDeadline < 0 && now >= this.lastTxAt + this.keepAliveMs) {
      if (this.sent(emitPingreq(this.tx)) === MqttError.OK) {
        this.lastTxAt = now;
        this.pingDeadline = now + this.keepAliveMs;
      }
    }
  }

  // ---- output ----

  /** Copies queued bytes into `out`; returns how many (0 = nothing to send). */
  pollTransmit(out: Uint8Array): number {
    return this.tx.read(out);
  }

  pollTransportCommand(): TransportCommand | undefined {
    return this.commands.shift();
  }

  pollEvent(): MqttEvent | undefined {
    return this.events.shift();
  }

  /** The earliest deadline, or undefined when none is armed. */
  pollTimeout(): number | undefined {
    let t = -1;
    const take = (d: number): void => { if (d >= 0 && (t < 0 || d < t)) t = d; };
    take(this.connectDeadline);
    take(this.retryAt);
    if (this.state === ClientState.CONNECTED) {
      take(this.pingDeadline);
      if (this.keepAliveMs > 0 && this.pingDeadline < 0) take(this.lastTxAt + this.keepAliveMs);
    }
    return t < 0 ? undefined : t;
  }

  /** Unacknowledged QoS 1 messages (sent or queued). */
  get inflightCount(): number {
    return this.session.inflightCount;
  }

  // ---- internals ----

  private handlePacket(now: number): void {
    const v = this.view;
    if (this.state === ClientState.CONNECTING) {
      if (v.type !== PacketType.CONNACK) return this.fail(now, MqttError.PROTOCOL);
      return this.handleConnack(now);
    }
    switch (v.type) {
      case PacketType.PUBLISH: {
        this.events.push({
          kind: 'message', topic: v.topic, payload: this.rx.slice(v.payloadStart, v.payloadEnd),
          qos: v.qos, retain: v.retain, properties: v.properties,
        });
        if (v.qos === 1) this.sent(emitPuback(this.tx, this.version, v.packetId));
        return;
      }
      case PacketType.PUBACK: {
        if (this.session.acknowledge(v.packetId)) {
          this.events.push({ kind: 'acknowledged', packetId: v.packetId, reasonCode: v.reasonCode });
          this.sent(this.session.flush(this.tx, this.version));
        }
        return;
      }
      case PacketType.SUBACK:
      case PacketType.UNSUBACK: {
        const p = this.session.answer(v.packetId);
        if (p === undefined) return;
        this.events.push({ kind: p.unsubscribe ? 'unsubscribed' : 'subscribed', topicFilters: p.topicFilters, reasonCodes: v.reasonCodes.slice() });
        return;
      }
      case PacketType.PINGRESP:
        this.pingDeadline = -1;
        return;
      case PacketType.DISCONNECT:
        return this.lose(now, MqttError.OK, v.reasonCode, true);
      default:
        return this.fail(now, MqttError.PROTOCOL);
    }
  }

  private handleConnack(now: number): void {
    const v = this.view;
    this.connectDeadline = -1;
    // 3.1.1 §3.2.2.3: return code 0 accepts; 5.0 §3.2.2.2: reason codes ≥ 0x80 refuse.
    if (v.reasonCode !== 0) {
      this.events.push({ kind: 'refused', reasonCode: v.reasonCode });
      return this.lose(now, MqttError.OK, v.reasonCode, true);
    }
    const p = v.properties;
    this.connack = p;
    this.state = ClientState.CONNECTED;
    this.attempt = 0;
    this.pingDeadline = -1;
    if (p.assignedClientIdentifier !== undefined) this.clientId = p.assignedClientIdentifier;
    this.keepAliveMs = (p.serverKeepAlive ?? this.config.keepAliveS) * 1000;
    this.session.receiveMaximum = p.receiveMaximum ?? 65_535;
    this.session.maximumPacketSize = p.maximumPacketSize ?? 268_435_460;
    // 5.0 §4.4: resend unacknowledged PUBLISHes, with DUP set when the session is still present.
    this.session.reconnected(v.sessionPresent, this.config.holdInflightAfterConnect === true);
    this.events.push({ kind: 'connected', sessionPresent: v.sessionPresent, clientId: this.clientId, properties: p });
    this.sent(this.session.flush(this.tx, this.version));
  }

  /** Releases the PUBLISHes kept by `holdInflightAfterConnect`. */
  resumeInflight(): MqttError {
    this.session.resume();
    return this.state === ClientState.CONNECTED ? this.sent(this.session.flush(this.tx, this.version)) : MqttError.OK;
  }

  /** Any packet sent counts as keep-alive activity (5.0 §3.1.2.10); `now` is the last input's time, never later than the real one. */
  private sent(err: MqttError): MqttError {
    if (this.tx.packets !== this.txPackets) { this.txPackets = this.tx.packets; this.lastTxAt = this.now; }
    return err;
  }

  /** A protocol violation by the server: 5.0 DISCONNECT with the reason, then close (5.0 §4.13). */
  private fail(now: number, err: MqttError): void {
    // 5.0 §4.13.1: tell the server why, once connected; before CONNACK just close.
    if (this.version === MqttVersion.V5 && this.state === ClientState.CONNECTED) emitDisconnect(this.tx, this.version, disconnectReasonFor(err));
    this.lose(now, err, -1, true);
  }

  /** The connection is gone: close the stream, report, and enter the retry state (R-MQTT.10, R-MQTT.33). */
  private lose(now: number, err: MqttError, reasonCode: number, closeStream: boolean): void {
    this.stopTimers();
    this.session.dropPending();
    this.state = ClientState.WAITING_RETRY;
    if (closeStream) this.commands.push(TransportCommand.CLOSE);
    this.attempt++;
    this.retryAt = now + connectRetryDelayMs(this.attempt, this.config.retry ?? DEFAULT_CONNECT_RETRY, this.config.random);
    this.events.push({ kind: 'connection-lost', error: err, reasonCode, retryAt: this.retryAt });
  }

  private stopTimers(): void {
    this.connectDeadline = -1;
    this.pingDeadline = -1;
    this.retryAt = -1;
  }
}

/** Topic Names carry no wildcards (5.0 §4.7.1). */
function hasWildcard(topic: string): boolean {
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c === 0x23 || c === 0x2b) return true;
  }
  return false;
}
