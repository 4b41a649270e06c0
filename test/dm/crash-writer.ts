/**
 * Child process of the crash test (persistence.test.ts): opens the model on the Node
 * file store in argv[2], then commits forever. Commit k writes "n<k>" to two objects
 * and replaces the single Controller row by one with EndpointID "c<k>", so a torn or
 * mixed state is visible. It continues from whatever state it finds.
 */
import { WriteMode } from '../../src/dm/index.ts';
import { createFileStore } from '../../src/platform/node/storage.ts';
import { exampleModel } from './example-model.ts';

const model = exampleModel(createFileStore(process.argv[2]!));
if (model.loadError !== '') {
  process.stderr.write(`corrupt state: ${model.loadError}\n`);
  process.exit(3);
}
const info = model.instanceAt('Device.DeviceInfo.')!;
const stored = /^n(\d+)$/.exec(info.stored('FriendlyName') ?? '');
let k = stored === null ? 0 : Number(stored[1]);
process.stdout.write('ready\n');
for (;;) {
  k++;
  const tx = model.begin();
  tx.set(info, 'FriendlyName', `n${k}`);
  tx.set(model.instanceAt('Device.Object.FooObject.5.')!, 'Label', `n${k}`);
  const table = model.tableAt('Device.LocalAgent.Controller.')!;
  for (const row of [...table.rows]) tx.deleteInstance(row);
  const row = tx.add(table)!;
  tx.set(row, 'EndpointID', `c${k}`, WriteMode.Add);
  if (tx.commit() !== 0) process.exit(4);
}
