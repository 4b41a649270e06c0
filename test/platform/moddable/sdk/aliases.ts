/** esbuild aliases that bundle the SDK stand-ins of this folder in place of the Moddable SDK's crypt modules. */
import { join } from 'node:path';
import { ROOT } from '../../../../tools/build/targets.ts';

const dir = join(ROOT, 'test/platform/moddable/sdk');

export const SDK_CRYPT_STAND_INS: Readonly<Record<string, string>> = {
  crypt: join(dir, 'crypt.ts'),
  ecp: join(dir, 'ecp.ts'),
  curve: join(dir, 'curve.ts'),
  modular: join(dir, 'modular.ts'),
};
