/**
 * The Moddable builds (docs/device.md#build-profiles): `full` is manifest.json (CoAP,
 * coaps, MQTT, WebSocket, firmware, self-test); `coaps` is manifests/coaps/manifest.json
 * (CoAP + DTLS only: the Class 2 flash profile). The checks, the flash link and the
 * bench take `--build <name>`.
 */
import { join } from 'node:path';
import { ROOT } from '../build/targets.ts';

export const BUILDS = { full: 'manifest.json', coaps: 'manifests/coaps/manifest.json' } as const;
export type BuildName = keyof typeof BUILDS;

/** The build's manifest, absolute. */
export function buildManifest(name: BuildName): string {
  return join(ROOT, BUILDS[name]);
}

/** `--build <value>` → a build name, or why not. */
export function parseBuildName(v: string): BuildName | string {
  return v === 'full' || v === 'coaps' ? v : `--build is ${Object.keys(BUILDS).join(' or ')} (got "${v}")`;
}
