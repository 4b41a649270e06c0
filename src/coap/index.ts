/**
 * CoAP (RFC 7252) with block-wise transfers (RFC 7959), sans-I/O: the public surface.
 */
export {
  COAP_VERSION, CoapType, CoapCode, CoapOption, ContentFormat, coapCode, createCoapConfig, DEFAULT_COAP_CONFIG,
  MAX_MESSAGE_BYTES, maxTransmitSpanMs, maxTransmitWaitMs, exchangeLifetimeMs, nonLifetimeMs, isCriticalOption,
  type CoapConfig,
} from './constants.ts';
export { CoapMessageView, CoapParseError, MAX_OPTIONS } from './message-view.ts';
export { CoapMessageWriter } from './message-writer.ts';
export { readUtf8, writeUtf8, utf8Length } from '../encoding/utf8.ts';
export { encodeBlock, blockNum, blockMore, blockSzx, blockSize, BlockAssembler, BlockResult } from './block.ts';
export { CoapPeer, PeerTable } from './peer.ts';
export { CoapEndpoint, CoapSendError, type RandomSource, type RequestScreen } from './endpoint.ts';
export { CoapEvent, CoapEventKind, CoapFailure } from './event.ts';
export { Transmit } from './transmit.ts';
export type { CoapRequestFields } from './exchange.ts';
