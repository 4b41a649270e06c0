/**
 * D14: a schema declares the MTPs of the build that runs it (src/dm/device-schema.ts,
 * src/dm/objects/mtp-objects.ts). The Moddable coaps build's (COAP_MTPS, through the
 * coaps core's BUILD_MTPS) has no Device.MQTT. and no MQTT or WebSocket sub-object, and
 * its Protocol enumerations are "CoAP" alone; the host agent's and the full build's
 * (EVERY_MTP, createDeviceSchema) keep every object (their path list is pinned against
 * TR-181 by test/dm/schema.test.ts) and enumerate exactly the MTPs they run.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildDeviceSchema, COAP_MTPS, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, DmError, EVERY_MTP,
  type DataModel, type Schema,
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

/** MQTT's and WebSocket's own objects: what the coaps schema leaves out. */
function mqttOrWebSocket(path: string): boolean {
  return path.startsWith('Device.MQTT') || path.includes('.MQTT.') || path.includes('.WebSocket.');
}

function model(schema: Schema): DataModel {
  return createDataModel({
    schema, context: createDeviceContext(BOARD, 'T0001', '1.0', 'os::0A1B2C-T0001', 0), factoryDefault: createFactoryDefault(BOARD, { rows: EXAMPLE_ROWS }),
  });
}

t('D14 the CoAP-only schema has no Device.MQTT. and no MQTT or WebSocket MTP sub-object; everything else is the full schema\'s', () => {
  const full = paths(createDeviceSchema());
  const coaps = paths(buildDeviceSchema(COAP_MTPS));
  assert.ok(full.includes('Device.MQTT.Client.{i}.BrokerAddress') && full.includes('Device.LocalAgent.MTP.{i}.WebSocket.Port'));
  assert.equal(coaps.filter(mqttOrWebSocket), []);
  assert.equal(coaps, full.filter((p) => !mqttOrWebSocket(p) && p !== 'Device.MQTT.ClientNumberOfEntries'));
});

t('D14 the Protocol enumerations list exactly the MTPs each schema runs (TR-181 also lists STOMP and UDS, which no build runs)', () => {
  for (const [path, e] of protocolEnumerations(buildDeviceSchema(COAP_MTPS))) assert.equal(e, ['CoAP'], path);
  for (const [path, e] of protocolEnumerations(createDeviceSchema())) assert.equal(e, ['CoAP', 'MQTT', 'WebSocket'], path);
  assert.equal([...protocolEnumerations(buildDeviceSchema(COAP_MTPS)).keys()], MTP_PROTOCOLS);
  assert.equal(EVERY_MTP.map((m) => m.protocol), ['CoAP', 'MQTT', 'WebSocket']);
});

t('D14 createDeviceSchema is the schema with every MTP: the host agent and the full build keep it', () => {
  assert.equal(paths(createDeviceSchema(exampleObjects())), paths(buildDeviceSchema(EVERY_MTP, exampleObjects())));
});

t('R-SET / TR-181 Protocol: a Set or Add naming an MTP the agent lacks fails with 7012 and says which values it takes', () => {
  const coaps = model(buildDeviceSchema(COAP_MTPS, exampleObjects()));
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

t('#13 item 4 the coaps core as bundled (src/main/xs-coaps.ts) builds its schema with CoAP alone', async () => {
  const target = TARGETS.find((x) => x.name === 'moddable-coaps-core')!;
  const r = await build({ ...target.options, entryPoints: [target.entry], outfile: target.outfile, write: false });
  const file = join(mkdtempSync(join(tmpdir(), 'tinyusp-coaps-core-')), 'core.mjs');
  writeFileSync(file, r.outputFiles[0]!.text);
  const core = await import(pathToFileURL(file).href) as { BUILD_MTPS: typeof COAP_MTPS; buildDeviceSchema: typeof buildDeviceSchema };
  const schema = core.buildDeviceSchema(core.BUILD_MTPS);
  assert.equal(paths(schema).filter(mqttOrWebSocket), []);
  assert.equal(paths(schema), paths(buildDeviceSchema(COAP_MTPS)));
  for (const [path, e] of protocolEnumerations(schema)) assert.equal(e, ['CoAP'], path);
});

t.run();
