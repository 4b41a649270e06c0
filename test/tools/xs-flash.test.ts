/**
 * #13 item 4 (flash): the post-build passes of tools/build/xs-flash.ts — module constants
 * inlined (xs-constants.ts) and instance fields assigned in the constructor (xs-fields.ts)
 * — only where nothing changes. Each refusal below is a case where the rewrite would
 * behave differently; each rewrite is checked by running both texts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lowerForXs } from '../../tools/build/xs-flash.ts';

const t = suite('tools/build xs-flash');

/** Evaluates an ES module's text as a function body and returns what `result` names. */
function run(code: string): unknown {
  const body = code.replace(/export\s*\{\s*(\w+)\s+as\s+result\s*\};?/, 'return $1;');
  return new Function(body)() as unknown;
}

/** Runs `src` before and after the passes; both give `expected`. */
function same(src: string, expected: unknown): string {
  const out = lowerForXs(src).code;
  assert.equal(run(src), expected, 'before');
  assert.equal(run(out), expected, 'after');
  return out;
}

t('constants: numbers, booleans, null, negative numbers and short strings become literals; the names go', () => {
  const src = 'var A=1,B=-2,C=true,D=null,E="k";const f=(x)=>[x+A+B,C,D,E];const r=f(1);export{r as result};';
  const out = same(src, [0, true, null, 'k']);
  assert.not.match(out, /\bA=1/);
  assert.is(lowerForXs(src).passes.constants.literals, 5);
});

t('constants: an enum-like table read by name becomes its values, and the table goes', () => {
  const src = 'var K={Get:1,Set:2,"Add":3};const f=(m)=>m===K.Set?K.Add:K.Get;const r=[f(2),f(9)];export{r as result};';
  const out = same(src, [3, 1]);
  assert.not.match(out, /K=/);
  assert.is(lowerForXs(src).passes.constants.tables, 1);
});

t('constants kept: assigned later, exported, used before its declaration at load, long string used twice', () => {
  const cases: [string, unknown][] = [
    ['let A=1;const g=()=>{A++;return A};const r=g();export{r as result};', 2],
    ['var A=1;const r=A;export{A as result};', 1],
    ['var r=typeof A;var A=1;export{r as result};', 'undefined'],
    ['var S="a long string, longer than twelve";const r=S+S;export{r as result};', 'a long string, longer than twelvea long string, longer than twelve'],
  ];
  for (const [src, expected] of cases) {
    const p = lowerForXs(src).passes.constants;
    assert.is(p.literals + p.tables, 0, src);
    same(src, expected);
  }
});

t('constants kept: a table written, deleted, passed on, read by a computed key or a missing key', () => {
  const cases: [string, unknown][] = [
    ['var K={a:1};K.a=2;const r=K.a;export{r as result};', 2],
    ['var K={a:1};delete K.a;const r=K.a;export{r as result};', undefined],
    ['var K={a:1};const r=Object.keys(K);export{r as result};', ['a']],
    ['var K={a:1};const k="a";const r=K[k];export{r as result};', 1],
    ['var K={a:1};const r=K.toString===Object.prototype.toString;export{r as result};', true],
    ['var K={a:{}};const r=K.a;export{r as result};', {}],
  ];
  for (const [src, expected] of cases) {
    assert.is(lowerForXs(src).passes.constants.tables, 0, src);
    same(src, expected);
  }
});

t('fields: assigned at the start of the constructor, after super() in a derived class', () => {
  const src = 'var o=[];class A{x=(o.push("A.x"),1);constructor(v){o.push("A()");this.v=v}}class B extends A{y=this.x+1;z;constructor(){o.push("B()");super(5);o.push("B after")}}'
    + 'const b=new B;const r=[b.x,b.y,b.z,b.v,Object.keys(b),o];export{r as result};';
  const out = same(src, [1, 2, undefined, 5, ['x', 'v', 'y', 'z'], ['B()', 'A.x', 'A()', 'B after']]);
  assert.is.not(out.indexOf('constructor'), -1);
  assert.equal(lowerForXs(src).passes.fields, { classes: 2, fields: 3, kept: 0 });
});

