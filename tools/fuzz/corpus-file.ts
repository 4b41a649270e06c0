/** The committed seed corpus: tools/fuzz/corpus/<target>.hex, one input per line in hex, `#` comments. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../build/targets.ts';

export const CORPUS_DIR = join(ROOT, 'tools', 'fuzz', 'corpus');

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function readCorpus(target: string): Uint8Array[] {
  const file = join(CORPUS_DIR, `${target}.hex`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => new Uint8Array(Buffer.from(l.trim(), 'hex')));
}
