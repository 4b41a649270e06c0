/**
 * docs/espruino.md "The subset": the core keeps to what the Espruino build can lower
 * and Espruino 2v29 can run, so that work for Node or Moddable cannot break the
 * Espruino agent silently. Three checks (rules in tools/build/espruino-subset.ts):
 * - the sources of the core, and of everything the Espruino bundle holds, keep the
 *   source rules (keyword/computed class members, extends of built-ins, labels, async
 *   and generators, for(let) closures, ** and Math.pow, array length assignment,
 *   calls before declaration, implicit super(...arguments), built-in prototype methods
 *   taken as values);
 * - every core layer, DTLS and MQTT included, bundled by esbuild and lowered by the
 *   build's Babel step, holds nothing Espruino cannot parse (destructuring, spread,
 *   for-of, computed keys… all lowered);
 * - the Espruino script itself (the whole pipeline, terser and shim included) passes
 *   the same check, names nothing `of`, and carries only the shim pieces it reaches.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../tools/build/targets.ts';
import { buildEspruinoBundle, esbuildForEspruino, ESPRUINO_ENTRY, lowerForEspruino, SHIM_PIECES } from '../../tools/build/espruino.ts';
import { bundleViolations, sourceViolations } from '../../tools/build/espruino-subset.ts';

/** The core (the folders core-imports.test.ts keeps sans-I/O): it runs on Espruino, or must stay able to. */
const CORE_FOLDERS = ['encoding', 'usp', 'dm', 'agent', 'coap', 'dtls', 'mqtt', 'mtp', 'composition'];

