/**
 * RFC 6455 numbers the core speaks in: opcodes (§5.2, §11.8), close status codes
 * (§7.4.1, §11.7), and the core's own error values (0 = ok). The session reports a
 * failure as one `WsError` and, when the peer broke the protocol, the status code it
 * closes with (`closeCodeFor`).
 */

/** §5.2 opcodes. 3–7 and 0xB–0xF are reserved: receiving one fails the connection (1002). */
export const Opcode = { Continuation: 0x0, Text: 0x1, Binary: 0x2, Close: 0x8, Ping: 0x9, Pong: 0xa } as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** §7.4.1 status codes used here. 1005/1006/1015 are never sent on the wire (§7.4.1). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  /** R-WS.16: "a USP Record that cannot be extracted for processing". */
  UnsupportedData: 1003,
  /** Reported only: the Close frame carried no status code. */
  NoStatus: 1005,
  /** Reported only: the connection ended without a Close frame. */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
} as const;

export const WsError = {
  OK: 0,
  /** Bytes that break RFC 6455 framing (reserved bits or opcode, bad control frame…). */
  PROTOCOL: 1,
  /** A message or frame above `maxMessageBytes` (§10.4). */
  TOO_LARGE: 2,
  /** A Close reason that is not UTF-8 (§8.1). */
  INVALID_UTF8: 3,
  /** The opening handshake failed (§4.1 items 1–6 on the client, §4.2.1 on the server). */
  HANDSHAKE: 4,
  /** No handshake, pong or close within its deadline. */
  TIMEOUT: 5,
  /** The stream went down without a Close frame. */
  TRANSPORT: 6,
  /** Not open (send before the handshake, after close). */
  NOT_OPEN: 7,
  /** The transmit queue cannot take the message now. */
  TX_FULL: 8,
  BAD_ARGUMENT: 9,
} as const;
export type WsError = (typeof WsError)[keyof typeof WsError];

/** The status code a session closes with for its own failure (§7.4.1). */
export function closeCodeFor(e: WsError): number {
  switch (e) {
    case WsError.TOO_LARGE: return CloseCode.MessageTooBig;
    case WsError.INVALID_UTF8: return CloseCode.InvalidPayload;
    default: return CloseCode.ProtocolError;
  }
}

/**
 * §7.4: may `code` appear in a received Close frame? 1000–1003, 1007–1011 and the
 * registered 1012–1014, and 3000–4999 (libraries, applications); never 1004–1006, 1015
 * or anything below 1000.
 */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

/** The GUID of §1.3, appended to Sec-WebSocket-Key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
