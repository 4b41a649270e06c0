/**
 * HTTP authentication for a download client: Basic (RFC 7617) and Digest (RFC 7616,
 * algorithms MD5, MD5-sess, SHA-256, SHA-256-sess; qop "auth" or none, RFC 2069 style).
 * Credentials are only sent in answer to a 401 challenge, never before, and the
 * strongest offered scheme wins (Digest SHA-256, then Digest MD5, then Basic).
 * SHA-512-256, userhash=true and qop "auth-int" are not supported: such a challenge
 * is skipped (the download then fails as unauthorised).
 */
import { utf8Bytes } from '../encoding/utf8.ts';
import type { HashFactory } from '../platform/firmware.ts';

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  return s;
}

export function base64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < b.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < b.length ? B64[n & 63]! : '=');
  }
  return s;
}

/** One challenge: its scheme (lower case) and auth-params (names lower case, values unquoted). */
export interface Challenge {
  readonly scheme: string;
  readonly params: Map<string, string>;
}

/**
 * The challenges of one WWW-Authenticate value (RFC 9110 §11.6.1: a comma-separated list;
 * a token followed by auth-params starts a new challenge).
 */
export function parseChallenges(value: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  let current: Challenge | null = null;
  const n = value.length;
  while (i < n) {
    while (i < n && (value[i] === ' ' || value[i] === ',' || value[i] === '\t')) i++;
    const tokStart = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(value[i]!)) i++;
    const token = value.slice(tokStart, i);
    if (token === '') { i++; continue; }
    let j = i;
    while (j < n && value[j] === ' ') j++;
    if (value[j] === '=' && current !== null && value[j + 1] !== '=') {
      j++;
      while (j < n && value[j] === ' ') j++;
      let v = '';
      if (value[j] === '"') {
        j++;
        while (j < n && value[j] !== '"') { if (value[j] === '\\') j++; v += value[j] ?? ''; j++; }
        j++;
      } else {
        const vs = j;
        while (j < n && value[j] !== ',') j++;
        v = value.slice(vs, j).trim();
      }
      current.params.set(token.toLowerCase(), v);
      i = j;
    } else {
      current = { scheme: token.toLowerCase(), params: new Map() };
      out.push(current);
      // token68 (Basic/Bearer style) or nothing: skip up to the next comma
    }
  }
  return out;
}

type HashFn = (data: Uint8Array) => Uint8Array;

/** One-shot hashing through the platform's factory (null: the algorithm is unavailable). */
function oneShot(name: string, hashes: HashFactory | null): HashFn | null {
  if (hashes === null) return () => new Uint8Array(0); // strength only: never hashes
  if (hashes(name) === null) return null;
  return (data) => {
    const h = hashes(name)!;
    h.update(data);
    return h.digest();
  };
}

function digestHash(algorithm: string, hashes: HashFactory | null): { h: HashFn; sess: boolean; strength: number } | null {
  const a = algorithm.toUpperCase();
  const name = a === '' || a === 'MD5' || a === 'MD5-SESS' ? 'MD5' : a === 'SHA-256' || a === 'SHA-256-SESS' ? 'SHA-256' : '';
  if (name === '') return null;
  const h = oneShot(name, hashes);
  return h === null ? null : { h, sess: a.endsWith('-SESS'), strength: name === 'MD5' ? 2 : 3 };
}

export interface DigestInput {
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request-target as sent (RFC 7616 §3.4.6 "uri"). */
  readonly uri: string;
  readonly cnonce: string;
  /** Requests sent with this nonce, this one included (nc, 8 hex digits). */
  readonly nc: number;
}

/** The Authorization value for a Digest challenge (RFC 7616 §3.4), or null when it cannot be answered. */
export function digestAuthorization(c: Challenge, d: DigestInput, hashes: HashFactory): string | null {
  const realm = c.params.get('realm');
  const nonce = c.params.get('nonce');
  if (realm === undefined || nonce === undefined) return null;
  const alg = c.params.get('algorithm') ?? 'MD5';
  const f = digestHash(alg, hashes);
  if (f === null || (c.params.get('userhash') ?? 'false').toLowerCase() === 'true') return null;
  const qops = (c.params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '');
  if (qops.length > 0 && qops.indexOf('auth') < 0) return null; // auth-int only: would need the body
  const H = (s: string): string => hex(f.h(utf8Bytes(s)));
  const nc = ('0000000' + d.nc.toString(16)).slice(-8);
  let ha1 = H(`${d.username}:${realm}:${d.password}`);
  if (f.sess) ha1 = H(`${ha1}:${nonce}:${d.cnonce}`);
  const ha2 = H(`${d.method}:${d.uri}`);
  const response = qops.length > 0 ? H(`${ha1}:${nonce}:${nc}:${d.cnonce}:auth:${ha2}`) : H(`${ha1}:${nonce}:${ha2}`);
  const q = (s: string): string => '"' + s.replace(/(["\\])/g, '\\$1') + '"';
  let v = `Digest username=${q(d.username)}, realm=${q(realm)}, uri=${q(d.uri)}, algorithm=${alg}, nonce=${q(nonce)}`;
  if (qops.length > 0) v += `, nc=${nc}, cnonce=${q(d.cnonce)}, qop=auth`;
  v += `, response=${q(response)}`;
  const opaque = c.params.get('opaque');
  if (opaque !== undefined) v += `, opaque=${q(opaque)}`;
  return v;
}

export function basicAuthorization(username: string, password: string): string {
  return 'Basic ' + base64(utf8Bytes(`${username}:${password}`));
}

/** Preference of a challenge: higher is stronger; 0 = cannot be answered. */
function strength(c: Challenge): number {
  if (c.scheme === 'basic') return 1;
  if (c.scheme !== 'digest') return 0;
  const f = digestHash(c.params.get('algorithm') ?? 'MD5', null);
  return f === null ? 0 : f.strength;
}

/** The Authorization value answering the strongest challenge among WWW-Authenticate values, or null. */
export function answerChallenges(values: readonly string[], d: DigestInput, hashes: HashFactory): string | null {
  let best: Challenge | null = null;
  for (const v of values) for (const c of parseChallenges(v)) if (strength(c) > (best === null ? 0 : strength(best))) best = c;
  if (best === null) return null;
  if (best.scheme === 'basic') return basicAuthorization(d.username, d.password);
  return digestAuthorization(best, d, hashes);
}
