/**
 * http:// and https:// URLs as an HTTP/1.1 client needs them (RFC 3986 §3, RFC 9110 §4.2):
 * scheme, host, port, request-target. A URL with userinfo is refused (TR-181
 * FirmwareImage.{i}.Download() URL "MUST NOT include the userinfo component"); the fragment
 * is dropped (it never goes on the wire). `resolveLocation` follows a redirect's Location
 * (RFC 9110 §10.2.2: absolute, or relative to the request's URL, RFC 3986 §5.2).
 */

export interface HttpUrl {
  readonly secure: boolean;
  /** Host name or address; an IPv6 literal without its brackets. */
  readonly host: string;
  readonly port: number;
  /** Request-target in origin form: "/path?query" (never empty). */
  readonly target: string;
  /** The Host header value (RFC 9110 §7.2): brackets for IPv6, the port unless it is the default. */
  readonly authority: string;
}

/** The URL, or the reason it cannot be fetched. */
export function parseHttpUrl(text: string): HttpUrl | string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)/.exec(text);
  if (m === null) return `not an absolute http(s) URL: ${text}`;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return `unsupported scheme ${scheme} (http and https only)`;
  const auth = m[2]!;
  if (auth.indexOf('@') >= 0) return 'the URL must not carry userinfo (use Username and Password)';
  let host: string;
  let portText = '';
  if (auth.startsWith('[')) {
    const close = auth.indexOf(']');
    if (close < 0) return 'unterminated IPv6 literal';
    host = auth.slice(1, close);
    const rest = auth.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return 'bad authority';
    portText = rest.slice(1);
  } else {
    const colon = auth.lastIndexOf(':');
    host = colon < 0 ? auth : auth.slice(0, colon);
    portText = colon < 0 ? '' : auth.slice(colon + 1);
  }
  if (host === '') return 'no host';
  const secure = scheme === 'https';
  const defaultPort = secure ? 443 : 80;
  let port = defaultPort;
  if (portText !== '') {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) return `bad port ${portText}`;
    port = Number(portText);
  }
  const path = m[3]!;
  const target = path === '' ? '/' : path.startsWith('?') ? '/' + path : path;
  if (/[\x00-\x20\x7f]/.test(target)) return 'the path contains spaces or control characters';
  const h = host.indexOf(':') >= 0 ? `[${host}]` : host;
  return { secure, host, port, target, authority: port === defaultPort ? h : `${h}:${port}` };
}

/** Removes "." and ".." segments (RFC 3986 §5.2.4). */
function removeDots(path: string): string {
  const out: string[] = [];
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === '.') { if (i === parts.length - 1) out.push(''); continue; }
    if (p === '..') { if (out.length > 1) out.pop(); if (i === parts.length - 1) out.push(''); continue; }
    out.push(p);
  }
  return out.join('/');
}

/** Location of a 3xx against the URL that was requested: an absolute http(s) URL or an error. */
export function resolveLocation(base: HttpUrl, location: string): HttpUrl | string {
  const loc = location.trim();
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(loc)) return parseHttpUrl(loc);
  const origin = `${base.secure ? 'https' : 'http'}://${base.authority}`;
  if (loc.startsWith('//')) return parseHttpUrl(`${base.secure ? 'https' : 'http'}:${loc}`);
  if (loc.startsWith('/')) return parseHttpUrl(origin + removeDots(loc));
  const q = base.target.indexOf('?');
  const basePath = q < 0 ? base.target : base.target.slice(0, q);
  if (loc === '' ) return base;
  if (loc.startsWith('?')) return parseHttpUrl(origin + basePath + loc);
  const dir = basePath.slice(0, basePath.lastIndexOf('/') + 1);
  const qi = loc.indexOf('?');
  const rel = qi < 0 ? loc : loc.slice(0, qi);
  return parseHttpUrl(origin + removeDots(dir + rel) + (qi < 0 ? '' : loc.slice(qi)));
}
