/**
 * #13 item 4: the Moddable builds and what they carry (docs/device.md#build-profiles).
 * manifest.json is the build with every MTP; manifests/coaps/manifest.json the CoAP + DTLS
 * build whose core (src/main/xs-coaps.ts) is tree-shaken to what its main imports. Without
 * the SDK, from the esbuild bundles and the manifests: the XS linker would refuse a name a
 * main imports from `tinyusp/core` that the linked core does not export, and a `tinyusp/*`
 * module a manifest does not map — both are checked here, before any device build. The
 * ESP32 side names its ECMA-419 modules one by one (docs/device.md#how-the-app-is-put-together):
 * the SDK's io manifest would link every I/O class (+14.8 KiB of flash in the coaps build),
 * so a new `embedded:*` import must be mapped here too or the device link fails.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build, type Metafile } from 'esbuild';
import { join } from 'node:path';
import { MODDABLE_TARGETS, ROOT, TARGETS, type Target } from '../../../tools/build/targets.ts';
import { projectManifestParts } from '../../../tools/moddable/wrapper.ts';

const t = suite('Moddable builds (manifest.json, manifests/coaps)');

interface Bundle { readonly text: string; readonly meta: Metafile }

const bundles = new Map<string, Bundle>();
async function bundle(name: string): Promise<Bundle> {
  const done = bundles.get(name);
  if (done !== undefined) return done;
  const target = TARGETS.find((x: Target) => x.name === name);
  if (target === undefined) throw new Error(`no build target ${name}`);
  const r = await build({ ...target.options, entryPoints: [target.entry], outfile: target.outfile, write: false, metafile: true });
  const made = { text: r.outputFiles[0]!.text, meta: r.metafile };
  bundles.set(name, made);
  return made;
}

/** The names a bundle imports from `specifier` (esbuild writes `import{a as b,c}from"x"`). */
function importedNames(text: string, specifier: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    if (m[2] !== specifier) continue;
    for (const part of m[1]!.split(',')) names.push(part.trim().split(/\s+as\s+/)[0]!);
  }
  return names;
}

/** Every module specifier a bundle imports. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:import|export)\s*(?:[^'"]*?from\s*)?"([^"]+)"/g)].map((m) => m[1]!);
}

function exportsOf(b: Bundle): string[] {
  return Object.values(b.meta.outputs)[0]!.exports;
}

/** The source files that put code into a bundle (type-only modules put none). */
function inputsOf(b: Bundle): string[] {
  return Object.entries(Object.values(b.meta.outputs)[0]!.inputs).filter(([, v]) => v.bytesInOutput > 0).map(([k]) => k);
}

/** The `tinyusp/*` modules a manifest (with the project manifests it includes) maps, for any platform. */
function mappedTinyusp(manifest: string): Set<string> {
  const mapped = new Set<string>();
  const add = (modules: unknown): void => {
    for (const k of Object.keys((modules ?? {}) as Record<string, unknown>)) if (k.startsWith('tinyusp/')) mapped.add(k);
  };
  for (const part of projectManifestParts(manifest) as { modules?: unknown; platforms?: Record<string, { modules?: unknown }> }[]) {
    add(part.modules);
    for (const p of Object.values(part.platforms ?? {})) add(p.modules);
  }
  return mapped;
}

interface Esp32Part {
  readonly include?: string | string[];
  readonly modules?: Record<string, string | string[]>;
  readonly platforms?: { readonly esp32?: Esp32Part };
}

