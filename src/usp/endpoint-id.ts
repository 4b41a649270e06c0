/**
 * USP Endpoint IDs (TR-369 "Endpoint Identifier"):
 *   authority-scheme ":" [authority-id] ":" instance-id
 * R-ARC.2a per-scheme rules, R-ARC.5 instance-id characters, R-ARC.6 length.
 * No regular expressions: this also runs on XS where regex costs RAM.
 */

export const EndpointIdError = {
  Ok: 0,
  /** Not `scheme:authority:instance`. */
  Syntax: 1,
  UnknownScheme: 2,
  /** authority-id has the wrong form for its scheme (R-ARC.2a). */
  AuthorityId: 3,
  /** instance-id has characters outside unreserved / pct-encoded (R-ARC.5). */
  InstanceIdCharacters: 4,
  /** instance-id longer than 50 characters (R-ARC.6). */
  InstanceIdLength: 5,
  /** instance-id has the wrong form for its scheme (os, ops, uuid, imei). */
  InstanceIdForm: 6,
} as const;
export type EndpointIdError = (typeof EndpointIdError)[keyof typeof EndpointIdError];

export const MAX_INSTANCE_ID_LENGTH = 50;

/** The authority-schemes, each followed by a space: one string in flash rather than an array of twelve. */
const SCHEMES = 'oui cid pen self user os ops uuid imei proto doc fqdn ';

/**
 * Character classes as bits, so one test and one loop serve every rule: DIGIT, HEX
 * (digits and a–f, A–F), and RFC 3986 unreserved minus "~" as R-ARC.5 lists it, split
 * into its dot (DOT) and the rest (NAME): unreserved is NAME | DOT.
 */
const DIGIT = 1, HEX = 2, NAME = 4, DOT = 8;

function classOf(c: number): number {
  if (c >= 48 && c <= 57) return DIGIT | HEX | NAME;
  if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)) return HEX | NAME;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95) return NAME;
  return c === 46 ? DOT : 0;
}

/** True when every character of `s[from, to)` is in one of the classes `mask`. */
function all(s: string, from: number, to: number, mask: number): boolean {
  for (let i = from; i < to; i++) if ((classOf(s.charCodeAt(i)) & mask) === 0) return false;
  return true;
}

function isOui(s: string, from: number, to: number): boolean {
  const n = to - from;
  return (n === 6 || n === 7 || n === 9) && all(s, from, to, HEX);
}

/** Index of the scheme `s[0, to)` in SCHEMES, compared in place (no substring is made); -1 when unknown. */
function schemeIndex(s: string, to: number): number {
  for (let p = 0, k = 0; p < SCHEMES.length; p = SCHEMES.indexOf(' ', p) + 1, k++) {
    let i = 0;
    while (i < to && SCHEMES.charCodeAt(p + i) === s.charCodeAt(i) && s.charCodeAt(i) !== 32) i++;
    if (i === to && SCHEMES.charCodeAt(p + i) === 32) return k;
  }
  return -1;
}

const OUI = 0, CID = 1, PEN = 2, SELF = 3, USER = 4, OS = 5, OPS = 6, UUID = 7, IMEI = 8, PROTO = 9, DOC = 10, FQDN = 11;

/**
 * Validates an Endpoint ID; returns EndpointIdError.Ok or the first rule it breaks.
 * Works on indices into `eid`: no substrings, so it allocates nothing (checked in XS).
 */
export function validateEndpointId(eid: string): EndpointIdError {
  const c1 = eid.indexOf(':');
  const c2 = c1 < 0 ? -1 : eid.indexOf(':', c1 + 1);
  if (c1 <= 0 || c2 < 0) return EndpointIdError.Syntax;
  const scheme = schemeIndex(eid, c1);
  if (scheme < 0) return EndpointIdError.UnknownScheme;
  // R-ARC.2a: the authority-id's form per scheme; os, ops, uuid, imei and fqdn have none.
  const a = c1 + 1;
  const n = c2 - a;
  let ok = n === 0;
  if (scheme === OUI) ok = isOui(eid, a, c2);
  else if (scheme === CID) ok = n === 6 && all(eid, a, c2, HEX);
  else if (scheme === PEN) ok = n > 0 && all(eid, a, c2, DIGIT);
  else if (scheme === SELF || scheme === USER || scheme === DOC) ok = n <= 6 && all(eid, a, c2, NAME | DOT);
  else if (scheme === PROTO) ok = n <= 6 && all(eid, a, c2, NAME);
  if (!ok) return EndpointIdError.AuthorityId;
  const from = c2 + 1;
  const to = eid.length;
  if (to - from > MAX_INSTANCE_ID_LENGTH) return EndpointIdError.InstanceIdLength;
  for (let i = from; i < to; i++) {
    const c = eid.charCodeAt(i);
    if (c === 37) { // "%" HEXDIG HEXDIG
      if (i + 2 >= to || (classOf(eid.charCodeAt(i + 1)) & classOf(eid.charCodeAt(i + 2)) & HEX) === 0) {
        return EndpointIdError.InstanceIdCharacters;
      }
      i += 2;
    } else if ((classOf(c) & (NAME | DOT)) === 0) {
      return EndpointIdError.InstanceIdCharacters;
    }
  }
  // The instance-id's form per scheme.
  if (scheme === OS) { // <OUI>-<SerialNumber>
    const dash = eid.indexOf('-', from);
    ok = dash > from && dash < to - 1 && isOui(eid, from, dash);
  } else if (scheme === OPS) { // <OUI>-<ProductClass>-<SerialNumber>
    const d1 = eid.indexOf('-', from);
    const d2 = d1 < 0 ? -1 : eid.indexOf('-', d1 + 1);
    ok = d1 > from && d2 > d1 && d2 < to - 1 && isOui(eid, from, d1);
  } else if (scheme === UUID) { // 8-4-4-4-12 hex
    ok = to - from === 36;
    for (let i = 0; ok && i < 36; i++) {
      const c = eid.charCodeAt(from + i);
      const dash = i === 8 || i === 13 || i === 18 || i === 23;
      if (dash ? c !== 45 : (classOf(c) & HEX) === 0) ok = false;
    }
  } else if (scheme === IMEI) ok = (to - from === 15 || to - from === 16) && all(eid, from, to, DIGIT);
  else if (scheme === FQDN) ok = to > from && eid.indexOf('*', from) < 0 && eid.charCodeAt(from) !== 46;
  else ok = to > from;
  return ok ? EndpointIdError.Ok : EndpointIdError.InstanceIdForm;
}

/** The form used in certificates' subjectAltName (TR-369 §EID): `urn:bbf:usp:id:<eid>`. */
export const EID_URN_PREFIX = 'urn:bbf:usp:id:';

/** Extracts the EID from a SAN URI, or undefined when it is not a USP endpoint URN. */
export function endpointIdFromUrn(uri: string): string | undefined {
  return uri.startsWith(EID_URN_PREFIX) ? uri.slice(EID_URN_PREFIX.length) : undefined;
}
