/**
 * Decoding of the packets a server sends a client (MQTT 3.1.1 §3, 5.0 §3): CONNACK,
 * PUBLISH, PUBACK, SUBACK, UNSUBACK, PINGRESP and (5.0) DISCONNECT, plus stream framing
 * (`frameLength`). `PacketView` is one reused object: `wrap` re-points it at a complete
 * packet and validates every length once (STYLE.md rule 4); the PUBLISH payload stays
 * an offset pair into the caller's buffer.
 *
 * Invariants: nothing reads outside [start, end); a packet the client must never get
 * (CONNECT, SUBSCRIBE, PUBREC… since we never ask for QoS 2, AUTH) is PROTOCOL; bad
 * lengths, flags or UTF-8 are MALFORMED (5.0 §4.13 "Malformed Packet").
 */
import { readProperties, readString, readVarint, stringEnd, type VarintRead } from './properties.ts';
import { MqttError, MqttVersion, PacketType, type Mqtt5Properties } from './types.ts';

/** Frame-length results besides a positive length. */
export const NEED_MORE = -1;
export const BAD_LENGTH = -2;

const lengthScratch: VarintRead = { value: 0, pos: 0 };

/**
 * Total length of the packet starting at `start` (fixed header + Remaining Length),
 * NEED_MORE while the header is incomplete, BAD_LENGTH for a 5-byte length (§1.5.5).
 */
export function frameLength(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 2) return NEED_MORE;
  const v = readVarint(buf, start + 1, end, lengthScratch);
  if (v.pos < 0) return end - start >= 5 ? BAD_LENGTH : NEED_MORE;
  return v.pos - start + v.value;
}

export class PacketView {
  type = 0;
  flags = 0;
  /** PUBLISH/PUBACK/SUBACK/UNSUBACK Packet Identifier. */
  packetId = 0;
  /** CONNACK return code (3.1.1) or reason code (5.0), PUBACK/DISCONNECT reason code. */
  reasonCode = 0;
  sessionPresent = false;
  qos = 0;
  retain = false;
  dup = false;
  topic = '';
  payloadStart = 0;
  payloadEnd = 0;
  /** SUBACK/UNSUBACK per-filter codes (reused array). */
  readonly reasonCodes: number[] = [];
  properties: Mqtt5Properties = {};

  /** Decodes the complete packet `buf[start, end)` (as framed by `frameLength`). */
  wrap(buf: Uint8Array, start: number, end: number, version: MqttVersion): MqttError {
    const first = buf[start]!;
    this.type = first >> 4;
    this.flags = first & 15;
    this.reasonCode = 0;
    this.packetId = 0;
    // Emptied without assigning length (Espruino's arrays refuse it) and without allocating.
    while (this.reasonCodes.length > 0) this.reasonCodes.pop();
    this.properties = {};
    const v = readVarint(buf, start + 1, end, lengthScratch);
    if (v.pos < 0 || v.pos + v.value !== end) return MqttError.MALFORMED;
    let pos = v.pos;
    const v5 = version === MqttVersion.V5;
    switch (this.type) {
      case PacketType.CONNACK: {
        if (this.flags !== 0 || end - pos < 2) return MqttError.MALFORMED;
        const ack = buf[pos]!;
        if (ack > 1) return MqttError.MALFORMED;
        this.sessionPresent = ack === 1;
        this.reasonCode = buf[pos + 1]!;
        pos += 2;
        if (v5) pos = this.readProps(buf, pos, end);
        return pos === end ? MqttError.OK : pos === -2 ? MqttError.PROTOCOL : MqttError.MALFORMED;
      }
      case PacketType.PUBLISH: {
        this.qos = (this.flags >> 1) & 3;
        this.dup = (this.flags & 8) !== 0;
        this.retain = (this.flags & 1) !== 0;
        if (this.qos === 3) return MqttError.MALFORMED;
        if (this.qos === 2) return MqttError.PROTOCOL;
        const topic = readString(buf, pos, end);
        if (topic === undefined) return MqttError.MALFORMED;
        this.topic = topic;
        pos = stringEnd(buf, pos);
        if (this.qos > 0) {
          if (pos + 2 > end) return MqttError.MALFORMED;
          this.packetId = (buf[pos]! << 8) | buf[pos + 1]!;
          if (this.packetId === 0) return MqttError.MALFORMED;
          pos += 2;
        }
        if (v5) {
          pos = this.readProps(buf, pos, end);
          if (pos < 0) return pos === -2 ? MqttError.PROTOCOL : MqttError.MALFORMED;
          // We send Topic Alias Maximum 0, so the server may not use aliases (5.0 §3.3.2.3.4).
          if (this.properties.topicAlias !== undefined) return MqttError.PROTOCOL;
        }
        if (topic.length === 0) return MqttError.PROTOCOL;
        this.payloadStart = pos;
        this.payloadEnd = end;
        return MqttError.OK;
      }
      case PacketType.PUBACK:
      case PacketType.UNSUBACK:
      case PacketType.SUBACK: {
        if (this.flags !== 0 || end - pos < 2) return MqttError.MALFORMED;
        this.packetId = (buf[pos]! << 8) | buf[pos + 1]!;
        pos += 2;
        if (this.type === PacketType.PUBACK) {
          if (v5 && pos < end) {
            this.reasonCode = buf[pos++]!;
            if (pos < end) pos = this.readProps(buf, pos, end);
          }
          return pos === end ? MqttError.OK : MqttError.MALFORMED;
        }
        if (v5) {
          pos = this.readProps(buf, pos, end);
          if (pos < 0) return MqttError.MALFORMED;
        }
        // 3.1.1 UNSUBACK has no payload; SUBACK and 5.0 UNSUBACK carry one code per filter.
        if (this.type === PacketType.UNSUBACK && !v5) return pos === end ? MqttError.OK : MqttError.MALFORMED;
        if (pos === end) return MqttError.MALFORMED;
        while (pos < end) this.reasonCodes.push(buf[pos++]!);
        return MqttError.OK;
      }
      case PacketType.PINGRESP:
        return this.flags === 0 && pos === end ? MqttError.OK : MqttError.MALFORMED;
      case PacketType.DISCONNECT: {
        if (!v5) return MqttError.PROTOCOL;
        if (this.flags !== 0) return MqttError.MALFORMED;
        if (pos < end) this.reasonCode = buf[pos++]!;
        if (pos < end) pos = this.readProps(buf, pos, end);
        return pos === end ? MqttError.OK : MqttError.MALFORMED;
      }
      default:
        return this.type === 0 ? MqttError.MALFORMED : MqttError.PROTOCOL;
    }
  }

  private readProps(buf: Uint8Array, pos: number, end: number): number {
    return readProperties(buf, pos, end, this.properties);
  }
}
