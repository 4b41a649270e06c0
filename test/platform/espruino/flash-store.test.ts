/**
 * platform/espruino/flash-store.ts: the KeyValueStore over Espruino's Storage, against
 * a fake Storage that behaves as Espruino 2v29's does (src/jsflash.c: write = a file
 * header with the full size, then the data, 4 bytes at a time; erase = one atomic
 * header change) and can lose power before any of those steps.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 } from 'node:zlib';
import { createFlashStore, isFlashKey, KEY_MAX, type StorageLike } from '../../../src/platform/espruino/flash-store.ts';

class PowerLoss extends Error {}

/** Files as Espruino keeps them: unwritten bytes read 0xFF. Loses power after `budget` steps. */
class FakeStorage implements StorageLike {
  // Espruino reads a name with ':' second ("u:x") as a drive letter: the store must not make one.
  steps = 0;
  budget = Infinity;
  constructor(readonly files = new Map<string, Uint8Array>()) {}
  private tick(): void {
    if (this.steps >= this.budget) throw new PowerLoss('power lost');
    this.steps++;
  }
  read(name: string, offset = 0, length?: number): string | undefined {
    const f = this.files.get(name);
    if (f === undefined) return undefined;
    const end = length === undefined ? f.length : Math.min(f.length, offset + length);
    return Buffer.from(f.subarray(Math.min(offset, f.length), end)).toString('latin1');
  }
  write(name: string, data: Uint8Array): boolean {
    if (name.length > 28 || name.charAt(1) === ':') throw new Error(`not an Espruino Storage name: ${name}`);
    this.tick();
    this.files.delete(name);
    const file = new Uint8Array(data.length).fill(0xff);
    this.files.set(name, file); // the header, with the size: the file exists, unwritten
    for (let i = 0; i < data.length; i += 4) {
      this.tick();
      file.set(data.subarray(i, Math.min(i + 4, data.length)), i);
    }
    return true;
  }
  erase(name: string): void {
    if (!this.files.has(name)) return;
    this.tick();
    this.files.delete(name);
  }
  list(): string[] {
    return [...this.files.keys()];
  }
  crc32(data: string | Uint8Array): number {
    return crc32(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }
  toBytes(data: string): Uint8Array {
    return new Uint8Array(Buffer.from(data, 'latin1'));
  }
  /** What survives the power cut. */
  flash(): Map<string, Uint8Array> {
    return new Map([...this.files].map(([k, v]) => [k, v.slice()]));
  }
}

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);

const api = suite('platform/espruino/flash-store API');

api('KeyValueStore: set, get, replace, delete, keys, empty value; at most two files per key', () => {
  const storage = new FakeStorage();
  const s = createFlashStore(storage);
  assert.is(s.get('dm'), undefined);
  s.set('dm', new Uint8Array([1, 2]));
  s.set('dm', new Uint8Array([3]));
  assert.equal([...s.get('dm')!], [3]);
  s.set('agent.boot', new Uint8Array(0));
  assert.equal(s.get('agent.boot')!.length, 0);
  assert.equal(s.keys().sort(), ['agent.boot', 'dm']);
  assert.equal(storage.list().sort(), ['kv.agent.boot.a', 'kv.dm.b']);
  s.delete('dm');
  assert.is(s.get('dm'), undefined);
  assert.equal(s.keys(), ['agent.boot']);
});

api('keys: 1..23 of [A-Za-z0-9_.-], so a file name stays within Espruino\'s 28 characters; others are RangeErrors', () => {
  const s = createFlashStore(new FakeStorage());
  assert.ok(isFlashKey('a'.repeat(KEY_MAX)));
  assert.not.ok(isFlashKey('a'.repeat(KEY_MAX + 1)));
  assert.not.ok(isFlashKey('a:b'));
  assert.not.ok(isFlashKey(''));
  assert.throws(() => s.set('../x', new Uint8Array(0)), RangeError);
  s.set('a'.repeat(KEY_MAX), bytes(5, 1));
});

api('a file whose CRC-32 or length is wrong is not a value; other Storage files are not keys', () => {
  const storage = new FakeStorage();
  const s = createFlashStore(storage);
  s.set('dm', bytes(40, 2));
  const file = storage.files.get('kv.dm.a')!;
  file[20] ^= 1;
  assert.is(s.get('dm'), undefined, 'a flipped bit');
  storage.files.set('kv.dm.a', file.subarray(0, 30));
  assert.is(s.get('dm'), undefined, 'a short file');
  storage.files.set('tinyusp.js', bytes(10, 3));
  storage.files.set('.bootcde', bytes(10, 4));
  assert.equal(s.keys(), []);
  assert.is(s.recover(), 1, 'the broken file is erased, foreign files stay');
  assert.equal(storage.list().sort(), ['.bootcde', 'tinyusp.js']);
});

