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

const BOARD = JSON.parse(readFileSync(join(ROOT, 'boards/sim.json'), 'utf8')) as BoardDescription;
const EID = 'os::0A1B2C-T0001';
const BROKER: MqttBrokerSettings = {
  host: 'broker.example', port: 8883, tls: true, username: 'dev', password: 's3cret', version: MqttVersion.V5, topic: 'usp/agent/t1',
};

function model(): DataModel {
  return createDataModel({
    schema: createDeviceSchema(), context: createDeviceContext(BOARD, 'T0001', '1.0', EID, 0), factoryDefault: createFactoryDefault(BOARD),
  });
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
  assert.is(m.tableAt('Device.MQTT.Client.')!.rows.size, 1);
  assert.is(m.tableAt('Device.MQTT.Client.1.Subscription.')!.rows.size, 1);
  assert.is(m.tableAt('Device.LocalAgent.MTP.')!.rows.size, 2);
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