t('fields: a class without a constructor gets one, and a derived one passes its arguments on', () => {
  const src = 'class A{constructor(a,b){this.s=a+b}}class B extends A{t=this.s*2}class C{n=[]}const b=new B(1,2);const r=[b.s,b.t,new C().n!==new C().n];export{r as result};';
  same(src, [3, 6, true]);
  assert.is(lowerForXs(src).passes.fields.classes, 2);
});

t('fields kept: a setter of the class, of its base or of a subclass; __proto__; a foreign base; a name the constructor declares', () => {
  const cases: [string, unknown][] = [
    ['class A{x=1;set x(v){this.s=v}get x(){return 7}}const a=new A;const r=[a.s,Object.keys(a)];export{r as result};', [undefined, ['x']]],
    ['class A{set x(v){this.s=v}}class B extends A{x=1}const b=new B;const r=[b.s,Object.keys(b)];export{r as result};', [undefined, ['x']]],
    ['class A{x=1}class B extends A{set x(v){this.s=v}}const b=new B;const r=[b.s,Object.keys(b)];export{r as result};', [undefined, ['x']]],
    ['class A{["__proto__"]=1}const r=Object.keys(new A);export{r as result};', ['__proto__']],
    ['class A extends Array{x=1}const r=new A().x;export{r as result};', 1],
    ['var v=[1];class A{x=v;constructor(){let v=2;this.y=v}}const a=new A;const r=[a.x,a.y];export{r as result};', [[1], 2]],
  ];
  for (const [src, expected] of cases) {
    assert.is(lowerForXs(src).passes.fields.classes, 0, src);
    same(src, expected);
  }
});

/** Evaluates an ES module's text as a function body and returns its exports by name. */
function exportsOf(code: string): Record<string, unknown> {
  const body = code.replace(/export\s*\{([^}]*)\};?/, (_m, list: string) =>
    `return {${list.split(',').map((e) => { const [local, as] = e.split(' as '); return `${(as ?? local)!.trim()}:${local!.trim()}`; }).join(',')}};`);
  return new Function(body)() as Record<string, unknown>;
}

t('names: module-level names take property names the bundle already spells; exports keep their names', () => {
  const src = 'var Yl=[1],Ki=[2];const o={size:0,port:0};const Zz=(x)=>({Yl,v:x.port});const r=[Zz({port:Ki[0]}).Yl[0],Zz({port:3}).v,o.size];export{r as result,Zz as api,Yl};';
  const out = lowerForXs(src).code;
  assert.is(lowerForXs(src).passes.names.renamed, 2); // Ki and Zz; Yl is a key already (`{Yl}`)
  assert.not.match(out, /\b(Ki|Zz)\b/);
  for (const code of [src, out]) {
    const m = exportsOf(code) as { result: unknown; api: (x: { port: number }) => unknown; Yl: unknown };
    assert.equal(m.result, [1, 3, 0]);
    assert.equal(m.api({ port: 7 }), { Yl: [1], v: 7 }, 'a shorthand property keeps its key');
    assert.equal(m.Yl, [1]);
  }
});

t('names never taken: a global the bundle reads, an engine global, a name bound inside a function, a reserved word', () => {
  const src = 'var Aa=[1],Bb=[2],Cc=[3];const o={Math:1,Array:1,keys:1,length:1};const f=(keys)=>keys+Aa[0]+Bb[0]+Cc[0];const r=[f(1),typeof Math,o.keys];export{r as result};';
  const out = same(src, [7, 'object', 1]);
  assert.is(lowerForXs(src).passes.names.renamed, 0);
  assert.match(out, /Aa/);
});

t('the passes run together and a second run changes nothing', () => {
  const src = 'var N=3;var K={a:1};function f(x){return x*N+K.a}class P{q=f(1)}const r=new P().q;export{r as result};';
  const once = same(src, 4);
  assert.is(lowerForXs(once).code, once);
});

t.run();
