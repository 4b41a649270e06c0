/**
 * The HTTP/1.1 head of the opening handshake (RFC 6455 §4.1, §4.2; RFC 9112 §2–§5):
 * find where it ends in the receive buffer, then read its start line and header fields.
 *
 * Bounded: a head longer than `maxBytes` or with more than MAX_FIELDS fields is
 * refused (the peer cannot make us buffer or index without limit). Field names are
 * compared case-insensitively (RFC 9110 §5.1); repeated fields are joined with ", "
 * (§5.3). Obsolete line folding and non-ASCII bytes make the head malformed. This runs
 * once per connection, so it works on strings.
 */

/** Most header fields a head may carry. */
export const MAX_FIELDS = 64;

export const HeadResult = { NEED_MORE: -1, TOO_LARGE: -2 } as const;

/**
 * Offset just past the CRLFCRLF that ends the head starting at `start`, NEED_MORE
 * while it is incomplete, TOO_LARGE once `maxBytes` have arrived without it.
 */
export function headEnd(buf: Uint8Array, start: number, end: number, maxBytes: number): number {
  const stop = Math.min(end, start + maxBytes);
  for (let i = start + 3; i < stop; i++) {
    if (buf[i] === 0x0a && buf[i - 1] === 0x0d && buf[i - 2] === 0x0a && buf[i - 3] === 0x0d) return i + 1;
  }
  return end - start >= maxBytes ? HeadResult.TOO_LARGE : HeadResult.NEED_MORE;
}

export interface HttpHead {
  /** "GET /path?q HTTP/1.1" or "HTTP/1.1 101 Switching Protocols", as received. */
  readonly startLine: string;
  /** Lower-case field name → value (trimmed; repeated fields joined by ", "). */
  readonly fields: Map<string, string>;
}

/** Parses `buf[start, end)` (a complete head from `headEnd`); undefined when malformed. */
export function parseHead(buf: Uint8Array, start: number, end: number): HttpHead | undefined {
  let text = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c > 0x7e || (c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09)) return undefined;
    text += String.fromCharCode(c);
  }
  const lines = text.split('\r\n');
  // The head ends with CRLF CRLF: the last two split parts are empty.
  if (lines.length < 3 || lines[lines.length - 1] !== '' || lines[lines.length - 2] !== '') return undefined;
  const fields = new Map<string, string>();
  if (lines.length - 3 > MAX_FIELDS) return undefined;
  for (let i = 1; i < lines.length - 2; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0 || line[0] === ' ' || line[0] === '\t' || line.indexOf('\n') >= 0) return undefined;
    const name = line.slice(0, colon);
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return undefined; // RFC 9110 §5.6.2 token
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = fields.get(key);
    fields.set(key, before === undefined ? value : `${before}, ${value}`);
  }
  return { startLine: lines[0]!, fields };
}

/** The comma-separated elements of a field value (RFC 9110 §5.6.1), trimmed, empty ones dropped. */
export function fieldList(value: string | undefined): string[] {
  if (value === undefined) return [];
  const out: string[] = [];
  for (const part of value.split(',')) {
    const t = part.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/** Does the list field contain `token` (case-insensitive, e.g. Connection: keep-alive, Upgrade)? */
export function hasToken(value: string | undefined, token: string): boolean {
  const want = token.toLowerCase();
  for (const t of fieldList(value)) if (t.toLowerCase() === want) return true;
  return false;
}
