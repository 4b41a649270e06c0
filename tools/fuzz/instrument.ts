/**
 * Coverage for the fuzz engine without native code: src/ files are instrumented with
 * istanbul (istanbul-lib-instrument, pure JS) while esbuild bundles the fuzz worker, so
 * every statement, branch arm and function of the code under test bumps a counter in
 * `globalThis.__fuzzcov` (read by coverage-map.ts inside the worker).
 *
 * (jazzer.js, the coverage-guided engine on npm, installs here but its prebuilt addon
 * needs glibc 2.38 and this machine has 2.36; it cannot be built from its package.)
 */
import type { Plugin } from 'esbuild';
import { transform } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';

import { COVERAGE_VARIABLE } from './coverage-map.ts';

/** esbuild plugin: TypeScript under `srcDir` is compiled, then instrumented. */
export function instrumentPlugin(root: string, srcDir: string): Plugin {
  return {
    name: 'fuzz-instrument',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(srcDir)) return undefined;
        const { createInstrumenter } = await import('istanbul-lib-instrument');
        const js = (await transform(await readFile(args.path, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: args.path })).code;
        const inst = createInstrumenter({ coverageVariable: COVERAGE_VARIABLE, esModules: true, compact: true, produceSourceMap: false });
        return { contents: inst.instrumentSync(js, relative(root, args.path)), loader: 'js' };
      });
    },
  };
}

