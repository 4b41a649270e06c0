/**
 * The MQTT MTP in the data model (TR-369 "MQTT Binding"; TR-181 Device.MQTT.Client.{i}.,
 * LocalAgent.MTP.{i}.MQTT., LocalAgent.Controller.{i}.MTP.{i}.MQTT.).
 *
 * provisionMqtt: the broker given on the command line becomes MQTT.Client.{i} (found by
 * Name "tinyusp", else added) with one enabled Subscription to the agent's topic and a
 * LocalAgent.MTP.{i} row (Protocol MQTT) whose Reference points at the client and whose
 * ResponseTopicConfigured is the same topic (R-MQTT.15/21). It runs at every start with the
 * options as factory defaults (../option-defaults.ts): changed options replace what they
 * stored before, a value a Controller changed (Username, Password…) stays; rows the
 * Controllers added are left alone.
 *
 * provisionMqttControllers: `--controller <eid>=mqtt:<topic>` → Controller.{i} with Full
 * Access and an enabled MTP row (Protocol MQTT, MQTT.Topic, AgentMTPReference).
 *
 * readMqttConfig: the UspMqttConfig the binding runs with, read back from the model (so
 * a Controller's Set of KeepAliveTime, Topic… applies at the next start).
 */
import { WriteMode, type DataModelApi, type ObjectInstance, type Transaction } from '../../dm/index.ts';
import { FULL_ACCESS_ROLE } from '../../dm/factory-default.ts';
import { MqttVersion } from '../../mqtt/index.ts';
import type { MqttControllerConfig, UspMqttConfig } from './binding.ts';
import type { SubscriptionFields } from '../../mqtt/packets.ts';
import { utf8Bytes } from '../../encoding/utf8.ts';
import { CONTROLLER_TABLE, controllerMtpProtocol, findController, read } from '../controller-rows.ts';
import { OptionDefaults } from '../option-defaults.ts';

export { controllerMtpProtocol, read };

export const MQTT_CLIENT_TABLE = 'Device.MQTT.Client.';
const LOCAL_MTP_TABLE = 'Device.LocalAgent.MTP.';
/** Name of the Client row this host agent owns. */
export const MQTT_CLIENT_NAME = 'tinyusp';

export interface MqttBrokerSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username: string;
  readonly password: string;
  readonly version: MqttVersion;
  /** The agent's topic: its Subscription and ResponseTopicConfigured. */
  readonly topic: string;
}

/** Where the provisioned rows are (instance paths with numbers). */
export interface MqttRows {
  readonly client: ObjectInstance;
  readonly mtp: ObjectInstance;
}

function rowWhere(model: DataModelApi, path: string, name: string, value: string): ObjectInstance | undefined {
  const table = model.tableAt(path);
  if (table === undefined) return undefined;
  for (const row of table.rows) if (read(model, row, name) === value) return row;
  return undefined;
}

function addRow(tx: Transaction, model: DataModelApi, path: string): ObjectInstance | null {
  const table = model.tableAt(path);
  return table === undefined ? null : tx.add(table, WriteMode.Agent);
}

/** The LocalAgent.MTP row of our MQTT client, or undefined. */
export function mqttMtpRow(model: DataModelApi, clientPath: string): ObjectInstance | undefined {
  const table = model.tableAt(LOCAL_MTP_TABLE);
  for (const m of table === undefined ? [] : table.rows) {
    const mqtt = m.child('MQTT');
    if (read(model, m, 'Protocol') === 'MQTT' && mqtt !== undefined && read(model, mqtt, 'Reference') === clientPath.slice(0, -1)) return m;
  }
  return undefined;
}

