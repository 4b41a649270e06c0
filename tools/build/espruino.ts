/**
 * The `espruino` build target (docs/espruino.md, ESPRUINO.md §8): the agent of
 * src/main/espruino.ts as one script for Espruino 2v29, which parses ES5 plus a little
 * ES2015 (let/const, arrow functions, classes, template literals) straight from source.
 *
 *   esbuild (iife, es2015)  →  Babel, only the lowering Espruino needs  →  terser
 *   configured for Espruino  →  the shim pieces the bundle reaches, prepended
 *
 * - esbuild: bundles and tree-shakes; es2015 lowers class fields, `?.`, `??`, object
 *   spread. `**` would become Math.pow, which is inexact in Espruino: the core has none
 *   (test/guard/espruino-subset.test.ts).
 * - Babel: default parameters, destructuring, array spread, for-of (iterators via
 *   "@@iterator": Espruino has no Symbol) and computed keys are syntax errors or missing
 *   in Espruino; each gets its plugin. One plugin of our own (classSelfName): a class
 *   that names itself inside its body refers to its variable instead. Loose where it cannot change meaning (parameters,
 *   computed keys, for-of's helper still asks the iterator); spread and destructuring
 *   keep Babel's exact helpers so Map/Set iterators work as well as arrays.
 * - terser: Espruino parses `of` as a keyword, so nothing is named `of`; no inlining
 *   (inlined functions can end up called before their declaration, and Espruino does
 *   not hoist); properties are never mangled (the shim, JSON and Espruino's own
 *   libraries name them).
 * - shim: src/platform/espruino/shim/*.js, each piece included only when the bundle
 *   names what it supplies (SHIM_PIECES): built-ins Espruino lacks.
 * The script is then parsed once more: anything Espruino cannot parse or run that is
 * still there (espruino-subset.ts bundleViolations) fails the build.
 */
import { transformSync } from '@babel/core';
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { minify } from 'terser';
import { bundleViolations } from './espruino-subset.ts';
import { ROOT } from './targets.ts';

export const ESPRUINO_ENTRY = join(ROOT, 'src/main/espruino.ts');
export const ESPRUINO_OUTFILE = join(ROOT, 'dist/espruino/tinyusp.js');
const SHIM_DIR = join(ROOT, 'src/platform/espruino/shim');

/** A shim piece: its file and what in the bundle reaches it. */
export interface ShimPiece {
  readonly file: string;
  readonly reachedBy: RegExp;
}

