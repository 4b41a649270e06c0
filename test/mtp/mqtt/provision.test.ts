/**
 * The MQTT MTP in the data model (src/mtp/mqtt/provision.ts): what --mqtt and
 * `--controller <eid>=mqtt:<topic>` write into Device.MQTT.Client.{i}.,
 * LocalAgent.MTP.{i}.MQTT. and Controller.{i}.MTP.{i}.MQTT., that a restart replaces
 * rather than duplicates them, and the binding configuration read back (R-MQTT.8/15).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, WriteMode, type DataModel } from '../../../src/dm/index.ts';
import { MqttVersion } from '../../../src/mqtt/index.ts';
import type { BoardDescription } from '../../../src/platform/board.ts';
import {
  controllerMqtt, controllerMtpProtocol, disableMqtt, provisionMqtt, provisionMqttControllers, read, readMqttConfig, type MqttBrokerSettings,
} from '../../../src/mtp/mqtt/provision.ts';
import { ROOT } from '../../../tools/build/targets.ts';
import { OptionDefaults } from '../../../src/mtp/option-defaults.ts';
import { MemoryStore } from '../../agent/harness.ts';

const BOARD = JSON.parse(readFileSync(join(ROOT, 'boards/sim.json'), 'utf8')) as BoardDescription;
const EID = 'os::0A1B2C-T0001';
const BROKER: MqttBrokerSettings = {
  host: 'broker.example', port: 8883, tls: true, username: 'dev', password: 's3cret', version: MqttVersion.V5, topic: 'usp/agent/t1',
};

function model(store?: MemoryStore): DataModel {
  return createDataModel({
    schema: createDeviceSchema(), context: createDeviceContext(BOARD, 'T0001', '1.0', EID, 0), factoryDefault: createFactoryDefault(BOARD),
    ...(store !== undefined ? { store } : {}),
  });
}

/** A Controller's Set (WriteMode.Set) of [name, value]s on `path`. */
function controllerSets(m: DataModel, path: string, values: [string, string][]): void {
  const tx = m.begin();
  for (const [name, value] of values) assert.is(tx.set(m.instanceAt(path)!, name, value, WriteMode.Set), 0, tx.message);
  assert.is(tx.commit(), 0);
}

/** One start of the host: the rows provisioned from `broker` with the options-as-defaults record in `store`. */
function start(store: MemoryStore, broker: MqttBrokerSettings): DataModel {
  const m = model(store);
  const defaults = new OptionDefaults(store);
  const rows = provisionMqtt(m, broker, defaults);
  assert.ok(typeof rows !== 'string', String(rows));
  if (typeof rows !== 'string') assert.is(provisionMqttControllers(m, [{ endpointId: 'self::acs', topic: 'usp/controller/acs' }], rows.mtp, defaults), '');
  defaults.save(m);
  return m;
}

function value(m: DataModel, path: string): string {
  const r = m.resolve(path);
  assert.is(r.err, 0, `${path}: ${r.message}`);
  const inst = r.objects[0]!;
  return read(m, inst, path.slice(path.lastIndexOf('.') + 1));
}

const prov = suite('mtp/mqtt/provision');

prov('TR-181 MQTT.Client / LocalAgent.MTP.{i}.MQTT / Controller.{i}.MTP.{i}.MQTT rows from the options', () => {
  const m = model();
  const rows = provisionMqtt(m, BROKER);
  assert.ok(typeof rows !== 'string', String(rows));
  if (typeof rows === 'string') return;
  assert.is(provisionMqttControllers(m, [{ endpointId: 'self::acs', topic: 'usp/controller/acs' }], rows.mtp), '');
  assert.is(rows.client.path, 'Device.MQTT.Client.1.');
  assert.is(value(m, 'Device.MQTT.Client.1.TransportProtocol'), 'TLS');
  assert.is(value(m, 'Device.MQTT.Client.1.ProtocolVersion'), '5.0');
  assert.is(value(m, 'Device.MQTT.Client.1.Password'), ''); // hidden
  assert.is(value(m, 'Device.MQTT.Client.1.Subscription.1.Topic'), 'usp/agent/t1');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.Protocol'), 'MQTT');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.MQTT.Reference'), 'Device.MQTT.Client.1');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.MQTT.ResponseTopicConfigured'), 'usp/agent/t1');
  assert.is(value(m, 'Device.LocalAgent.SupportedProtocols'), 'CoAP,MQTT');
  assert.is(value(m, 'Device.LocalAgent.Controller.1.MTP.1.MQTT.AgentMTPReference'), 'Device.LocalAgent.MTP.2');
  assert.equal(controllerMqtt(m, 'self::acs'), { topic: 'usp/controller/acs', retainResponse: false, retainNotify: false });
  assert.is(controllerMtpProtocol(m, 'self::acs'), 'MQTT');
  assert.is(controllerMtpProtocol(m, 'self::unknown'), '');
});

prov('R-ARC.8 a restart with other options updates the same rows, never duplicates them', () => {
  const m = model();
  const first = provisionMqtt(m, BROKER);
  const again = provisionMqtt(m, { ...BROKER, tls: false, port: 1883, version: MqttVersion.V3_1_1 });
  assert.ok(typeof first !== 'string' && typeof again !== 'string');
  if (typeof first === 'string' || typeof again === 'string') return;
  assert.equal([again.client.path, again.mtp.path], [first.client.path, first.mtp.path]);
  assert.is(m.tableAt('Device.MQTT.Client.')!.rows.length, 1);
  assert.is(m.tableAt('Device.MQTT.Client.1.Subscription.')!.rows.length, 1);
  assert.is(m.tableAt('Device.LocalAgent.MTP.')!.rows.length, 2);
  assert.is(value(m, 'Device.MQTT.Client.1.ProtocolVersion'), '3.1.1');
});

