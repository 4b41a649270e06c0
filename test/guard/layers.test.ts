/**
 * docs/architecture.md "Import direction": calls run one way, down the stack.
 *
 *   main → config, composition → mtp/<one per MTP> → agent → dm → usp → encoding
 *                                         └→ coap, dtls, mqtt, websocket (protocol cores) → encoding
 *
 * Everybody may import the platform port (the files directly in src/platform/);
 * platform implementations (platform/node, moddable, xs-host) import the port and
 * the portable pieces they wrap (dtls crypto); one MTP folder never imports another.
 * A violation names the file, the import and the rule it breaks.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';

/** What each room may import besides itself and the port. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  encoding: [],
  usp: ['encoding'],
  dm: ['encoding', 'usp'],
  agent: ['dm', 'usp', 'encoding'],
  coap: ['encoding'],
  dtls: ['encoding'],
  mqtt: ['encoding'],
  http: ['encoding'],
  websocket: ['encoding'],
  firmware: ['agent', 'dm', 'usp', 'encoding', 'http'],
  mtp: ['agent', 'dm', 'usp', 'encoding', 'coap', 'dtls', 'mqtt', 'websocket'],
  composition: ['mtp', 'agent', 'dm', 'usp', 'encoding', 'coap', 'dtls', 'mqtt', 'websocket', 'http', 'firmware'],
  config: ['composition', 'mtp', 'dtls', 'usp', 'encoding', 'firmware'],
  'platform/node': ['dtls', 'encoding'],
  'platform/moddable': ['dtls', 'encoding'],
  'platform/xs-host': ['encoding'],
  main: ['*'],
};

/** The room of a source file: its first folder under src/ (platform implementations and MTP folders count apart). */
export function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[1] === 'platform') return parts.length > 3 ? `platform/${parts[2]}` : 'port';
  if (parts[1] === 'mtp') return parts.length > 3 ? `mtp/${parts[2]}` : 'mtp';
  return parts[1] ?? '';
}

function allowed(from: string, to: string): boolean {
  if (from === to || to === 'port' || to === 'boards') return true;
  if (from === 'port') return false;
  const base = from.startsWith('mtp/') ? 'mtp' : from;
  if (from.startsWith('mtp/') && to === 'mtp') return true; // an MTP folder uses the helpers all MTPs share
  if (from.startsWith('mtp/') && to.startsWith('mtp/')) return false; // one MTP never reaches into another
  const list = ALLOWED[base] ?? [];
  if (list.includes('*')) return true;
  const target = to.startsWith('mtp/') ? 'mtp' : to;
  return list.includes(target);
}

function sources(dir: string): string[] {
  let out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(sources(p));
    else if (/\.(ts|js)$/.test(n) && !n.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export function layerViolations(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const abs of files) {
    const file = relative(ROOT, abs).split('\\').join('/');
    const from = roomOf(file);
    const text = readFileSync(abs, 'utf8');
    for (const m of text.matchAll(/\bfrom\s+['"](\.[^'"]+)['"]/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[1]!));
      const to = target.startsWith('src/') ? roomOf(target) : target.startsWith('boards/') ? 'boards' : target;
      if (!allowed(from, to)) found.push(`${file}: imports ${m[1]} (${from} → ${to})`);
    }
  }
  return found;
}

const layers = suite('guard/layers');

layers('docs/architecture.md import direction: every src/ import runs down the stack', () => {
  const files = sources(join(ROOT, 'src'));
  assert.ok(files.length > 100, 'found the sources');
  const v = layerViolations(files);
  assert.equal(v, [], v.join('\n'));
});

layers('the rule catches an upward import and one MTP reaching into another', () => {
  assert.not.ok(allowed('dm', 'agent'), 'dm → agent');
  assert.not.ok(allowed('coap', 'mtp/coap'), 'protocol core → its MTP');
  assert.not.ok(allowed('mtp/mqtt', 'mtp/coap'), 'one MTP → another');
  assert.not.ok(allowed('port', 'dm'), 'the port → a core');
  assert.not.ok(allowed('composition', 'config'), 'the shared composition → Node-only configuration');
  assert.ok(allowed('mtp/coap', 'mtp'), 'an MTP → the shared controller rows');
  assert.ok(allowed('agent', 'port'), 'anyone → the port');
});

layers('dm: calls run one way — only the model (and the objects above it) import model.ts; the tree imports none of its users', () => {
  const dm = sources(join(ROOT, 'src', 'dm'));
  const importsOf = (f: string): string[] => [...readFileSync(f, 'utf8').matchAll(/\bfrom\s+['"](\.[^'"]+)['"]/g)].map((m) => posix.basename(m[1]!));
  const back = dm.filter((f) => /(persistence|transaction|unique-keys|instance-tree|resolver|search)\.ts$/.test(f) && importsOf(f).includes('model.ts'));
  assert.equal(back.map((f) => relative(ROOT, f)), [], 'a dm helper calls back into the model');
  const tree = dm.find((f) => f.endsWith('instance-tree.ts'))!;
  const users = ['model.ts', 'transaction.ts', 'persistence.ts', 'unique-keys.ts'];
  assert.equal(importsOf(tree).filter((i) => users.includes(i)), [], 'the instance tree imports one of its users');
});

layers.run();
