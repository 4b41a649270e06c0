/**
 * Where the coaps build's flash goes (#13 item 4): `tsx tools/moddable/index.ts flash
 * --build coaps --parts`. Four links for esp32, each against the same empty app
 * (flash.ts), each part a superset of the one before:
 * 1. the CoAP + DTLS MTP with the USP Record/Msg codec (flash-parts/mtp-codec.ts);
 * 2. the whole coaps core (dist/moddable/coaps/core.js: + the agent, the data model, the
 *    configuration and the composition);
 * 3. + the board table and the schema the app preloads (tinyusp/boards, tinyusp/schemas);
 * 4. the app (manifests/coaps/manifest.json: + our platform modules and the SDK's: ECMA-419
 *    I/O, network, crypt, Preference).
 * Each part is linked alone, so keys it shares with the rest are counted in it: the
 * differences between rows are what each layer adds on top of the one below.
 */
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { ROOT, XS_OPTIONS } from '../build/targets.ts';
import { lowerForXs } from '../build/xs-flash.ts';
import { buildManifest } from './builds.ts';
import { defaultOut } from './check-options.ts';
import { group } from './creation.ts';
import { kb, measureFlash } from './flash.ts';
import type { Sdk } from './sdk.ts';
import { writeManifest } from './wrapper.ts';
import { difference, flashBytes, type XsLinkFigures } from './xs-link.ts';

interface Part { readonly name: string; readonly figures: XsLinkFigures }

const STRIP = ['*', 'eval', 'Function', 'Atomics', 'SharedArrayBuffer'];

/** The board the esp32 build is configured for (manifests/device.json). */
function esp32Board(): string {
  const device = JSON.parse(readFileSync(join(ROOT, 'manifests/device.json'), 'utf8')) as { platforms?: { esp32?: { config?: { board?: string } } } };
  return device.platforms?.esp32?.config?.board ?? 'esp32-devkitc';
}

/** A manifest of manifest_base + `modules` (all preloaded but main) + a main importing `from`. */
function partManifest(out: string, name: string, modules: Record<string, string>, mainImport: string, config: Record<string, unknown> = {}): string {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.js'), `${mainImport}\nexport default function () { trace(String(part) + "\\n"); }\n`);
  return writeManifest(out, name, { include: ['$(MODDABLE)/examples/manifest_base.json'], config, modules: { '*': './main', ...modules }, preload: Object.keys(modules), strip: STRIP });
}

async function bundleForXs(entry: string, outfile: string): Promise<void> {
  const r = await build({ ...XS_OPTIONS, entryPoints: [entry], write: false, outfile });
  writeFileSync(outfile, lowerForXs(r.outputFiles[0]!.text).code);
}

export async function runFlashParts(sdk: Sdk): Promise<number> {
  const out = join(defaultOut(ROOT), 'esp32-parts');
  mkdirSync(out, { recursive: true });
  await buildAll();
  const dist = join(ROOT, 'dist/moddable');
  const probe = join(out, 'mtp-codec.js');
  await bundleForXs(join(ROOT, 'tools/moddable/flash-parts/mtp-codec.ts'), probe);
  const links: Array<[string, string]> = [
    ['CoAP + DTLS MTP, USP codec', partManifest(out, 'part-mtp', { 'tinyusp/core': probe.slice(0, -3) }, 'import * as part from "tinyusp/core";')],
    ['coaps core', partManifest(out, 'part-core', { 'tinyusp/core': join(dist, 'coaps/core') }, 'import * as part from "tinyusp/core";')],
    ['core + board table + schema', partManifest(out, 'part-schema', { 'tinyusp/core': join(dist, 'coaps/core'), 'tinyusp/boards': join(dist, 'boards'), 'tinyusp/schemas': join(dist, 'schemas') },
      'import { schemaFor as part } from "tinyusp/schemas";', { board: esp32Board() })],
    ['app (coaps build)', buildManifest('coaps')],
  ];
  const parts: Part[] = [];
  for (const [name, manifest] of links) {
    const f = await measureFlash(sdk, manifest, join(out, 'link'), false);
    if (typeof f === 'string') { console.error(`tinyusp: ${name}: ${f}`); return 1; }
    parts.push({ name, figures: difference(f.app, f.empty) });
  }
  const cells = (f: XsLinkFigures): string =>
    `${group(f.heapSlots + f.stackSlots).padStart(8)} ${group(f.preloadedCodeBytes + f.moduleCodeBytes).padStart(10)} ${group(f.stringBytes).padStart(9)} ${kb(flashBytes(f)).padStart(11)}`;
  console.log(`${'ESP32 link, each part over the empty app'.padEnd(46)} ${'slots'.padStart(8)} ${'bytecode'.padStart(10)} ${'strings'.padStart(9)} ${'flash'.padStart(11)}`);
  for (const p of parts) console.log(`${p.name.padEnd(46)} ${cells(p.figures)}`);
  const layers = ['agent + data model + config (core − MTP/codec)', 'schema data + board table', 'platform + SDK modules (app − the above)'];
  for (let i = 1; i < parts.length; i++) console.log(`${layers[i - 1]!.padEnd(46)} ${cells(difference(parts[i]!.figures, parts[i - 1]!.figures))}`);
  return 0;
}
