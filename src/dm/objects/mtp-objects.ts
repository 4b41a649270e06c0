/**
 * What one MTP adds to the Device:2 schema (D14): its value of the Protocol enumerations
 * (Device.LocalAgent.MTP.{i}.Protocol, Controller.{i}.MTP.{i}.Protocol and
 * LocalAgent.SupportedProtocols), its sub-object of each MTP table, and any object of its
 * own directly under Device. (Device.MQTT.). A schema declares exactly the MTPs of the
 * build that runs it (device-schema.ts), so a Controller's Set or Add naming a protocol
 * the agent lacks fails with 7012 ("… is not one of CoAP") instead of creating an MTP row
 * that never runs, and a build without MQTT or WebSocket carries none of their objects.
 *
 * The CoAP part is here (every build runs CoAP); MQTT's is in mqtt.ts, WebSocket's in
 * websocket.ts.
 */
import { object, param, T, W } from '../schema-table.ts';
import type { ObjectNode } from '../schema.ts';

export interface MtpObjects {
  /** The TR-181 Protocol enumeration value ("CoAP", "MQTT", "WebSocket"). */
  readonly protocol: string;
  /** Device.LocalAgent.MTP.{i}.<protocol>. */
  readonly localMtp: () => ObjectNode;
  /** Device.LocalAgent.Controller.{i}.MTP.{i}.<protocol>. */
  readonly controllerMtp: () => ObjectNode;
  /** Objects of the MTP directly under Device. (Device.MQTT.). */
  readonly device?: () => ObjectNode;
}

const IP_INTERFACE = 'Device.IP.Interface.{i}.';

/** Device.LocalAgent.MTP.{i}.CoAP. (tr-181-2-localagent.xml, TR-181 2.16 per D2). */
function localMtpCoapObject(): ObjectNode {
  return object('CoAP', [
    param('Interfaces', T.String, W, { list: true, ref: { strong: true, targetParent: IP_INTERFACE } }),
    param('Port', T.UnsignedInt, W, { min: '1', max: '65535', def: '5683' }),
    param('Path', T.String, W),
    param('EnableEncryption', T.Boolean, W, { def: 'true' }),
  ]);
}

/** Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP. */
function controllerMtpCoapObject(): ObjectNode {
  return object('CoAP', [
    param('Host', T.String, W, { maxLength: 256 }),
    param('Port', T.UnsignedInt, W, { min: '1', max: '65535', def: '5683' }),
    param('Path', T.String, W),
    param('EnableEncryption', T.Boolean, W, { def: 'true' }),
  ]);
}

/** CoAP (and CoAP over DTLS: EnableEncryption), which every build runs. */
export const COAP_OBJECTS: MtpObjects = { protocol: 'CoAP', localMtp: localMtpCoapObject, controllerMtp: controllerMtpCoapObject };

/** The Protocol enumeration of a schema declaring `mtps`. */
export function protocolsOf(mtps: readonly MtpObjects[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < mtps.length; i++) out.push(mtps[i]!.protocol);
  return out;
}
