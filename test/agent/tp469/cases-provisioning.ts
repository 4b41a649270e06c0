/**
 * Issue #19 rule 9: the host's options are factory defaults for every provisioned row
 * (src/mtp/option-defaults.ts), checked with the real Device:2 model and the provisioning
 * code the XS entry runs too (start:xs uses the same composition). Restarts are a new model
 * over the same storage.
 */
import { createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, WriteMode, type DataModel } from '../../../src/dm/index.ts';
import { MqttVersion } from '../../../src/mqtt/index.ts';
import { OptionDefaults } from '../../../src/mtp/option-defaults.ts';
import { provisionControllers } from '../../../src/mtp/coap/controllers.ts';
import { provisionCoapMtps, runningCoapMtps } from '../../../src/mtp/coap/provision.ts';
import { provisionMqtt, readMqttConfig } from '../../../src/mtp/mqtt/provision.ts';
import { MemoryStore } from '../harness.ts';
import { BOARD } from '../../dm/example-model.ts';
import { check, same } from './lab.ts';
import { rule, type Case } from './case.ts';

const EID = 'os::0A1B2C-T0001';
const BROKER = { host: '192.0.2.10', port: 1883, tls: false, username: 'opt-user', password: 'opt-pass', version: MqttVersion.V5, topic: 'usp/agent/t' };

/** One start of the host agent: model from storage, every row provisioned from the options, the record saved. */
function start(store: MemoryStore, broker = BROKER, controllerUri = 'coap://192.0.2.1:5690/usp'): DataModel {
  const m = createDataModel({
    schema: createDeviceSchema(), context: createDeviceContext(BOARD, 'T0001', '1.0', EID, 0), factoryDefault: createFactoryDefault(BOARD), store,
  });
  const defaults = new OptionDefaults(store);
  same(provisionControllers(m, [{ endpointId: 'self::ctl', uri: controllerUri }], defaults), '', 'controllers provisioned');
  same(provisionCoapMtps(m, { plain: 5683, path: '/usp', coaps: undefined }, defaults), '', 'CoAP MTP provisioned');
  check(typeof provisionMqtt(m, broker, defaults) !== 'string', 'MQTT provisioned');
  defaults.save(m);
  return m;
}

/** A Controller's Set of `values` on `path` (WriteMode.Set: what a Set message does). */
function controllerSets(m: DataModel, path: string, values: readonly [string, string][]): void {
  const tx = m.begin();
  for (const [name, value] of values) same(tx.set(m.instanceAt(path)!, name, value, WriteMode.Set), 0, `${path}${name}`);
  same(tx.commit(), 0, 'committed');
}

function value(m: DataModel, path: string): string {
  const cut = path.lastIndexOf('.');
  const inst = m.instanceAt(path.slice(0, cut + 1))!;
  return m.read(inst, inst.node.params.find((p) => p.name === path.slice(cut + 1))!);
}

export const PROVISIONING_CASES: Case[] = [
  rule('issue #19 rule 9: MQTT Username/Password a Controller set survive a restart; the next CONNECT carries them', () => {
    const store = new MemoryStore();
    controllerSets(start(store), 'Device.MQTT.Client.1.', [['Username', 'ctl-user'], ['Password', 'ctl-pass']]);
    const m = start(store);
    const c = readMqttConfig(m, EID, { client: m.instanceAt('Device.MQTT.Client.1.')!, mtp: m.instanceAt('Device.LocalAgent.MTP.2.')! }, () => 0.5);
    let password = '';
    for (const b of c.client.password ?? new Uint8Array(0)) password += String.fromCharCode(b);
    same([c.client.username, password], ['ctl-user', 'ctl-pass'], 'CONNECT credentials');
  }),
  rule('issue #19 rule 9: an option nobody changed follows the command line; a Controller\'s Controller and MTP settings stay', () => {
    const store = new MemoryStore();
    const m0 = start(store);
    controllerSets(m0, 'Device.LocalAgent.Controller.1.', [['AssignedRole', 'Device.LocalAgent.ControllerTrust.Role.2']]);
    controllerSets(m0, 'Device.LocalAgent.MTP.1.', [['Enable', 'false']]);
    const m = start(store, { ...BROKER, host: '192.0.2.99' }, 'coap://192.0.2.7:5690/usp');
    same(value(m, 'Device.MQTT.Client.1.BrokerAddress'), '192.0.2.99', 'an untouched option follows the command line');
    same(value(m, 'Device.LocalAgent.Controller.1.MTP.1.CoAP.Host'), '192.0.2.7', 'the --controller URI too');
    same(value(m, 'Device.LocalAgent.Controller.1.AssignedRole'), 'Device.LocalAgent.ControllerTrust.Role.2', 'the Controller\'s role stays');
    same([value(m, 'Device.LocalAgent.MTP.1.Enable'), runningCoapMtps(m).plain], ['false', false], 'a disabled MTP stays disabled and does not run');
  }),
  rule('issue #19 rule 9: after FactoryReset() the command line\'s values come back', () => {
    const store = new MemoryStore();
    const m0 = start(store);
    controllerSets(m0, 'Device.MQTT.Client.1.', [['Username', 'ctl-user']]);
    m0.factoryReset();
    same(value(start(store), 'Device.MQTT.Client.1.Username'), 'opt-user', 'the option again');
  }),
];
