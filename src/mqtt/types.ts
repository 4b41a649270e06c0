/**
 * Shared shapes of the MQTT client (MQTT 3.1.1 and 5.0, OASIS): protocol levels,
 * packet types, the error-code set and the MQTT 5.0 property bag (§2.2.2.2).
 * Errors are small numbers, 0 = ok (house rule: errors are values).
 */

/** CONNECT Protocol Level: 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
export const MqttVersion = { V3_1_1: 4, V5: 5 } as const;
export type MqttVersion = (typeof MqttVersion)[keyof typeof MqttVersion];

/** MQTT control packet types (3.1.1 §2.2.1, 5.0 §2.1.2). */
export const PacketType = {
  CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, PUBREC: 5, PUBREL: 6, PUBCOMP: 7,
  SUBSCRIBE: 8, SUBACK: 9, UNSUBSCRIBE: 10, UNSUBACK: 11, PINGREQ: 12, PINGRESP: 13,
  DISCONNECT: 14, AUTH: 15,
} as const;

/** Error values of the MQTT layer. Each maps to the MQTT 5.0 reason code we send in DISCONNECT. */
export const MqttError = {
  OK: 0,
  /** Malformed Packet (5.0 §4.13, reason 0x81). */
  MALFORMED: 1,
  /** Protocol Error (reason 0x82): a well-formed packet that is not allowed here. */
  PROTOCOL: 2,
  /** Packet too large (reason 0x95): larger than our Maximum Packet Size or the server's. */
  TOO_LARGE: 3,
  /** The client is not connected (QoS 0 publish, subscribe while offline). */
  NOT_CONNECTED: 4,
  /** No free Packet Identifier / the inflight window (Receive Maximum) is full. */
  INFLIGHT_FULL: 5,
  /** An argument the caller gave is invalid (empty topic, QoS 2, wildcard in a topic name). */
  BAD_ARGUMENT: 6,
  /** The transmit buffer is full: the transport does not drain fast enough. */
  TX_FULL: 7,
} as const;
export type MqttError = (typeof MqttError)[keyof typeof MqttError];

/** MQTT 5.0 reason code sent in DISCONNECT for an error value (5.0 §3.14.2.1). */
export function disconnectReasonFor(error: MqttError): number {
  if (error === MqttError.MALFORMED) return 0x81;
  if (error === MqttError.PROTOCOL) return 0x82;
  if (error === MqttError.TOO_LARGE) return 0x95;
  return 0x80;
}

/** One MQTT 5.0 User Property (name, value), both UTF-8 strings (5.0 §3.1.2.11.8). */
export type UserProperty = readonly [string, string];

/**
 * MQTT 5.0 properties (§2.2.2.2), all optional. One bag for every packet type; the
 * encoder writes only what is set, the decoder fills what it reads.
 */
export interface Mqtt5Properties {
  payloadFormatIndicator?: number;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  subscriptionIdentifier?: number;
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
  requestProblemInformation?: number;
  willDelayInterval?: number;
  requestResponseInformation?: number;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: number;
  userProperties?: UserProperty[];
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: number;
  subscriptionIdentifierAvailable?: number;
  sharedSubscriptionAvailable?: number;
}
