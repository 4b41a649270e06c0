/** Agent message processing: Get Device.DeviceInfo. per second on Node; computrons/slots per Get and heap in XS. */
import { join } from 'node:path';
import { encodeMsg, getMsg } from '../../../src/usp/index.ts';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';
import { fmtRate, opsPerSecond } from '../measure.ts';
import { createTestAgent, ORIGIN, requestRecord } from '../../../test/agent/harness.ts';

const GET = Array.from(requestRecord(encodeMsg(getMsg('b', { param_paths: ['Device.DeviceInfo.'] }))));

const suite: BenchSuite = {
  name: 'agent',
  async run() {
    const t = createTestAgent();
    const rec = Uint8Array.from(GET);
    let now = 1;
    const get = (): void => {
      t.agent.handleRecord(now++, rec, 0, rec.length, ORIGIN);
      t.agent.pollTransmit(now);
    };
    // Best of 6 short rounds: the machine is shared, so the best round is the least disturbed one.
    let rate = 0;
    for (let round = 0; round < 6; round++) rate = Math.max(rate, opsPerSecond(get, 300, 100));
    console.log(`Node agent Get Device.DeviceInfo.: ${fmtRate(rate)}/s (best of 6 rounds)`);
    const w = XsWorker.start();
    try {
      const entry = join(ROOT, 'test/agent/bench-entry.ts');
      const h0 = await w.heapAfterGc();
      await w.loadBundle(await bundleForXs(entry), 'bench');
      await w.evaluate(`globalThis.t = bench.createTestAgent(); globalThis.rec = Uint8Array.from(${JSON.stringify(GET)});
        globalThis.n = 1; globalThis.run = (k) => { for (let i = 0; i < k; i++) { t.agent.handleRecord(n++, rec, 0, rec.length, bench.ORIGIN); t.agent.pollTransmit(n); } }; run(20);`);
      const heap = await w.heapAfterGc();
      const N = 200;
      const c0 = (await w.evaluate('run(0)')).meter.compute;
      const cN = (await w.evaluate(`run(${N})`)).meter.compute;
      const slots = await w.allocatedSlots(`run(${N})`);
      console.log(`XS agent Get Device.DeviceInfo.: ${((cN - c0) / N).toFixed(0)} computrons/Get, ${(slots / N).toFixed(0)} slots/Get (transient)`);
      console.log(`XS heap after building the agent with the default model: ${heap - h0} heap slots (bundle included)`);
    } finally {
      w.close();
    }
  },
};
export default suite;
