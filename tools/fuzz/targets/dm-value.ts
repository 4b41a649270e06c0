/**
 * TR-106 values (R-ENC.6, App. I.4): canonical forms, typed comparison, lists, dateTime
 * and the string rule (XML 1.0 Char, issue #16). Byte 0 picks the type; the rest is the
 * value as the codec hands it over (UTF-8, replacement characters included).
 */
import { canonicalValue, compareValues, ParamType, parseDateTime, splitList } from '../../../src/dm/index.ts';
import { ascii, type FuzzTarget } from '../target.ts';

const TYPES = [ParamType.Base64, ParamType.Boolean, ParamType.DateTime, ParamType.Decimal, ParamType.HexBinary, ParamType.Int,
  ParamType.Long, ParamType.String, ParamType.UnsignedInt, ParamType.UnsignedLong];
const SAMPLES = ['true', '0', '-2147483648', '18446744073709551615', '0001-01-01T00:00:00Z', '2026-12-05T16:00:00.123+01:00', '-0.500',
  'AAECAw==', 'c0ffee', 'a,b, c', 'zürich', '\u0007'];

export default function create(): FuzzTarget {
  const dec = new TextDecoder();
  return {
    name: 'dm-value',
    about: 'TR-106 value types: canonical form, comparison, lists, dateTime, strings',
    files: ['src/dm/types/value.ts', 'src/dm/types/date-time.ts'],
    seeds: () => TYPES.flatMap((_t, i) => [ascii(String.fromCharCode(i) + SAMPLES[i % SAMPLES.length]!), ascii(String.fromCharCode(i) + SAMPLES[(i + 5) % SAMPLES.length]!)]),
    dictionary: ['T', 'Z', '+', '-', '.', ',', '=', ':', '00', '9999', '1.', 'e'].map(ascii),
    run(data) {
      if (data.length === 0) return;
      const type = TYPES[data[0]! % TYPES.length]!;
      const s = dec.decode(data.subarray(1));
      const c = canonicalValue(type, s);
      if (c !== null) {
        if (canonicalValue(type, c) !== c) throw new Error(`canonical form of ${JSON.stringify(s)} is not stable`);
        if (compareValues(type, s, c) !== 0 && type !== ParamType.String && type !== ParamType.Base64) throw new Error(`${JSON.stringify(s)} ≠ its canonical form`);
      }
      compareValues(type, s, '0');
      splitList(s);
      parseDateTime(s);
    },
  };
}
