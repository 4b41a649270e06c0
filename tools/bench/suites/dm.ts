/**
 * Data-model engine: heap cost inside XS of the built Device:2 schema and of an
 * instantiated default model (slots, and bytes at ≈16 B/slot as on ESP32), transient
 * slots and computrons of a Get (resolve + read) and of a one-parameter Set
 * transaction, plus Node rates for the same operations.
 */
import { join } from 'node:path';
import { createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, WriteMode } from '../../../src/dm/index.ts';
import type { BoardDescription } from '../../../src/platform/board.ts';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';
import { fmtRate, opsPerSecond } from '../measure.ts';
import board from '../../../boards/sim.json' with { type: 'json' };

const BYTES_PER_SLOT = 16;
const GET_PATH = 'Device.LocalAgent.ControllerTrust.Role.[Name=="Full Access"].Permission.*.Targets';

function bytes(slots: number): string {
  return `${slots} slots (~${((slots * BYTES_PER_SLOT) / 1024).toFixed(1)} KiB at ${BYTES_PER_SLOT} B/slot)`;
}

const suite: BenchSuite = {
  name: 'dm',
  async run() {
    const b = board as BoardDescription;
    const schema = createDeviceSchema();
    const model = createDataModel({ schema, context: createDeviceContext(b, 'S1', '0.1.0', 'os::0A1B2C-S1', 0), factoryDefault: createFactoryDefault(b) });
    console.log(`schema: ${schema.objects.length} objects, ${schema.objects.reduce((n, o) => n + o.params.length, 0)} parameters`);
    const get = () => { const r = model.resolve(GET_PATH); for (const o of r.objects) model.read(o, r.element as never); };
    console.log(`Node Get (search + read): ${fmtRate(opsPerSecond(get, 500))}/s`);
    const info = model.instanceAt('Device.DeviceInfo.')!;
    let n = 0;
    const set = () => { const tx = model.begin(); tx.set(info, 'ProvisioningCode', `p${n++ & 7}`, WriteMode.Set); tx.commit(); };
    console.log(`Node Set transaction (no store): ${fmtRate(opsPerSecond(set, 500, 100))}/s`);

    const w = XsWorker.start();
    try {
      await w.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs.ts')), 'tinyusp');
      await w.evaluate(`globalThis.board = ${JSON.stringify(board)}; tinyusp.createDeviceSchema();`);
      const schemaSlots = await w.retainedSlots('globalThis.schema = tinyusp.createDeviceSchema();');
      const modelSlots = await w.retainedSlots(`globalThis.model = tinyusp.createDataModel({ schema,
        context: tinyusp.createDeviceContext(board, 'S1', '0.1.0', 'os::0A1B2C-S1', 0), factoryDefault: tinyusp.createFactoryDefault(board) });`);
      console.log(`XS schema: ${bytes(schemaSlots)}`);
      console.log(`XS default model (instances + indexes): ${bytes(modelSlots)}`);
      const rowSlots = await w.retainedSlots(`(() => { const tx = model.begin();
        const c = tx.add(model.tableAt('Device.LocalAgent.Controller.')); tx.set(c, 'EndpointID', 'proto::controller-1');
        const mtp = tx.add(c.table('MTP')); tx.set(model.instanceAt(mtp.path + 'CoAP.'), 'Host', 'controller.local');
        const s = tx.add(model.tableAt('Device.LocalAgent.Subscription.')); tx.set(s, 'ReferenceList', 'Device.LocalAgent.Controller.*.Enable');
        tx.set(s, 'NotifType', 'ValueChange'); tx.commit(); })()`);
      console.log(`XS one Controller + MTP/CoAP + one Subscription: ${bytes(rowSlots)}`);
      await w.evaluate(`globalThis.info = model.instanceAt('Device.DeviceInfo.'); globalThis.n = 0;
        globalThis.get = () => { const r = model.resolve(${JSON.stringify(GET_PATH)}); for (const o of r.objects) model.read(o, r.element); };
        globalThis.set = () => { const tx = model.begin(); tx.set(info, 'ProvisioningCode', 'p' + (n++ & 7), tinyusp.WriteMode.Set); tx.commit(); };
        for (let i = 0; i < 20; i++) { get(); set(); }`);
      const N = 200;
      for (const op of ['get', 'set']) {
        const c0 = (await w.evaluate(`for (let i = 0; i < 0; i++) ${op}();`)).meter.compute;
        const cN = (await w.evaluate(`for (let i = 0; i < ${N}; i++) ${op}();`)).meter.compute;
        const slots = await w.allocatedSlots(`for (let i = 0; i < ${N}; i++) ${op}();`);
        const kept = await w.retainedSlots(`for (let i = 0; i < ${N}; i++) ${op}();`);
        console.log(`XS ${op}: ${(slots / N).toFixed(0)} slots/op transient, ${kept} retained after ${N}, ${((cN - c0) / N).toFixed(0)} computrons/op`);
      }
      console.log(`dm schema: ${schemaSlots * BYTES_PER_SLOT} bytes`);
      console.log(`dm default model: ${modelSlots * BYTES_PER_SLOT} bytes`);
      console.log(`dm controller+subscription rows: ${rowSlots * BYTES_PER_SLOT} bytes`);
    } finally {
      w.close();
    }
  },
};
export default suite;
