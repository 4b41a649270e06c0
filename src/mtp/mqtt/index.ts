/** MQTT MTP (TR-369 "MQTT Binding"): the public surface of the sans-I/O MQTT client and USP binding. */
export { MqttClient, type MqttClientConfig } from './client.ts';
export { ClientState, TransportCommand, type MqttEvent, type StreamMachine } from './events.ts';
export { MqttError, MqttVersion, PacketType, type Mqtt5Properties, type UserProperty } from './types.ts';
export { connectRetryDelayMs, DEFAULT_CONNECT_RETRY, type ConnectRetryConfig } from './backoff.ts';
export type { SubscriptionFields, WillFields } from './packets.ts';
export { topicMatches, withReplyTo, replyToOf } from './topic.ts';
export { encodeMqttConnectRecord, encodeDisconnectRecord } from './connect-record.ts';
export {
  UspMqttBinding, BindingState, USP_CONTENT_TYPE,
  type UspMqttConfig, type UspMqttEvent, type MqttControllerConfig,
} from './usp-binding.ts';
