/** Text values of any KeyValueStore in pieces (dm/stored-text.ts): a store without readText/writeText still streams. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FALLBACK_PIECE_CHARS, readStoredText, writeStoredText } from '../../src/dm/stored-text.ts';
import { TextRead, type KeyValueStore } from '../../src/platform/types.ts';

const text = suite('dm/stored-text');

text('a store without readText/writeText: the value is written whole and read back in pieces', () => {
  const m = new Map<string, Uint8Array>();
  const store: KeyValueStore = { get: (k) => m.get(k), set: (k, v) => { m.set(k, v.slice()); }, delete: (k) => { m.delete(k); }, keys: () => [...m.keys()] };
  const long = 'é'.repeat(FALLBACK_PIECE_CHARS + 5) + '\n';
  const parts = ['{"v":2}\n', long];
  let i = 0;
  writeStoredText(store, 'k', { next: () => (i < parts.length ? parts[i++]! : null) });
  const got: string[] = [];
  assert.is(readStoredText(store, 'k', (p) => { got.push(p); }), TextRead.Read);
  assert.is(got.join(''), parts.join(''));
  assert.is(got.length, 2);
  assert.is(readStoredText(store, 'absent', () => assert.unreachable()), TextRead.Absent);
  m.set('bad', new Uint8Array([0xff]));
  assert.is(readStoredText(store, 'bad', () => assert.unreachable()), TextRead.Malformed);
});

text.run();
