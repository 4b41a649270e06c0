/** Bundles a TypeScript entry for XS with the same options as the `xs` build target. */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XS_OPTIONS } from '../build/targets.ts';

/** Returns the path of an ESM bundle of `entry`, built into a fresh temp directory. */
export async function bundleForXs(entry: string, options: { minify?: boolean } = {}): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'tinyusp-xsb-')), 'bundle.js');
  await build({ ...XS_OPTIONS, minify: options.minify ?? true, entryPoints: [entry], outfile });
  return outfile;
}
