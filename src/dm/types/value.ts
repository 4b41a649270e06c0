/**
 * TR-106 data types in USP string form (R-ENC.6, TR-106 App. I.4 / XML Schema lexical
 * forms): validation against a parameter's facets, canonical form, typed comparison
 * for search expressions (R-ARC.9 §Search: `0123` == `123`, `1` == `true`).
 *
 * Invariants: never throws; 64-bit integers stay decimal strings (no precision loss,
 * no BigInt); dateTime compares as seconds since the epoch (date-time.ts).
 */
import { DmError } from '../errors.ts';
import { type ParamNode, ParamType } from '../schema.ts';
import { isDigit, parseDateTime } from './date-time.ts';

export { formatDateTime, parseDateTime, UNKNOWN_TIME } from './date-time.ts';

const INT32_MIN = '-2147483648';
const INT32_MAX = '2147483647';
const UINT32_MAX = '4294967295';
const INT64_MIN = '-9223372036854775808';
const INT64_MAX = '9223372036854775807';
const UINT64_MAX = '18446744073709551615';

/** Compares two canonical integers. */
function compareIntegers(a: string, b: string): number {
  const na = a[0] === '-';
  const nb = b[0] === '-';
  if (na !== nb) return na ? -1 : 1;
  let r = a.length !== b.length ? (a.length < b.length ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0;
  if (na) r = -r;
  return r;
}

/** "[+-]?d*(.d*)?" → [sign, int, frac] canonical, or null. */
function splitDecimal(s: string): [boolean, string, string] | null {
  let i = 0;
  let neg = false;
  if (s.length > 0 && (s[0] === '+' || s[0] === '-')) { neg = s[0] === '-'; i = 1; }
  const dot = s.indexOf('.', i);
  const ip = dot < 0 ? s.slice(i) : s.slice(i, dot);
  const fp = dot < 0 ? '' : s.slice(dot + 1);
  if (ip.length + fp.length === 0) return null;
  for (let j = 0; j < ip.length; j++) if (!isDigit(ip.charCodeAt(j))) return null;
  for (let j = 0; j < fp.length; j++) if (!isDigit(fp.charCodeAt(j))) return null;
  let a = 0;
  while (a < ip.length - 1 && ip[a] === '0') a++;
  let b = fp.length;
  while (b > 0 && fp[b - 1] === '0') b--;
  const intPart = ip.slice(a) || '0';
  const frac = fp.slice(0, b);
  return [neg && (intPart !== '0' || frac !== ''), intPart, frac];
}

/** "[+-]?digits" → "-123"/"123" without leading zeros, or null (a decimal without a fraction part). */
function canonicalInteger(s: string): string | null {
  const d = s.indexOf('.') < 0 ? splitDecimal(s) : null;
  return d === null ? null : d[0] ? '-' + d[1] : d[1];
}

function isBase64(s: string): number {
  let n = 0;
  let pads = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c) || c === 43 || c === 47;
    if (c === 61) pads++;
    else if (!ok || pads > 0) return -1;
    n++;
  }
  if (n % 4 !== 0 || pads > 2) return -1;
  return (n / 4) * 3 - pads;
}

/**
 * Canonical USP string of one scalar value of `type`, or null when it is not in the
 * type's lexical space (booleans "1"/"0" → "true"/"false", integers without "+" or
 * leading zeros, others unchanged). Range limits of the type itself are checked here.
 */
export function canonicalValue(type: ParamType, s: string): string | null {
  switch (type) {
    case ParamType.Boolean:
      return s === 'true' || s === '1' ? 'true' : s === 'false' || s === '0' ? 'false' : null;
    case ParamType.Int: case ParamType.UnsignedInt: case ParamType.Long: case ParamType.UnsignedLong: {
      const v = canonicalInteger(s);
      if (v === null) return null;
      const signed = type === ParamType.Int || type === ParamType.Long;
      const lo = type === ParamType.Int ? INT32_MIN : type === ParamType.Long ? INT64_MIN : '0';
      const hi = type === ParamType.Int ? INT32_MAX : type === ParamType.Long ? INT64_MAX : type === ParamType.UnsignedInt ? UINT32_MAX : UINT64_MAX;
      if (!signed && v[0] === '-') return null;
      return compareIntegers(v, lo) < 0 || compareIntegers(v, hi) > 0 ? null : v;
    }
    case ParamType.Decimal: {
      const d = splitDecimal(s);
      return d === null ? null : (d[0] ? '-' : '') + d[1] + (d[2] ? '.' + d[2] : '');
    }
    case ParamType.DateTime:
      return Number.isNaN(parseDateTime(s)) ? null : s;
    case ParamType.Base64:
      return isBase64(s) < 0 ? null : s;
    case ParamType.HexBinary: {
      if (s.length % 2 !== 0) return null;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i) | 32;
        if (!isDigit(s.charCodeAt(i)) && (c < 97 || c > 102)) return null;
      }
      return s;
    }
    case ParamType.String:
      // TR-106 strings are XML Schema strings (App. I.4), whose characters are XML 1.0 `Char`
      // (§2.2): no C0 control other than tab, LF and CR, no surrogate halves (what a decoder
      // makes of bytes that are not UTF-8 arrives as U+FFFD, refused before, in the codec),
      // no U+FFFE/U+FFFF. DEL and the C1 controls, which §2.2 discourages, are refused too
      // (issue #16: control bytes were stored in string parameters).
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x20 && c < 0x7f) continue;
        if (c < 0x20) { if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return null; continue; }
        if (c <= 0x9f || c === 0xfffe || c === 0xffff) return null;
        if (c >= 0xd800 && c <= 0xdbff) { // a high surrogate needs its low one
          const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (d < 0xdc00 || d > 0xdfff) return null;
          i++;
        } else if (c >= 0xdc00 && c <= 0xdfff) return null;
      }
      return s;
    default:
      return s;
  }
}


