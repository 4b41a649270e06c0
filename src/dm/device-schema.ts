/**
 * The Device:2 schema this agent exposes (AGENT-REQUIREMENTS §2, D2): Device.,
 * DeviceInfo., Time., LocalAgent. plus whatever a board adds (e.g. IoTCapability.{i}.,
 * declared with object/table/param from schema-table.ts and passed as `extra`).
 */
import { deviceInfoObject } from './objects/device-info.ts';
import { localAgentObject } from './objects/local-agent.ts';
import { mqttObject } from './objects/mqtt.ts';
import { deviceObject } from './objects/root.ts';
import { timeObject } from './objects/time.ts';
import { buildSchema } from './schema-table.ts';
import type { ObjectNode, ParamNode, Schema } from './schema.ts';

export { ROOT_DATA_MODEL_VERSION } from './objects/root.ts';

/** GetSupportedDM data_model_inst_uri (D2). */
export const DATA_MODEL_URI = 'urn:broadband-forum-org:tr-181-2-16-0';

/**
 * Builds and freezes the schema; `extra` objects (and their …NumberOfEntries params) go
 * directly under Device. (after the standard ones).
 */
export function createDeviceSchema(extra: readonly (ObjectNode | ParamNode)[] = []): Schema {
  return buildSchema(deviceObject([deviceInfoObject(), timeObject(), localAgentObject(), mqttObject(), ...extra]), DATA_MODEL_URI);
}
