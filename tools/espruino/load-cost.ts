/**
 * Where the blocks of a loaded Espruino agent go, module by module: the agent script is
 * built as usual, with a marker call before each source module's code (esbuild names
 * every module in a comment), and run from Storage; each marker records the blocks in
 * use, so the difference between two markers is what that module's top level costs at
 * load (its functions, classes, tables). Measured, not estimated.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESPRUINO_GLOBAL, esbuildForEspruino, lowerForEspruino, minifyForEspruino, shimFor } from '../build/espruino.ts';
import { EspruinoAgent, installAgent } from './process.ts';

export interface ModuleCost { readonly module: string; readonly blocks: number }

/** Globals, whatever scope the script is evaluated in. */
const RECORDER = 'global.__L=[];global.__p=process.memory().usage;global.__n="shim and helpers";' +
  'global.__m=function(n){var u=process.memory().usage;__L.push([__n,u-__p]);global.__p=u;global.__n=n;};';

/** Blocks each module of `entry` costs once loaded, largest first, and the total after load. */
export async function loadCostByModule(bin: string, entry: string): Promise<{ modules: ModuleCost[]; total: number }> {
  let text = await esbuildForEspruino(entry, ESPRUINO_GLOBAL);
  text = text.replace(/^ {2}\/\/ ((?:src|node_modules|tools)\/\S+)$/gm, (_m, p: string) => `  __m(${JSON.stringify(p)});`) + '\n__m("end");';
  const agent = await minifyForEspruino(lowerForEspruino(text));
  const shim = await shimFor(agent);
  const dir = join(tmpdir(), `tinyusp-esp-load-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const script = join(dir + '.js');
  writeFileSync(script, RECORDER + '\n' + shim.code + '\n' + agent + '\n');
  installAgent(bin, dir, script, {});
  const a = new EspruinoAgent({ bin, dir, boot: 'eval(require("Storage").read("tinyusp.js"));', onLine: () => undefined });
  try {
    const list = await a.evaluate<Array<[string, number]>>('__L', 120_000);
    const total = (await a.evaluate<{ usage: number }>('process.memory()')).usage;
    const byModule = new Map<string, number>();
    for (const [m, b] of list) byModule.set(m, (byModule.get(m) ?? 0) + b);
    const modules = [...byModule].map(([module, blocks]) => ({ module, blocks })).sort((x, y) => y.blocks - x.blocks);
    return { modules, total };
  } finally {
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(script, { force: true });
  }
}