prov('R-ARC.8 started again without --mqtt: the stored Client and MTP rows are disabled, SupportedProtocols is CoAP', () => {
  const m = model();
  assert.is(disableMqtt(m), ''); // nothing to do on a fresh model
  assert.ok(typeof provisionMqtt(m, BROKER) !== 'string');
  assert.is(disableMqtt(m), '');
  assert.is(value(m, 'Device.MQTT.Client.1.Enable'), 'false');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.Enable'), 'false');
  assert.is(value(m, 'Device.LocalAgent.MTP.1.Enable'), 'true'); // CoAP untouched
  assert.is(value(m, 'Device.LocalAgent.SupportedProtocols'), 'CoAP');
  assert.ok(typeof provisionMqtt(m, BROKER) !== 'string'); // --mqtt again re-enables the same rows
  assert.equal([value(m, 'Device.MQTT.Client.1.Enable'), value(m, 'Device.LocalAgent.MTP.2.Enable')], ['true', 'true']);
});

prov('issue #19 options are factory defaults: a Controller\'s Username/Password/KeepAlive survive a restart; untouched values follow changed options', () => {
  const store = new MemoryStore();
  let m = start(store, BROKER);
  controllerSets(m, 'Device.MQTT.Client.1.', [['Username', 'ctl-user'], ['Password', 'ctl-pass']]);
  controllerSets(m, 'Device.LocalAgent.Controller.1.MTP.1.MQTT.', [['Topic', 'usp/controller/moved']]);
  m = start(store, BROKER);
  const rows = { client: m.instanceAt('Device.MQTT.Client.1.')!, mtp: m.instanceAt('Device.LocalAgent.MTP.2.')! };
  const c = readMqttConfig(m, EID, rows, () => 0.5);
  assert.equal([c.client.username, new TextDecoder().decode(c.client.password)], ['ctl-user', 'ctl-pass'], 'the next CONNECT carries them');
  assert.is(controllerMqtt(m, 'self::acs')!.topic, 'usp/controller/moved');
  m = start(store, { ...BROKER, host: 'other.example', username: 'opt-user' });
  assert.is(value(m, 'Device.MQTT.Client.1.BrokerAddress'), 'other.example', 'nobody changed it: the new option applies');
  assert.is(value(m, 'Device.MQTT.Client.1.Username'), 'ctl-user', 'a Controller changed it: it stays');
  assert.is(value(m, 'Device.LocalAgent.SupportedProtocols'), 'CoAP,MQTT', 'read-only facts are always written');
});

prov('issue #19 the options\' values come back after FactoryReset(); without a record (no store) the options are written', () => {
  const store = new MemoryStore();
  let m = start(store, BROKER);
  controllerSets(m, 'Device.MQTT.Client.1.', [['Username', 'ctl-user']]);
  m.factoryReset();
  m = start(store, BROKER);
  assert.is(value(m, 'Device.MQTT.Client.1.Username'), 'dev');
  const plain = model();
  assert.ok(typeof provisionMqtt(plain, BROKER) !== 'string');
  controllerSets(plain, 'Device.MQTT.Client.1.', [['Username', 'ctl-user']]);
  assert.ok(typeof provisionMqtt(plain, BROKER) !== 'string');
  assert.is(value(plain, 'Device.MQTT.Client.1.Username'), 'dev');
});

prov('R-MQTT.8 / R-MQTT.15 the binding configuration comes from the model (enabled Subscriptions, CleanSession on 3.1.1, Password)', () => {
  const m = model();
  const rows = provisionMqtt(m, { ...BROKER, version: MqttVersion.V3_1_1 });
  if (typeof rows === 'string') { assert.unreachable(rows); return; }
  provisionMqttControllers(m, [{ endpointId: 'self::acs', topic: 'usp/controller/acs' }], rows.mtp);
  const tx = m.begin();
  const extra = tx.add(m.tableAt('Device.MQTT.Client.1.Subscription.')!, WriteMode.Set)!;
  assert.is(tx.set(extra, 'Topic', 'usp/agent/off', WriteMode.Add), 0);
  assert.is(tx.set(m.instanceAt('Device.MQTT.Client.1.')!, 'CleanSession', 'false', WriteMode.Set), 0);
  assert.is(tx.commit(), 0);
  const c = readMqttConfig(m, EID, rows, () => 0.5);
  assert.is(c.client.version, MqttVersion.V3_1_1);
  assert.is(c.client.clientId, ''); // not configured: the binding uses the Endpoint ID on 3.1.1
  assert.is(c.client.cleanStart, false);
  assert.equal(new TextDecoder().decode(c.client.password), 's3cret');
  assert.equal(c.subscriptions, [{ topicFilter: 'usp/agent/t1', qos: 1 }]); // the new row is not enabled
  assert.equal(c.controllers, [{ endpointId: 'self::acs', topic: 'usp/controller/acs' }]);
  assert.equal([c.responseTopicConfigured, c.publishQoS, c.client.keepAliveS], ['usp/agent/t1', 1, 60]);
  assert.equal(c.client.retry, { connectRetryTimeS: 5, connectRetryIntervalMultiplier: 2000, connectRetryMaxIntervalS: 30720 });
  // 5.0 §3.1.2.11.4 Maximum Packet Size follows the agent's Record bound (a Class 2 device: 16 KiB).
  assert.is(c.client.maximumPacketSize, 65536 + 1024);
  assert.is(readMqttConfig(m, EID, rows, () => 0.5, 16384).client.maximumPacketSize, 16384 + 1024);
});

prov.run();
