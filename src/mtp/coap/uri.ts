/**
 * coap:// and coaps:// URIs (RFC 7252 §6.1, §6.2) as USP uses them: the reply-to
 * value of R-COAP.2 and the controller addresses we POST Records to.
 *
 * Accepted: `coap[s]://host[:port]/path…` with a host that is an IPv4 address, a
 * bracketed IPv6 literal or a reg-name, no userinfo, no fragment and — R-COAP.2 —
 * no query. Hosts are not resolved here (sans-I/O): the driver sends to them as given.
 * Validation works on bytes of the received option (no strings until accepted).
 */

export const COAP_DEFAULT_PORT = 5683;
export const COAPS_DEFAULT_PORT = 5684;

export interface CoapUri {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Uri-Path segments (RFC 7252 §6.4), e.g. ['usp']. */
  readonly path: readonly string[];
}

/** Where a checked URI points: host `[hostStart, hostEnd)` (without IPv6 brackets) and port. */
export class UriTarget {
  hostStart = 0;
  hostEnd = 0;
  port = 0;
}

/**
 * Checks `b[s, e)` is a coap/coaps URI acceptable as reply-to (R-COAP.2): returns the
 * offset where the host starts, or −1; and reads its host and port into `into` (reused)
 * when given. Allocates nothing.
 */
export function checkCoapUri(b: Uint8Array, s: number, e: number, into: UriTarget | null = null): number {
  let p = s;
  // "coap"
  if (e - s < 8 || b[p] !== 0x63 || b[p + 1] !== 0x6f || b[p + 2] !== 0x61 || b[p + 3] !== 0x70) return -1;
  p += 4;
  const secure = b[p] === 0x73;
  if (secure) p++; // "s"
  if (b[p] !== 0x3a || b[p + 1] !== 0x2f || b[p + 2] !== 0x2f) return -1; // "://"
  p += 3;
  const host = p;
  let hostEnd: number;
  if (b[p] === 0x5b) { // "[" IPv6 literal "]"
    p++;
    for (; p < e && b[p] !== 0x5d; p++) {
      const c = b[p]!; // hex digits, ":" and "." (an embedded IPv4 address)
      if (!((c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) || c === 0x2e)) return -1;
    }
    if (p === e || p === host + 1) return -1;
    hostEnd = p++;
  } else {
    for (; p < e && b[p] !== 0x3a && b[p] !== 0x2f; p++) {
      const c = b[p]!; // RFC 3986 reg-name / IPv4: unreserved, sub-delims, pct-encoded
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f
        || c === 0x7e || c === 0x25 || c === 0x21 || c === 0x24 || (c >= 0x26 && c <= 0x2c) || c === 0x3b || c === 0x3d)) return -1;
    }
    if (p === host) return -1;
    hostEnd = p;
  }
  let port = secure ? COAPS_DEFAULT_PORT : COAP_DEFAULT_PORT;
  if (p < e && b[p] === 0x3a) {
    p++;
    port = 0;
    const ps = p;
    while (p < e && b[p] !== 0x2f) { const c = b[p]!; if (c < 0x30 || c > 0x39) return -1; port = port * 10 + c - 0x30; p++; }
    if (p === ps || port === 0 || port > 65535) return -1;
  }
  // path: pchar and "/" only — in particular no "?" (R-COAP.2) and no "#".
  for (; p < e; p++) { const c = b[p]!; if (c <= 0x20 || c === 0x3f || c === 0x23 || c >= 0x7f) return -1; }
  if (into !== null) {
    into.hostStart = b[host] === 0x5b ? host + 1 : host;
    into.hostEnd = hostEnd;
    into.port = port;
  }
  return host;
}

/** `b[s, e)` spells `address` (an IPv4-mapped IPv6 address also matches its IPv4 form). */
export function hostIs(b: Uint8Array, s: number, e: number, address: string): boolean {
  const skip = address.startsWith('::ffff:') && address.indexOf('.') > 0 ? 7 : 0;
  if (e - s !== address.length - skip) return false;
  for (let i = 0; i < e - s; i++) {
    // IPv6 hex digits in either case: A-Z compare as a-z.
    let x = b[s + i]!;
    let y = address.charCodeAt(skip + i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** Parses a coap/coaps URI string; null when it is not acceptable (see checkCoapUri). */
export function parseCoapUri(uri: string): CoapUri | null {
  const bytes = new Uint8Array(uri.length);
  for (let i = 0; i < uri.length; i++) { const c = uri.charCodeAt(i); if (c > 0x7e) return null; bytes[i] = c; }
  const t = new UriTarget();
  if (checkCoapUri(bytes, 0, bytes.length, t) < 0) return null;
  const slash = uri.indexOf('/', t.hostEnd);
  return { secure: bytes[4] === 0x73, host: uri.slice(t.hostStart, t.hostEnd), port: t.port, path: uriPath(slash < 0 ? '' : uri.slice(slash)) };
}

/** The Uri-Path segments of a path such as '/usp' or 'a//b/' (empty segments dropped, RFC 7252 §6.4). */
export function uriPath(path: string): string[] {
  const all = path.split('/');
  const segments: string[] = [];
  for (let i = 0; i < all.length; i++) if (all[i]!.length > 0) segments.push(all[i]!);
  return segments;
}
