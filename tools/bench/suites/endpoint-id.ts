/** Endpoint ID validation on Node and inside XS (computrons and slots per call). */
import { join } from 'node:path';
import { validateEndpointId } from '../../../src/usp/endpoint-id.ts';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';
import { fmtRate, opsPerSecond } from '../measure.ts';

const IDS = ['os::00256D-0123456789', 'uuid::f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'self::a/b'];

const suite: BenchSuite = {
  name: 'endpoint-id',
  async run() {
    let i = 0;
    const rate = opsPerSecond(() => { validateEndpointId(IDS[i++ % 3]!); });
    console.log(`Node validateEndpointId: ${fmtRate(rate)}/s`);
    const w = XsWorker.start();
    try {
      await w.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs.ts')), 'tinyusp');
      await w.evaluate(`globalThis.ids = ${JSON.stringify(IDS)}; globalThis.run = (n) => { for (let i = 0; i < n; i++) tinyusp.validateEndpointId(ids[i % 3]); }; run(300);`);
      const N = 3000;
      const c0 = (await w.evaluate('run(0)')).meter.compute;
      const cN = (await w.evaluate(`run(${N})`)).meter.compute;
      const slots = await w.allocatedSlots(`run(${N})`);
      console.log(`XS validateEndpointId: ${(slots / N).toFixed(1)} slots/call (transient), ${((cN - c0) / N).toFixed(0)} computrons/call`);
    } finally {
      w.close();
    }
  },
};
export default suite;
