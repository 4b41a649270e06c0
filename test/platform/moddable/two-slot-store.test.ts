import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHUNK_BYTES, createTwoSlotStore, isStoreKey, type PreferenceLike, type PreferenceValue,
} from '../../../src/platform/moddable/two-slot-store.ts';
import { TextRead, type TextSource } from '../../../src/platform/types.ts';

/** Thrown by FakePreference when the simulated power fails. */
class PowerLoss extends Error {}

/**
 * An in-memory Preference with the ESP32 NVS limits (names ≤ 15 chars, values ≤ 4000 B)
 * and Moddable's ESP32 behaviour (set = erase, then write; each entry operation atomic)
 * that can lose power before any step: after `budget` steps every further step throws
 * PowerLoss and changes nothing.
 */
class FakePreference implements PreferenceLike {
  calls = 0;
  budget = Infinity;
  constructor(readonly entries = new Map<string, PreferenceValue>()) {}
  private tick(): void {
    if (this.calls >= this.budget) throw new PowerLoss('power lost');
    this.calls++;
  }
  private name(domain: string, key: string): string {
    if (domain.length > 15 || key.length > 15) throw new Error(`NVS name too long: ${domain}/${key}`);
    return domain + '/' + key;
  }
  get(domain: string, key: string): PreferenceValue | undefined {
    this.tick();
    const v = this.entries.get(this.name(domain, key));
    return v instanceof ArrayBuffer ? v.slice(0) : v;
  }
  /** Like Moddable's ESP32 Preference.set: erase the key, then write it — two steps a cut can separate. */
  set(domain: string, key: string, value: PreferenceValue): void {
    if (value instanceof ArrayBuffer && value.byteLength > 4000) throw new Error('NVS value too large');
    if (typeof value === 'string' && Buffer.byteLength(value) > 3999) throw new Error('NVS string too large (4000 B with its NUL)');
    this.tick();
    this.entries.delete(this.name(domain, key));
    this.tick();
    this.entries.set(this.name(domain, key), value instanceof ArrayBuffer ? value.slice(0) : value);
  }
  delete(domain: string, key: string): void {
    this.tick();
    this.entries.delete(this.name(domain, key));
  }
  keys(domain: string): string[] {
    this.tick();
    const prefix = domain + '/';
    return [...this.entries.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }
  /** A copy of what survives in flash, for the reboot. */
  flash(): Map<string, PreferenceValue> {
    return new Map([...this.entries].map(([k, v]) => [k, v instanceof ArrayBuffer ? v.slice(0) : v]));
  }
}

const DOMAIN = 'tinyusp';
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

const api = suite('platform/moddable/two-slot-store API');

api('KeyValueStore: set, get, replace, delete, keys, empty value', () => {
  const s = createTwoSlotStore({ preference: new FakePreference(), domain: DOMAIN });
  assert.is(s.get('a'), undefined);
  s.set('a', new Uint8Array([1, 2]));
  s.set('a', new Uint8Array([3]));
  assert.equal([...s.get('a')!], [3]);
  s.set('b', new Uint8Array(0));
  assert.equal(s.get('b')!.length, 0);
  assert.equal(s.keys().sort(), ['a', 'b']);
  s.delete('a');
  assert.is(s.get('a'), undefined);
  assert.equal(s.keys(), ['b']);
});

api('NVS limits: a value above 4000 B is chunked; every entry ≤ 4000 B, every name ≤ 15 chars', () => {
  const pref = new FakePreference();
  const s = createTwoSlotStore({ preference: pref, domain: DOMAIN });
  const big = bytes(CHUNK_BYTES * 2 + 17, 5);
  s.set('datamodel-12', big); // 12 chars, the longest key
  assert.equal([...s.get('datamodel-12')!], [...big]);
  const names = [...pref.entries.keys()];
  assert.is(names.length, 4, 'header + 3 chunks, the old slot cleared');
  for (const [name, v] of pref.entries) {
    assert.ok(name.length - DOMAIN.length - 1 <= 15, name);
    if (v instanceof ArrayBuffer) assert.ok(v.byteLength <= 4000);
  }
  s.set('datamodel-12', bytes(10, 1));
  assert.is(pref.entries.size, 2, 'a shorter value leaves no stale chunks');
});

api('keys: invalid or too long keys are programmer errors (RangeError)', () => {
  const s = createTwoSlotStore({ preference: new FakePreference(), domain: DOMAIN });
  assert.ok(isStoreKey('controllers'));
  assert.not.ok(isStoreKey('datamodel-123'));
  assert.not.ok(isStoreKey('a:b'));
  assert.not.ok(isStoreKey(''));
  assert.throws(() => s.set('../x', new Uint8Array(0)), RangeError);
  assert.throws(() => s.get('thirteen-char'), RangeError);
  assert.throws(() => createTwoSlotStore({ preference: new FakePreference(), domain: 'sixteen-chars-xx' }), RangeError);
});

api('foreign entries in the domain are not listed as keys', () => {
  const pref = new FakePreference();
  pref.set(DOMAIN, 'flag', true);
  const s = createTwoSlotStore({ preference: pref, domain: DOMAIN });
  s.set('k', new Uint8Array([1]));
  assert.equal(s.keys(), ['k']);
});

/** The text of `key` read piece by piece, with the pieces. */
function readAll(s: ReturnType<typeof createTwoSlotStore>, key: string): { code: number; text: string; pieces: string[] } {
  const pieces: string[] = [];
  const code = s.readText(key, (p) => { pieces.push(p); });
  return { code, text: pieces.join(''), pieces };
}

/** A writeText source handing out `parts` one by one. */
const source = (parts: readonly string[]): TextSource => {
  let i = 0;
  return { next: () => (i < parts.length ? parts[i++]! : null) };
};

api('text values: written as NVS strings of at most textPieceBytes, read back piece by piece, equal as bytes', () => {
  const pref = new FakePreference();
  const s = createTwoSlotStore({ preference: pref, domain: DOMAIN, textPieceBytes: 7 });
  const text = '{"v":2}\n["Device.DeviceInfo.","FriendlyName","caf\u00e9 \ud83d\ude00 \u20ac"]\n';
  s.writeText('dm', source(['{"v":2}\n', text.slice(8, 30), text.slice(30)]));
  const r = readAll(s, 'dm');
  assert.is(r.code, TextRead.Read);
  assert.is(r.text, text);
  assert.ok(r.pieces.length > 5);
  for (const [name, v] of pref.entries) {
    if (name.endsWith(':a') || name.endsWith(':b')) continue;
    assert.type(v, 'string', `${name} holds a string`);
    assert.ok(Buffer.byteLength(v as string) <= 7, `${name}: at most 7 bytes`);
  }
  assert.equal([...s.get('dm')!], [...new TextEncoder().encode(text)], 'get() gives the UTF-8 bytes');
  s.writeText('dm', source([]));
  assert.equal(readAll(s, 'dm'), { code: TextRead.Read, text: '', pieces: [] });
  assert.is(readAll(s, 'none').code, TextRead.Absent);
  s.set('old', new TextEncoder().encode('{"v":1}'));
  assert.equal(readAll(s, 'old'), { code: TextRead.Read, text: '{"v":1}', pieces: ['{"v":1}'] }, 'a value written as bytes reads as text');
  s.set('bin', new Uint8Array([0x7b, 0xff]));
  assert.is(readAll(s, 'bin').code, TextRead.Malformed);
});

api('text values: a piece changed behind the store\'s back is Malformed before any piece is handed over', () => {
  const pref = new FakePreference();
  const s = createTwoSlotStore({ preference: pref, domain: DOMAIN, textPieceBytes: 5 });
  s.writeText('dm', source(['abcdefghijkl']));
  pref.entries.set(DOMAIN + '/dm:a1', 'xy');
  const r = readAll(s, 'dm');
  assert.is(r.code, TextRead.Malformed);
  assert.equal(r.pieces, []);
});

api.run();

const cut = suite('platform/moddable/two-slot-store power loss');

type Op = { kind: 'set'; key: string; value: Uint8Array } | { kind: 'delete'; key: string };

/** Runs `op` on a store over `flash`, losing power after `budget` Preference calls. */
function runWithCut(flash: Map<string, PreferenceValue>, op: Op, budget: number, chunkBytes: number): { pref: FakePreference; completed: boolean } {
  const pref = new FakePreference(new Map(flash));
  pref.budget = budget;
  const s = createTwoSlotStore({ preference: pref, domain: DOMAIN, chunkBytes });
  try {
    if (op.kind === 'set') s.set(op.key, op.value); else s.delete(op.key);
    return { pref, completed: true };
  } catch (e) {
    if (!(e instanceof PowerLoss)) throw e;
    return { pref, completed: false };
  }
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * For every cut point of `op`: after the reboot, `get` returns the old or the new
 * value (nothing torn), keys() agrees with get(), recover() leaves only live entries,
 * and the store keeps working (a later set/get round-trips).
 */
function checkEveryCut(history: readonly Op[], op: Op, chunkBytes: number): number {
  const base = new FakePreference();
  const s0 = createTwoSlotStore({ preference: base, domain: DOMAIN, chunkBytes });
  for (const h of history) { if (h.kind === 'set') s0.set(h.key, h.value); else s0.delete(h.key); }
  const flash = base.flash();
  const old = s0.get(op.key);
  const fresh = op.kind === 'set' ? op.value : undefined;
  let cuts = 0;
  for (let budget = 0; ; budget++) {
    const { pref, completed } = runWithCut(flash, op, budget, chunkBytes);
    const rebooted = new FakePreference(pref.flash());
    const s = createTwoSlotStore({ preference: rebooted, domain: DOMAIN, chunkBytes });
    const got = s.get(op.key);
    assert.ok(same(got, old) || same(got, fresh), `cut after ${budget} calls: torn value`);
    if (completed) assert.ok(same(got, fresh), 'a completed operation is durable');
    assert.is(s.keys().includes(op.key), got !== undefined, `cut after ${budget}: keys() disagrees with get()`);
    s.recover();
    assert.ok(same(s.get(op.key), got), 'recover() keeps the committed value');
    const live = [...rebooted.entries.keys()].length;
    const expected = s.keys().reduce((n, k) => n + 1 + Math.ceil(s.get(k)!.length / chunkBytes), 0);
    assert.is(live, expected, `cut after ${budget}: recover() left garbage`);
    const next = bytes(chunkBytes * 3 + 1, budget);
    s.set(op.key, next);
    assert.ok(same(s.get(op.key), next), 'the store works after the reboot');
    cuts++;
    if (completed) return cuts;
  }
}

const C = 8; // small chunks so values span several entries

cut('R-ARC.8 persistence: atomic set: first write of a multi-chunk value, cut before any call', () => {
  assert.ok(checkEveryCut([], { kind: 'set', key: 'cfg', value: bytes(C * 3 + 2, 1) }, C) > 8);
});

cut('R-ARC.8 persistence: atomic set: replacing a longer value by a shorter one and back', () => {
  const long = bytes(C * 4, 2);
  const short = bytes(C - 1, 3);
  checkEveryCut([{ kind: 'set', key: 'cfg', value: long }], { kind: 'set', key: 'cfg', value: short }, C);
  checkEveryCut([{ kind: 'set', key: 'cfg', value: short }], { kind: 'set', key: 'cfg', value: long }, C);
});

cut('R-ARC.8 persistence: atomic set: third write reuses the first slot; empty values', () => {
  const hist: Op[] = [
    { kind: 'set', key: 'cfg', value: bytes(C * 2, 4) },
    { kind: 'set', key: 'cfg', value: bytes(C * 5, 5) },
  ];
  checkEveryCut(hist, { kind: 'set', key: 'cfg', value: bytes(C * 3 + 3, 6) }, C);
  checkEveryCut(hist, { kind: 'set', key: 'cfg', value: new Uint8Array(0) }, C);
});

cut('R-ARC.8 persistence: atomic delete, and a set after an interrupted delete', () => {
  const hist: Op[] = [{ kind: 'set', key: 'cfg', value: bytes(C * 3, 7) }, { kind: 'set', key: 'other', value: bytes(3, 8) }];
  checkEveryCut(hist, { kind: 'delete', key: 'cfg' }, C);
  checkEveryCut([...hist, { kind: 'delete', key: 'cfg' }], { kind: 'set', key: 'cfg', value: bytes(C + 1, 9) }, C);
});

cut('R-ARC.8 persistence: other keys are untouched by a cut in the middle of a set', () => {
  const other = bytes(C * 2 + 1, 10);
  const base = new FakePreference();
  createTwoSlotStore({ preference: base, domain: DOMAIN, chunkBytes: C }).set('other', other);
  for (let budget = 0; budget < 30; budget++) {
    const { pref } = runWithCut(base.flash(), { kind: 'set', key: 'cfg', value: bytes(C * 3, 11) }, budget, C);
    const s = createTwoSlotStore({ preference: new FakePreference(pref.flash()), domain: DOMAIN, chunkBytes: C });
    assert.ok(same(s.get('other'), other));
  }
});

cut('R-ARC.8 persistence: full-size chunks: a 9000 B value survives every cut (4000 B NVS entries)', () => {
  checkEveryCut([{ kind: 'set', key: 'dm', value: bytes(5000, 12) }], { kind: 'set', key: 'dm', value: bytes(9000, 13) }, CHUNK_BYTES);
});

/**
 * writeText cut at every Preference call: after the reboot readText gives the old or
 * the new text, recover() leaves only the live entries and the store keeps working.
 */
function checkEveryTextCut(old: string | null, fresh: string, pieceBytes: number): void {
  const base = new FakePreference();
  const s0 = createTwoSlotStore({ preference: base, domain: DOMAIN, textPieceBytes: pieceBytes });
  if (old !== null) s0.writeText('dm', source([old]));
  const flash = base.flash();
  for (let budget = 0; ; budget++) {
    const pref = new FakePreference(new Map(flash));
    pref.budget = budget;
    let completed = true;
    try {
      createTwoSlotStore({ preference: pref, domain: DOMAIN, textPieceBytes: pieceBytes }).writeText('dm', source([fresh]));
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      completed = false;
    }
    const rebooted = new FakePreference(pref.flash());
    const s = createTwoSlotStore({ preference: rebooted, domain: DOMAIN, textPieceBytes: pieceBytes });
    const got = readAll(s, 'dm');
    const value = got.code === TextRead.Read ? got.text : null;
    assert.ok(value === old || value === fresh, `cut after ${budget} calls: torn text ${JSON.stringify(value)}`);
    if (completed) assert.is(value, fresh, 'a completed write is durable');
    s.recover();
    assert.is(readAll(s, 'dm').code === TextRead.Read ? readAll(s, 'dm').text : null, value, 'recover() keeps the committed text');
    const pieces = value === null ? 0 : readAll(s, 'dm').pieces.length;
    assert.is(rebooted.entries.size, value === null ? 0 : 1 + pieces, `cut after ${budget}: recover() left garbage`);
    if (completed) return;
  }
}

cut('R-ARC.8 persistence: atomic text write: first write, a longer and a shorter replacement, multibyte characters', () => {
  checkEveryTextCut(null, '{"v":2}\n["a","b"]\n', 6);
  checkEveryTextCut('{"v":2}\n', '{"v":2}\n["Device.X.1.","N","\u00e9\u00e9\u00e9\u00e9"]\n', 6);
  checkEveryTextCut('{"v":2}\n["Device.X.1.","N","\u00e9\u00e9\u00e9\u00e9"]\n', '{"v":2}\n', 6);
});

cut.run();
