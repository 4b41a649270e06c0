/**
 * Flash figures of the app from the ESP32 JavaScript link (`npm run bench -- xs-budget`,
 * or `tsx tools/moddable/index.ts flash`): what the preloaded modules, the bytecode and
 * the strings/keys take, for the app (manifest.json, `-p esp32`) and for an empty app
 * with the same SDK modules and strip, and the difference.
 *
 * Without ESP-IDF: the esp32 makefile only needs $IDF_PATH to name a git checkout (it
 * runs `git describe` there), so we point it at a placeholder repository of our own,
 * and build the one target that runs xsc and xsl (`<tmp>/mc.xs.c`), telling make that
 * ESP-IDF's sdkconfig.h is up to date (`-o`) so idf.py never runs. The C build is not
 * done: C code (the XS engine, the SDK's native modules, ours) is not counted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { ROOT } from '../build/targets.ts';
import { defaultOut } from './check-options.ts';
import { group } from './creation.ts';
import { buildPaths, mcBuild, type Sdk } from './sdk.ts';
import { projectManifestParts, writeManifest } from './wrapper.ts';
import { difference, ESP32_SLOT_BYTES, flashBytes, parseXsLink, type XsLinkFigures } from './xs-link.ts';

export interface FlashFigures {
  readonly app: XsLinkFigures;
  readonly empty: XsLinkFigures;
}

/** A git repository with one empty commit: what the esp32 makefile's IDF_PATH check needs. */
function idfPlaceholder(out: string): string | null {
  const dir = join(out, 'idf-placeholder');
  if (existsSync(join(dir, '.git'))) return dir;
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]): boolean => spawnSync('git', args, { cwd: dir, stdio: 'ignore' }).status === 0;
  return git('init', '-q') && git('-c', 'user.name=tinyusp', '-c', 'user.email=tinyusp@localhost', 'commit', '-q', '--allow-empty', '-m', 'IDF_PATH placeholder') ? dir : null;
}

/**
 * xsc + xsl of `manifest` for plain esp32, from scratch; the text of the mc.xs.c xsl
 * wrote, or null. From scratch because compiled modules left in the build folder by an
 * earlier manifest were linked again (the empty app counted 2 997 slots instead of 2 232).
 */
function linkEsp32(sdk: Sdk, manifest: string, manifestDir: string, out: string, idf: string): string | null {
  const { tmp } = buildPaths(out, 'esp32', manifestDir, false);
  rmSync(tmp, { recursive: true, force: true });
  const status = mcBuild(sdk, {
    manifest, platform: 'esp32', out, debug: false, quiet: true, env: { IDF_PATH: idf },
    target: join(tmp, 'mc.xs.c'), makeArgs: ['-o', join(tmp, 'xsProj-esp32', 'build', 'config', 'sdkconfig.h')],
  });
  return status === 0 ? readFileSync(join(tmp, 'mc.xs.c'), 'utf8') : null;
}

/**
 * The baseline: an app with the SDK's base runtime (manifest_base.json), the project's
 * strip and a main that does nothing. Against it, "app adds" counts all the app brings:
 * our modules and the SDK modules only it needs (crypt, TLS socket, ECMA-419 I/O…).
 */
function writeEmptyApp(out: string, appManifest: string): string {
  let strip: unknown;
  for (const part of projectManifestParts(appManifest)) strip = part.strip ?? strip;
  const manifest = writeManifest(out, 'tinyusp-empty', { include: ['$(MODDABLE)/examples/manifest_base.json'], modules: { '*': './main' }, ...(strip !== undefined ? { strip } : {}) });
  writeFileSync(join(out, 'tinyusp-empty', 'main.js'), 'export default function () {}\n');
  return manifest;
}

/** The figures of `manifest` and of the empty app; `build` false when dist/ is already built. */
export async function measureFlash(sdk: Sdk, manifest = join(ROOT, 'manifest.json'), out = join(defaultOut(ROOT), 'esp32-link'), build = true): Promise<FlashFigures | string> {
  mkdirSync(out, { recursive: true });
  const idf = idfPlaceholder(out);
  if (idf === null) return 'cannot create the IDF_PATH placeholder (git init/commit failed)';
  if (build) await buildAll();
  const app = linkEsp32(sdk, manifest, dirname(manifest), out, idf);
  if (app === null) return `the ESP32 JavaScript link of ${manifest} failed (output above)`;
  const emptyManifest = writeEmptyApp(out, manifest);
  const empty = linkEsp32(sdk, emptyManifest, join(out, 'tinyusp-empty'), out, idf);
  if (empty === null) return 'the ESP32 JavaScript link of the empty app failed (output above)';
  return { app: parseXsLink(app), empty: parseXsLink(empty) };
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** The table and one summary line per figure. */
export function flashLines(f: FlashFigures): string[] {
  const d = difference(f.app, f.empty);
  const row = (what: string, pick: (x: XsLinkFigures) => number, unit: (n: number) => string): string =>
    `${what.padEnd(34)} ${unit(pick(f.app)).padStart(22)} ${unit(pick(f.empty)).padStart(22)} ${unit(pick(d)).padStart(22)}`;
  const slotsUnit = (n: number): string => `${group(n)} (${kb(n * ESP32_SLOT_BYTES)})`;
  const bytesUnit = (n: number): string => `${group(n)} B`;
  return [
    `${'ESP32 JavaScript link (xsl)'.padEnd(34)} ${'app'.padStart(22)} ${'empty app'.padStart(22)} ${'app adds'.padStart(22)}`,
    row('preloaded slots (16 B each)', (x) => x.heapSlots + x.stackSlots, slotsUnit),
    row('bytecode, preloaded modules', (x) => x.preloadedCodeBytes, bytesUnit),
    row('bytecode, other modules', (x) => x.moduleCodeBytes, bytesUnit),
    row('strings and keys (text)', (x) => x.stringBytes, bytesUnit),
    row('keys (count)', (x) => x.keys, group),
    row('RAM aliases (count)', (x) => x.aliases, group),
    row('flash, JavaScript side', flashBytes, (n) => `${group(n)} B`),
    `ESP32 flash of the app's JavaScript (over an empty app): ${group(flashBytes(d))} B = ${kb(flashBytes(d))} — ` +
      `${group(d.heapSlots + d.stackSlots)} preloaded slots, ${group(d.preloadedCodeBytes + d.moduleCodeBytes)} B bytecode, ${group(d.stringBytes)} B strings/keys ` +
      `— Class 2 code budget 256 KiB: ${flashBytes(d) <= 256 * 1024 ? 'met' : 'NOT met'}`,
  ];
}

export async function runFlash(sdk: Sdk, manifest: string): Promise<number> {
  const f = await measureFlash(sdk, manifest);
  if (typeof f === 'string') { console.error(`tinyusp: ${f}`); return 1; }
  for (const line of flashLines(f)) console.log(line);
  return 0;
}
