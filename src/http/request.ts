/**
 * The GET request of a download (RFC 9112 §3, RFC 9110): origin-form target, Host,
 * "Accept-Encoding: identity" (the body must be the image itself, RFC 9110 §12.5.3),
 * "Connection: close" (one exchange per connection: a 401 retry or a redirect opens a
 * new one), and when resuming `Range: bytes=N-` with `If-Range` (RFC 9110 §13.1.5) so a
 * changed file comes back whole (200) instead of being spliced.
 */
import { utf8Bytes } from '../encoding/utf8.ts';
import type { HttpUrl } from './url.ts';

export interface GetHeaders {
  readonly userAgent: string;
  /** Authorization value, '' = none. */
  readonly authorization: string;
  readonly rangeFrom: number;
  readonly ifRange: string;
}

export function writeGetRequest(url: HttpUrl, h: GetHeaders): Uint8Array {
  let s = `GET ${url.target} HTTP/1.1\r\nHost: ${url.authority}\r\nUser-Agent: ${h.userAgent}\r\nAccept: */*\r\n` +
    'Accept-Encoding: identity\r\nConnection: close\r\n';
  if (h.rangeFrom > 0) {
    s += `Range: bytes=${h.rangeFrom}-\r\n`;
    if (h.ifRange !== '') s += `If-Range: ${h.ifRange}\r\n`;
  }
  if (h.authorization !== '') s += `Authorization: ${h.authorization}\r\n`;
  return utf8Bytes(s + '\r\n');
}
