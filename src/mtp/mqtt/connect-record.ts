/**
 * The two Records this MTP sends on its own: the MQTTConnectRecord after connecting
 * (Record field 10, R-MTP.6, R-MTP.8) and the DisconnectRecord before leaving
 * (field 12, R-MTP.7, R-MTP.9). Encoded with the pbf-generated `writeRecord`; this file
 * is the only place the binding encodes Records, so it can move to the zero-allocation
 * Record writer later without touching the binding.
 */
import { PbfWriter } from 'pbf';
import { MQTTConnectRecordMQTTVersion, writeRecord } from '../../usp/generated/usp-record.js';
import { MqttVersion } from '../../mqtt/types.ts';

export interface RecordAddress {
  /** USP Record version, e.g. "1.3". */
  readonly version: string;
  readonly toId: string;
  readonly fromId: string;
}

/** MQTTConnectRecord: the MQTT version in use and the topic this Agent receives on. */
export function encodeMqttConnectRecord(address: RecordAddress, mqttVersion: MqttVersion, subscribedTopic: string): Uint8Array {
  const pbf = new PbfWriter();
  writeRecord({
    version: address.version, to_id: address.toId, from_id: address.fromId,
    mqtt_connect: {
      version: mqttVersion === MqttVersion.V5 ? MQTTConnectRecordMQTTVersion.V5 : MQTTConnectRecordMQTTVersion.V3_1_1,
      subscribed_topic: subscribedTopic,
    },
  }, pbf);
  return pbf.finish();
}

/** DisconnectRecord; `reasonCode` is from the USP Record error table (R-MTP.9), 0 = none. */
export function encodeDisconnectRecord(address: RecordAddress, reasonCode: number, reason: string): Uint8Array {
  const pbf = new PbfWriter();
  writeRecord({
    version: address.version, to_id: address.toId, from_id: address.fromId,
    disconnect: { reason_code: reasonCode, reason },
  }, pbf);
  return pbf.finish();
}
