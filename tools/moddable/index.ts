/**
 * Wrappers around the user's Moddable SDK (`$MODDABLE`) for the app in manifest.json.
 *
 *   tsx tools/moddable/index.ts sim   [key=value…]            npm run sim
 *   tsx tools/moddable/index.ts esp32 [board=<name>] [--flash] [--debug] [key=value…]
 *                                                             npm run build:esp32
 *   tsx tools/moddable/index.ts test  [options]               npm run test:moddable (check.ts)
 *   tsx tools/moddable/index.ts flash                         ESP32 JavaScript link figures (flash.ts)
 *   tsx tools/moddable/index.ts flash --build coaps --parts   the same per part: MTP/codec, core, schema, app (flash-parts.ts)
 *
 * Each first runs the esbuild targets (`npm run build`), because the manifest links
 * dist/. Without an SDK, `sim` and `esp32` fail with a clear message; `test` and
 * `flash` print "skipped: …" and exit 0 (CI has no SDK).
 *
 * `sim` builds with `mcconfig -d -p lin -o <dir>` and our own `make build` (never
 * `mcconfig -m`, whose makefile runs `pkill mcsim` / `pkill serial2xsbug` machine-wide,
 * sdk.ts) through a wrapper that keeps the simulator's Preference file in its own
 * directory (not the /tmp/ every simulator app shares), and runs mcsim in the
 * foreground on $DISPLAY, stopped by its PID.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { ROOT } from '../build/targets.ts';
import type { BoardDescription } from '../../src/platform/board.ts';
import { runCheck } from './check.ts';
import { BUILDS, buildManifest, parseBuildName, type BuildName } from './builds.ts';
import { runFlash } from './flash.ts';
import { runFlashParts } from './flash-parts.ts';
import { defaultOut } from './check-options.ts';
import { buildPaths, findSdk, HOST, mcBuild, type Sdk } from './sdk.ts';
import { simWrapperManifest, writeManifest } from './wrapper.ts';

const INSTALL_HELP =
  'Install the Moddable SDK (https://github.com/Moddable-OpenSource/moddable, "Moddable SDK - Getting Started"),\n' +
  'build its tools (cd $MODDABLE/build/makefiles/' + HOST + ' && make), then\n' +
  '  export MODDABLE=/path/to/moddable\n  export PATH=$PATH:$MODDABLE/build/bin/' + HOST + '/release';

/** `--build <name>` out of args (default `full`), or why not. */
function takeBuild(args: readonly string[]): { build: BuildName; rest: string[] } | string {
  const at = args.indexOf('--build');
  if (at < 0) return { build: 'full', rest: [...args] };
  const build = parseBuildName(args[at + 1] ?? '');
  if (build !== 'full' && build !== 'coaps') return build;
  return { build, rest: args.filter((_, i) => i !== at && i !== at + 1) };
}

function loadBoard(name: string): BoardDescription | undefined {
  const file = join(ROOT, 'boards', `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BoardDescription) : undefined;
}

async function sim(sdk: Sdk, argv: readonly string[]): Promise<number> {
  const taken = takeBuild(argv);
  if (typeof taken === 'string') { console.error(taken); return 2; }
  const args = taken.rest;
  if (HOST === 'lin' && !process.env.DISPLAY) {
    console.error('tinyusp: no $DISPLAY for the simulator window (headless: npm run test:moddable, which starts its own Xvfb)');
    return 1;
  }
  await buildAll();
  const out = join(defaultOut(ROOT), taken.build === 'full' ? 'sim' : `sim-${taken.build}`);
  const state = join(out, 'state') + '/';
  mkdirSync(state, { recursive: true });
  const manifest = writeManifest(out, 'tinyusp-sim', simWrapperManifest(buildManifest(taken.build), state));
  if (mcBuild(sdk, { manifest, platform: HOST, out, debug: true, args }) !== 0) return 1;
  const app = join(buildPaths(out, HOST, dirname(manifest), true).bin, HOST === 'win' ? 'mc.dll' : 'mc.so');
  const mcsim = join(sdk.bin, HOST === 'mac' ? 'mcsim.app/Contents/MacOS/mcsim' : 'mcsim');
  console.log(`simulator state (Preference): ${state}`);
  console.log(`${mcsim} ${app}`);
  // Line-buffered, so the agent's log shows as it happens even through a pipe.
  const lineBuffered = HOST === 'lin' && spawnSync('which', ['stdbuf']).status === 0;
  const child = lineBuffered ? spawn('stdbuf', ['-oL', '-eL', mcsim, app], { stdio: 'inherit' }) : spawn(mcsim, [app], { stdio: 'inherit' });
  const stop = (): void => { if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM'); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 0)));
}

async function esp32(sdk: Sdk, argv: readonly string[]): Promise<number> {
  const taken = takeBuild(argv);
  if (typeof taken === 'string') { console.error(taken); return 2; }
  const args = taken.rest;
  const boardArg = args.find((a) => a.startsWith('board='));
  const name = boardArg ? boardArg.slice('board='.length) : 'esp32-devkitc';
  const board = loadBoard(name);
  if (!board?.moddable) {
    console.error(`tinyusp: no ESP32 board "${name}" in boards/ (one with a "moddable" section)`);
    return 2;
  }
  if (!process.env.IDF_PATH) {
    console.error('tinyusp: ESP-IDF is not set up ($IDF_PATH unset). Follow the SDK\'s documentation/devices/esp32.md, then `source $IDF_PATH/export.sh`.');
    return 1;
  }
  await buildAll();
  const flash = args.includes('--flash');
  const debug = args.includes('--debug');
  const rest = args.filter((a) => a !== '--flash' && a !== '--debug' && !a.startsWith('board='));
  // Flashing is the SDK's own `all` target (it stops serial2xsbug to free the serial port); a build only is `-t build`.
  const mcArgs = [...(debug ? ['-d'] : []), '-m', '-p', board.moddable.platform, ...(flash ? [] : ['-t', 'build']), `board=${name}`, ...rest, buildManifest(taken.build)];
  console.log(`mcconfig ${mcArgs.join(' ')}`);
  const r = spawnSync(join(sdk.bin, 'mcconfig'), mcArgs, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${process.env.PATH}:${sdk.bin}` } });
  return r.status ?? 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const found = findSdk();
  if ('missing' in found) {
    if (command === 'test' || command === 'flash') {
      console.log(`skipped: ${found.missing}`);
      return 0;
    }
    console.error(`tinyusp: ${found.missing}.\n${INSTALL_HELP}`);
    return 1;
  }
  if (command === 'sim') return sim(found, args);
  if (command === 'esp32') return esp32(found, args);
  if (command === 'test') return runCheck(found, args);
  if (command === 'flash') {
    const parts = args.includes('--parts');
    const taken = takeBuild(args.filter((a) => a !== '--parts'));
    if (typeof taken === 'string' || taken.rest.length > 0 || (parts && taken.build !== 'coaps')) { console.error(typeof taken === 'string' ? taken : `usage: flash [--build ${Object.keys(BUILDS).join('|')}] [--parts (with --build coaps)]`); return 2; }
    return parts ? runFlashParts(found) : runFlash(found, buildManifest(taken.build));
  }
  console.error('usage: tsx tools/moddable/index.ts sim|esp32|test|flash [args]');
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
