/** UTF-8 text in bounded pieces (encoding/utf8-pieces.ts): every piece fits, no character is cut, nothing is lost. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { PieceWriter } from '../../src/encoding/utf8-pieces.ts';

const text = suite('encoding/utf8-pieces');

const utf8 = (s: string): number => Buffer.byteLength(s);

text('PieceWriter: every piece fits maxBytes, none splits a character, all but the last are as full as a boundary allows', () => {
  fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 12 }), fc.integer({ min: 4, max: 33 }), (parts, max) => {
    const pieces: string[] = [];
    const w = new PieceWriter(max, { piece: (p) => { pieces.push(p); } });
    for (const p of parts) w.add(p);
    w.finish();
    assert.is(pieces.join(''), parts.join(''));
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      assert.ok(utf8(p) <= max && p.length > 0);
      assert.not.ok(/[\ud800-\udbff]$/.test(p) && i + 1 < pieces.length && /^[\udc00-\udfff]/.test(pieces[i + 1]!), 'a surrogate pair is never cut');
      if (i + 1 < pieces.length) assert.ok(utf8(p) > max - 4, 'full up to a character boundary');
    }
  }), { numRuns: 300 });
});

text.run();
