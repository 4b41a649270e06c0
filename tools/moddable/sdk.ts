/**
 * The user's Moddable SDK (`$MODDABLE`): where its tools are, where mcconfig puts a
 * build, and a build that never touches other people's processes.
 *
 * mcconfig names its output folders after the DIRECTORY of the manifest it builds, not
 * after the app: `<out>/bin/lin/mc/debug/<dir>/mc.so` (lin/mac/win add `mc`; ESP32:
 * `<out>/bin/esp32/debug/<dir>/…`). `mcconfig -m` runs the generated makefile's default
 * target, whose recipe runs `pkill mcsim` and `pkill serial2xsbug` on the whole machine
 * and starts mcsim with its output discarded; so we never pass `-m`: mcconfig only
 * writes the makefile, we run its `build` target ourselves and start mcsim by its PID
 * (simulator.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BoardManifest } from './creation.ts';

export const HOST = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';

export interface Sdk {
  /** $MODDABLE */
  readonly root: string;
  /** $MODDABLE/build/bin/<host>/release: mcconfig, mcsim, xsl… */
  readonly bin: string;
}

/** The SDK's release tools directory, or a reason why there is none. */
export function findSdk(env: NodeJS.ProcessEnv = process.env): Sdk | { missing: string } {
  const root = env.MODDABLE;
  if (!root) return { missing: 'no Moddable SDK ($MODDABLE unset)' };
  const bin = join(root, 'build', 'bin', HOST, 'release');
  if (!existsSync(join(bin, 'mcconfig'))) return { missing: `no Moddable SDK tools in ${bin} (run make in $MODDABLE/build/makefiles/${HOST})` };
  return { root, bin };
}

/** Where mcconfig puts the build of the manifest in `manifestDir` (its folder name, not the app's). */
export function buildPaths(out: string, platform: string, manifestDir: string, debug: boolean): { tmp: string; bin: string; makefile: string } {
  const name = basename(manifestDir);
  const kind = debug ? 'debug' : 'release';
  const [base, sub] = platform.split('/');
  const parts = sub !== undefined ? [base!, sub] : base === 'lin' || base === 'mac' || base === 'win' ? [base, 'mc'] : [base!];
  const tmp = join(out, 'tmp', ...parts, kind, name);
  return { tmp, bin: join(out, 'bin', ...parts, kind, name), makefile: join(tmp, 'makefile') };
}

function run(command: string, args: readonly string[], o: { sdk: Sdk; cwd: string; env?: NodeJS.ProcessEnv; quiet?: boolean }): { status: number; output: string } {
  const r = spawnSync(command, args, {
    cwd: o.cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...o.env, MODDABLE: o.sdk.root, PATH: `${o.sdk.bin}:${process.env.PATH ?? ''}` },
    stdio: o.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
  });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export interface McBuildOptions {
  readonly manifest: string;
  readonly platform: string;
  readonly out: string;
  readonly debug: boolean;
  /** key=value pairs for mc/config. */
  readonly args?: readonly string[];
  /** make target (default `build`) and options before it. */
  readonly target?: string;
  readonly makeArgs?: readonly string[];
  /** Keep the tools' output and print it only on failure. */
  readonly quiet?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Compiled modules (`<tmp>/modules/<name>.xsb`) to delete before make: a module whose
   * source the manifest swapped (the SDK's simulator Preference ↔ tools/moddable/nvs-sim)
   * compiles to the same .xsb, and make, finding it newer than the new source, keeps the
   * old one — an app built before the swap then ran the other Preference (and ran out of
   * its fixed heap with the SDK one's cached JSON).
   */
  readonly recompile?: readonly string[];
}

/**
 * `mcconfig <flags> -p <platform> -o <out> <manifest> [key=value…]` (never `-m`), then
 * `make -f <makefile> [makeArgs] <target>`. Returns 0 or the failing step's status.
 */
export function mcBuild(sdk: Sdk, o: McBuildOptions): number {
  const flags = [...(o.debug ? ['-d'] : []), '-p', o.platform, '-o', o.out, o.manifest, ...(o.args ?? [])];
  const common = { sdk, cwd: dirname(o.manifest), quiet: o.quiet ?? false, ...(o.env !== undefined ? { env: o.env } : {}) };
  console.log(`mcconfig ${flags.join(' ')}`);
  const config = run(join(sdk.bin, 'mcconfig'), flags, common);
  if (config.status !== 0) {
    if (o.quiet) process.stderr.write(config.output);
    return config.status;
  }
  const { makefile, tmp } = buildPaths(o.out, o.platform, dirname(o.manifest), o.debug);
  for (const name of o.recompile ?? []) rmSync(join(tmp, 'modules', `${name}.xsb`), { force: true });
  const makeArgs = ['-f', makefile, ...(o.makeArgs ?? []), o.target ?? 'build'];
  console.log(`make ${makeArgs.join(' ')}`);
  const made = run('make', makeArgs, common);
  if (made.status !== 0 && o.quiet) process.stderr.write(made.output.split('\n').slice(-40).join('\n'));
  return made.status;
}

/** Every ESP32 board target's manifest in the SDK (its `creation` gives the board's heap). */
export function esp32BoardManifests(sdk: Sdk): BoardManifest[] {
  const dir = join(sdk.root, 'build', 'devices', 'esp32', 'targets');
  if (!existsSync(dir)) return [];
  const out: BoardManifest[] = [];
  for (const board of readdirSync(dir).sort()) {
    const file = join(dir, board, 'manifest.json');
    if (existsSync(file)) out.push({ board, text: readFileSync(file, 'utf8') });
  }
  return out;
}
