/** MQTT UTF-8 strings (3.1.1 §1.5.3, 5.0 §1.5.4) without TextEncoder, checked against Node's encoder. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readUtf8, utf8Length, writeUtf8 } from '../../src/mqtt/utf8.ts';

const utf8 = suite('mqtt/utf8');

utf8('MQTT 3.1.1 §1.5.3.1 example: "A\u{2A6D4}" is 41 F0 AA 9B 94', () => {
  const s = 'A\u{2A6D4}';
  const out = new Uint8Array(8);
  assert.is(utf8Length(s), 5);
  assert.is(writeUtf8(s, out, 0), 5);
  assert.is(Buffer.from(out.subarray(0, 5)).toString('hex'), '41f0aa9b94');
  assert.is(readUtf8(out, 0, 5), s);
});

utf8('encode and decode agree with Node for any well-formed string without U+0000', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
    const clean = s.split('\u0000').join('');
    const out = new Uint8Array(utf8Length(clean));
    writeUtf8(clean, out, 0);
    assert.is(Buffer.from(out).toString('hex'), Buffer.from(clean, 'utf8').toString('hex'));
    assert.is(readUtf8(out, 0, out.length), clean);
  }), { numRuns: 300 });
});

utf8('MQTT 5.0 §1.5.4: U+0000, surrogates, overlong and truncated sequences are rejected', () => {
  for (const h of ['00', 'eda080', 'c080', 'e282', 'f8888080', '80']) {
    const b = new Uint8Array(Buffer.from(h, 'hex'));
    assert.is(readUtf8(b, 0, b.length), undefined, h);
  }
});

utf8.run();
