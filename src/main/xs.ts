/**
 * Entry of the XS bundle (dist/xs/tinyusp.js): the portable core as an ES module
 * for the XS engine (xsnap on the host, Moddable on devices). It imports nothing
 * from Node or Moddable; platform adapters bind it to a device. The Moddable app
 * preloads it (flash), so it also carries what the device entry needs to configure the
 * agent: the settings parser (mc/config), the coaps credentials from PEM resources, the
 * MQTT MTP (injected into startHostAgent as the Node entry does) and the WebSocket MTP
 * (WEBSOCKET_MTP, injected with the ECMA-419 stream port).
 */
export { validateEndpointId, EndpointIdError, endpointIdFromUrn, EID_URN_PREFIX } from '../usp/endpoint-id.ts';
export {
  CoapMessageView, CoapMessageWriter, CoapEndpoint, CoapPeer, PeerTable, CoapCode, CoapOption, CoapType, ContentFormat,
} from '../coap/index.ts';
export { UspCoapBinding, SendOutcome } from '../mtp/coap/binding.ts';

export { RecordView, RecordType, createRecordViewConfig, firstSegment, nextSegment, uint64 } from '../usp/record-view.ts';
export { RecordError } from '../usp/errors.ts';
export { utf8Bytes } from '../usp/wire.ts';

export { startHostAgent, CLASS2_PROFILE, type HostAgent, type HostAgentConfig } from '../composition/agent-host.ts';
export { WEBSOCKET_MTP } from '../mtp/websocket/index.ts';
// BUILD_SCHEMA: what the full Moddable build's schema declares (tinyusp/schemas; D14): every MTP, the firmware images.
export { FULL_SCHEMA as BUILD_SCHEMA } from '../dm/index.ts';
export {
  buildDeviceSchema, createDeviceSchema, iotCapabilityObjects, type Schema, createDataModel, createFactoryDefault, createDeviceContext, WriteMode, DmError,
} from '../dm/index.ts';

export { parseDeviceSettings, DEFAULT_COAP_PORT, type DeviceSettings, type MqttSettingsParser } from '../config/device-settings.ts';
export { parseMqttSettings } from '../config/mqtt-settings.ts';
export { deviceCoapsConfig, DEVICE_DTLS, type DevicePems } from '../config/device-credentials.ts';
export { MQTT_MTP } from '../mtp/mqtt/mtp.ts';
export { FirmwareService } from '../firmware/index.ts';