/** Typed comparison of two values of `type`: <0, 0, >0, or NaN when either is invalid. */
export function compareValues(type: ParamType, a: string, b: string): number {
  switch (type) {
    case ParamType.Int: case ParamType.UnsignedInt: case ParamType.Long: case ParamType.UnsignedLong: {
      const x = canonicalInteger(a);
      const y = canonicalInteger(b);
      return x === null || y === null ? NaN : compareIntegers(x, y);
    }
    case ParamType.Decimal: {
      const x = splitDecimal(a);
      const y = splitDecimal(b);
      if (!x || !y) return NaN;
      if (x[0] !== y[0]) return x[0] ? -1 : 1;
      let r = compareIntegers(x[1], y[1]);
      if (r === 0) {
        const n = Math.max(x[2].length, y[2].length);
        const fx = x[2].padEnd(n, '0');
        const fy = y[2].padEnd(n, '0');
        r = fx < fy ? -1 : fx > fy ? 1 : 0;
      }
      return x[0] ? -r : r;
    }
    case ParamType.DateTime: {
      const x = parseDateTime(a);
      const y = parseDateTime(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    }
    case ParamType.Boolean: {
      const x = canonicalValue(type, a);
      const y = canonicalValue(type, b);
      return x === null || y === null ? NaN : x === y ? 0 : x < y ? -1 : 1;
    }
    case ParamType.HexBinary:
      return a.toLowerCase() === b.toLowerCase() ? 0 : a.toLowerCase() < b.toLowerCase() ? -1 : 1;
    default:
      return a === b ? 0 : a < b ? -1 : 1;
  }
}

/** TR-106 comma-separated list: items split on ",", whitespace after a comma ignored. "" = no items. */
export function splitList(s: string): string[] {
  if (s === '') return [];
  const out = s.split(',');
  for (let i = 0; i < out.length; i++) out[i] = out[i]!.trim();
  return out;
}

function checkItem(p: ParamNode, s: string): { err: number; value: string; message: string } {
  const v = canonicalValue(p.type, s);
  if (v === null) return { err: DmError.InvalidType, value: s, message: `"${s}" is not a valid ${typeName(p.type)}` };
  // The first facet the value breaks (7012), "" when none.
  let why = '';
  if (p.type === ParamType.String || p.type === ParamType.Base64 || p.type === ParamType.HexBinary) {
    const len = p.type === ParamType.String ? v.length : p.type === ParamType.HexBinary ? v.length / 2 : isBase64(v);
    if (p.maxLength > 0 && len > p.maxLength) why = `longer than ${p.maxLength}`;
    else if (len < p.minLength) why = `shorter than ${p.minLength}`;
  }
  if (why === '' && p.enumeration !== null && p.enumeration.indexOf(v) < 0) why = `"${v}" is not one of ${p.enumeration.join(', ')}`;
  if (why === '' && p.patterns !== null) {
    // Write path only (Set/Add), never per packet: a RegExp here is acceptable (STYLE rule: no regex on hot paths).
    // A capturing group, not `(?:…)`: Espruino 2v29's RegExp matches nothing with one (every Alias was refused there).
    let i = 0;
    while (i < p.patterns.length && !new RegExp('^(' + p.patterns[i] + ')$').test(v)) i++;
    if (i === p.patterns.length) why = `"${v}" does not match the pattern`;
  }
  if (why === '' && p.rangeMin !== '' && !(compareValues(p.type, v, p.rangeMin) >= 0)) why = `below ${p.rangeMin}`;
  if (why === '' && p.rangeMax !== '' && !(compareValues(p.type, v, p.rangeMax) <= 0)) why = `above ${p.rangeMax}`;
  return { err: why === '' ? 0 : DmError.InvalidValue, value: v, message: why };
}

export function typeName(t: ParamType): string {
  // One string rather than an array literal built at every call (ParamType order: 1 = base64).
  return ' base64 boolean dateTime decimal hexBinary int long string unsignedInt unsignedLong'.split(' ')[t] ?? '';
}

/**
 * Checks a value for a write against every facet of `p` (type, length, enumeration,
 * pattern, range, list items). Returns err 0 and the canonical value, or 7011 (not of
 * the type) / 7012 (out of range, enumeration, length, item count) with a message.
 */
export function checkValue(p: ParamNode, s: string): { err: number; value: string; message: string } {
  if (!p.list) return checkItem(p, s);
  if (p.listMaxLength > 0 && s.length > p.listMaxLength) return { err: DmError.InvalidValue, value: s, message: `list longer than ${p.listMaxLength}` };
  const items = splitList(s);
  if (items.length < p.minItems || (p.maxItems > 0 && items.length > p.maxItems)) {
    return { err: DmError.InvalidValue, value: s, message: `list must have ${p.minItems}..${p.maxItems || 'any'} items` };
  }
  for (let i = 0; i < items.length; i++) {
    const r = checkItem(p, items[i]!);
    if (r.err !== 0) return r;
    items[i] = r.value;
  }
  return { err: 0, value: items.join(','), message: '' };
}
