/**
 * The XS engine in the loop: the XS bundle (same esbuild options as `npm run build`'s
 * xs target) runs inside xsnap-worker, and the test asserts on its results and meter.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';

const xs = suite('xs/bundle');
let worker: XsWorker;

xs.before(async () => {
  // Fails (does not skip) with build instructions when xsnap-worker is missing.
  worker = XsWorker.start();
  const bundle = await bundleForXs(join(ROOT, 'src/main/xs.ts'));
  await worker.loadBundle(bundle, 'tinyusp');
});

xs.after(() => worker?.close());

xs('R-ARC.2a endpoint IDs validate inside XS as on Node', async () => {
  const { value } = await worker.call<number[]>(
    `["os::00256D-0123456789", "oui:00256:x", "self::a/b", "self::${'a'.repeat(51)}", "foo::x"].map(tinyusp.validateEndpointId)`,
  );
  assert.equal(value, [0, 3, 4, 5, 2]);
});

xs('meter reports heap slots and computrons', async () => {
  const { meter } = await worker.call('tinyusp.validateEndpointId("uuid::f81d4fae-7dec-11d0-a765-00a0c91e6bf6")');
  assert.ok(meter.compute > 0, 'computrons counted');
  assert.ok(meter.currentHeapCount > 1000, 'heap slots counted');
});

xs('validating endpoint IDs in XS retains no heap after warm-up', async () => {
  await worker.evaluate('globalThis.ids = ["os::00256D-0123456789", "self::a/b"]; globalThis.run = (n) => { for (let i = 0; i < n; i++) tinyusp.validateEndpointId(ids[i & 1]); }; run(100);');
  assert.is(await worker.retainedSlots('run(1000)'), 0);
});

xs('the meter tells allocation from none', async () => {
  await worker.evaluate('globalThis.quiet = (n) => { let t = 0; for (let i = 0; i < n; i++) t += i; return t; }; globalThis.noisy = (n) => { let x; for (let i = 0; i < n; i++) x = { i }; return x; };');
  assert.is(await worker.allocatedSlots('quiet(1000)'), 0);
  // XS: an object with one property is 2 slots (MODDABLE.md §3)
  assert.is(await worker.allocatedSlots('noisy(1000)'), 2000);
});

xs('errors inside XS surface as rejections', async () => {
  try {
    await worker.evaluate('throw new RangeError("boom")');
    assert.unreachable('should throw');
  } catch (e) {
    assert.match(String(e), /boom/);
  }
});

xs.run();
