/**
 * Entry of the XS bundle (dist/xs/tinyusp.js): the portable core as an ES module
 * for the XS engine (xsnap on the host, Moddable on devices). It imports nothing
 * from Node or Moddable; platform adapters bind it to a device. It leaves out what the
 * Moddable agent cannot use: the MQTT MTP (the Node entry injects it into startHostAgent;
 * XS tests bundle src/mtp/mqtt/index.ts on their own). The WebSocket MTP is in: the
 * Moddable entry injects it (WEBSOCKET_MTP) with the ECMA-419 stream port.
 */
export { validateEndpointId, EndpointIdError, endpointIdFromUrn, EID_URN_PREFIX } from '../usp/endpoint-id.ts';
export {
  CoapMessageView, CoapMessageWriter, CoapEndpoint, CoapPeer, PeerTable, CoapCode, CoapOption, CoapType, ContentFormat,
} from '../coap/index.ts';
export { UspCoapBinding, SendOutcome } from '../mtp/coap/binding.ts';

export { RecordView, RecordType, createRecordViewConfig } from '../usp/record-view.ts';
export { RecordError } from '../usp/errors.ts';
export { utf8Bytes } from '../usp/wire.ts';

export { startHostAgent, CLASS2_PROFILE, type HostAgent, type HostAgentConfig } from '../composition/agent-host.ts';
export { WEBSOCKET_MTP } from '../mtp/websocket/index.ts';
export {
  createDeviceSchema, iotCapabilityObjects, type Schema, createDataModel, createFactoryDefault, createDeviceContext, WriteMode, DmError,
} from '../dm/index.ts';
