/**
 * Emitters for the control packets a client sends (MQTT 3.1.1 §3, MQTT 5.0 §3):
 * CONNECT, PUBLISH, PUBACK, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT. Each takes a
 * `…Fields` object and the protocol version and appends one whole packet to the
 * writer, or nothing (the error value says why). MQTT 5.0 adds a property block after
 * each variable header and reason codes in PUBACK/DISCONNECT; 3.1.1 has neither.
 */
import { MAX_REMAINING_LENGTH, type PacketWriter } from './packet-writer.ts';
import { writeProperties } from './properties.ts';
import { MqttError, MqttVersion, PacketType, type Mqtt5Properties } from './types.ts';

export interface WillFields {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly properties?: Mqtt5Properties;
}

export interface ConnectFields {
  readonly clientId: string;
  readonly keepAliveS: number;
  readonly cleanStart: boolean;
  readonly username?: string | undefined;
  readonly password?: Uint8Array | undefined;
  readonly will?: WillFields | undefined;
  /** MQTT 5.0 only (§3.1.2.11). */
  readonly properties?: Mqtt5Properties | undefined;
}

export interface PublishFields {
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly dup: boolean;
  /** 1..65535 when qos > 0 (§2.2.1). */
  readonly packetId: number;
  readonly properties?: Mqtt5Properties | undefined;
}

export interface SubscriptionFields {
  readonly topicFilter: string;
  /** Maximum QoS (0 or 1; this client does not implement QoS 2). */
  readonly qos: 0 | 1;
}

/** "MQTT" protocol name (§3.1.2.1). */
const PROTOCOL_NAME = 'MQTT';

export function emitConnect(w: PacketWriter, version: MqttVersion, f: ConnectFields): MqttError {
  const m = w.beginPacket();
  w.utf8(PROTOCOL_NAME);
  w.byte(version);
  let flags = f.cleanStart ? 0x02 : 0;
  if (f.will !== undefined) flags |= 0x04 | (f.will.qos << 3) | (f.will.retain ? 0x20 : 0);
  if (f.password !== undefined) flags |= 0x40;
  if (f.username !== undefined) flags |= 0x80;
  w.byte(flags);
  w.u16(f.keepAliveS);
  if (version === MqttVersion.V5) writeProperties(w, f.properties);
  w.utf8(f.clientId);
  if (f.will !== undefined) {
    if (version === MqttVersion.V5) writeProperties(w, f.will.properties);
    w.utf8(f.will.topic);
    w.binary(f.will.payload);
  }
  if (f.username !== undefined) w.utf8(f.username);
  if (f.password !== undefined) w.binary(f.password);
  return w.endPacket(m, PacketType.CONNECT << 4);
}

/** `maxSize` = the server's Maximum Packet Size (5.0 §3.2.2.3.6). */
export function emitPublish(w: PacketWriter, version: MqttVersion, f: PublishFields, maxSize = MAX_REMAINING_LENGTH): MqttError {
  const m = w.beginPacket();
  w.utf8(f.topic);
  if (f.qos > 0) w.u16(f.packetId);
  if (version === MqttVersion.V5) writeProperties(w, f.properties);
  w.raw(f.payload, 0, f.payload.length);
  const first = (PacketType.PUBLISH << 4) | (f.dup ? 0x08 : 0) | (f.qos << 1) | (f.retain ? 1 : 0);
  return w.endPacket(m, first, maxSize);
}

/** PUBACK; MQTT 5.0 omits reason code 0 and empty properties (§3.4.2.1). */
export function emitPuback(w: PacketWriter, version: MqttVersion, packetId: number, reasonCode = 0): MqttError {
  const m = w.beginPacket();
  w.u16(packetId);
  if (version === MqttVersion.V5 && reasonCode !== 0) w.byte(reasonCode);
  return w.endPacket(m, PacketType.PUBACK << 4);
}

export function emitSubscribe(
  w: PacketWriter, version: MqttVersion, packetId: number,
  subscriptions: readonly SubscriptionFields[], properties?: Mqtt5Properties,
): MqttError {
  if (subscriptions.length === 0) return MqttError.BAD_ARGUMENT;
  const m = w.beginPacket();
  w.u16(packetId);
  if (version === MqttVersion.V5) writeProperties(w, properties);
  for (const s of subscriptions) { w.utf8(s.topicFilter); w.byte(s.qos); }
  // §3.8.1: bits 3..0 of the SUBSCRIBE fixed header are reserved and MUST be 0,0,1,0.
  return w.endPacket(m, (PacketType.SUBSCRIBE << 4) | 0x02);
}

export function emitUnsubscribe(w: PacketWriter, version: MqttVersion, packetId: number, topicFilters: readonly string[]): MqttError {
  if (topicFilters.length === 0) return MqttError.BAD_ARGUMENT;
  const m = w.beginPacket();
  w.u16(packetId);
  if (version === MqttVersion.V5) writeProperties(w, undefined);
  for (const t of topicFilters) w.utf8(t);
  return w.endPacket(m, (PacketType.UNSUBSCRIBE << 4) | 0x02);
}

export function emitPingreq(w: PacketWriter): MqttError {
  return w.endPacket(w.beginPacket(), PacketType.PINGREQ << 4);
}

/** DISCONNECT; 3.1.1 has no body, 5.0 omits reason 0 without properties (§3.14.2.1). */
export function emitDisconnect(w: PacketWriter, version: MqttVersion, reasonCode = 0, properties?: Mqtt5Properties): MqttError {
  const m = w.beginPacket();
  if (version === MqttVersion.V5 && (reasonCode !== 0 || properties !== undefined)) {
    w.byte(reasonCode);
    writeProperties(w, properties);
  }
  return w.endPacket(m, PacketType.DISCONNECT << 4);
}
