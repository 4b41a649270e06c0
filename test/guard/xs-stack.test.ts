/**
 * XS engine rule (measured with xsnap 0.15 and Moddable SDK 8.2.3): a `continue` that
 * leaves a `switch` inside a loop leaves the switch's value on the JavaScript stack — one
 * slot per iteration, until the stack overflows (100 000 iterations abort xsnap; a
 * GetSupportedDM of Device. overflowed a 1 024-slot stack in the simulator). So no
 * `continue` inside a `switch` in src/ (a `continue` of a loop nested in the case is fine).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';

/** The source without comments and string/template literal contents (lengths kept). */
export function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const n = src[i + 1];
    if (c === '/' && n === '/') { while (i < src.length && src[i] !== '\n') { out += ' '; i++; } continue; }
    if (c === '/' && n === '*') { const e = src.indexOf('*/', i + 2); const stop = e < 0 ? src.length : e + 2; out += src.slice(i, stop).replace(/[^\n]/g, ' '); i = stop; continue; }
    if (c === '"' || c === "'" || c === '`') {
      out += c;
      i++;
      while (i < src.length && src[i] !== c) { out += src[i] === '\n' ? '\n' : ' '; if (src[i] === '\\') { out += ' '; i++; } i++; }
      out += c;
      i++;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Line numbers of `continue` statements that leave a switch body (no loop opened between). */
export function continuesInSwitch(src: string): number[] {
  const code = codeOnly(src);
  const found: number[] = [];
  for (const m of code.matchAll(/\bswitch\s*\(/g)) {
    const open = code.indexOf('{', m.index);
    let depth = 0;
    let end = open;
    for (; end < code.length; end++) {
      if (code[end] === '{') depth++;
      else if (code[end] === '}' && --depth === 0) break;
    }
    const body = code.slice(open, end);
    for (const c of body.matchAll(/\bcontinue\b/g)) {
      if (/\b(for|while|do)\b/.test(body.slice(0, c.index))) continue; // a nested loop's own continue
      found.push(code.slice(0, open + c.index).split('\n').length);
    }
  }
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

const guard = suite('guard/xs-stack');

guard('XS: no `continue` inside a `switch` in src/ (each one leaks a stack slot in XS)', () => {
  const bad: string[] = [];
  for (const f of sources(join(ROOT, 'src'))) for (const line of continuesInSwitch(readFileSync(f, 'utf8'))) bad.push(`${relative(ROOT, f)}:${line}`);
  assert.equal(bad, []);
});

guard('the scan finds a continue in a switch, and leaves a nested loop\'s alone', () => {
  assert.equal(continuesInSwitch('for (;;) {\n  switch (k) {\n    case 1: { x(); continue; }\n  }\n}'), [3]);
  assert.equal(continuesInSwitch('for (;;) { switch (k) { case 1: for (const a of b) { continue; } } }'), []);
  assert.equal(continuesInSwitch('// switch (a) { continue }\nconst s = "switch (a) { continue }";'), []);
});

guard.run();
