/**
 * The wrapper app the simulator check builds: a manifest outside the repository that
 * includes the project's manifest.json UNCHANGED, adds the SDK's instrumentation and
 * debug modules and the check's main (tools/moddable/check/main.js), and overrides
 * `creation` with fixed ESP32 sizes and `config` with the check's ports, Controller and
 * Preference root. Manifests merge includes first, so the wrapper's `creation` and
 * `config` win over the project's.
 *
 * mcconfig names the build after the wrapper's directory (wrapperDir), so the
 * simulator app is `<out>/bin/lin/mc/debug/tinyusp-check/mc.so` (sdk.ts buildPaths).
 * The two Preference modules build apart: both compile to `preference.xsb`, and make,
 * seeing it newer than the other's source, would keep the wrong one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fixedCreation, type Creation } from './creation.ts';

/** The SDK's simulator Preference, which the check's NVS-like one (nvs-sim/) replaces. */
export const SDK_LIN_PREFERENCE = '$(MODULES)/files/preference/lin/*';

export function wrapperDir(preference: 'nvs' | 'sdk'): string {
  return preference === 'nvs' ? 'tinyusp-check' : 'tinyusp-check-sdk-preference';
}
/** The check's main module name (creation.main): the runtime calls it, it calls the app's `main`. */
export const CHECK_MAIN = 'tinyusp-check';

export interface WrapperOptions {
  /** Absolute path of the project's manifest.json. */
  readonly projectManifest: string;
  /** Absolute path of tools/moddable/check/main.js, without the extension. */
  readonly checkMain: string;
  readonly creation: Creation;
  /** The project's ESP32 `creation` (keys and parser sizes are carried over; heap sizes are not). */
  readonly projectEsp32Creation?: Record<string, unknown> | undefined;
  /** mc/config values: coapPort, controller, file.root… */
  readonly config: Record<string, unknown>;
  /**
   * Module to use as `preference` instead of the SDK's simulator one (absolute path, no
   * extension), with the SDK module it replaces excluded (`"~"`).
   */
  readonly preference?: { readonly module: string; readonly replaces: string } | undefined;
}

/** The wrapper manifest (a plain object; `writeWrapper` writes it). */
export function wrapperManifest(o: WrapperOptions): Record<string, unknown> {
  const esp32 = o.projectEsp32Creation ?? {};
  const keysAndParser: Record<string, unknown> = {};
  if (esp32.keys !== undefined) keysAndParser.keys = esp32.keys;
  if (esp32.parser !== undefined) keysAndParser.parser = esp32.parser;
  const modules: Record<string, unknown> = { [CHECK_MAIN]: o.checkMain };
  if (o.preference !== undefined) {
    modules['~'] = [o.preference.replaces];
    modules.preference = o.preference.module;
  }
  return {
    include: [
      o.projectManifest,
      '$(MODDABLE)/modules/base/instrumentation/manifest.json',
      '$(MODDABLE)/modules/base/debug/manifest.json',
    ],
    config: o.config,
    modules,
    creation: fixedCreation(o.creation, CHECK_MAIN, keysAndParser),
  };
}

interface ManifestPart {
  readonly include?: string | string[];
  readonly strip?: unknown;
  readonly platforms?: { readonly esp32?: { readonly creation?: Record<string, unknown> } };
}

/**
 * A project manifest and the project manifests it includes by relative path
 * (manifests/device.json), includes first — the order mcconfig merges them in.
 */
export function projectManifestParts(manifest: string): ManifestPart[] {
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as ManifestPart;
  const includes = json.include === undefined ? [] : Array.isArray(json.include) ? json.include : [json.include];
  const parts: ManifestPart[] = [];
  for (const include of includes) if (include.startsWith('.')) parts.push(...projectManifestParts(resolve(dirname(manifest), include)));
  parts.push(json);
  return parts;
}

/** The project's `platforms.esp32.creation` (the last one mcconfig merges), if it has one. */
export function projectEsp32Creation(projectManifest: string): Record<string, unknown> | undefined {
  let creation: Record<string, unknown> | undefined;
  for (const part of projectManifestParts(projectManifest)) creation = part.platforms?.esp32?.creation ?? creation;
  return creation;
}

/**
 * The wrapper `npm run sim` builds: the project's manifest unchanged, with the
 * simulator's Preference file in `stateRoot` instead of the SDK's default /tmp/, which
 * every simulator app on the machine shares (`file.root=` on the mcconfig command line
 * does not reach the nested config key: it adds a key named "file.root").
 */
export function simWrapperManifest(projectManifest: string, stateRoot: string): Record<string, unknown> {
  return { include: [projectManifest], config: { file: { root: stateRoot } } };
}

/**
 * Writes `<dir>/<name>/manifest.json` (only when it changed, so make rebuilds no more
 * than it must) and returns its path. mcconfig names the build after `<name>`.
 */
export function writeManifest(dir: string, name: string, manifest: Record<string, unknown>): string {
  const wrapperDir = join(dir, name);
  mkdirSync(wrapperDir, { recursive: true });
  const file = join(wrapperDir, 'manifest.json');
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return file;
}
