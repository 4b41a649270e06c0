/**
 * Wrappers around the user's Moddable SDK (`$MODDABLE`) for the app in manifest.json.
 *
 *   tsx tools/moddable/index.ts sim   [key=value…]            npm run sim
 *   tsx tools/moddable/index.ts esp32 [board=<name>] [--flash] [--debug] [key=value…]
 *                                                             npm run build:esp32
 *   tsx tools/moddable/index.ts test                          npm run test:moddable
 *
 * Each first runs the esbuild targets (`npm run build`), because the manifest links
 * dist/. `sim` and `esp32` fail with a clear message when no SDK is installed;
 * `test` then prints "skipped: no Moddable SDK ($MODDABLE unset)" and exits 0.
 * `test` builds a debug simulator app with `selfTest=1`, runs it twice headless
 * (Xvfb when there is no display) under the SDK's xsbug-log, and passes when both
 * runs report `self-test done 0 failed` and the persisted boot counter went up;
 * it also prints the XS heap figures xsbug-log reports (`info instruments`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { buildAll } from '../build/index.ts';
import { ROOT } from '../build/targets.ts';
import type { BoardDescription } from '../../src/platform/board.ts';

const HOST = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'lin';
const INSTALL_HELP =
  'Install the Moddable SDK (https://github.com/Moddable-OpenSource/moddable, "Moddable SDK - Getting Started"),\n' +
  'build its tools (cd $MODDABLE/build/makefiles/' + HOST + ' && make), then\n' +
  '  export MODDABLE=/path/to/moddable\n  export PATH=$PATH:$MODDABLE/build/bin/' + HOST + '/release';

/** The SDK's release tools directory, or a reason why there is none. */
export function findSdk(env: NodeJS.ProcessEnv = process.env): { bin: string } | { missing: string } {
  const sdk = env.MODDABLE;
  if (!sdk) return { missing: 'no Moddable SDK ($MODDABLE unset)' };
  const bin = join(sdk, 'build', 'bin', HOST, 'release');
  if (!existsSync(join(bin, 'mcconfig'))) return { missing: `no Moddable SDK tools in ${bin} (run make in $MODDABLE/build/makefiles/${HOST})` };
  return { bin };
}

function mcconfig(bin: string, args: readonly string[]): number {
  console.log(`mcconfig ${args.join(' ')}`);
  const r = spawnSync(join(bin, 'mcconfig'), args, {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, PATH: `${process.env.PATH}:${bin}` },
  });
  return r.status ?? 1;
}

function loadBoard(name: string): BoardDescription | undefined {
  const file = join(ROOT, 'boards', `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BoardDescription) : undefined;
}

async function sim(bin: string, args: readonly string[]): Promise<number> {
  await buildAll();
  return mcconfig(bin, ['-d', '-m', '-p', HOST, ...args]);
}

async function esp32(bin: string, args: readonly string[]): Promise<number> {
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
  return mcconfig(bin, [...(debug ? ['-d'] : []), '-m', '-p', board.moddable.platform, ...(flash ? [] : ['-t', 'build']), `board=${name}`, ...rest]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Runs the built simulator app once; resolves with its output when it prints the self-test verdict. */
function runSimulatorOnce(sdk: string, bin: string, app: string, port: number): Promise<string> {
  const xsbugLog = join(sdk, 'tools', 'xsbug-log');
  const command = ['node', 'xsbug-log', join(bin, 'mcsim'), app];
  const headless = !process.env.DISPLAY && HOST === 'lin';
  const argv = headless ? ['xvfb-run', '-a', ...command] : command;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: xsbugLog, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, XSBUG_PORT: String(port), XSBUG_LOG_PORT: String(port), XSBUG_PROJECT: mkdtempSync(join(tmpdir(), 'tinyusp-xsdb-')) },
  });
  let out = '';
  return new Promise((resolve) => {
    const stop = (): void => {
      clearTimeout(timer);
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      resolve(out);
    };
    const timer = setTimeout(stop, 60_000);
    let asked = false;
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (!asked && /self-test done \d+ failed/.test(out)) {
        // Ask xsbug-log's console for the XS heap figures, then stop.
        asked = true;
        child.stdin.write('info instruments\n');
        setTimeout(stop, 3000);
      }
      if (asked && /Promises settled/.test(out)) stop();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => { clearTimeout(timer); resolve(out); });
  });
}

async function test(bin: string): Promise<number> {
  const sdk = process.env.MODDABLE!;
  if (!existsSync(join(sdk, 'tools', 'xsbug-log', 'node_modules'))) {
    console.error(`tinyusp: the SDK's xsbug-log needs its modules: (cd ${join(sdk, 'tools', 'xsbug-log')} && npm install)`);
    return 1;
  }
  if (!process.env.DISPLAY && HOST === 'lin' && spawnSync('which', ['xvfb-run']).status !== 0) {
    console.error('tinyusp: no display and no xvfb-run: apt-get install xvfb');
    return 1;
  }
  await buildAll();
  const out = mkdtempSync(join(tmpdir(), 'tinyusp-mc-'));
  const coapPort = await freePort();
  if (mcconfig(bin, ['-d', '-m', '-p', HOST, '-t', 'build', '-o', out, 'selfTest=1', `coapPort=${coapPort}`]) !== 0) return 1;
  const app = join(out, 'bin', HOST, 'mc', 'debug', 'moddable', 'mc.so');
  const boots: number[] = [];
  for (let run = 1; run <= 2; run++) {
    const log = await runSimulatorOnce(sdk, bin, app, await freePort());
    const lines = log.split('\n').filter((l) => l.includes('tinyusp '));
    for (const l of lines) console.log(`run ${run}: ${l.replace(/^.*?tinyusp /, 'tinyusp ')}`);
    const verdict = /self-test done (\d+) failed/.exec(log);
    const boot = /self-test boots (\d+)/.exec(log);
    if (!verdict || verdict[1] !== '0' || !boot) {
      console.error(`tinyusp: simulator run ${run} failed${verdict ? '' : ' (no verdict within 60 s)'}`);
      return 1;
    }
    boots.push(Number(boot[1]));
    const figure = (name: string): string => new RegExp(`${name}\\s+(\\d+)`).exec(log)?.[1] ?? '?';
    console.log(`moddable sim heap after self-test (64-bit; ESP32 slots are half): slots ${figure('Slot used')} B, chunks ${figure('Chunk used')} B, stack ${figure('Stack used')} B, keys ${figure('Keys used')}`);
  }
  if (boots[1] !== boots[0]! + 1) {
    console.error(`tinyusp: storage did not persist across restarts (boots ${boots.join(' → ')})`);
    return 1;
  }
  console.log(`moddable simulator: self-test passed twice, boot counter ${boots[0]} → ${boots[1]} persisted`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const found = findSdk();
  if ('missing' in found) {
    if (command === 'test') {
      console.log(`skipped: ${found.missing}`);
      return 0;
    }
    console.error(`tinyusp: ${found.missing}.\n${INSTALL_HELP}`);
    return 1;
  }
  if (command === 'sim') return sim(found.bin, args);
  if (command === 'esp32') return esp32(found.bin, args);
  if (command === 'test') return test(found.bin);
  console.error('usage: tsx tools/moddable/index.ts sim|esp32|test [args]');
  return 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
