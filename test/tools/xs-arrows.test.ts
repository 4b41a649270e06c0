/**
 * #13 item 4 (flash): tools/build/xs-arrows.ts turns the top-level function declarations
 * of XS bundles into arrows (4 preloaded slots each instead of 8) only where nothing
 * changes. Each refusal below is a case where an arrow would behave differently.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { arrowTopLevelFunctions } from '../../tools/build/xs-arrows.ts';

const t = suite('tools/build xs-arrows');

/** Evaluates an ES module's text as a function body and returns what `result` names. */
function run(code: string): unknown {
  const body = code.replace(/export\s*\{\s*(\w+)\s+as\s+result\s*\};?/, 'return $1;');
  return new Function(body)() as unknown;
}

t('a plain top-level function becomes a const arrow, and computes the same', () => {
  const src = 'function add(a,b){return a+b}const x=()=>add(2,3);export{x as result};';
  const r = arrowTopLevelFunctions(src);
  assert.is(r.converted, 1);
  assert.match(r.code, /const add=\(a,b\)=>\{return a\+b;?\}/);
  assert.is((run(r.code) as () => number)(), 5);
});

t('kept as declarations: this, arguments, new, .prototype, generators, async', () => {
  const cases = [
    'function f(){return this}export{f as result};',
    'function f(){return arguments.length}export{f as result};',
    'function F(){}const o=()=>new F;export{o as result};',
    'function F(){}F.prototype.x=1;export{F as result};',
    'function*g(){yield 1}export{g as result};',
    'async function a(){}export{a as result};',
  ];
  for (const src of cases) assert.is(arrowTopLevelFunctions(src).converted, 0, src);
});

t('kept: a reference that runs at module evaluation before the declaration (an arrow is not hoisted)', () => {
  const src = 'const early=f(1);function f(x){return x+1}export{early as result};';
  const r = arrowTopLevelFunctions(src);
  assert.is(r.converted, 0);
  assert.is(run(r.code), 2);
});

t('converted: a reference before the declaration that only runs later, inside a function', () => {
  const src = 'const later=()=>f(1);function f(x){return x+1}export{later as result};';
  const r = arrowTopLevelFunctions(src);
  assert.is(r.converted, 1);
  assert.is((run(r.code) as () => number)(), 2);
});

t('nested functions keep their own this/arguments; only the top level changes', () => {
  const src = 'function outer(){return function(){return arguments.length}}function m(){const o={k(){return this}};return o.k()}export{outer as result};';
  const r = arrowTopLevelFunctions(src);
  assert.is(r.converted, 2);
  assert.is((run(r.code) as () => (...a: number[]) => number)()(1, 2, 3), 3);
});

t.run();
