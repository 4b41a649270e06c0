/**
 * House style rule 4 / §4 item 19: RecordView allocates nothing per Record inside the
 * real XS engine. Records of every type (and reject cases) are built as Uint8Arrays
 * in XS first; then `allocatedSlots` (every slot allocated, garbage included) must be 0.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import fc from 'fast-check';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import { createRecordViewConfig, RecordView } from '../../src/usp/record-view.ts';
import { RecordError } from '../../src/usp/errors.ts';
import { utf8Bytes } from '../../src/usp/wire.ts';
import { RecordT } from '../usp/oracle.ts';
import { arbRecord } from '../usp/record-arb.ts';

const xs = suite('xs/record-view');
let worker: XsWorker;
const N = 10000;
const OWN = 'os::00256D-0123456789';

// 500 distinct Records of every type, most addressed to OWN.
const records = fc.sample(arbRecord, { numRuns: 500, seed: 42 }).map(({ obj }, i) =>
  [...RecordT.encode(RecordT.fromObject(i % 5 ? { ...obj, to_id: OWN } : obj)).finish()]);

xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs.ts')), 'tinyusp');
  await worker.evaluate(`
    const src = ${JSON.stringify(records)};
    globalThis.recs = [];
    for (let i = 0; i < ${N}; i++) recs.push(Uint8Array.from(src[i % src.length]));
    // Reject paths: truncated copies, 11-byte varints, records for another endpoint.
    globalThis.truncated = recs.slice(0, 1000).map((r) => r.slice(0, r.length >> 1));
    globalThis.badVarint = recs.slice(0, 1000).map((r, i) => { const b = new Uint8Array(r.length + 12); b[0] = 0x20; b.fill(0xff, 1, 11); b[11] = 0x01; b.set(r, 12); return b; });
    globalThis.view = new tinyusp.RecordView(tinyusp.createRecordViewConfig({ sessionContext: true }));
    globalThis.own = tinyusp.utf8Bytes(${JSON.stringify(OWN)});
    globalThis.other = tinyusp.utf8Bytes("os::00256D-other");
    globalThis.segments = 0;
    globalThis.accept = (list, id) => {
      let ok = 0;
      for (let i = 0; i < list.length; i++) {
        const b = list[i];
        if (view.wrap(b, 0, b.length) === 0 && view.toIdEquals(id) && view.fromIdLen > 0) {
          ok++;
          // session_context payload segments and uint64, also without allocating
          for (let more = tinyusp.firstSegment(view); more; more = tinyusp.nextSegment(view)) segments++;
          if (tinyusp.uint64(view.sessionIdHi, view.sessionIdLo) < -1 || tinyusp.uint64(view.sequenceIdHi, view.sequenceIdLo) < -1) ok = -1e9;
        }
      }
      return ok;
    };
    globalThis.codes = (list) => { let sum = 0; for (let i = 0; i < list.length; i++) sum += view.wrap(list[i], 0, list[i].length); return sum; };
    accept(recs, own); accept(truncated, own); accept(badVarint, own); codes(recs); // warm-up
  `);
});

xs.after(() => worker?.close());

xs('R-E2E.1 RecordView in XS accepts exactly the Records Node accepts', async () => {
  const v = new RecordView(createRecordViewConfig({ sessionContext: true }));
  const own = utf8Bytes(OWN);
  let expected = 0;
  for (let i = 0; i < N; i++) {
    const b = Uint8Array.from(records[i % records.length]!);
    if (v.wrap(b, 0, b.length) === RecordError.Ok && v.toIdEquals(own)) expected++;
  }
  assert.ok(expected > N / 2);
  assert.is((await worker.call<number>('accept(recs, own)')).value, expected);
  assert.is((await worker.call<number>('accept(recs, other)')).value, 0);
  assert.ok((await worker.call<number>('segments')).value > 0, 'session_context segments were iterated');
});

xs('house style rule 4: 0 slots allocated while wrapping 10,000 varied Records', async () => {
  assert.is(await worker.allocatedSlots('accept(recs, own)'), 0);
  // Control: the meter does see a view made per Record (4 slots per subarray, measured).
  assert.ok(await worker.allocatedSlots('recs.forEach((r) => r.subarray(1))') >= 4 * N);
});

xs('house style rule 4: reject paths allocate nothing (wrong to_id, truncated, bad varint)', async () => {
  assert.is(await worker.allocatedSlots('accept(recs, other)'), 0);
  assert.is(await worker.allocatedSlots('accept(truncated, own)'), 0);
  assert.is(await worker.allocatedSlots('accept(badVarint, own)'), 0);
  assert.is((await worker.call<number>('accept(badVarint, own)')).value, 0);
  assert.is((await worker.call<number>('codes(badVarint)')).value, RecordError.VarintTooLong * 1000);
});

xs.run();
