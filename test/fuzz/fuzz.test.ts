/**
 * The fuzz targets in CI (issue #16, "fuzzing as a habit"; docs/testing.md#fuzzing): every
 * target of tools/fuzz runs its seeds, its committed corpus and a short seeded mutation
 * run without instrumentation. A throw, or a table past its bound, fails. The long runs
 * (≥ 1 M inputs each, coverage-guided) are `npm run fuzz -- all`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../tools/build/targets.ts';
import { readCorpus } from '../../tools/fuzz/corpus-file.ts';
import { Mutator } from '../../tools/fuzz/mutate.ts';
import { rng } from '../../tools/fuzz/target.ts';
import { createTarget, TARGET_NAMES } from '../../tools/fuzz/targets/index.ts';

const MUTANTS = 3000;
const t = suite('fuzz targets: seeds, committed corpus, seeded mutants');

t('every target file in tools/fuzz/targets is registered, and each has a committed corpus', () => {
  const files = readdirSync(join(ROOT, 'tools/fuzz/targets')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
  assert.equal([...files].sort(), [...TARGET_NAMES].sort());
  for (const name of TARGET_NAMES) assert.ok(readCorpus(name).length >= 10, `tools/fuzz/corpus/${name}.hex`);
});

for (const name of TARGET_NAMES) {
  t(`issue #16 ${name}: seeds + corpus + ${MUTANTS} seeded mutants never throw; tables stay bounded`, () => {
    const target = createTarget(name);
    const corpus = [...target.seeds(), ...readCorpus(name)];
    let seed = 0;
    for (const c of name) seed = (seed * 31 + c.charCodeAt(0)) >>> 0;
    const next = rng(seed);
    const m = new Mutator(next, target.dictionary ?? []);
    const inputs = [...corpus];
    for (let i = 0; i < MUTANTS; i++) inputs.push(m.mutate(corpus[next() % corpus.length]!, corpus[next() % corpus.length]!));
    for (const input of inputs) {
      try {
        target.run(input);
      } catch (e) {
        assert.unreachable(`${name} threw on ${Buffer.from(input).toString('hex')}: ${String(e)}`);
      }
      if (target.size !== undefined && target.maxSize !== undefined) assert.ok(target.size() <= target.maxSize, `${name} size ${target.size()}`);
    }
  });
}

t.run();
