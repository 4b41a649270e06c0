/** Where the real XS engine lives: @agoric/xsnap builds `xsnap-worker` from its bundled sources on install. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const XSNAP_BUILD_HELP =
  'xsnap-worker (the XS engine) is not built. Run `npm rebuild @agoric/xsnap` ' +
  '(needs make and gcc; npm must be allowed to run its install script: see "allowScripts" in package.json).';

/** Absolute path of the release xsnap-worker binary, or undefined when it was not built. */
export function findXsnapWorker(): string | undefined {
  if (process.env.XSNAP_WORKER) return existsSync(process.env.XSNAP_WORKER) ? process.env.XSNAP_WORKER : undefined;
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('@agoric/xsnap/package.json'));
  } catch {
    return undefined;
  }
  const bin = join(pkgDir, 'xsnap-native/xsnap/build/bin/lin/release/xsnap-worker');
  return existsSync(bin) ? bin : undefined;
}
