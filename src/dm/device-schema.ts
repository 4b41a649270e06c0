/**
 * The Device:2 schema this agent exposes (AGENT-REQUIREMENTS §2, D2): Device.,
 * DeviceInfo., Time., LocalAgent., the objects of the MTPs the build runs, plus whatever
 * a board adds (e.g. IoTCapability.{i}., declared with object/table/param from
 * schema-table.ts and passed as `extra`).
 *
 * Which MTPs a schema declares is a build-time choice (D14): the host agent (Node,
 * xsnap), Espruino and the Moddable `full` build declare EVERY_MTP with createDeviceSchema;
 * the Moddable `coaps` build declares COAP_MTPS (no Device.MQTT., no MQTT or WebSocket
 * sub-objects, Protocol enumerations "CoAP" only) with buildDeviceSchema, so its core
 * links none of the other MTPs' declarations.
 */
import { deviceInfoObject } from './objects/device-info.ts';
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

/**
 * Builds and freezes the schema of an agent running `mtps`; `extra` objects (and their
 * …NumberOfEntries params) go directly under Device. (after the standard ones).
 */
export function buildDeviceSchema(mtps: readonly MtpObjects[], extra: readonly (ObjectNode | ParamNode)[] = []): Schema {
  const children: (ObjectNode | ParamNode)[] = [deviceInfoObject(), timeObject(), localAgentObject(mtps)];
  for (let i = 0; i < mtps.length; i++) {
    const own = mtps[i]!.device;
    if (own !== undefined) children.push(own());
  }
  for (let i = 0; i < extra.length; i++) children.push(extra[i]!);
  return buildSchema(deviceObject(children), DATA_MODEL_URI);
}

/** The schema with every MTP (EVERY_MTP): the host agent's and the Moddable full build's. */
export function createDeviceSchema(extra: readonly (ObjectNode | ParamNode)[] = []): Schema {
  return buildDeviceSchema(EVERY_MTP, extra);
}
