/**
 * UTF-8 for MQTT strings (MQTT 5.0 §1.5.4, 3.1.1 §1.5.3) without TextEncoder/TextDecoder,
 * which the sans-I/O core may not use. Invariants: `utf8Length` equals the bytes
 * `writeUtf8` writes; `readUtf8` rejects ill-formed UTF-8, surrogates and U+0000
 * (the MQTT specs make those a Malformed Packet) by returning undefined, never throwing.
 */

/** Bytes `s` takes in UTF-8. Lone surrogates count as U+FFFD (3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 at `pos` (caller checked the room); returns the position after it. */
export function writeUtf8(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) { out[pos++] = c; continue; }
    if (c < 0x800) { out[pos++] = 0xc0 | (c >> 6); out[pos++] = 0x80 | (c & 63); continue; }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
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

/** Decodes `buf[start, end)`; undefined when it is not well-formed MQTT UTF-8. */
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
    if (c < min || c === 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return undefined;
    if (c >= 0x10000) {
      c -= 0x10000;
      s += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
    } else s += String.fromCharCode(c);
    i += need + 1;
  }
  return s;
}
