/**
 * CoAP receive path: parse, parse+accept (2.04 + record event) and parse+reject (4.15)
 * throughput on Node (messages/s), and computrons + slots per message inside XS.
 */
import { join } from 'node:path';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import * as fixture from '../coap-fixture.ts';
import type { BenchSuite } from '../index.ts';
import { fmtRate, opsPerSecond } from '../measure.ts';

const KINDS = ['parse', 'accept', 'reject'] as const;

const suite: BenchSuite = {
  name: 'coap',
  async run() {
    for (const k of KINDS) {
      const rate = opsPerSecond(() => fixture[k](1), 700);
      console.log(`Node coap ${k}: ${fmtRate(rate)} msg/s`);
    }
    const w = XsWorker.start();
    try {
      await w.loadBundle(await bundleForXs(join(ROOT, 'tools/bench/coap-fixture.ts')), 'bench');
      await w.evaluate('bench.parse(100); bench.accept(100); bench.reject(100);');
      const N = 2000;
      for (const k of KINDS) {
        const c0 = (await w.evaluate(`bench.${k}(0)`)).meter.compute;
        const cN = (await w.evaluate(`bench.${k}(${N})`)).meter.compute;
        const slots = await w.allocatedSlots(`bench.${k}(${N})`);
        console.log(`XS coap ${k}: ${((cN - c0) / N).toFixed(0)} computrons/msg, ${(slots / N).toFixed(1)} slots/msg`);
      }
    } finally {
      w.close();
    }
  },
};
export default suite;
