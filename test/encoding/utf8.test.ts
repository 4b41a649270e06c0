import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { readUtf8, utf8Bytes, utf8Length, writeUtf8 } from '../../src/encoding/utf8.ts';

const u = suite('encoding/utf8');
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

u('RFC 3629 encodes like the platform TextEncoder (lone surrogates as U+FFFD)', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
    const ours = utf8Bytes(s);
    assert.is(ours.length, utf8Length(s));
    assert.equal([...ours], [...enc.encode(s)]);
  }), { numRuns: 2000 });
});

u('RFC 3629 decodes well-formed input like a fatal TextDecoder and round-trips', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
    const b = enc.encode(s);
    assert.is(readUtf8(b, 0, b.length), dec.decode(b));
  }), { numRuns: 2000 });
  const out = new Uint8Array(16);
  const end = writeUtf8('a€𝄞', out, 3);
  assert.is(readUtf8(out, 3, end), 'a€𝄞');
});

u('RFC 3629 §3 ill-formed input is undefined where a fatal TextDecoder throws', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
    let expected: string | undefined;
    try { expected = dec.decode(b); } catch { expected = undefined; }
    assert.is(readUtf8(b, 0, b.length), expected);
  }), { numRuns: 5000 });
  for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]) {
    assert.is(readUtf8(Uint8Array.from(bad), 0, bad.length), undefined, bad.join(','));
  }
});

u.run();
