/**
 * The Device:2 schema this agent exposes (AGENT-REQUIREMENTS §2, D2): Device.,
 * DeviceInfo., Time., LocalAgent., the objects of the MTPs the build runs, plus whatever
 * a board adds (e.g. IoTCapability.{i}., declared with object/table/param from
 * schema-table.ts and passed as `extra`).
 *
 * What a schema declares beyond that is a build-time choice (D14), a SchemaProfile: its
 * MTPs and whether it has firmware images. The host agent (Node, xsnap), Espruino and the
 * Moddable `full` build declare FULL_SCHEMA (every MTP, firmware) with createDeviceSchema;
 * the Moddable `coaps` build declares COAPS_SCHEMA (CoAP alone: no Device.MQTT., no MQTT
 * or WebSocket sub-objects, Protocol enumerations "CoAP"; no firmware images) with
 * buildDeviceSchema, so its core links none of the other declarations.
 */
import { deviceInfoObject } from './objects/device-info.ts';
import { FIRMWARE_OBJECTS, type FirmwareObjects } from './objects/firmware-objects.ts';
import { localAgentObject } from './objects/local-agent.ts';
import { COAP_OBJECTS, type MtpObjects } from './objects/mtp-objects.ts';
import { MQTT_OBJECTS } from './objects/mqtt.ts';
import { deviceObject } from './objects/root.ts';
import { timeObject } from './objects/time.ts';
import { WEBSOCKET_OBJECTS } from './objects/websocket.ts';
import { buildSchema } from './schema-table.ts';
import type { ObjectNode, ParamNode, Schema } from './schema.ts';

export { ROOT_DATA_MODEL_VERSION } from './objects/root.ts';

/** GetSupportedDM data_model_inst_uri (D2). */
export const DATA_MODEL_URI = 'urn:broadband-forum-org:tr-181-2-16-0';

/** Every MTP this project implements, in the order their sub-objects appear. */
export const EVERY_MTP: readonly MtpObjects[] = [COAP_OBJECTS, MQTT_OBJECTS, WEBSOCKET_OBJECTS];
/** CoAP (with CoAP over DTLS) alone: the Moddable coaps build. */
export const COAP_MTPS: readonly MtpObjects[] = [COAP_OBJECTS];

/** What a build runs, as far as its schema is concerned. */
export interface SchemaProfile {
  /** The MTPs whose objects and Protocol values the schema declares (objects/mtp-objects.ts). */
  readonly mtps: readonly MtpObjects[];
  /** The firmware images, Download()/Activate() and TransferComplete! (objects/firmware-objects.ts), or null. */
  readonly firmware: FirmwareObjects | null;
}

/** Every MTP and the firmware images: the host agent, Espruino, the Moddable full build. */
export const FULL_SCHEMA: SchemaProfile = { mtps: EVERY_MTP, firmware: FIRMWARE_OBJECTS };
/** CoAP alone and no firmware images: the Moddable coaps build. */
export const COAPS_SCHEMA: SchemaProfile = { mtps: COAP_MTPS, firmware: null };

/**
 * Builds and freezes the schema of a build running what `profile` says; `extra` objects
 * (and their …NumberOfEntries params) go directly under Device. (after the standard ones).
 */
export function buildDeviceSchema(profile: SchemaProfile, extra: readonly (ObjectNode | ParamNode)[] = []): Schema {
  const mtps = profile.mtps;
  const children: (ObjectNode | ParamNode)[] = [deviceInfoObject(profile.firmware), timeObject(), localAgentObject(mtps, profile.firmware)];
  for (let i = 0; i < mtps.length; i++) {
    const own = mtps[i]!.device;
    if (own !== undefined) children.push(own());
  }
  for (let i = 0; i < extra.length; i++) children.push(extra[i]!);
  return buildSchema(deviceObject(children), DATA_MODEL_URI);
}

/** The schema with every MTP and the firmware images (FULL_SCHEMA): the host agent's and the Moddable full build's. */
export function createDeviceSchema(extra: readonly (ObjectNode | ParamNode)[] = []): Schema {
  return buildDeviceSchema(FULL_SCHEMA, extra);
}
