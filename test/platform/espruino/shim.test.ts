/**
 * src/platform/espruino/shim/*.js: the built-ins Espruino 2v29 lacks. Each piece is run
 * in a fresh Node context whose globals lack what it supplies (so the shim, not Node,
 * answers), and — when $ESPRUINO names a Linux Espruino — inside Espruino itself.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ROOT } from '../../../tools/build/targets.ts';
import { SHIM_PIECES, shimFor } from '../../../tools/build/espruino.ts';
import { espruinoBinary, ESPRUINO_SKIPPED } from '../../../tools/espruino/binary.ts';

const piece = (file: string): string => readFileSync(join(ROOT, 'src/platform/espruino/shim', file), 'utf8');

/** Runs `file` with its IIFE called on `args` (names in `context`), then `probe`; returns probe's value. */
function run(file: string, args: string, context: Record<string, unknown>, probe: string): unknown {
  const code = piece(file).replace(/\}\)\(([^()]*)\);\s*$/, `})(${args});`);
  return runInNewContext(`${code}\n${probe}`, { ...context });
}

/** The checks, as ES5 that runs in Node (over the shimmed stand-ins) and in Espruino. */
const MAP_SET_CHECKS = `
  var out = [];
  var m = new M([['a', 1], ['b', 2]]);
  m.set('c', 3).set('a', 9);
  out.push(m.size, m.get('a'), m.has('b'), m.has('z'), m.get('z') === undefined);
  var seen = [];
  var it = m['@@iterator']();
  for (var s = it.next(); !s.done; s = it.next()) { seen.push(s.value[0] + s.value[1]); if (s.value[0] === 'a') m['delete']('a'); }
  out.push(seen.join(','), m.size);
  var k = new M(); var key = {}; k.set(key, 'obj'); k.set(NaN, 'nan'); k.set(0, 'zero');
  out.push(k.get(key), k.get(NaN), k.get(-0), k['delete'](key), k.size);
  var st = new S([1, 2, 2, 3]); st.add(3).add(4); st['delete'](1);
  var vals = []; st.forEach(function (v) { vals.push(v); });
  out.push(st.size, vals.join(','), st.has(4));
  var churn = new M(); for (var i = 0; i < 100; i++) { churn.set(i, i); churn.keys(); churn['delete'](i - 1); }
  out.push(churn.size);
  var d = new M([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']]); var got = [];
  d.forEach(function (v, k) { got.push(v); if (k === 2) { d['delete'](1); d['delete'](2); } if (k === 3) d.set(5, 'e'); });
  out.push(got.join(''));
  var e = new S([1, 2, 3]); var ev = []; var ei = e.values();
  for (var t = ei.next(); !t.done; t = ei.next()) { ev.push(t.value); if (t.value === 1) e['delete'](2); }
  out.push(ev.join(''));
  m.clear(); out.push(m.size);
  out.join('|');`;
const MAP_SET_EXPECTED = '3|9|true|false|true|a9,b2,c3|2|obj|nan|zero|true|2|3|2,3,4|true|1|abcde|13|0';

const node = suite('platform/espruino/shim pieces (Node, globals removed)');

node('Map/Set: insertion order, SameValueZero keys, deleting (the current or earlier entries) and adding while iterating, churn', () => {
  const g: Record<string, unknown> = {};
  const result = run('map-set.js', 'g', { g }, `var M = g.Map, S = g.Set;${MAP_SET_CHECKS}`);
  assert.is(result, MAP_SET_EXPECTED);
});

node('Array.from over arrays, array-likes and "@@iterator" iterables, with a map function', () => {
  const g: Record<string, unknown> = {};
  run('map-set.js', 'g', { g }, '0');
  const A = {};
  const r = run('array-from.js', 'A', { A, g }, `var m = new g.Map([[1, 'x'], [2, 'y']]);
    JSON.stringify([A.from([1, 2]), A.from({ length: 2, 0: 'a', 1: 'b' }), A.from(m.values()), A.from(m.keys(), function (k) { return k * 10; })])`);
  assert.is(r, '[[1,2],["a","b"],["x","y"],[10,20]]');
});