/** Returns the rows, or why provisioning failed (nothing is committed then). */
export function provisionMqtt(model: DataModelApi, b: MqttBrokerSettings, defaults = new OptionDefaults()): MqttRows | string {
  const tx = model.begin();
  const fail = (why: string): string => { tx.rollback(); return why; };
  const client = rowWhere(model, MQTT_CLIENT_TABLE, 'Name', MQTT_CLIENT_NAME) ?? addRow(tx, model, MQTT_CLIENT_TABLE);
  if (client === null) return fail(`cannot add an MQTT Client row: ${tx.message}`);
  let why = defaults.apply(tx, client, [
    ['Name', MQTT_CLIENT_NAME], ['Enable', 'true'], ['BrokerAddress', b.host], ['BrokerPort', String(b.port)],
    ['TransportProtocol', b.tls ? 'TLS' : 'TCP/IP'], ['ProtocolVersion', b.version === MqttVersion.V5 ? '5.0' : '3.1.1'],
    ['Username', b.username], ['Password', b.password],
  ]);
  if (why !== '') return fail(why);
  const subs = client.table('Subscription');
  if (subs === undefined) return fail(`${client.path} has no Subscription table`);
  let sub: ObjectInstance | null = null;
  for (const s of subs.rows) if (read(model, s, 'Topic') === b.topic) sub = s;
  sub ??= tx.add(subs, WriteMode.Agent);
  if (sub === null) return fail(`cannot add ${subs.path} row: ${tx.message}`);
  why = defaults.apply(tx, sub, [['Enable', 'true'], ['Topic', b.topic], ['QoS', '1']]);
  if (why !== '') return fail(why);
  const mtp = mqttMtpRow(model, client.path) ?? addRow(tx, model, LOCAL_MTP_TABLE);
  if (mtp === null) return fail(`cannot add a LocalAgent.MTP row: ${tx.message}`);
  why = defaults.apply(tx, mtp, [['Enable', 'true'], ['Protocol', 'MQTT']]);
  if (why === '') {
    why = defaults.apply(tx, mtp.child('MQTT')!, [
      ['Reference', client.path.slice(0, -1)], ['ResponseTopicConfigured', b.topic], ['PublishQoS', '1'],
    ]);
  }
  if (why === '') why = defaults.apply(tx, model.instanceAt('Device.LocalAgent.')!, [['SupportedProtocols', 'CoAP,MQTT']]);
  if (why !== '') return fail(why);
  const err = tx.commit();
  if (err !== 0) return fail(`MQTT provisioning failed (${err}): ${tx.message}`);
  return { client, mtp };
}

/**
 * Started without --mqtt: a Client row left by an earlier run is disabled with its
 * LocalAgent.MTP row, and SupportedProtocols says CoAP only. Returns "" or why.
 */
export function disableMqtt(model: DataModelApi, defaults = new OptionDefaults()): string {
  const client = rowWhere(model, MQTT_CLIENT_TABLE, 'Name', MQTT_CLIENT_NAME);
  const agent = model.instanceAt('Device.LocalAgent.')!;
  if (client === undefined && read(model, agent, 'SupportedProtocols') === 'CoAP') return '';
  const tx = model.begin();
  let why = defaults.apply(tx, agent, [['SupportedProtocols', 'CoAP']]);
  const mtp = client === undefined ? undefined : mqttMtpRow(model, client.path);
  if (why === '' && client !== undefined) why = defaults.apply(tx, client, [['Enable', 'false'], ['Status', 'Disabled']]);
  if (why === '' && mtp !== undefined) why = defaults.apply(tx, mtp, [['Enable', 'false'], ['Status', 'Down']]);
  if (why !== '' || tx.commit() !== 0) { tx.rollback(); return why !== '' ? why : tx.message; }
  return '';
}

/** Returns "" or why (nothing is committed then). `mtp` is our LocalAgent.MTP row. */
export function provisionMqttControllers(
  model: DataModelApi, controllers: readonly MqttControllerConfig[], mtp: ObjectInstance, defaults = new OptionDefaults(),
): string {
  if (controllers.length === 0) return '';
  const table = model.tableAt(CONTROLLER_TABLE);
  if (table === undefined) return 'the data model has no Controller table';
  const tx = model.begin();
  const fail = (why: string): string => { tx.rollback(); return why; };
  for (const c of controllers) {
    const row = findController(model, c.endpointId) ?? tx.add(table, WriteMode.Agent);
    if (row === null) return fail(`cannot add a Controller row: ${tx.message}`);
    let why = defaults.apply(tx, row, [['EndpointID', c.endpointId], ['Enable', 'true']]);
    if (why === '' && read(model, row, 'AssignedRole') === '') why = defaults.apply(tx, row, [['AssignedRole', FULL_ACCESS_ROLE]]);
    const mtps = row.table('MTP');
    if (why === '' && mtps === undefined) why = `${row.path} has no MTP table`;
    if (why !== '' || mtps === undefined) return fail(why);
    let m: ObjectInstance | null = null;
    for (const r of mtps.rows) if (read(model, r, 'Protocol') === 'MQTT') m = r;
    m ??= tx.add(mtps, WriteMode.Agent);
    if (m === null) return fail(`cannot add ${mtps.path} row: ${tx.message}`);
    why = defaults.apply(tx, m, [['Enable', 'true'], ['Protocol', 'MQTT']]);
    if (why === '') why = defaults.apply(tx, m.child('MQTT')!, [['Topic', c.topic], ['AgentMTPReference', mtp.path.slice(0, -1)]]);
    if (why !== '') return fail(why);
  }
  const err = tx.commit();
  if (err !== 0) return fail(`provisioning failed (${err}): ${tx.message}`);
  return '';
}

