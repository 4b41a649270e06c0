/**
 * A baseline agent bundle for side-by-side benchmarks (`npm run bench -- roundtrip
 * --baseline <git rev>`): the sources of <rev> (src/, boards/, tools/build/) are taken
 * with `git archive` into a temp directory — no worktree, no checkout, nothing in .git
 * changes — and bundled with this tree's esbuild options and node_modules, so two
 * commits' agents can be run alternately in one bench run on the same machine state.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, TARGETS } from '../build/targets.ts';

/** Builds <rev>'s host agent (dist/node/tinyusp.js under a temp root); returns the bundle's path. */
export async function buildBaselineAgent(rev: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-baseline-'));
  const tar = execFileSync('git', ['archive', '--format=tar', rev, 'src', 'boards', 'tools/build', 'package.json'], { cwd: ROOT, maxBuffer: 256 * 2 ** 20 });
  writeFileSync(join(dir, 'src.tar'), tar);
  execFileSync('tar', ['-xf', 'src.tar'], { cwd: dir });
  const node = TARGETS.find((t) => t.name === 'node')!;
  const outfile = join(dir, 'dist', 'node', 'tinyusp.js');
  mkdirSync(join(dir, 'dist', 'node'), { recursive: true });
  await build({ ...node.options, entryPoints: [join(dir, 'src', 'main', 'node.ts')], outfile, absWorkingDir: dir, nodePaths: [join(ROOT, 'node_modules')] });
  return outfile;
}
