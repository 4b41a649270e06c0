/**
 * The opening handshake (RFC 6455 §4): the client's request and its checks of the
 * server's response (§4.1), the server's checks of a request (§4.2.1) and its answers
 * (§4.2.2: 101 with Sec-WebSocket-Accept, or an HTTP error).
 *
 * One subprotocol is required on both sides (USP: `v1.usp`, R-WS.9–12a): a client
 * offers it and refuses a response without it (§4.1 item 6, R-WS.12); a server refuses
 * a request that does not offer it (R-WS.12a). No extension is offered, so a response
 * naming one fails the handshake (§4.1 item 5) — except `bbf-usp-protocol`, the
 * informational USP extension of R-WS.11a, which changes nothing on the wire and whose
 * absence is no error either (R-WS.11b).
 */
import { base64Encode, isBase64Key16 } from './base64.ts';
import { fieldList, hasToken, type HttpHead } from './http-head.ts';
import { sha1 } from './sha1.ts';
import { WEBSOCKET_GUID } from './types.ts';

/** Extension names a response may carry although we offered none (R-WS.11a/11b). */
const INFORMATIONAL_EXTENSIONS = ['bbf-usp-protocol'];

/** §4.2.2 item 5.4: base64(SHA-1(key ‖ GUID)). */
export function acceptFor(key: string): string {
  const s = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
  const digest = new Uint8Array(20);
  sha1(bytes, 0, bytes.length, digest);
  return base64Encode(digest);
}

export interface ClientRequestFields {
  /** Host field: host[:port] as in the URI (§4.1 item 4; IPv6 in brackets). */
  readonly host: string;
  /** Request-target: path and query (`/usp?eid=…`, §3 "resource name"). */
  readonly target: string;
  /** base64 of 16 random bytes (§4.1 item 7). */
  readonly key: string;
  readonly protocol: string;
}

/** The client's opening handshake request (§4.1 items 1–10), as text. */
export function clientRequest(f: ClientRequestFields): string {
  return `GET ${f.target} HTTP/1.1\r\nHost: ${f.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${f.key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${f.protocol}\r\n\r\n`;
}

export const HandshakeCheck = {
  OK: 0,
  /** Not `HTTP/1.1 101` (the server refused; the status is in `responseStatus`). */
  STATUS: 1,
  UPGRADE: 2,
  ACCEPT: 3,
  /** R-WS.12: no `Sec-WebSocket-Protocol: v1.usp` in the response. */
  PROTOCOL: 4,
  EXTENSION: 5,
  /** Server side: not a GET HTTP/1.1 with Host, or a malformed field. */
  REQUEST: 6,
  /** Server side: Sec-WebSocket-Version other than 13 (answered 426, §4.4). */
  VERSION: 7,
  /** Server side: R-WS.12a, the request does not offer our subprotocol. */
  NO_PROTOCOL: 8,
} as const;
export type HandshakeCheck = (typeof HandshakeCheck)[keyof typeof HandshakeCheck];

/** The status code of a response start line (`HTTP/1.1 404 Not Found` → 404), 0 if malformed. */
export function responseStatus(head: HttpHead): number {
  const m = /^HTTP\/1\.1 (\d{3})(?: |$)/.exec(head.startLine);
  return m === null ? 0 : Number(m[1]);
}

/** §4.1 items 1–6 on the server's response to our request with `key`. */
export function checkServerResponse(head: HttpHead, key: string, protocol: string): HandshakeCheck {
  if (responseStatus(head) !== 101) return HandshakeCheck.STATUS;
  const f = head.fields;
  if (!hasToken(f.get('upgrade'), 'websocket') || !hasToken(f.get('connection'), 'upgrade')) return HandshakeCheck.UPGRADE;
  if (f.get('sec-websocket-accept') !== acceptFor(key)) return HandshakeCheck.ACCEPT;
  const chosen = fieldList(f.get('sec-websocket-protocol'));
  if (chosen.length !== 1 || chosen[0] !== protocol) return HandshakeCheck.PROTOCOL;
  for (const ext of fieldList(f.get('sec-websocket-extensions'))) {
    const name = ext.split(';')[0]!.trim().toLowerCase();
    if (INFORMATIONAL_EXTENSIONS.indexOf(name) < 0) return HandshakeCheck.EXTENSION;
  }
  return HandshakeCheck.OK;
}

export interface ClientRequest {
  /** Path of the request-target (before `?`). */
  readonly path: string;
  /** Query of the request-target (after `?`, without it; "" when none). */
  readonly query: string;
  readonly key: string;
}

/** §4.2.1 items 1–6 plus R-WS.12a; a ClientRequest or why it is refused. */
export function checkClientRequest(head: HttpHead, protocol: string): ClientRequest | HandshakeCheck {
  const m = /^GET (\S+) HTTP\/1\.1$/.exec(head.startLine);
  const f = head.fields;
  if (m === null || f.get('host') === undefined) return HandshakeCheck.REQUEST;
  const key = f.get('sec-websocket-key') ?? '';
  if (!hasToken(f.get('upgrade'), 'websocket') || !hasToken(f.get('connection'), 'upgrade')) return HandshakeCheck.UPGRADE;
  if (!isBase64Key16(key)) return HandshakeCheck.REQUEST;
  if (f.get('sec-websocket-version') !== '13') return HandshakeCheck.VERSION;
  if (fieldList(f.get('sec-websocket-protocol')).indexOf(protocol) < 0) return HandshakeCheck.NO_PROTOCOL;
  let target = m[1]!;
  // An absolute-form target (RFC 9112 §3.2.2) names the resource after the authority.
  const abs = /^wss?:\/\/[^/?#]*(.*)$/i.exec(target);
  if (abs !== null) target = abs[1] === '' ? '/' : abs[1]!;
  const q = target.indexOf('?');
  return { path: q < 0 ? target : target.slice(0, q), query: q < 0 ? '' : target.slice(q + 1), key };
}

/** §4.2.2 item 5: the server's 101 response accepting `key` with `protocol`. */
export function acceptResponse(key: string, protocol: string): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`;
}

const REASONS: ReadonlyArray<readonly [number, string]> = [
  [400, 'Bad Request'], [403, 'Forbidden'], [404, 'Not Found'], [408, 'Request Timeout'], [409, 'Conflict'], [426, 'Upgrade Required'],
  [503, 'Service Unavailable'],
];

/** An HTTP error response refusing the handshake (§4.2.1: "an appropriate HTTP error code"); closes the connection. */
export function refusalResponse(status: number, detail: string): string {
  let reason = 'Error';
  for (const [code, text] of REASONS) if (code === status) reason = text;
  const body = `${detail}\n`;
  // §4.4: a version we do not speak is answered 426 with the versions we do.
  const version = status === 426 ? 'Sec-WebSocket-Version: 13\r\n' : '';
  return `HTTP/1.1 ${status} ${reason}\r\n${version}Connection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}
