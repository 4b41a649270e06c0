/**
 * Entry of the core of the Moddable CoAP + DTLS build (dist/moddable/coaps/core.js, linked
 * as `tinyusp/core` by manifests/coaps/manifest.json and preloaded): only what that build's
 * main (src/main/moddable-coaps.ts, platform/moddable/device-agent.ts) and the schema module
 * (platform/moddable/schemas.ts) import, so the bundle leaves out MQTT, WebSocket, HTTP,
 * firmware and the host-only exports of src/main/xs.ts. test/build/coaps-core.test.ts
 * checks that every name those modules import from `tinyusp/core` is exported here.
 */
export { validateEndpointId } from '../usp/endpoint-id.ts';
export { startCoapAgent as startHostAgent, CLASS2_PROFILE, type HostAgent, type HostAgentConfig } from '../composition/agent-host.ts';
// BUILD_SCHEMA: what this build's schema declares (tinyusp/schemas; D14): CoAP alone and no
// firmware images, so no Device.MQTT., MQTT or WebSocket sub-object or FirmwareImage is linked.
export { buildDeviceSchema, COAPS_SCHEMA as BUILD_SCHEMA, iotCapabilityObjects, type Schema } from '../dm/index.ts';
export { parseDeviceSettings, type DeviceSettings } from '../config/device-settings.ts';
export { deviceCoapsConfig, type DevicePems } from '../config/device-credentials.ts';
