import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStore } from '../../../src/platform/node/storage.ts';

const kv = suite('platform/node/storage');
const dir = () => mkdtempSync(join(tmpdir(), 'tinyusp-kv-'));

kv('set, get, replace, delete, keys', () => {
  const s = createFileStore(dir());
  assert.is(s.get('a'), undefined);
  s.set('a', new Uint8Array([1, 2]));
  s.set('a', new Uint8Array([3]));
  assert.equal([...s.get('a')!], [3]);
  s.set('b', new Uint8Array(0));
  assert.equal(s.keys().sort(), ['a', 'b']);
  s.delete('a');
  assert.is(s.get('a'), undefined);
});

kv('a temp file left by a crash mid-write is discarded; the old value stands', () => {
  const d = dir();
  const s = createFileStore(d);
  s.set('cfg', new Uint8Array([1]));
  writeFileSync(join(d, 'cfg.kv.tmp'), 'torn');
  const reopened = createFileStore(d);
  assert.equal([...reopened.get('cfg')!], [1]);
  assert.not.ok(readdirSync(d).some((n) => n.endsWith('.tmp')));
});

kv('keys are validated', () => {
  const s = createFileStore(dir());
  assert.throws(() => s.set('../x', new Uint8Array(0)), /invalid storage key/);
});

kv.run();
