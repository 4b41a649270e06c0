/**
 * The esbuild targets. Both bundles are tree-shaken and minified.
 * - node: the host agent and tools (platform=node, ESM).
 * - xs:   the same core as an ESM module for the XS engine (Moddable and xsnap):
 *         platform=neutral, es2022, every Moddable specifier external (MODDABLE.md).
 * - moddable-*: the Moddable app's own modules, linked by manifest.json. Each is a
 *         separate XS module so the manifest can preload the pure ones (core, boards)
 *         and pick the board I/O per platform; `tinyusp/*` specifiers stay external
 *         and resolve to the sibling modules at link time.
 */
import type { BuildOptions } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Module specifiers the Moddable SDK provides at link time. */
export const MODDABLE_EXTERNALS = [
  'embedded:*', 'timer', 'preference', 'crypt', 'gcm', 'curve', 'ecp', 'modular', 'instrumentation', 'debug',
  'socket', 'net', 'sntp', 'wifi', 'mc/config', 'modules', 'flash', 'ota', 'resource', 'Resource', 'time', 'system',
];

export interface Target {
  readonly name: string;
  readonly entry: string;
  readonly outfile: string;
  readonly options: BuildOptions;
}

const common: BuildOptions = {
  bundle: true,
  minify: true,
  treeShaking: true,
  format: 'esm',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
};

/** Options for any bundle that must run inside XS (used by tools/xs for test bundles too). */
export const XS_OPTIONS: BuildOptions = {
  ...common,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  external: MODDABLE_EXTERNALS,
  // tweetnacl require()s Node's crypto for entropy; XS gets an empty module instead.
  alias: { crypto: join(ROOT, 'tools/build/no-node-crypto.js') },
  // XS (xsnap 0.15) throws "not initialized yet" when a static field initializer uses
  // its own class (`static BASE = new Point()` in @noble/curves); lower static fields.
  supported: { 'class-static-field': false },
};

/** XS options for the Moddable app's modules: also leaves tinyusp's own modules to the linker. */
export const MODDABLE_OPTIONS: BuildOptions = { ...XS_OPTIONS, external: [...MODDABLE_EXTERNALS, 'tinyusp/*'] };

/** The Moddable app (manifest.json): main + boards table + board I/O per platform. The core is the `xs` target. */
export const MODDABLE_TARGETS: readonly Target[] = [
  ['moddable-main', 'src/main/moddable.ts', 'dist/moddable/main.js'],
  ['moddable-boards', 'src/platform/moddable/boards.ts', 'dist/moddable/boards.js'],
  ['moddable-platform', 'src/platform/moddable/index.ts', 'dist/moddable/platform.js'],
  ['moddable-device', 'src/platform/moddable/device-agent.ts', 'dist/moddable/device.js'],
  ['moddable-schemas', 'src/platform/moddable/schemas.ts', 'dist/moddable/schemas.js'],
  ['moddable-board-io', 'src/platform/moddable/board-io.ts', 'dist/moddable/board-io.js'],
  ['moddable-board-sim', 'src/platform/moddable/board-sim.ts', 'dist/moddable/board-sim.js'],
  ['moddable-firmware-esp32', 'src/platform/moddable/firmware-esp32.ts', 'dist/moddable/firmware-esp32.js'],
  ['moddable-firmware-sim', 'src/platform/moddable/firmware-sim.ts', 'dist/moddable/firmware-sim.js'],
  // Preloaded (flash), so their functions cost no heap: the native-crypt port, the
  // ECMA-419 stream driver, the self-test with its vectors.
  ['moddable-crypto', 'src/platform/moddable/crypto.ts', 'dist/moddable/crypto.js'],
  ['moddable-stream', 'src/platform/moddable/stream-transport.ts', 'dist/moddable/stream.js'],
  ['moddable-self-test', 'src/platform/moddable/self-test.ts', 'dist/moddable/self-test.js'],
  // The CoAP + DTLS build (manifests/coaps/manifest.json): its main and the core tree-shaken to it.
  ['moddable-coaps-main', 'src/main/moddable-coaps.ts', 'dist/moddable/coaps/main.js'],
].map(([name, entry, outfile]) => ({ name: name!, entry: join(ROOT, entry!), outfile: join(ROOT, outfile!), options: MODDABLE_OPTIONS }));

export const TARGETS: readonly Target[] = [
  {
    name: 'node',
    entry: join(ROOT, 'src/main/node.ts'),
    outfile: join(ROOT, 'dist/node/tinyusp.js'),
    options: { ...common, platform: 'node', packages: 'bundle' },
  },
  {
    name: 'xs',
    entry: join(ROOT, 'src/main/xs.ts'),
    outfile: join(ROOT, 'dist/xs/tinyusp.js'),
    options: XS_OPTIONS,
  },
  {
    name: 'moddable-coaps-core',
    entry: join(ROOT, 'src/main/xs-coaps.ts'),
    outfile: join(ROOT, 'dist/moddable/coaps/core.js'),
    options: XS_OPTIONS,
  },
  ...MODDABLE_TARGETS,
];
