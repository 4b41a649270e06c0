/**
 * The client side of the MQTT Session State (5.0 §4.1, 3.1.1 §4.1): QoS 1 messages
 * not yet acknowledged (sent or queued), SUBSCRIBE/UNSUBSCRIBE waiting for their ack,
 * and Packet Identifier allocation (§2.2.1: non-zero, unique among those in flight).
 * Delivery follows §4.4 (resend after reconnect, DUP when the session survived) and
 * §4.9 (no more than the server's Receive Maximum unacknowledged).
 */
import { emitPublish } from './packets.ts';
import type { PacketWriter } from './packet-writer.ts';
import { MqttError, type Mqtt5Properties, type MqttVersion } from './types.ts';

interface Inflight {
  topic: string; payload: Uint8Array; retain: boolean; properties: Mqtt5Properties | undefined;
  /** Sent on the current connection; `dup` = resend of one sent earlier; `held` = wait for `resume`. */
  sent: boolean; dup: boolean; held: boolean;
}

export interface PendingSubscription { readonly unsubscribe: boolean; readonly topicFilters: string[] }

export class SessionState {
  private readonly inflight = new Map<number, Inflight>();
  private readonly pending = new Map<number, PendingSubscription>();
  private nextPacketId = 1;
  /** Server limits from CONNACK (5.0 §3.2.2.3.3, §3.2.2.3.6). */
  receiveMaximum = 65_535;
  maximumPacketSize = 268_435_460;

  constructor(private readonly maxInflight: number) {}

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** A free Packet Identifier, 0 when all 65,535 are in use. */
  allocatePacketId(): number {
    for (let i = 0; i < 65_535; i++) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 65_535 ? 1 : id + 1;
      if (!this.inflight.has(id) && !this.pending.has(id)) return id;
    }
    return 0;
  }

  /** Queues a QoS 1 message; INFLIGHT_FULL beyond `maxInflight`. */
  add(topic: string, payload: Uint8Array, retain: boolean, properties: Mqtt5Properties | undefined): MqttError {
    if (this.inflight.size >= this.maxInflight) return MqttError.INFLIGHT_FULL;
    const id = this.allocatePacketId();
    if (id === 0) return MqttError.INFLIGHT_FULL;
    this.inflight.set(id, { topic, payload, retain, properties, sent: false, dup: false, held: false });
    return MqttError.OK;
  }

  /** PUBACK: true when it completed one of ours. */
  acknowledge(packetId: number): boolean {
    return this.inflight.delete(packetId);
  }

  expect(packetId: number, p: PendingSubscription): void {
    this.pending.set(packetId, p);
  }

  /** SUBACK/UNSUBACK: the request it answers, if any. */
  answer(packetId: number): PendingSubscription | undefined {
    const p = this.pending.get(packetId);
    if (p !== undefined) this.pending.delete(packetId);
    return p;
  }

  /** Connection lost: acks for SUBSCRIBE/UNSUBSCRIBE will never come. */
  dropPending(): void {
    this.pending.clear();
  }

  /** New connection: everything is to be sent again; `hold` keeps it until `resume`. */
  reconnected(sessionPresent: boolean, hold: boolean): void {
    for (const m of this.inflight.values()) {
      if (m.sent) m.dup = sessionPresent;
      m.sent = false;
      m.held = hold;
    }
  }

  resume(): void {
    for (const m of this.inflight.values()) m.held = false;
  }

  /** Sends queued messages within the Receive Maximum; a message too large for the server is dropped (TOO_LARGE). */
  flush(w: PacketWriter, version: MqttVersion): MqttError {
    let unacked = 0;
    for (const m of this.inflight.values()) if (m.sent) unacked++;
    let result: MqttError = MqttError.OK;
    for (const [id, m] of this.inflight) {
      if (m.sent || m.held) continue;
      if (unacked >= this.receiveMaximum) break;
      const err = emitPublish(w, version, {
        topic: m.topic, payload: m.payload, qos: 1, retain: m.retain, dup: m.dup, packetId: id, properties: m.properties,
      }, this.maximumPacketSize);
      if (err === MqttError.TOO_LARGE) { this.inflight.delete(id); result = err; continue; }
      if (err !== MqttError.OK) return err;
      m.sent = true;
      unacked++;
    }
    return result;
  }
}