const list = (x: string | string[] | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** The SDK includes (examples/manifest_base.json and the project's) that bring a whole I/O set: every ECMA-419 class and the provider importing them all. */
const WHOLE_IO = ['$(MODDABLE)/modules/io/manifest.json', '$(MODDABLE)/examples/io/tcp/tlssocket/manifest.json'];

/** The `embedded:*` modules the SDK 8.2.3 manifests the project includes for esp32 map (read from those manifests). */
const SDK_PROVIDES: Record<string, readonly string[]> = {
  '$(MODDABLE)/modules/io/digital/manifest.json': ['embedded:io/digital', 'embedded:io/digitalbank'],
  '$(MODDABLE)/modules/io/analog/manifest.json': ['embedded:io/analog'],
  '$(MODDABLE)/modules/io/update/manifest.json': ['embedded:update', 'embedded:storage/flash'],
  '$(MODDABLE)/modules/io/flash/manifest.json': ['embedded:storage/flash'],
  '$(MODDABLE)/examples/manifest_net.json': ['embedded:network/interface/wifi'],
};

/** What an ESP32 build of `manifest` links: the SDK includes, the module map (later parts win), as mcconfig merges them. */
function esp32View(manifest: string): { includes: string[]; modules: Map<string, string[]> } {
  const includes: string[] = [];
  const modules = new Map<string, string[]>();
  for (const part of projectManifestParts(manifest) as Esp32Part[]) {
    for (const layer of [part, part.platforms?.esp32]) {
      if (layer === undefined) continue;
      includes.push(...list(layer.include).filter((i) => !i.startsWith('.')));
      for (const [k, v] of Object.entries(layer.modules ?? {})) modules.set(k, list(v));
    }
  }
  return { includes, modules };
}

const BUILDS = [
  { manifest: 'manifest.json', main: 'moddable-main', core: 'xs' },
  { manifest: 'manifests/coaps/manifest.json', main: 'moddable-coaps-main', core: 'moddable-coaps-core' },
] as const;

for (const b of BUILDS) {
  t(`${b.manifest}: every name its main, the device agent and the schema module import from tinyusp/core is exported by the core it links`, async () => {
    const core = exportsOf(await bundle(b.core));
    const wanted: string[] = [];
    for (const name of [b.main, 'moddable-device', 'moddable-schemas']) wanted.push(...importedNames((await bundle(name)).text, 'tinyusp/core'));
    assert.ok(wanted.includes('startHostAgent'), 'the main starts the agent from the core');
    assert.equal(wanted.filter((n) => !core.includes(n)), []);
  });

  t(`${b.manifest}: maps every tinyusp/* module its preloaded modules and main import`, async () => {
    const mapped = mappedTinyusp(join(ROOT, b.manifest));
    const modules = ['moddable-platform', 'moddable-device', 'moddable-boards', 'moddable-schemas', 'moddable-crypto', b.main];
    const used = new Set<string>();
    for (const name of modules) for (const s of specifiers((await bundle(name)).text)) if (s.startsWith('tinyusp/')) used.add(s);
    assert.equal([...used].filter((s) => !mapped.has(s)), []);
  });

  t(`#13 item 4: ${b.manifest} on ESP32 links no whole ECMA-419 I/O set, and maps every embedded:* module its modules import`, async () => {
    const { includes, modules } = esp32View(join(ROOT, b.manifest));
    assert.equal(includes.filter((i) => WHOLE_IO.includes(i)), []);
    const provided = new Set([...modules.keys()].filter((k) => k.startsWith('embedded:')));
    for (const i of includes) for (const m of SDK_PROVIDES[i] ?? []) provided.add(m);
    // The project's modules this build links on ESP32, found by their bundle (`…/dist/moddable/x`).
    const linked = new Set<string>();
    for (const paths of modules.values()) {
      for (const path of paths) {
        const at = path.indexOf('dist/');
        const target = at < 0 ? undefined : MODDABLE_TARGETS.find((x) => x.outfile === join(ROOT, `${path.slice(at)}.js`));
        if (target !== undefined) linked.add(target.name);
      }
    }
    assert.ok(linked.has('moddable-board-io') && linked.has('moddable-platform'), `the ESP32 board I/O and the platform are linked (${[...linked].join(', ')})`);
    const imported = new Set<string>();
    for (const name of linked) for (const s of specifiers((await bundle(name)).text)) if (s.startsWith('embedded:')) imported.add(s);
    assert.ok(imported.has('embedded:io/socket/udp') && imported.has('embedded:io/digital'), [...imported].join(', '));
    assert.equal([...imported].filter((s) => !provided.has(s)), []);
  });
}

t('#13 item 4: the coaps build links no TCP, listener, TLS or OTA module on ESP32; the full build does', () => {
  const embedded = (m: string): string[] => {
    const { includes, modules } = esp32View(join(ROOT, m));
    const names = [...modules.keys()].filter((k) => k.startsWith('embedded:'));
    for (const i of includes) names.push(...(SDK_PROVIDES[i] ?? []));
    return [...new Set(names)].filter((k) => k.startsWith('embedded:io/socket') || k === 'embedded:update' || k === 'embedded:storage/flash').sort();
  };
  assert.equal(embedded('manifests/coaps/manifest.json'), ['embedded:io/socket/udp']);
  assert.equal(embedded('manifest.json'), ['embedded:io/socket/listener', 'embedded:io/socket/tcp', 'embedded:io/socket/tcp/tls', 'embedded:io/socket/udp', 'embedded:storage/flash', 'embedded:update']);
});

t('#13 the CoAP + DTLS core carries no MQTT, WebSocket, HTTP or firmware code, and its main no stream driver or self-test', async () => {
  const inputs = inputsOf(await bundle('moddable-coaps-core'));
  assert.ok(inputs.some((f) => f.startsWith('src/dtls/')), 'DTLS is in');
  assert.ok(inputs.some((f) => f.startsWith('src/coap/')), 'CoAP is in');
  // Of MQTT only disableMqtt stays (mtp/mqtt/provision.ts): a build
  // without MQTT disables the Client rows an earlier firmware left and says SupportedProtocols CoAP.
  const kept = new Set(['src/mtp/mqtt/provision.ts']);
  assert.equal(inputs.filter((f) => /^src\/(mqtt|websocket|http|firmware|mtp\/mqtt|mtp\/websocket)\//.test(f) && !kept.has(f)), []);
  // D14: its schema declares CoAP alone, so MQTT's and WebSocket's data-model objects are not linked either.
  assert.equal(inputs.filter((f) => f === 'src/dm/objects/mqtt.ts' || f === 'src/dm/objects/websocket.ts'), []);
  const main = (await bundle('moddable-coaps-main')).text;
  assert.equal(specifiers(main).filter((s) => ['tinyusp/stream', 'tinyusp/self-test', 'tinyusp/firmware'].includes(s)), []);
  const full = inputsOf(await bundle('xs'));
  assert.ok(full.length > inputs.length + 20, `the full core has more modules (${full.length} vs ${inputs.length})`);
});

t.run();
