/**
 * Path Name parser (TR-369 §"Data Model Path Grammar", R-ARC.7, §Search, §RefFollow).
 * Turns a path string into segments: names (optionally followed by "+", "#n+", "#*+"),
 * instance numbers, "*", "[expr]" search expressions and, in supported-DM mode, "{i}".
 * The final element decides the kind: "." object, name parameter, "()" command, "!" event.
 *
 * Invariants: never throws; every malformed input yields err 7008 with a message naming
 * the offset; whitespace is tolerated around operators and "&&" (R-ARC.9a); "%22" and
 * "%25" in quoted constants decode to '"' and '%'. Names follow `[A-Za-z_][A-Za-z_0-9]*`,
 * instance numbers `[1-9][0-9]*`.
 */
import { DmError } from './errors.ts';
import {
  type ParsedPath, PathKind, type PathSegment, type RefFollow, type RelativeStep, SearchOp, type SearchTerm, SegmentKind,
} from './path-types.ts';
import { isDigit } from './types/date-time.ts';

const NO_TERMS = null;
const FIRST_ITEM: RefFollow = Object.freeze({ item: 1 });
const ALL_ITEMS: RefFollow = Object.freeze({ item: -1 });

function fail(message: string): ParsedPath {
  return { err: DmError.InvalidPathSyntax, message, kind: PathKind.Object, segments: [], search: false };
}

/** Scanner state for one parse; a plain object per call (paths are per-message, not per-packet). */
interface Cursor {
  readonly s: string;
  i: number;
  error: string;
}

