/**
 * Issue #12 "README as a front door": README.md is short and points into docs/, one page
 * per topic. These checks keep that true as pages move: every relative link in README.md
 * and docs/**\/*.md names a file that exists and, with `#anchor`, a heading of that file
 * (GitHub's slug rules); README.md stays within 250 lines; and the README's install line
 * lists exactly the Debian packages of tools/preflight/debian-packages.txt, the one list
 * .ci/run and the preflight read too.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { packageList } from '../../tools/preflight/index.ts';

export const README_MAX_LINES = 250;
const INSTALL_PREFIX = 'sudo apt-get install -y ';

/** README.md and every Markdown file under docs/. */
function markdownFiles(): string[] {
  const out = [join(ROOT, 'README.md')];
  const walk = (dir: string): void => {
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { return; }
    for (const n of names) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.md')) out.push(p);
    }
  };
  walk(join(ROOT, 'docs'));
  return out;
}

/** The text outside fenced code blocks (``` or ~~~), one entry per line, code lines blanked. */
function proseLines(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m !== null) {
      if (fence === null) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = null;
      return '';
    }
    return fence === null ? line : '';
  });
}

/** GitHub's heading anchor: rendered text, lower-case, punctuation other than '-' and '_' dropped, spaces → '-'. */
export function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link renders as its text
    .replace(/[`*]/g, '');
  return rendered.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings; a repeated slug gets -1, -2… as on GitHub. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (m === null) continue;
    const base = githubSlug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Link targets in prose: inline `[text](target)` and reference definitions `[x]: target`; code spans are not links. */
export function linkTargets(text: string): string[] {
  const out: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, 'code'); // [`path`](path) stays a link; `[x](y)` does not
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
    const ref = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (ref !== null) out.push(ref[1]!);
  }
  return out;
}

/** What is wrong with one relative link of `file`, or null when it is fine (or not relative). */
function brokenLink(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null; // https:, mailto:…
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
  const dest = pathPart === '' ? file : resolve(dirname(file), pathPart);
  if (!dest.startsWith(ROOT)) return `${target}: outside the repository`;
  if (!existsSync(dest)) return `${target}: no such file`;
  if (anchor === null) return null;
  if (!dest.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
  return anchors(readFileSync(dest, 'utf8')).has(anchor) ? null : `${target}: no heading with anchor #${anchor}`;
}

function brokenLinks(): string[] {
  const found: string[] = [];
  for (const f of markdownFiles()) {
    for (const t of linkTargets(readFileSync(f, 'utf8'))) {
      const why = brokenLink(f, t);
      if (why !== null) found.push(`${relative(ROOT, f)}: ${why}`);
    }
  }
  return found;
}

const readme = (): string => readFileSync(join(ROOT, 'README.md'), 'utf8');

const docs = suite('guard/docs');

docs('issue #12: every relative link in README.md and docs/ names a file that exists, and its #anchor a heading there', () => {
  const files = markdownFiles();
  assert.ok(files.length > 1, 'found docs/ pages');
  assert.ok(files.every((f) => linkTargets(readFileSync(f, 'utf8')).length > 0), 'every page links somewhere');
  const broken = brokenLinks();
  assert.equal(broken, [], broken.join('\n'));
});

docs('issue #12: every source, test or tool file the pages name by path exists (moves keep the docs true)', () => {
  const missing: string[] = [];
  for (const f of markdownFiles()) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:src|test|tools)\/[A-Za-z0-9_./-]+\.(?:ts|js|cjs|json|txt|c)\b/g)) {
      if (!existsSync(join(ROOT, m[0]))) missing.push(`${relative(ROOT, f)}: ${m[0]}`);
    }
  }
  assert.equal(missing, [], missing.join('\n'));
});

docs(`issue #12: README.md stays a front door of at most ${README_MAX_LINES} lines`, () => {
  const lines = readme().replace(/\n$/, '').split('\n').length;
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
});

docs('issue #12: README.md shows `npm start` and `npm test`', () => {
  const text = readme();
  assert.ok(text.includes('npm start'), 'npm start');
  assert.ok(text.includes('npm test'), 'npm test');
});

docs('preflight: the README install line, alone in a ```sh block, lists tools/preflight/debian-packages.txt exactly', () => {
  const lines = readme().split('\n');
  const at = lines.flatMap((l, i) => (l.startsWith(INSTALL_PREFIX) ? [i] : []));
  assert.equal(at.length, 1, `one "${INSTALL_PREFIX}…" line in README.md`);
  const i = at[0]!;
  assert.equal([lines[i - 1], lines[i + 1]], ['```sh', '```'], 'the line has its own ```sh block');
  const named = lines[i]!.slice(INSTALL_PREFIX.length).trim().split(/\s+/);
  assert.equal(named, packageList());
});

docs('the link check itself: GitHub slugs, repeated headings, code blocks and spans are not links', () => {
  assert.is(githubSlug('The agent inside XS on the host (`npm run start:xs`)'), 'the-agent-inside-xs-on-the-host-npm-run-startxs');
  assert.is(githubSlug('CoAP or MQTT?'), 'coap-or-mqtt');
  assert.is(githubSlug('Ready line, warnings, exit codes, signals'), 'ready-line-warnings-exit-codes-signals');
  assert.is(githubSlug('Data model (`src/dm/`)'), 'data-model-srcdm');
  assert.is(githubSlug('snake_case and-dash'), 'snake_case-and-dash');
  assert.equal([...anchors('# A\n## Tested\n```sh\n# not a heading\n```\n### Tested\n')], ['a', 'tested', 'tested-1']);
  assert.equal(linkTargets('[a](x.md#b) `[c](y.md)` and [d]: z.md\n```\n[e](w.md)\n```\n'), ['x.md#b']);
  assert.equal(linkTargets('[d]: z.md'), ['z.md']);
  const here = join(ROOT, 'README.md');
  assert.is(brokenLink(here, 'https://example.com/x'), null);
  assert.ok(brokenLink(here, 'docs/no-such-page.md') !== null, 'missing file caught');
  assert.ok(brokenLink(here, '#no-such-heading') !== null, 'missing anchor caught');
});

docs.run();
