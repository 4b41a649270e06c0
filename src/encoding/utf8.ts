/**
 * UTF-8 (RFC 3629) for the sans-I/O cores, which may not use TextEncoder/TextDecoder
 * (they are not in every XS build). One implementation for every layer: protobuf
 * strings, CoAP options, MQTT strings, persisted JSON.
 *
 * Invariants: `utf8Length(s)` equals the bytes `writeUtf8(s, …)` writes; a lone
 * surrogate is written as U+FFFD; `readUtf8` returns undefined for ill-formed input
 * (bad lead or continuation bytes, truncation, overlong forms, surrogates, > U+10FFFF)
 * and never throws.
 */

/**
 * String.prototype.charCodeAt, called with the string as `this`: XS wraps a primitive
 * string in a new String object (2 heap slots) for every `s.charCodeAt(i)` and every
 * `s.length`, while a call through the function does not — every string encoded went
 * from ~4 slots of garbage per character to 2 per string (xsnap, docs/budgets.md).
 * Taken from an instance: Espruino has no String.prototype methods as values.
 */
const charCodeAt = ''.charCodeAt;

/** Bytes `s` takes in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = charCodeAt.call(s, i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && (charCodeAt.call(s, i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 at `pos` (the caller checked the room); returns the position after it. */
export function writeUtf8(s: string, out: Uint8Array, pos: number): number {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    let c = charCodeAt.call(s, i);
    if (c < 0x80) { out[pos++] = c; continue; }
    if (c < 0x800) { out[pos++] = 0xc0 | (c >> 6); out[pos++] = 0x80 | (c & 63); continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < len ? charCodeAt.call(s, i + 1) : 0;
      if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[pos++] = 0xf0 | (c >> 18); out[pos++] = 0x80 | ((c >> 12) & 63);
        out[pos++] = 0x80 | ((c >> 6) & 63); out[pos++] = 0x80 | (c & 63);
        continue;
      }
      c = 0xfffd;
    }
    out[pos++] = 0xe0 | (c >> 12); out[pos++] = 0x80 | ((c >> 6) & 63); out[pos++] = 0x80 | (c & 63);
  }
  return pos;
}

/** The UTF-8 bytes of `s` in a new array (for values encoded once, e.g. endpoint IDs at start-up). */
export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  writeUtf8(s, out, 0);
  return out;
}

/** Decodes `buf[start, end)`; undefined when it is not well-formed UTF-8. */
export function readUtf8(buf: Uint8Array, start: number, end: number): string | undefined {
  let s = '';
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    let c: number;
    let need: number;
    let min: number;
    if (b < 0x80) { c = b; need = 0; min = 0; }
    else if ((b & 0xe0) === 0xc0) { c = b & 31; need = 1; min = 0x80; }
    else if ((b & 0xf0) === 0xe0) { c = b & 15; need = 2; min = 0x800; }
    else if ((b & 0xf8) === 0xf0) { c = b & 7; need = 3; min = 0x10000; }
    else return undefined;
    if (i + need >= end && need > 0) return undefined;
    for (let k = 1; k <= need; k++) {
      const cb = buf[i + k]!;
      if ((cb & 0xc0) !== 0x80) return undefined;
      c = (c << 6) | (cb & 63);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return undefined;
    if (c >= 0x10000) {
      c -= 0x10000;
      s += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
    } else s += String.fromCharCode(c);
    i += need + 1;
  }
  return s;
}

/** `buf[start, end)` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF). Allocates nothing. */
export function isUtf8(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let c: number;
    let min: number;
    if ((b & 0xe0) === 0xc0) { c = b & 31; need = 1; min = 0x80; }
    else if ((b & 0xf0) === 0xe0) { c = b & 15; need = 2; min = 0x800; }
    else if ((b & 0xf8) === 0xf0) { c = b & 7; need = 3; min = 0x10000; }
    else return false;
    if (i + need >= end) return false;
    for (let k = 1; k <= need; k++) {
      const cb = buf[i + k]!;
      if ((cb & 0xc0) !== 0x80) return false;
      c = (c << 6) | (cb & 63);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}
