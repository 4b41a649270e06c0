/**
 * The MQTT MTP's data model (TR-369 "MQTT Binding", R-MQTT.8/9/15/21/34): the MQTT
 * client itself, Device.MQTT.Client.{i}. (TR-181 2.16 MQTT:2 profile as obuspa exposes
 * it; not in the bundled XML subset), plus the MQTT sub-objects of the agent's own MTP
 * table (Device.LocalAgent.MTP.{i}.MQTT.) and of each Controller's MTP table
 * (Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT.) from tr-181-2-localagent.xml.
 *
 * Status, ResponseInformation and ResponseTopicDiscovered are volatile: they describe
 * the connection in progress and are rebuilt at every start. Password is hidden (reads
 * as "", TR-181 "hidden").
 */
import { alias, entries, object, param, R, T, table, W } from '../schema-table.ts';
import { ObjAccess, type ObjectNode } from '../schema.ts';
import type { MtpObjects } from './mtp-objects.ts';

export const MQTT_CLIENT = 'Device.MQTT.Client.{i}.';
const LOCAL_MTP = 'Device.LocalAgent.MTP.{i}.';

/** TR-181 MQTT.Client.{i}.Status. */
export const MQTT_CLIENT_STATUS = ['Connecting', 'Connected', 'Error_Misconfigured', 'Error_BrokerUnreachable', 'Error', 'Disabled'] as const;

function subscriptionTable(): ObjectNode {
  return table('Subscription', { access: ObjAccess.AddDelete, keys: [['Topic'], ['~Alias']], maxEntries: 8 }, [
    alias(),
    param('Enable', T.Boolean, W),
    param('Status', T.String, R, { enumeration: ['Unsubscribed', 'Subscribed', 'Subscribing', 'Unsubscribing', 'Error'], def: 'Unsubscribed', volatile: true }),
    param('Topic', T.String, W, { maxLength: 65535 }),
    param('QoS', T.UnsignedInt, W, { min: '0', max: '2', def: '0' }),
  ]);
}

function clientTable(): ObjectNode {
  return table('Client', { access: ObjAccess.AddDelete, keys: [['Name'], ['~Alias']], maxEntries: 2 }, [
    alias(),
    param('Name', T.String, W, { maxLength: 64 }),
    param('Enable', T.Boolean, W),
    param('Status', T.String, R, { enumeration: MQTT_CLIENT_STATUS, def: 'Disabled', volatile: true }),
    param('ProtocolVersion', T.String, W, { enumeration: ['3.1', '3.1.1', '5.0'], def: '5.0' }),
    param('BrokerAddress', T.String, W, { maxLength: 256 }),
    param('BrokerPort', T.UnsignedInt, W, { min: '1', max: '65535', def: '1883' }),
    param('TransportProtocol', T.String, W, { enumeration: ['TCP/IP', 'TLS'], def: 'TCP/IP' }),
    param('ClientID', T.String, W, { maxLength: 65535 }),
    param('Username', T.String, W, { maxLength: 256 }),
    param('Password', T.String, W, { maxLength: 256, hidden: true }),
    param('KeepAliveTime', T.UnsignedInt, W, { min: '0', max: '65535', def: '60' }),
    param('CleanSession', T.Boolean, W, { def: 'true' }),
    param('CleanStart', T.Boolean, W, { def: 'true' }),
    param('SessionExpiryInterval', T.UnsignedInt, W, { def: '0' }),
    param('RequestResponseInfo', T.Boolean, W, { def: 'true' }),
    param('RequestProblemInfo', T.Boolean, W, { def: 'false' }),
    param('ResponseInformation', T.String, R, { maxLength: 65535, volatile: true }),
    param('ConnectRetryTime', T.UnsignedInt, W, { min: '1', max: '65535', def: '5' }),
    param('ConnectRetryIntervalMultiplier', T.UnsignedInt, W, { min: '1000', max: '65535', def: '2000' }),
    param('ConnectRetryMaxInterval', T.UnsignedInt, W, { min: '1', def: '30720' }),
    entries('Subscription'),
    subscriptionTable(),
  ]);
}

/** Device.MQTT. (declared by a schema with MQTT_OBJECTS). */
export function mqttObject(): ObjectNode {
  return object('MQTT', [entries('Client'), clientTable()]);
}

/** Device.LocalAgent.MTP.{i}.MQTT. (tr-181-2-localagent.xml, 2.13). */
export function localMtpMqttObject(): ObjectNode {
  return object('MQTT', [
    param('Reference', T.String, W, { ref: { strong: true, targetParent: MQTT_CLIENT } }),
    param('ResponseTopicConfigured', T.String, W, { maxLength: 65535 }),
    param('ResponseTopicDiscovered', T.String, R, { maxLength: 65535, volatile: true }),
    param('PublishQoS', T.UnsignedInt, W, { min: '0', max: '2', def: '1' }),
  ]);
}

/** Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT. (tr-181-2-localagent.xml, 2.13/2.16). */
export function controllerMtpMqttObject(): ObjectNode {
  return object('MQTT', [
    param('Topic', T.String, W, { maxLength: 65535 }),
    param('PublishRetainResponse', T.Boolean, W, { def: 'false' }),
    param('PublishRetainNotify', T.Boolean, W, { def: 'false' }),
    param('AgentMTPReference', T.String, W, { ref: { strong: true, targetParent: LOCAL_MTP } }),
  ]);
}

/** The MQTT MTP's part of the schema (mtp-objects.ts): Device.MQTT. and both MTP sub-objects. */
export const MQTT_OBJECTS: MtpObjects = {
  protocol: 'MQTT', localMtp: localMtpMqttObject, controllerMtp: controllerMtpMqttObject, device: mqttObject,
};