/** The Controller's enabled MQTT MTP: Topic and retain flags, or null. */
export function controllerMqtt(model: DataModelApi, endpointId: string): { topic: string; retainResponse: boolean; retainNotify: boolean } | null {
  const mtps = findController(model, endpointId)?.table('MTP');
  for (const m of mtps === undefined ? [] : mtps.rows) {
    const mqtt = m.child('MQTT');
    if (read(model, m, 'Enable') !== 'true' || read(model, m, 'Protocol') !== 'MQTT' || mqtt === undefined) continue;
    const topic = read(model, mqtt, 'Topic');
    if (topic === '') continue;
    return { topic, retainResponse: read(model, mqtt, 'PublishRetainResponse') === 'true', retainNotify: read(model, mqtt, 'PublishRetainNotify') === 'true' };
  }
  return null;
}

function num(model: DataModelApi, inst: ObjectInstance, name: string): number {
  return Number(read(model, inst, name)) || 0;
}

/** The enabled MQTT.Client.{i}.Subscription.{i} rows (R-MQTT.15). */
export function readSubscriptions(model: DataModelApi, client: ObjectInstance): SubscriptionFields[] {
  const subscriptions: SubscriptionFields[] = [];
  for (const s of client.table('Subscription')?.rows ?? []) {
    if (read(model, s, 'Enable') !== 'true' || read(model, s, 'Topic') === '') continue;
    subscriptions.push({ topicFilter: read(model, s, 'Topic'), qos: num(model, s, 'QoS') >= 1 ? 1 : 0 });
  }
  return subscriptions;
}

/** Room for the PUBLISH fixed header, the topic and the 5.0 properties around a Record. */
export const MQTT_PACKET_OVERHEAD_BYTES = 1024;

/**
 * The binding configuration of Client row `client` and its MTP row (random: the
 * platform's). `maxRecordBytes` (the agent's bound, 64 KiB on the host, 16 KiB on a
 * Class 2 device) sizes the client's receive buffer: Maximum Packet Size = it + the
 * PUBLISH overhead (5.0 §3.1.2.11.4; a larger packet closes the connection, §4.13).
 */
export function readMqttConfig(model: DataModelApi, endpointId: string, rows: MqttRows, random: () => number, maxRecordBytes = 65536): UspMqttConfig {
  const { client, mtp } = rows;
  const v5 = read(model, client, 'ProtocolVersion') === '5.0';
  const subscriptions = readSubscriptions(model, client);
  const controllers: MqttControllerConfig[] = [];
  for (const c of model.tableAt(CONTROLLER_TABLE)?.rows ?? []) {
    if (read(model, c, 'Enable') !== 'true') continue;
    const eid = read(model, c, 'EndpointID');
    const m = controllerMqtt(model, eid);
    if (m !== null) controllers.push({ endpointId: eid, topic: m.topic });
  }
  const mqtt = mtp.child('MQTT');
  const configured = mqtt === undefined ? '' : read(model, mqtt, 'ResponseTopicConfigured');
  const username = read(model, client, 'Username');
  return {
    endpointId, subscriptions, controllers,
    responseTopicConfigured: configured === '' ? undefined : configured,
    publishQoS: mqtt !== undefined && num(model, mqtt, 'PublishQoS') === 0 ? 0 : 1,
    client: {
      version: v5 ? MqttVersion.V5 : MqttVersion.V3_1_1,
      clientId: read(model, client, 'ClientID'),
      username: username === '' ? undefined : username,
      password: storedSecret(client, 'Password'),
      keepAliveS: num(model, client, 'KeepAliveTime'),
      cleanStart: read(model, client, v5 ? 'CleanStart' : 'CleanSession') !== 'false',
      sessionExpiryIntervalS: v5 ? num(model, client, 'SessionExpiryInterval') : undefined,
      requestResponseInformation: v5 ? read(model, client, 'RequestResponseInfo') !== 'false' : undefined,
      maximumPacketSize: maxRecordBytes + MQTT_PACKET_OVERHEAD_BYTES,
      retry: {
        connectRetryTimeS: num(model, client, 'ConnectRetryTime') || 5,
        connectRetryIntervalMultiplier: num(model, client, 'ConnectRetryIntervalMultiplier') || 2000,
        connectRetryMaxIntervalS: num(model, client, 'ConnectRetryMaxInterval') || 30720,
      },
      random,
    },
  };
}

/** Password is hidden (model.read gives ""): the value stored in the instance. */
function storedSecret(inst: ObjectInstance, name: string): Uint8Array | undefined {
  const v = inst.stored(name) ?? '';
  return v === '' ? undefined : utf8Bytes(v);
}
