/**
 * USP Record decoding: RecordView (in place, header + payload offsets) against the
 * pbf-generated full Record decode and protobufjs, on a typical ~200-byte
 * no_session_context Record carrying a GetResp; then RecordView inside XS
 * (computrons and slots per Record).
 */
import { join } from 'node:path';
import { PbfReader } from 'pbf';
import protobuf from 'protobufjs';
import { encodedRecordLength, emitRecord } from '../../../src/usp/record-emit.ts';
import { RecordType, RecordView } from '../../../src/usp/record-view.ts';
import { encodeMsg, getRespMsg } from '../../../src/usp/msg-build.ts';
import { readRecord } from '../../../src/usp/generated/usp-record.js';
import { utf8Bytes } from '../../../src/usp/wire.ts';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';
import { fmtRate, loopOpsPerSecond } from '../measure.ts';

const OWN = 'os::00256D-0123456789';

function typicalRecord(): Uint8Array {
  const msg = encodeMsg(getRespMsg('c0ffee-42', {
    req_path_results: [{
      requested_path: 'Device.DeviceInfo.',
      resolved_path_results: [{
        resolved_path: 'Device.DeviceInfo.',
        result_params: { Manufacturer: 'tinyusp', ModelName: 'sim', SerialNumber: '0123456789', UpTime: '3600' },
      }],
    }],
  }));
  const f = { version: utf8Bytes('1.4'), toId: utf8Bytes(OWN), fromId: utf8Bytes('self::controller-1'), recordType: RecordType.NoSessionContext, payload: msg };
  const out = new Uint8Array(encodedRecordLength(f));
  emitRecord(out, 0, f);
  return out;
}

const suite: BenchSuite = {
  name: 'codec',
  async run() {
    const rec = typicalRecord();
    const own = utf8Bytes(OWN);
    const view = new RecordView();
    const root = new protobuf.Root().loadSync([join(ROOT, 'proto/usp-record.proto')], { keepCase: true });
    const RecordT = root.lookupType('usp_record.Record');
    let sink = 0;
    // Interleaved rounds, best of each: the machine is shared, so load shifts between runs.
    let rv = 0, pbf = 0, pjs = 0;
    for (let round = 0; round < 12; round++) {
      rv = Math.max(rv, loopOpsPerSecond((n) => { for (let i = 0; i < n; i++) if (view.wrap(rec, 0, rec.length) === 0 && view.toIdEquals(own)) sink++; }, 150));
      pbf = Math.max(pbf, loopOpsPerSecond((n) => { for (let i = 0; i < n; i++) if (readRecord(new PbfReader(rec)).to_id === OWN) sink++; }, 150));
      pjs = Math.max(pjs, loopOpsPerSecond((n) => { for (let i = 0; i < n; i++) if ((RecordT.decode(rec) as unknown as { to_id: string }).to_id === OWN) sink++; }, 150));
    }
    if (sink < 0) console.log(sink);
    console.log(`Record: ${rec.length} bytes (no_session_context, GetResp payload)`);
    console.log('Each: decode the Record, then check to_id is ours (bytes in place / string ===).');
    console.log(`Node RecordView.wrap + toIdEquals: ${fmtRate(rv)} records/s`);
    console.log(`Node pbf readRecord:               ${fmtRate(pbf)} records/s`);
    console.log(`Node protobufjs decode:            ${fmtRate(pjs)} records/s`);
    console.log(`RecordView vs protobufjs: ${(rv / pjs).toFixed(1)}x`);
    console.log(`RecordView vs pbf: ${(rv / pbf).toFixed(1)}x`);

    const w = XsWorker.start();
    try {
      await w.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs.ts')), 'tinyusp');
      await w.evaluate(`globalThis.rec = Uint8Array.from(${JSON.stringify([...rec])});
        globalThis.own = tinyusp.utf8Bytes(${JSON.stringify(OWN)});
        globalThis.view = new tinyusp.RecordView();
        globalThis.run = (n) => { let ok = 0; for (let i = 0; i < n; i++) if (view.wrap(rec, 0, rec.length) === 0 && view.toIdEquals(own)) ok++; return ok; };
        run(300);`);
      const N = 10000;
      const c0 = (await w.evaluate('run(0)')).meter.compute;
      const cN = (await w.evaluate(`run(${N})`)).meter.compute;
      const slots = await w.allocatedSlots(`run(${N})`);
      console.log(`XS RecordView: ${(slots / N).toFixed(0)} slots/record, ${((cN - c0) / N).toFixed(0)} computrons/record`);
    } finally {
      w.close();
    }
  },
};
export default suite;
