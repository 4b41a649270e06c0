/**
 * D14: a schema declares the MTPs and firmware images of the build that runs it
 * (src/dm/device-schema.ts, objects/mtp-objects.ts, objects/firmware-objects.ts). The
 * Moddable coaps build's (COAPS_SCHEMA, through the coaps core's BUILD_SCHEMA) has no
 * Device.MQTT., no MQTT or WebSocket sub-object and no firmware images, and its Protocol
 * enumerations are "CoAP" alone; the host agent's and the full build's (FULL_SCHEMA,
 * createDeviceSchema) keep every object (their path list is pinned against TR-181 by
 * test/dm/schema.test.ts) and enumerate exactly the MTPs they run.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildDeviceSchema, COAPS_SCHEMA, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, DmError, EVERY_MTP,
  FULL_SCHEMA, type DataModel, type Schema,
} from '../../src/dm/index.ts';
import { TARGETS } from '../../tools/build/targets.ts';
import { BOARD, EXAMPLE_ROWS, exampleObjects, setOne } from './example-model.ts';

const t = suite('dm/schema MTP sets (D14)');

/** Every parameter, command and event path of a schema, and its objects'. */
function paths(schema: Schema): string[] {
  const out: string[] = [];
  for (const o of schema.objects) {
    out.push(o.path);
    for (const p of o.params) out.push(o.path + p.name);
    for (const c of o.commands) out.push(o.path + c.name);
    for (const e of o.events) out.push(o.path + e.name);
  }
  return out;
}

/** The Protocol enumerations of both MTP tables and SupportedProtocols' item enumeration. */
function protocolEnumerations(schema: Schema): Map<string, readonly string[] | null> {
  const out = new Map<string, readonly string[] | null>();
  for (const o of schema.objects) {
    for (const p of o.params) {
      if (p.name === 'Protocol' || p.name === 'SupportedProtocols') out.set(o.path + p.name, p.enumeration);
    }
  }
  return out;
}

const MTP_PROTOCOLS = [
  'Device.LocalAgent.SupportedProtocols', 'Device.LocalAgent.MTP.{i}.Protocol', 'Device.LocalAgent.Controller.{i}.MTP.{i}.Protocol',
];

/** MQTT's and WebSocket's own objects. */
function mqttOrWebSocket(path: string): boolean {
  return path.startsWith('Device.MQTT') || path.includes('.MQTT.') || path.includes('.WebSocket.');
}

/** The firmware images' objects (Firmware:1 profile), TransferComplete! and TransferCompletePolicy. */
function firmware(path: string): boolean {
  return path.includes('FirmwareImage') || path.includes('TransferComplete') || path === 'Device.DeviceInfo.MaxNumberOfActivateTimeWindows';
}

function model(schema: Schema): DataModel {
  return createDataModel({
    schema, context: createDeviceContext(BOARD, 'T0001', '1.0', 'os::0A1B2C-T0001', 0), factoryDefault: createFactoryDefault(BOARD, { rows: EXAMPLE_ROWS }),
  });
}

t('D14 the coaps schema has no Device.MQTT., no MQTT or WebSocket MTP sub-object and no firmware image; everything else is the full schema\'s', () => {
  const full = paths(createDeviceSchema());
  const coaps = paths(buildDeviceSchema(COAPS_SCHEMA));
  assert.ok(full.includes('Device.MQTT.Client.{i}.BrokerAddress') && full.includes('Device.LocalAgent.MTP.{i}.WebSocket.Port'));
  assert.ok(full.includes('Device.DeviceInfo.FirmwareImage.{i}.Download()') && full.includes('Device.LocalAgent.TransferComplete!'));
  assert.equal(coaps.filter((p) => mqttOrWebSocket(p) || firmware(p)), []);
  assert.equal(coaps, full.filter((p) => !mqttOrWebSocket(p) && !firmware(p)));
});

t('D14 the Protocol enumerations list exactly the MTPs each schema runs (TR-181 also lists STOMP and UDS, which no build runs)', () => {
  for (const [path, e] of protocolEnumerations(buildDeviceSchema(COAPS_SCHEMA))) assert.equal(e, ['CoAP'], path);
  for (const [path, e] of protocolEnumerations(createDeviceSchema())) assert.equal(e, ['CoAP', 'MQTT', 'WebSocket'], path);
  assert.equal([...protocolEnumerations(buildDeviceSchema(COAPS_SCHEMA)).keys()], MTP_PROTOCOLS);
  assert.equal(EVERY_MTP.map((m) => m.protocol), ['CoAP', 'MQTT', 'WebSocket']);
});

t('D14 createDeviceSchema is the schema with every MTP and the firmware images: the host agent and the full build keep it', () => {
  assert.equal(paths(createDeviceSchema(exampleObjects())), paths(buildDeviceSchema(FULL_SCHEMA, exampleObjects())));
  assert.is(FULL_SCHEMA.mtps, EVERY_MTP);
  assert.ok(FULL_SCHEMA.firmware !== null);
});

t('R-SET / TR-181 Protocol: a Set or Add naming an MTP the agent lacks fails with 7012 and says which values it takes', () => {
  const coaps = model(buildDeviceSchema(COAPS_SCHEMA, exampleObjects()));
  const local = coaps.resolve('Device.LocalAgent.MTP.*.').objects[0]!;
  assert.is(setOne(coaps, `${local.path}Protocol`, 'MQTT'), DmError.InvalidValue);
  const tx = coaps.begin();
  const ctl = tx.add(coaps.tableAt('Device.LocalAgent.Controller.')!)!;
  const row = tx.add(ctl.table('MTP')!)!;
  assert.is(tx.set(row, 'Protocol', 'WebSocket'), DmError.InvalidValue);
  assert.ok(tx.message.includes('"WebSocket" is not one of CoAP'), tx.message);
  tx.rollback();
  const full = model(createDeviceSchema(exampleObjects()));
  assert.is(setOne(full, `${full.resolve('Device.LocalAgent.MTP.*.').objects[0]!.path}Protocol`, 'STOMP'), DmError.InvalidValue);
  assert.is(setOne(full, `${full.resolve('Device.LocalAgent.MTP.*.').objects[0]!.path}Protocol`, 'MQTT'), 0);
});

t('#13 item 4 the coaps core as bundled (src/main/xs-coaps.ts) builds its schema with CoAP alone and no firmware images', async () => {
  const target = TARGETS.find((x) => x.name === 'moddable-coaps-core')!;
  const r = await build({ ...target.options, entryPoints: [target.entry], outfile: target.outfile, write: false });
  const file = join(mkdtempSync(join(tmpdir(), 'tinyusp-coaps-core-')), 'core.mjs');
  writeFileSync(file, r.outputFiles[0]!.text);
  const core = await import(pathToFileURL(file).href) as { BUILD_SCHEMA: typeof COAPS_SCHEMA; buildDeviceSchema: typeof buildDeviceSchema };
  const schema = core.buildDeviceSchema(core.BUILD_SCHEMA);
  assert.equal(paths(schema).filter((p) => mqttOrWebSocket(p) || firmware(p)), []);
  assert.equal(paths(schema), paths(buildDeviceSchema(COAPS_SCHEMA)));
  for (const [path, e] of protocolEnumerations(schema)) assert.equal(e, ['CoAP'], path);
});

t.run();
