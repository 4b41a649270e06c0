/**
 * Entry of the "CoAP + DTLS MTP and USP codec" part of the flash breakdown
 * (tools/moddable/flash-parts.ts): what the coaps core takes from coap/, dtls/, mtp/coap/
 * and usp/ for its endpoints and Records, without the agent, the data model or the
 * configuration. Linked on its own for esp32, never shipped.
 */
export { startCoapEndpoint } from '../../../src/mtp/coap/endpoint.ts';
export * from '../../../src/mtp/coap/coaps-endpoint.ts';
export { SendOutcome } from '../../../src/mtp/coap/binding.ts';
export { parseCoapUri } from '../../../src/mtp/coap/uri.ts';
export { RecordView, createRecordViewConfig, emitRecord, encodedRecordLength, decodeMsg, createMsgDecodeConfig, validateEndpointId } from '../../../src/usp/index.ts';
