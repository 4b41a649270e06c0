/**
 * Firmware download core (src/http + src/firmware, no socket, no flash): bytes per second
 * through HTTP framing, the image reader and a SHA-256 CheckSum, on Node and inside XS
 * (computrons per KiB, and the slots one whole download allocates: bounded by the pieces,
 * not by the image size).
 */
import { join } from 'node:path';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import { download, response } from '../firmware-entry.ts';
import type { BenchSuite } from '../index.ts';

const suite: BenchSuite = {
  name: 'firmware',
  async run() {
    const MiB = 1 << 20;
    const resp = response(4 * MiB);
    let best = 0;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      const why = download(resp, 16384, 'SHA-256');
      const ms = performance.now() - t0;
      if (why !== '') throw new Error(why);
      best = Math.max(best, (4 * MiB) / (ms / 1000));
    }
    console.log(`Node: 4 MiB image, 16 KiB pieces, SHA-256 CheckSum + payload SHA-256: ${(best / MiB).toFixed(1)} MiB/s`);
    console.log(`firmware-node-mib-per-s: ${(best / MiB).toFixed(1)}`);

    const w = XsWorker.start();
    try {
      await w.loadBundle(await bundleForXs(join(ROOT, 'tools/bench/firmware-entry.ts')), 'fw');
      await w.evaluate('globalThis.small = fw.response(64 * 1024); globalThis.big = fw.response(256 * 1024); fw.download(small, 1460, "SHA-256");');
      const a = (await w.call<string>('fw.download(small, 1460, "SHA-256")')).meter.compute;
      const b = (await w.call<string>('fw.download(big, 1460, "SHA-256")')).meter.compute;
      const slotsSmall = await w.allocatedSlots('fw.download(small, 1460, "SHA-256")');
      const slotsBig = await w.allocatedSlots('fw.download(big, 1460, "SHA-256")');
      const perKiB = (b - a) / 192;
      console.log(`XS: ${perKiB.toFixed(0)} computrons per KiB (1460-byte pieces, SHA-256 twice: CheckSum + payload)`);
      console.log(`XS: slots allocated by one download: ${slotsSmall} (64 KiB image), ${slotsBig} (256 KiB image)`);
      console.log(`firmware-xs-computrons-per-kib: ${perKiB.toFixed(0)}`);
    } finally {
      w.close();
    }
  },
};
export default suite;