/** `[A-Za-z_][A-Za-z_0-9]*` at c.i, or "" (c.i unchanged). */
function readName(c: Cursor): string {
  const start = c.i;
  for (; c.i < c.s.length; c.i++) {
    const ch = c.s.charCodeAt(c.i);
    if (!((ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 95 || (c.i > start && isDigit(ch)))) break;
  }
  return c.s.slice(start, c.i);
}

/** Optional "+", "#n+", "#*+" after a name; null when absent; sets c.error when malformed. */
function readFollow(c: Cursor): RefFollow | null {
  const ch = c.s[c.i];
  if (ch === '+') { c.i++; return FIRST_ITEM; }
  if (ch !== '#') return null;
  c.i++;
  let follow: RefFollow;
  if (c.s[c.i] === '*') { c.i++; follow = ALL_ITEMS; } else {
    const start = c.i;
    while (c.i < c.s.length && isDigit(c.s.charCodeAt(c.i))) c.i++;
    const digits = c.s.slice(start, c.i);
    if (digits === '' || digits[0] === '0') { c.error = `bad list item number at ${start}`; return null; }
    follow = { item: Number(digits) };
  }
  if (c.s[c.i] !== '+') { c.error = `expected "+" at ${c.i}`; return null; }
  c.i++;
  return follow;
}

function skipSpace(c: Cursor): void {
  while (c.i < c.s.length && (c.s[c.i] === ' ' || c.s[c.i] === '\t')) c.i++;
}

function readTerm(c: Cursor): SearchTerm | null {
  skipSpace(c);
  const steps: RelativeStep[] = [];
  for (;;) {
    const name = readName(c);
    if (name === '') { c.error = `expected a parameter name at ${c.i}`; return null; }
    const follow = readFollow(c);
    if (c.error) return null;
    steps.push({ name, follow });
    if (c.s[c.i] !== '.') break;
    c.i++;
  }
  skipSpace(c);
  // == != ~= <= >= < >
  const a = c.s[c.i];
  const two = c.s[c.i + 1] === '=';
  const op = two ? (a === '=' ? SearchOp.Eq : a === '!' ? SearchOp.Ne : a === '~' ? SearchOp.Contains : a === '<' ? SearchOp.Le : a === '>' ? SearchOp.Ge : 0)
    : a === '<' ? SearchOp.Lt : a === '>' ? SearchOp.Gt : 0;
  if (op === 0) { c.error = `expected an operator at ${c.i}`; return null; }
  c.i += two ? 2 : 1;
  skipSpace(c);
  let value: string;
  let quoted = false;
  if (c.s[c.i] === '"') {
    // A quoted literal, %22 and %25 decoded.
    const start = ++c.i;
    const end = c.s.indexOf('"', start);
    if (end < 0) { c.error = `unterminated string at ${start - 1}`; return null; }
    c.i = end + 1;
    value = c.s.slice(start, end);
    if (value.indexOf('%') >= 0) value = value.split('%22').join('"').split('%25').join('%');
    quoted = true;
  } else {
    const start = c.i;
    while (c.i < c.s.length) {
      const ch = c.s[c.i];
      if (ch === ']' || ch === '&' || ch === ' ' || ch === '\t' || ch === '"' || ch === '[') break;
      c.i++;
    }
    value = c.s.slice(start, c.i);
    if (value === '') { c.error = `expected a value at ${start}`; return null; }
  }
  skipSpace(c);
  return { steps, op, value, quoted };
}

/**
 * Parses an instantiated-DM path (or a supported-DM path when `supported` is true: then
 * "{i}" is allowed and searches are not). Relative paths are parsed the same way.
 */
export function parsePath(path: string, supported = false): ParsedPath {
  const c: Cursor = { s: path, i: 0, error: '' };
  const segments: PathSegment[] = [];
  let search = false;
  let kind: PathKind = PathKind.Object;
  if (path.length === 0) return fail('empty path');
  for (;;) {
    const ch = path.charCodeAt(c.i);
    const prev = segments.length > 0 ? segments[segments.length - 1]! : null;
    // objpath ::= name "." (name ("." inst)? ".")*: the root name is never followed by an instance.
    const afterTable = segments.length >= 2 && prev !== null && prev.kind === SegmentKind.Name && prev.follow === null;
    if (ch === 91 /* [ */) {
      if (supported) return fail(`search expression in a supported-DM path at ${c.i}`);
      if (!afterTable) return fail(`instance identifier without a table name at ${c.i}`);
      // "[" term ("&&" term)* "]"
      c.i++;
      const terms: SearchTerm[] = [];
      for (;;) {
        const t = readTerm(c);
        if (t === null) return fail(c.error);
        terms.push(t);
        if (c.s[c.i] === ']') { c.i++; break; }
        if (c.s[c.i] !== '&' || c.s[c.i + 1] !== '&') return fail(`expected "&&" or "]" at ${c.i}`);
        c.i += 2;
      }
      segments.push({ kind: SegmentKind.Search, name: '', number: 0, terms, follow: null });
      search = true;
    } else if (ch === 42 /* * */) {
      if (supported) return fail(`wildcard in a supported-DM path at ${c.i}`);
      if (!afterTable) return fail(`wildcard without a table name at ${c.i}`);
      c.i++;
      segments.push({ kind: SegmentKind.Wildcard, name: '', number: 0, terms: NO_TERMS, follow: null });
      search = true;
    } else if (isDigit(ch)) {
      if (!afterTable) return fail(`instance number without a table name at ${c.i}`);
      const start = c.i;
      while (c.i < path.length && isDigit(path.charCodeAt(c.i))) c.i++;
      if (path[start] === '0') return fail(`instance number must be ≥ 1 without leading zeros at ${start}`);
      segments.push({ kind: SegmentKind.Instance, name: '', number: Number(path.slice(start, c.i)), terms: NO_TERMS, follow: null });
    } else if (ch === 123 /* { */) {
      if (!supported || path.slice(c.i, c.i + 3) !== '{i}') return fail(`unexpected "{" at ${c.i}`);
      if (!afterTable) return fail(`{i} without a table name at ${c.i}`);
      c.i += 3;
      segments.push({ kind: SegmentKind.SupportedInstance, name: '', number: 0, terms: NO_TERMS, follow: null });
    } else {
      const start = c.i;
      const name = readName(c);
      if (name === '') return fail(c.i >= path.length ? 'path ends after "."' : `unexpected "${path[c.i]}" at ${c.i}`);
      // The last name, after the first: a parameter, "name()" a command, "name!" an event.
      if (segments.length > 0) {
        const n = path.length - c.i;
        const last = n === 0 ? PathKind.Param : n === 2 && path.endsWith('()') ? PathKind.Command : n === 1 && path.endsWith('!') ? PathKind.Event : 0;
        if (last !== 0) {
          segments.push({ kind: SegmentKind.Name, name: n === 0 ? name : name + path.slice(c.i), number: 0, terms: NO_TERMS, follow: null });
          kind = last;
          break;
        }
      }
      const follow = supported ? null : readFollow(c);
      if (c.error) return fail(c.error);
      if (follow !== null) {
        if (segments.length === 0) return fail(`reference following on the root at ${start}`);
        search = true;
      }
      segments.push({ kind: SegmentKind.Name, name, number: 0, terms: NO_TERMS, follow });
    }
    if (c.i === path.length) {
      // After an instance identifier with no trailing "." (reference values, R-ARC.11), or a
      // name ending in a reference hop ("…Recipient+"): an object path.
      break;
    }
    if (path[c.i] !== '.') return fail(`expected "." at ${c.i}`);
    c.i++;
    if (c.i === path.length) break;
  }
  return { err: DmError.Ok, message: '', kind, segments, search };
}