node('Number.isNaN / isInteger / isFinite / MAX_SAFE_INTEGER; Array#flat/flatMap; RangeError', () => {
  const N = {};
  assert.is(run('number.js', 'N', { N }, 'JSON.stringify([N.isNaN(NaN), N.isNaN("x"), N.isInteger(3), N.isInteger(3.5), N.isFinite(Infinity), N.MAX_SAFE_INTEGER])'),
    '[true,false,true,false,false,9007199254740991]');
  assert.is(run('array-flat.js', 'P', { P: {} }, 'P.flat.call([1, [2, 3], [[4]]]).length + "," + P.flatMap.call([1, 2], function (x) { return [x, x]; }, null)'), '4,1,1,2,2');
  const g: Record<string, unknown> = {};
  assert.is(run('range-error.js', 'g', { g }, 'var e = new g.RangeError("bad"); e instanceof Error && e.message'), 'bad');
});

node('ArrayBuffer.isView; Uint8Array#copyWithin forwards, backwards and clipped; #slice gives a Uint8Array, as on Node', () => {
  class U8 extends Uint8Array {}
  Object.defineProperty(U8.prototype, 'copyWithin', { value: undefined, writable: true });
  // Espruino's slice of a typed array returns a plain Array.
  Object.defineProperty(U8.prototype, 'slice', { value(this: U8, a?: number, b?: number) { return Array.from(this.subarray(a, b)); }, writable: true });
  const AB = function AB(): void {} as unknown as { isView?: (v: unknown) => boolean };
  const r = run('typed-array.js', 'AB, U8', { AB, U8 }, `var a = U8.from([1, 2, 3, 4, 5]); a.copyWithin(1, 0, 3);
    var b = U8.from([1, 2, 3, 4, 5]); b.copyWithin(0, 2);
    var c = U8.from([1, 2, 3]); c.copyWithin(2, 0);
    var d = U8.from([1, 2, 3, 4]);
    JSON.stringify([Array.from(a), Array.from(b), Array.from(c), d.slice(1, 3) instanceof U8, Array.from(d.slice(1, 3)), Array.from(d.slice(-1)), d.slice(3, 1).length, Array.from(d.slice())])`);
  assert.is(r, '[[1,1,2,3,5],[3,4,5,4,5],[1,2,1],true,[2,3],[4],0,[1,2,3,4]]');
});

node('the build includes a piece only when the bundle names what it supplies', async () => {
  assert.equal((await shimFor('var x = 1;')).pieces, []);
  assert.equal((await shimFor('var m = new Map(); Object.freeze(m);')).pieces, ['map-set.js', 'object-freeze.js']);
  assert.is(SHIM_PIECES.length, 7);
});

node.run();

const esp = suite('platform/espruino/shim inside Espruino ($ESPRUINO)');
const bin = espruinoBinary();

esp('the pieces install in Espruino 2v29 and behave as in Node', async () => {
  if (bin === undefined) { console.log(`  platform/espruino/shim: ${ESPRUINO_SKIPPED}`); return; }
  const shim = SHIM_PIECES.map((p) => piece(p.file)).join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-esp-shim-'));
  writeFileSync(join(dir, 't.js'), `${shim}\nvar M = Map, S = Set;\nprint("MAPSET " + (function () {${MAP_SET_CHECKS.replace(/out\.join\('\|'\);$/, "return out.join('|');")}})());
    var u = new Uint8Array([1, 2, 3, 4, 5]); u.copyWithin(1, 0, 3);
    var sl = u.slice(1, 3);
    print("MISC " + JSON.stringify([ArrayBuffer.isView(u), ArrayBuffer.isView([]), [].slice.call(u), sl instanceof Uint8Array, [].slice.call(sl), Number.isNaN(NaN), Number.isInteger(2), Array.from(new Set([5, 6]).values()), [1, [2]].flat(), Object.isFrozen(Object.freeze({})), new RangeError("r").message]));
    quit();`);
  const out = execFileSync(bin, ['t.js'], { cwd: dir, encoding: 'latin1', timeout: 30_000 });
  assert.match(out, `MAPSET ${MAP_SET_EXPECTED}`);
  assert.match(out, 'MISC [true,false,[1,1,2,3,5],true,[1,2],true,true,[5,6],[1,2],true,"r"]');
});

esp.run();
