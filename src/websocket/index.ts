/** WebSocket (RFC 6455) client and server connection: the public surface of the sans-I/O protocol core. The USP binding is src/mtp/websocket/. */
export { WebSocketSession, WsRole, WsState, type WebSocketConfig, type WebSocketEvent, type WebSocketReceiver } from './session.ts';
export { CloseCode, Opcode, WsError, isValidCloseCode } from './types.ts';
export { acceptFor } from './handshake.ts';
export { sha1 } from './sha1.ts';
export { base64Encode } from './base64.ts';
export { TransportCommand, type StreamMachine, type StreamPeer } from '../platform/stream.ts';
