/**
 * The TP-469 chapter 1 cases and issue-#19 rules of test/agent/tp469/ inside the real XS
 * engine (xsnap): one bundle, each case run by name, its failure message reported. The
 * agent must pass them there exactly as on Node (tp469.test.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import { CASES } from './tp469/index.ts';

const tp469 = suite('agent/tp469 (XS)');
let worker: XsWorker;

tp469.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/agent/tp469/index.ts')), 'tp469');
});
tp469.after(() => worker?.close());

for (const c of CASES) {
  tp469(`${c.name} (XS)`, async () => {
    const { value } = await worker.call<string>(`tp469.runCase(${JSON.stringify(c.name)})`);
    assert.is(value, '', value);
  });
}

tp469.run();
