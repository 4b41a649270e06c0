/**
 * WebSocket MTP (TR-369 "WebSocket Binding"): the USP binding over the sans-I/O RFC 6455
 * core (src/websocket/), its driver over the platform's stream port and its provisioning.
 */
import { startWebSocketMtp } from './mtp.ts';
import { provisionWebSocket } from './provision.ts';
import { WebSocketReply } from './binding.ts';

export { UspWebSocketBinding, WebSocketReply, USP_SUBPROTOCOL, type UspWebSocketConfig, type UspWebSocketEvent } from './binding.ts';
export { startWebSocketMtp, type WebSocketMtp, type WebSocketMtpConfig } from './mtp.ts';
export {
  provisionWebSocket, readWebSocketControllers, type WebSocketRows, type WebSocketSettings, type WebSocketListenSettings,
} from './provision.ts';
export { parseWsUri, encodeEndpointId, endpointIdOfQuery, requestTarget, type WsUri } from './uri.ts';
export { sessionRetryDelayMs, sessionRetryRangeS, DEFAULT_SESSION_RETRY, type SessionRetryConfig } from './retry.ts';
/** The core's surface as well, so a driver or a tool needs one import. */
export * from '../../websocket/index.ts';

/**
 * The WebSocket MTP as startHostAgent takes it (HostAgentConfig.websocket.mtp). The
 * entry point passes it in, so a bundle whose entry does not carries no WebSocket code.
 */
export const WEBSOCKET_MTP = {
  start: startWebSocketMtp,
  provision: provisionWebSocket,
  isReply: (reply: unknown): reply is WebSocketReply => reply instanceof WebSocketReply,
} as const;
export type WebSocketMtpModule = typeof WEBSOCKET_MTP;
