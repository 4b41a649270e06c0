/**
 * DESIGN.md "Layers": the cores are sans-I/O. No core folder may import node:*,
 * Moddable modules, or touch Node globals, timers, Date or Math.random — all of
 * that comes through src/platform. (tsconfig.core.json also type-checks the cores
 * without Node types.)
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';

export const CORE_FOLDERS = ['encoding', 'usp', 'dm', 'agent', 'coap', 'dtls', 'mqtt', 'http', 'firmware', 'websocket', 'mtp', 'composition'];

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bfrom\s+['"]node:/, 'imports node:*'],
  [/\bimport\s*\(\s*['"]/, 'dynamic import()'],
  [/\brequire\s*\(/, 'require()'],
  [/\bfrom\s+['"](fs|path|os|net|dgram|crypto|child_process|http|https|tls|events|stream|util|buffer|worker_threads)['"]/, 'imports a Node built-in'],
  [/\bfrom\s+['"](embedded:[^'"]*|timer|preference|socket|crypt|hmac|gcm|instrumentation|debug|sntp|wifi|net|mc\/config|flash|ota|resource)['"]/, 'imports a Moddable module'],
  [/\bBuffer\b/, 'uses Buffer'],
  [/\bprocess\./, 'uses process'],
  [/\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval)\s*\(/, 'uses timers'],
  [/\bDate\.now\s*\(|\bnew Date\s*\(\s*\)/, 'reads the clock'],
  [/\bMath\.random\s*\(/, 'uses Math.random'],
  [/\beval\s*\(|\bnew Function\s*\(/, 'uses eval/Function'],
];

function sources(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(sources(p));
    else if (/\.(ts|js)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Comment text must not trip the guard: strip // and block comments first. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function violations(files: string[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    const lines = code(readFileSync(f, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const [re, what] of FORBIDDEN) if (re.test(line)) found.push(`${relative(ROOT, f)}:${i + 1} ${what}: ${line.trim()}`);
    });
  }
  return found;
}

const guard = suite('guard/core-imports');

guard('DESIGN.md sans-I/O: core folders import no platform modules', () => {
  const files = CORE_FOLDERS.flatMap((d) => sources(join(ROOT, 'src', d)));
  assert.ok(files.length > 0, 'found core sources');
  const v = violations(files);
  assert.equal(v, [], v.join('\n'));
});

guard('the guard catches what it must', () => {
  const probe = [
    "import { x } from 'node:fs';", "import T from 'timer';", "import U from 'embedded:io/socket/udp';",
    'const b = Buffer.from([1]);', 'process.exit(1);', 'setTimeout(f, 1);', 'const t = Date.now();', 'Math.random();',
  ];
  for (const line of probe) {
    assert.ok(FORBIDDEN.some(([re]) => re.test(code(line))), `not caught: ${line}`);
  }
  assert.not.ok(FORBIDDEN.some(([re]) => re.test(code('// setTimeout(f) in a comment'))));
});

guard.run();
