/** MQTT 3.1.1 / 5.0 client (OASIS): the public surface of the sans-I/O protocol core. The USP binding is src/mtp/mqtt/. */
export { MqttClient, type MqttClientConfig } from './client.ts';
export { ClientState, TransportCommand, type MqttEvent, type StreamMachine } from './events.ts';
export { MqttError, MqttVersion, PacketType, type Mqtt5Properties, type UserProperty } from './types.ts';
export { connectRetryDelayMs, DEFAULT_CONNECT_RETRY, type ConnectRetryConfig } from './backoff.ts';
export type { SubscriptionFields, WillFields } from './packets.ts';
export { topicMatches, withReplyTo, replyToOf } from './topic.ts';
