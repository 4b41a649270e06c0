/** MQTT MTP (TR-369 "MQTT Binding"): the USP binding over the sans-I/O client (src/mqtt/), its driver and its provisioning. */
export { encodeMqttConnectRecord, encodeDisconnectRecord } from './connect-record.ts';
export {
  UspMqttBinding, BindingState, USP_CONTENT_TYPE,
  type UspMqttConfig, type UspMqttEvent, type MqttControllerConfig,
} from './binding.ts';
/** The client core's surface as well, so a driver or a tool needs one import. */
export * from '../../mqtt/index.ts';
