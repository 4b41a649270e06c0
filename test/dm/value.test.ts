/** TR-106 types in USP string form (R-ENC.6, §Types): lexical forms, facets, typed comparison. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalValue, checkValue, compareValues, DmError, param, ParamType, R, splitList, T } from '../../src/dm/index.ts';

const lexical = suite('dm/types lexical forms');

lexical('§Types boolean: true/false/1/0 accepted, emitted as true/false', () => {
  assert.equal(['true', 'false', '1', '0'].map((v) => canonicalValue(T.Boolean, v)), ['true', 'false', 'true', 'false']);
  for (const v of ['TRUE', 'yes', '', '2']) assert.is(canonicalValue(T.Boolean, v), null, v);
});

lexical('§Types int/unsignedInt are 32-bit, long/unsignedLong 64-bit, exact at the limits', () => {
  assert.is(canonicalValue(T.Int, '+0123'), '123');
  assert.is(canonicalValue(T.Int, '-0'), '0');
  assert.is(canonicalValue(T.Int, '-2147483648'), '-2147483648');
  assert.is(canonicalValue(T.Int, '2147483648'), null);
  assert.is(canonicalValue(T.UnsignedInt, '4294967295'), '4294967295');
  assert.is(canonicalValue(T.UnsignedInt, '4294967296'), null);
  assert.is(canonicalValue(T.UnsignedInt, '-1'), null);
  assert.is(canonicalValue(T.Long, '-9223372036854775808'), '-9223372036854775808');
  assert.is(canonicalValue(T.Long, '9223372036854775808'), null);
  assert.is(canonicalValue(T.UnsignedLong, '18446744073709551615'), '18446744073709551615');
  assert.is(canonicalValue(T.UnsignedLong, '18446744073709551616'), null);
  for (const v of ['', '+', '1.0', '1e3', ' 1', '0x10']) assert.is(canonicalValue(T.Int, v), null, v);
});

lexical('§Types decimal, dateTime, base64, hexBinary', () => {
  assert.is(canonicalValue(T.Decimal, '+001.500'), '1.5');
  assert.is(canonicalValue(T.Decimal, '-0.0'), '0');
  assert.is(canonicalValue(T.Decimal, '.5'), '0.5');
  assert.is(canonicalValue(T.Decimal, '1.2.3'), null);
  assert.ok(canonicalValue(T.DateTime, '2021-06-06T08:00:00Z'));
  assert.ok(canonicalValue(T.DateTime, '0001-01-01T00:00:00Z'), 'Unknown Time');
  assert.ok(canonicalValue(T.DateTime, '2021-06-06T08:00:00.25+02:00'));
  assert.ok(canonicalValue(T.DateTime, '2021-06-06T08:00:00'), 'no zone = local (TR-106 allows it)');
  assert.ok(canonicalValue(T.DateTime, '2024-02-29T00:00:00Z'), 'leap day');
  assert.ok(canonicalValue(T.DateTime, '2021-06-06T24:00:00Z'), 'end of day');
  for (const v of ['2023-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2021-04-31T00:00:00Z', '2021-06-06T24:00:01Z']) assert.is(canonicalValue(T.DateTime, v), null, v);
  for (const v of ['2021-06-06', '2021-13-01T00:00:00Z', '2021-06-06T08:00:00X', '2021-06-06 08:00:00Z']) assert.is(canonicalValue(T.DateTime, v), null, v);
  assert.is(canonicalValue(T.Base64, 'aGk='), 'aGk=');
  assert.is(canonicalValue(T.Base64, 'aGk'), null);
  assert.is(canonicalValue(T.Base64, 'a=Gk'), null);
  assert.is(canonicalValue(T.HexBinary, '0aFF'), '0aFF');
  assert.is(canonicalValue(T.HexBinary, 'abc'), null);
  assert.is(canonicalValue(T.HexBinary, 'zz'), null);
});

const compare = suite('dm/types typed comparison');

compare('§Search typed comparison: numbers by value, 64-bit exact, decimals, dateTimes as instants', () => {
  assert.is(compareValues(T.Int, '123', '+0123'), 0);
  assert.is(compareValues(T.Int, '-5', '3'), -1);
  assert.is(compareValues(T.Int, '-50', '-6'), -1);
  assert.is(compareValues(T.UnsignedLong, '18446744073709551615', '18446744073709551614'), 1);
  assert.is(compareValues(T.Long, '-9223372036854775808', '-9223372036854775807'), -1);
  assert.is(compareValues(T.Decimal, '1.50', '1.5'), 0);
  assert.is(compareValues(T.Decimal, '-1.5', '-1.25'), -1);
  assert.is(compareValues(T.Decimal, '10', '9.99'), 1);
  assert.is(compareValues(T.DateTime, '2021-06-06T10:00:00+02:00', '2021-06-06T08:00:00Z'), 0);
  assert.is(compareValues(T.Boolean, '1', 'true'), 0);
  assert.ok(Number.isNaN(compareValues(T.Int, 'x', '1')));
  assert.is(compareValues(T.HexBinary, '0A', '0a'), 0);
});

compare('§Types lists are comma-separated; whitespace after commas is ignored', () => {
  assert.equal(splitList(''), []);
  assert.equal(splitList('a, b,c'), ['a', 'b', 'c']);
});

const facets = suite('dm/types facets (checkValue)');

facets('§ADD/§SET 7011 for the wrong type, 7012 for range, length, enumeration, pattern, item count', () => {
  const port = param('Port', T.UnsignedInt, R, { min: '1', max: '65535' });
  assert.equal(checkValue(port, '+080'), { err: 0, value: '80', message: '' });
  assert.is(checkValue(port, 'http').err, DmError.InvalidType);
  assert.is(checkValue(port, '0').err, DmError.InvalidValue);
  assert.is(checkValue(port, '65536').err, DmError.InvalidValue);
  const oui = param('OUI', T.String, R, { minLength: 6, maxLength: 6, patterns: ['[0-9A-F]{6}'] });
  assert.is(checkValue(oui, '0A1B2C').err, 0);
  assert.is(checkValue(oui, '0a1b2c').err, DmError.InvalidValue);
  assert.is(checkValue(oui, '0A1B2').err, DmError.InvalidValue);
  const e = param('Status', T.String, R, { enumeration: ['Up', 'Down'] });
  assert.is(checkValue(e, 'Up').err, 0);
  assert.is(checkValue(e, 'up').err, DmError.InvalidValue);
  const list = param('L', T.UnsignedInt, R, { list: { minItems: 1, maxItems: 2 } });
  assert.equal(checkValue(list, '1, 02').value, '1,2');
  assert.is(checkValue(list, '1,2,3').err, DmError.InvalidValue);
  assert.is(checkValue(list, '').err, DmError.InvalidValue);
  assert.is(checkValue(list, '1,x').err, DmError.InvalidType);
  const items = param('R', T.String, R, { list: true, maxLength: 3 });
  assert.is(checkValue(items, 'abc,de').err, 0);
  assert.is(checkValue(items, 'abcd').err, DmError.InvalidValue, 'maxLength applies per item');
  const hex = param('H', T.HexBinary, R, { maxLength: 1 });
  assert.is(checkValue(hex, '08').err, 0);
  assert.is(checkValue(hex, '0808').err, DmError.InvalidValue, 'hexBinary length counts bytes');
  const s = param('S', T.String, R, { maxLength: 2 });
  assert.ok(checkValue(s, 'abc').message.length > 0);
  assert.is(ParamType.UnsignedLong, 10, 'codes are GetSupportedDM ParamValueType numbers');
});

lexical.run();
compare.run();
facets.run();

const fuzz = suite('dm/types hostile values');

fuzz('§Types checkValue never throws and accepts only canonical-able values of every type', async () => {
  const fc = await import('fast-check');
  const params = [T.Base64, T.Boolean, T.DateTime, T.Decimal, T.HexBinary, T.Int, T.Long, T.String, T.UnsignedInt, T.UnsignedLong]
    .flatMap((t) => [param('P', t, R), param('L', t, R, { list: { maxItems: 3 } })]);
  fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.integer({ min: 0, max: params.length - 1 }), (s, i) => {
    const r = checkValue(params[i]!, s);
    if (r.err === 0) return params[i]!.list || canonicalValue(params[i]!.type, r.value) === r.value;
    return r.err === DmError.InvalidType || r.err === DmError.InvalidValue;
  }), { numRuns: 5000, seed: 7 });
});

fuzz.run();
