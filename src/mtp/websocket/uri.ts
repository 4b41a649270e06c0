/**
 * WebSocket URIs of USP Endpoints (RFC 6455 §3, R-WS.1/2) and the `eid` query pair a
 * client puts in its request (R-WS.10b/10c).
 *
 * `ws://host[:port]/path` or `wss://…` (default ports 80 / 443, IPv6 literals in
 * brackets). The Endpoint ID is opaque data in the URI: every character outside RFC 3986
 * "unreserved" is percent-encoded, `%` itself as `%25` (R-WS.10c), so
 * `doc::agent%21` travels as `doc%3A%3Aagent%2521` and decodes back unchanged.
 */

export interface WsUri {
  readonly secure: boolean;
  /** Host name or address, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /** Path with its leading "/" (and any query the URI had). */
  readonly path: string;
}

/** A ws:// or wss:// URI, or null. */
export function parseWsUri(uri: string): WsUri | null {
  const m = /^(wss?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:?#[\]]+)(?::(\d{1,5}))?(\/[^#]*)?$/.exec(uri);
  if (m === null) return null;
  const secure = m[1] === 'wss';
  const port = m[3] === undefined ? (secure ? 443 : 80) : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  const h = m[2]!;
  return { secure, host: h.startsWith('[') ? h.slice(1, -1) : h, port, path: m[4] ?? '/' };
}

/** The Host field of a request to `host`:`port` (§4.1 item 4: the port only when not the scheme's default). */
export function hostField(host: string, port: number, secure: boolean): string {
  const h = host.indexOf(':') >= 0 ? `[${host}]` : host;
  return port === (secure ? 443 : 80) ? h : `${h}:${port}`;
}

const HEX = '0123456789ABCDEF';

/** R-WS.10c: the Endpoint ID percent-encoded as opaque data (UTF-8 bytes; unreserved characters kept). */
export function encodeEndpointId(eid: string): string {
  let out = '';
  for (let i = 0; i < eid.length; i++) {
    const c = eid.charCodeAt(i);
    const unreserved = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
    if (unreserved) out += eid[i]!;
    else if (c < 0x80) out += '%' + HEX[c >> 4]! + HEX[c & 15]!;
    else out += encodeURIComponent(eid[i]!); // non-ASCII: its UTF-8 bytes (Endpoint IDs are ASCII in practice)
  }
  return out;
}

/** R-WS.10b: `path` with `eid=<encoded>` in its query, after any query it has ("&"-separated). */
export function requestTarget(path: string, endpointId: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${p}${p.indexOf('?') >= 0 ? '&' : '?'}eid=${encodeEndpointId(endpointId)}`;
}

/** The Endpoint ID of a request's `eid=` pair (R-WS.10b), decoded; undefined when absent or badly encoded. */
export function endpointIdOfQuery(query: string): string | undefined {
  for (const pair of query.split('&')) {
    if (!pair.startsWith('eid=')) continue;
    try {
      const eid = decodeURIComponent(pair.slice(4));
      return eid === '' ? undefined : eid;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
