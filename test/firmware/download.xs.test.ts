/**
 * The download core inside the real XS engine (tools/xs): an HTTP/1.1 200 response fed to
 * the GET machine in TCP-sized pieces, split into header and payload, hashed with every
 * CheckSumAlgorithm TR-181 allows and checked — the same result as on Node; a response
 * cut short or with a flipped payload byte fails validation there too.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import { download, response } from '../../tools/bench/firmware-entry.ts';

const xs = suite('firmware/download in XS');
let worker: XsWorker;

xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'tools/bench/firmware-entry.ts')), 'fw');
});
xs.after(() => worker?.close());

xs('TR-181 CheckSumAlgorithm SHA-1/224/256/384/512: a 100 kB image verifies inside XS as on Node', async () => {
  const { value } = await worker.call<string[]>(`(() => {
    const r = fw.response(100000);
    return ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'].map((a) => fw.download(r, 1460, a));
  })()`);
  assert.equal(value, ['', '', '', '', '']);
  assert.is(download(response(100000), 1460, 'SHA-512'), '');
});

xs('a truncated response and a flipped payload byte fail validation inside XS', async () => {
  const { value } = await worker.call<string[]>(`(() => {
    const r = fw.response(20000);
    const cut = r.slice(0, r.length - 100);
    const flipped = r.slice(); flipped[flipped.length - 1] ^= 1;
    return [fw.download(cut, 512, 'SHA-256'), fw.download(flipped, 512, '')];
  })()`);
  assert.match(value[0]!, /connection closed|truncated/);
  assert.match(value[1]!, /does not match the SHA-256 in its header/);
});

xs.run();