/** In this order (Array.from and the for-of helper use the Map/Set iterators). */
export const SHIM_PIECES: readonly ShimPiece[] = [
  { file: 'map-set.js', reachedBy: /\bnew (Map|Set)\b/ },
  { file: 'object-freeze.js', reachedBy: /\bObject\.(freeze|isFrozen)\b/ },
  { file: 'number.js', reachedBy: /\bNumber\.(isNaN|isInteger|isFinite|MAX_SAFE_INTEGER)\b/ },
  { file: 'array-from.js', reachedBy: /\bArray\.from\b/ },
  { file: 'array-flat.js', reachedBy: /\.flat(Map)?\(/ },
  { file: 'typed-array.js', reachedBy: /\bArrayBuffer\.isView\b|\.copyWithin\(|\.slice\(/ },
  { file: 'range-error.js', reachedBy: /\bRangeError\b/ },
];

/** The global the bundle's exports land in (`tinyusp.start()`). */
export const ESPRUINO_GLOBAL = 'tinyusp';

export interface EspruinoBuild {
  readonly code: string;
  /** Bytes of the agent alone and of the shim pieces prepended. */
  readonly agentBytes: number;
  readonly shimBytes: number;
  readonly shimPieces: readonly string[];
}

/** The part of Babel's NodePath this build's own plugin uses. */
interface ClassPath {
  node: { id: { name: string } | null };
  parentPath: { node: { type: string; id?: { type: string; name: string } } };
  scope: { rename(from: string, to: string): void };
}

/**
 * esbuild writes `var X = class _X { … _X … }` when a class names itself inside its
 * body; Espruino does not bind a class expression's own name there (`_X` is undefined,
 * while a named function expression works). The inner name becomes the variable's.
 */
function classSelfName(): { visitor: Record<string, (path: never) => void> } {
  return {
    visitor: {
      ClassExpression(path: ClassPath): void {
        const inner = path.node.id;
        const decl = path.parentPath.node;
        if (inner === null || decl.type !== 'VariableDeclarator' || decl.id?.type !== 'Identifier') return;
        path.scope.rename(inner.name, decl.id.name);
        path.node.id = null;
      },
    } as Record<string, (path: never) => void>,
  };
}

/** Babel: only the syntax Espruino 2v29 cannot parse or run (ESPRUINO.md §2, §8). */
export function lowerForEspruino(code: string): string {
  const out = transformSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: 'script',
    compact: false,
    comments: false,
    assumptions: { ignoreFunctionLength: true, setComputedProperties: true, noNewArrows: true },
    plugins: [
      ['@babel/plugin-transform-parameters', { loose: true }],
      ['@babel/plugin-transform-destructuring', { useBuiltIns: false }],
      ['@babel/plugin-transform-spread', {}],
      ['@babel/plugin-transform-for-of', { loose: true }],
      ['@babel/plugin-transform-computed-properties', { loose: true }],
      classSelfName,
    ],
  });
  if (out === null || out.code === null || out.code === undefined) throw new Error('Babel produced nothing');
  return out.code;
}

/** terser with what Espruino needs: no `of`, no inlining, no property mangling. */
export async function minifyForEspruino(code: string): Promise<string> {
  const out = await minify(code, {
    ecma: 2015,
    compress: { inline: false, reduce_funcs: false, hoist_funs: false, passes: 2, unsafe: false, keep_fargs: true },
    mangle: { reserved: ['of'], properties: false },
    format: { comments: false, ascii_only: false },
  });
  if (out.code === undefined) throw new Error('terser produced nothing');
  return out.code;
}

/** The shim pieces `agent` reaches, in SHIM_PIECES order, minified. */
export async function shimFor(agent: string): Promise<{ code: string; pieces: string[] }> {
  const pieces = SHIM_PIECES.filter((p) => p.reachedBy.test(agent));
  const source = pieces.map((p) => readFileSync(join(SHIM_DIR, p.file), 'utf8')).join('\n');
  return { code: pieces.length === 0 ? '' : await minifyForEspruino(source), pieces: pieces.map((p) => p.file) };
}

/** esbuild (iife, es2015) of `entry`, for Espruino: the first step of the build. */
export async function esbuildForEspruino(entry: string, globalName: string = ESPRUINO_GLOBAL): Promise<string> {
  const bundled = await build({
    entryPoints: [entry], bundle: true, write: false, format: 'iife', globalName, target: 'es2015',
    platform: 'neutral', mainFields: ['module', 'main'], treeShaking: true, minify: false,
    legalComments: 'none', logLevel: 'warning', charset: 'utf8',
    // The dgram/Storage modules are Espruino's own (`require` at run time, never bundled).
    external: ['dgram', 'Storage'],
  });
  return bundled.outputFiles[0]!.text;
}

/** esbuild → Babel → terser → shim: the script Espruino runs. Throws if something Espruino cannot run remains. */
export async function buildEspruinoBundle(entry: string = ESPRUINO_ENTRY, globalName: string = ESPRUINO_GLOBAL, minified = true): Promise<EspruinoBuild> {
  const lowered = lowerForEspruino(await esbuildForEspruino(entry, globalName));
  const agent = minified ? await minifyForEspruino(lowered) : lowered;
  const left = bundleViolations(agent, minified);
  if (left.length > 0) {
    throw new Error(`the Espruino script still holds what Espruino cannot run:\n${left.slice(0, 10).map((v) => `  ${v.rule}: ${v.text}`).join('\n')}`);
  }
  const shim = await shimFor(agent);
  return { code: shim.code + (shim.code === '' ? '' : '\n') + agent + '\n', agentBytes: agent.length, shimBytes: shim.code.length, shimPieces: shim.pieces };
}

/** Writes dist/espruino/tinyusp.js. */
export async function writeEspruinoBundle(outfile: string = ESPRUINO_OUTFILE): Promise<EspruinoBuild> {
  const b = await buildEspruinoBundle();
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, b.code);
  return b;
}
