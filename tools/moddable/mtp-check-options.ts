/**
 * What the MTP simulator checks (`npm run test:moddable:coaps`, `test:moddable:mqtt`)
 * share: their options (`--creation esp32|class2|heap=…,chunk=…,stack=…`, `--display`,
 * `--out`, `--verbose`), their usage line, and usp-ctl run in-process as a step.
 */
import { join } from 'node:path';
import { ROOT } from '../build/targets.ts';
import { runCaptured } from '../usp-ctl/index.ts';
import { parseBuildName, type BuildName } from './builds.ts';
import { defaultOut } from './check-options.ts';
import { ESP32_CREATION, parseCreationOption, type Creation } from './creation.ts';
import { GENEROUS_CREATION } from './mtp-sim.ts';

export interface MtpCheckOptions { creation: Creation; display: number | undefined; out: string; verbose: boolean; build: BuildName }

/** The usage line of `npm run <script>`. */
export function mtpCheckUsage(script: string): string {
  return `usage: npm run ${script} -- [--build full|coaps] [--creation esp32|class2|heap=…,chunk=…,stack=…] [--display <n>] [--out <dir>] [--verbose]`;
}

/** The options, or why not; `name` names the output folder under the default out dir. */
export function parseMtpCheckArgs(argv: readonly string[], name: string): MtpCheckOptions | string {
  const o: MtpCheckOptions = { creation: GENEROUS_CREATION, display: undefined, out: join(defaultOut(ROOT), name), verbose: false, build: 'full' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--verbose') { o.verbose = true; continue; }
    const v = argv[++i];
    if (v === undefined) return `${a} needs a value`;
    if (a === '--creation') {
      const c = v === 'esp32' ? ESP32_CREATION : parseCreationOption(v, GENEROUS_CREATION);
      if (typeof c === 'string') return c;
      o.creation = c;
    } else if (a === '--display') o.display = Number(v.replace(':', ''));
    else if (a === '--out') o.out = v;
    else if (a === '--build') {
      const b = parseBuildName(v);
      if (b !== 'full' && b !== 'coaps') return b;
      o.build = b;
    }
    else return `unknown option ${a}`;
  }
  return o;
}

/** usp-ctl's CLI in-process (`npm run ctl -- …`): its output lines; throws on a non-zero exit. */
export async function ctl(args: string[]): Promise<string[]> {
  const r = await runCaptured(args);
  if (r.code !== 0) throw new Error(`usp-ctl ${args.join(' ')}: exit ${r.code}: ${[...r.out, ...r.err].join(' | ')}`);
  return r.out;
}
