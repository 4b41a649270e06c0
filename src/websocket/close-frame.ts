/**
 * The Close frame's body (RFC 6455 §5.5.1, §7.4): an optional 2-byte status code, then a
 * UTF-8 reason, 125 bytes in all. Parsing rejects a 1-byte body and codes that may not
 * appear on the wire (§7.4.1: 1005, 1006, 1015, below 1000…) as protocol errors and a
 * reason that is not UTF-8 as INVALID_UTF8 (§8.1, closed with 1007).
 */
import { readUtf8, writeUtf8 } from '../encoding/utf8.ts';
import { MAX_CONTROL_PAYLOAD } from './frame.ts';
import { CloseCode, isValidCloseCode, WsError } from './types.ts';

export interface CloseFields {
  /** 1005 (NoStatus) when the body is empty. */
  readonly code: number;
  readonly reason: string;
}

/** The body `buf[start, end)` of a received Close frame, or the error that fails the connection. */
export function parseClose(buf: Uint8Array, start: number, end: number): CloseFields | WsError {
  const len = end - start;
  if (len === 0) return { code: CloseCode.NoStatus, reason: '' };
  if (len === 1) return WsError.PROTOCOL;
  const code = (buf[start]! << 8) | buf[start + 1]!;
  if (!isValidCloseCode(code)) return WsError.PROTOCOL;
  const reason = readUtf8(buf, start + 2, end);
  return reason === undefined ? WsError.INVALID_UTF8 : { code, reason };
}

/** The body of a Close frame with `code` (0: none) and `reason`; a reason too long is dropped, not cut inside a character. */
export function closeBody(code: number, reason: string): Uint8Array {
  if (code === 0) return new Uint8Array(0);
  const body = new Uint8Array(2 + reason.length * 3);
  body[0] = code >>> 8;
  body[1] = code & 0xff;
  const n = writeUtf8(reason, body, 2);
  return body.subarray(0, n > MAX_CONTROL_PAYLOAD ? 2 : n);
}
