/**
 * TR-106 dateTime (XML Schema lexical form, TR-106 §3.2.1): parsing to seconds since the
 * epoch and formatting UTC "YYYY-MM-DDThh:mm:ssZ", without the Date object (sans-I/O
 * rule: the core never reads a clock). A double is exact for whole seconds over years
 * 1–9999; the Unknown Time is 0001-01-01T00:00:00Z.
 */

export const UNKNOWN_TIME = '0001-01-01T00:00:00Z';

/** "0"–"9" (a char code): the one copy the data model's parsers share (flash, #13 item 4). */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function num(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** XML Schema dateTime "YYYY-MM-DDThh:mm:ss(.f*)?(Z|±hh:mm)?" → seconds since the epoch, or NaN. */
export function parseDateTime(s: string): number {
  if (s.length < 19 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':' || s[16] !== ':') return NaN;
  const y = num(s, 0, 4);
  const mo = num(s, 5, 2);
  const d = num(s, 8, 2);
  const h = num(s, 11, 2);
  const mi = num(s, 14, 2);
  const se = num(s, 17, 2);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > monthDays || h < 0 || h > 24 || mi < 0 || mi > 59 || se < 0 || se > 60) return NaN;
  if (h === 24 && (mi !== 0 || se !== 0 || s[19] === '.')) return NaN; // XML Schema: 24:00:00 only
  let i = 19;
  let frac = 0;
  if (s[i] === '.') {
    let scale = 0.1;
    i++;
    const start = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) { frac += (s.charCodeAt(i) - 48) * scale; scale /= 10; i++; }
    if (i === start) return NaN;
  }
  let offset = 0;
  if (i < s.length) {
    if (s[i] === 'Z' && i === s.length - 1) offset = 0;
    else if ((s[i] === '+' || s[i] === '-') && s.length === i + 6 && s[i + 3] === ':') {
      const oh = num(s, i + 1, 2);
      const om = num(s, i + 4, 2);
      if (oh < 0 || om < 0 || oh > 14 || om > 59) return NaN;
      offset = (oh * 60 + om) * 60 * (s[i] === '-' ? -1 : 1);
    } else return NaN;
  }
  // Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's days_from_civil).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86400 + h * 3600 + mi * 60 + se + frac - offset;
}

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** Epoch milliseconds → "YYYY-MM-DDThh:mm:ssZ" (UTC, whole seconds; civil_from_days). */
export function formatDateTime(ms: number): string {
  const t = Math.floor(ms / 1000);
  const days = Math.floor(t / 86400);
  const sod = t - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}Z`;
}

