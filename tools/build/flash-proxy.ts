/**
 * What the ESP32 link of a Moddable build costs, told without the SDK (#13 item 4): the
 * core's minified bytes after the XS passes (XS bytecode is within a few % of them) and
 * its function count (each function, method or accessor is ≈ 4 preloaded slots + a
 * bytecode header). test/tools/flash-proxy.test.ts guards the coaps core with them in CI,
 * where there is no SDK; tools/moddable/flash.ts gives the linked figures.
 */
import { parse } from '@babel/parser';
import { build } from 'esbuild';
import { lowerForXs } from './xs-flash.ts';
import { XS_OPTIONS } from './targets.ts';

export interface FlashProxy {
  /** Minified bytes of the core as linked (after the xs-flash.ts passes). */
  readonly bytes: number;
  /** Functions, arrows, methods, getters and setters in it. */
  readonly functions: number;
}

interface Node { readonly type: string; readonly [k: string]: unknown }

function countFunctions(node: unknown): number {
  if (node === null || typeof node !== 'object') return 0;
  if (Array.isArray(node)) { let n = 0; for (let i = 0; i < node.length; i++) n += countFunctions(node[i]); return n; }
  const t = (node as Node).type;
  let n = t === 'ArrowFunctionExpression' || t === 'FunctionExpression' || t === 'FunctionDeclaration' || t === 'ClassMethod' || t === 'ObjectMethod' ? 1 : 0;
  for (const k in node) if (k !== 'loc' && k !== 'start' && k !== 'end') n += countFunctions((node as Record<string, unknown>)[k]);
  return n;
}

/** The core bundle of `entry` built as the Moddable targets are, and its proxies. */
export async function flashProxy(entry: string): Promise<FlashProxy> {
  const r = await build({ ...XS_OPTIONS, entryPoints: [entry], write: false, outfile: 'core.js' });
  const code = lowerForXs(r.outputFiles[0]!.text).code;
  return { bytes: Buffer.byteLength(code), functions: countFunctions(parse(code, { sourceType: 'module' }).program) };
}
