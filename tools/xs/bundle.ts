/** Bundles a TypeScript entry for XS with the same options as the `xs` build target. */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XS_OPTIONS } from '../build/targets.ts';
import { lowerForXsIn } from '../build/xs-flash.ts';

/**
 * Returns the path of an ESM bundle of `entry`, built into a fresh temp directory.
 * `alias` maps module specifiers to files bundled in their place (stand-ins for the
 * Moddable SDK's modules, which are otherwise left external).
 */
export async function bundleForXs(entry: string, options: { minify?: boolean; alias?: Readonly<Record<string, string>> } = {}): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'tinyusp-xsb-')), 'bundle.js');
  const alias = options.alias ?? {};
  const external = (XS_OPTIONS.external ?? []).filter((name) => !(name in alias));
  await build({ ...XS_OPTIONS, minify: options.minify ?? true, entryPoints: [entry], outfile, external, alias: { ...XS_OPTIONS.alias, ...alias } });
  lowerForXsIn(outfile); // as the device's bundles (tools/build/xs-flash.ts)
  return outfile;
}