api.run();

const cut = suite('platform/espruino/flash-store power loss');

type Op = { kind: 'set'; key: string; value: Uint8Array } | { kind: 'delete'; key: string };

function apply(s: ReturnType<typeof createFlashStore>, op: Op): void {
  if (op.kind === 'set') s.set(op.key, op.value); else s.delete(op.key);
}

/**
 * For every cut point of `op`: after the reboot get() returns the old or the new value
 * (nothing torn), a completed operation is durable, keys() agrees with get(), recover()
 * leaves one file per live key, and the store keeps working.
 */
function checkEveryCut(history: readonly Op[], op: Op): number {
  const base = new FakeStorage();
  const s0 = createFlashStore(base);
  for (const h of history) apply(s0, h);
  const old = s0.get(op.key);
  const fresh = op.kind === 'set' ? op.value : undefined;
  for (let budget = 0; ; budget++) {
    const storage = new FakeStorage(base.flash());
    storage.budget = budget;
    let completed = true;
    try { apply(createFlashStore(storage), op); } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      completed = false;
    }
    const rebooted = new FakeStorage(storage.flash());
    const s = createFlashStore(rebooted);
    const got = s.get(op.key);
    assert.ok(same(got, old) || same(got, fresh), `cut after ${budget} steps: torn value`);
    if (completed) assert.ok(same(got, fresh), 'a completed operation is durable');
    assert.is(s.keys().includes(op.key), got !== undefined, `cut after ${budget}: keys() disagrees with get()`);
    s.recover();
    assert.ok(same(s.get(op.key), got), 'recover() keeps the committed value');
    assert.is(rebooted.list().length, s.keys().length, `cut after ${budget}: recover() left garbage`);
    const next = bytes(9, budget);
    s.set(op.key, next);
    assert.ok(same(s.get(op.key), next), 'the store works after the reboot');
    if (completed) return budget;
  }
}

cut('R-ARC.8 persistence: atomic set of a first value, cut at every flash step', () => {
  assert.ok(checkEveryCut([], { kind: 'set', key: 'dm', value: bytes(37, 1) }) > 10);
});

cut('R-ARC.8 persistence: atomic replace (longer, shorter, empty), and the third write reuses the first file', () => {
  const hist: Op[] = [{ kind: 'set', key: 'dm', value: bytes(20, 2) }];
  checkEveryCut(hist, { kind: 'set', key: 'dm', value: bytes(50, 3) });
  checkEveryCut(hist, { kind: 'set', key: 'dm', value: bytes(3, 4) });
  checkEveryCut(hist, { kind: 'set', key: 'dm', value: new Uint8Array(0) });
  checkEveryCut([...hist, { kind: 'set', key: 'dm', value: bytes(7, 5) }], { kind: 'set', key: 'dm', value: bytes(11, 6) });
});

cut('R-ARC.8 persistence: atomic delete, and a set after an interrupted delete', () => {
  const hist: Op[] = [{ kind: 'set', key: 'dm', value: bytes(30, 7) }, { kind: 'set', key: 'agent.boot', value: bytes(3, 8) }];
  checkEveryCut(hist, { kind: 'delete', key: 'dm' });
  checkEveryCut([...hist, { kind: 'delete', key: 'dm' }], { kind: 'set', key: 'dm', value: bytes(9, 9) });
});

cut('R-ARC.8 persistence: a cut in the middle of one key\'s set leaves the other keys as they were', () => {
  const other = bytes(21, 10);
  const base = new FakeStorage();
  createFlashStore(base).set('agent.boot', other);
  for (let budget = 0; budget < 20; budget++) {
    const storage = new FakeStorage(base.flash());
    storage.budget = budget;
    try { createFlashStore(storage).set('dm', bytes(40, 11)); } catch (e) { if (!(e instanceof PowerLoss)) throw e; }
    assert.ok(same(createFlashStore(new FakeStorage(storage.flash())).get('agent.boot'), other), `cut after ${budget}`);
  }
});

cut.run();