function sources(dir: string): string[] {
  let out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(sources(p));
    else if (n.endsWith('.ts') && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const list = (vs: readonly { rule: string; line: number; text: string }[], file = ''): string[] => vs.map((v) => `${file}:${v.line} ${v.rule}: ${v.text}`);

const src = suite('guard/espruino-subset sources');

src('docs/espruino.md the subset: every core file and every file of the Espruino bundle keeps the source rules', async () => {
  const meta = await build({
    entryPoints: [ESPRUINO_ENTRY], bundle: true, write: false, metafile: true, format: 'iife', target: 'es2015', platform: 'neutral',
    mainFields: ['module', 'main'], external: ['dgram', 'Storage'], logLevel: 'silent',
  });
  const inBundle = Object.keys(meta.metafile!.inputs).filter((f) => f.startsWith('src/') && f.endsWith('.ts')).map((f) => join(ROOT, f));
  const files = [...new Set([...CORE_FOLDERS.flatMap((d) => sources(join(ROOT, 'src', d))), ...inBundle])];
  assert.ok(files.length > 100, `found the sources (${files.length})`);
  assert.ok(inBundle.some((f) => f.endsWith('platform/espruino/udp.ts')), 'the bundle\'s own files are included');
  const found = files.flatMap((f) => list(sourceViolations(relative(ROOT, f), readFileSync(f, 'utf8')), relative(ROOT, f)));
  assert.equal(found, [], found.join('\n'));
});

src('the source rules catch what Espruino cannot take (one probe per rule)', () => {
  const probes: Array<[string, string]> = [
    ['keyword-member', 'class A { delete(k: string) { return k; } }'],
    ['computed-member', "const k = 'x'; class A { [k]() { return 1; } }"],
    ['extends-builtin', 'class E extends Error {}'],
    ['label', 'outer: for (;;) { break outer; }'],
    ['async', 'async function f() { return 1; }'],
    ['generator', 'function* g() { yield 1; }'],
    ['loop-capture', 'const fs: Array<() => number> = []; for (let i = 0; i < 3; i++) fs.push(() => i);'],
    ['pow', 'const x = 2 ** 8;'],
    ['length-assign', 'const a = [1]; a.length = 0;'],
    ['declare-before-use', 'const x = f();\nfunction f() { return 1; }'],
    ['declare-before-use', 'const x = g();\nfunction g() { return h(); }\nfunction h() { return 1; }'],
    ['implicit-super', 'class A { constructor(readonly n: number) {} }\nclass B extends A { x = 1; }'],
    ['prototype-value', 'const cc = String.prototype.charCodeAt; cc.call("a", 0);'],
    ['prototype-value', 'const a = Array.prototype.slice.call([1, 2], 1);'],
  ];
  for (const [rule, code] of probes) {
    const rules = sourceViolations('src/usp/probe.ts', code).map((v) => v.rule);
    assert.ok(rules.includes(rule), `${rule} not caught in: ${code} (got ${rules.join(',')})`);
  }
  assert.ok(sourceViolations('src/usp/probe.ts', 'const m = Math.pow(2, 3);').some((v) => v.rule === 'pow'), 'Math.pow in a codec');
  const fine = [
    'function f() { return 1; }\nconst x = f();',
    'const x = () => g();\nfunction g() { return 1; }',
    'for (let i = 0; i < 3; i++) { const j = i; setTimeout(() => j); }',
    'class A { constructor(readonly n: number) {} }\nclass B extends A { x = 1; constructor(n: number) { super(n); } }',
    'const o = { length: 0 }; o.length = 2; // espruino-subset: not an array',
    'class Q { length = 0; reset() { this.length = 0; } }',
    'const { a, b } = { a: 1, b: 2 }; const c = [...[a], b];',
    "const cc = ''.charCodeAt; const own = Object.prototype.hasOwnProperty.call({}, 'x');",
  ];
  for (const code of fine) assert.equal(sourceViolations('src/agent/probe.ts', code), [], code);
});

src.run();

const lowered = suite('guard/espruino-subset lowered');

lowered('every core layer (DTLS and MQTT too), lowered by the Espruino build, holds nothing Espruino cannot parse', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-esp-core-'));
  const entry = join(dir, 'all-core.ts');
  const modules = [
    'encoding/utf8.ts', 'usp/index.ts', 'dm/index.ts', 'agent/index.ts', 'coap/index.ts', 'dtls/index.ts', 'mqtt/index.ts',
    'mtp/coap/endpoint.ts', 'mtp/coap/coaps-endpoint.ts', 'mtp/mqtt/index.ts', 'composition/agent-host.ts',
  ];
  writeFileSync(entry, modules.map((m, i) => `export * as m${i} from ${JSON.stringify(join(ROOT, 'src', m))};`).join('\n'));
  const code = lowerForEspruino(await esbuildForEspruino(entry));
  assert.ok(code.length > 300_000, 'bundled the core');
  const found = list(bundleViolations(code, false));
  assert.equal(found, [], found.slice(0, 20).join('\n'));
});

lowered('the Espruino script (esbuild → Babel → terser → shim) parses as Espruino needs: nothing named `of`, only the shim pieces it reaches', async () => {
  const b = await buildEspruinoBundle();
  assert.equal(list(bundleViolations(b.code)), []);
  assert.ok(b.shimPieces.includes('map-set.js') && b.shimPieces.includes('typed-array.js'), b.shimPieces.join(','));
  for (const p of SHIM_PIECES) assert.is(b.shimPieces.includes(p.file), p.reachedBy.test(b.code.slice(b.shimBytes)), p.file);
  assert.ok(bundleViolations('var of = 1;').some((v) => v.rule === 'name-of'), 'a name `of` is caught');
  assert.ok(bundleViolations('var [a] = b;').some((v) => v.rule === 'destructuring'), 'destructuring is caught');
  assert.ok(bundleViolations('var A = class _A { m() { return _A; } };').some((v) => v.rule === 'class-self-name'), 'a class naming itself is caught');
  assert.ok(lowerForEspruino('var A = class _A { m() { return _A.s; } static s = 1; };').includes('return A.s'), 'and renamed by the build');
});

lowered.run();
