/**
 * Public surface of the data-model layer (dm/): the frozen Device:2 schema, the path
 * grammar, the instantiated model with transactions, change listeners, command
 * hooks and persistence. See README-API.md for how the message processor uses it.
 */
export { DmError } from './errors.ts';
export {
  ParamType, ParamAccess, ObjAccess, ValueChange, NodeKind, supportedParamAccess, named,
  type Schema, type ObjectNode, type ParamNode, type CommandNode, type EventNode, type UniqueKey,
  type ReferenceSpec, type DeviceContext, type ParamGetter, type ParamSetter,
} from './schema.ts';
export {
  object, table, param, entries, alias, command, event, buildSchema, deepFreeze, T, R, W, WO, type ParamOptions, type ObjectOptions,
} from './schema-table.ts';
export { ObjectInstance, Table, forEachInstance } from './instances.ts';
export {
  PathKind, SegmentKind, SearchOp,
  type ParsedPath, type PathSegment, type SearchTerm, type RelativeStep, type RefFollow, type ResolvedPath, type SupportedPath,
} from './path-types.ts';
export { parsePath } from './path-parser.ts';
export { checkValue, compareValues, canonicalValue, formatDateTime, parseDateTime, splitList, typeName, UNKNOWN_TIME } from './types/value.ts';
export {
  WriteMode,
  type Transaction, type WriteFailure, type ChangeListener, type CommandHandler, type CommandInvocation,
  type CommandOutcome, type CommandInputCheck, type FactoryDefault, type FactoryRow, type DataModelOptions, type DataModelApi,
} from './model-types.ts';
export { createDataModel, DataModel } from './model.ts';
export {
  buildDeviceSchema, createDeviceSchema, COAP_MTPS, COAPS_SCHEMA, DATA_MODEL_URI, EVERY_MTP, FULL_SCHEMA, ROOT_DATA_MODEL_VERSION, type SchemaProfile,
} from './device-schema.ts';
export type { MtpObjects } from './objects/mtp-objects.ts';
export type { FirmwareObjects } from './objects/firmware-objects.ts';
export { createFactoryDefault, FULL_ACCESS_ROLE, UNTRUSTED_ROLE, type FactoryOptions } from './factory-default.ts';
export { MAX_SUBSCRIPTIONS } from './objects/local-agent.ts';
export { STORE_KEY } from './persistence.ts';
export { createDeviceContext, upTimeSeconds } from './context.ts';
export {
  iotCapabilityObjects, iotCapabilityDefaults, createIoTDeviceContext, IOT_TABLE, IOT_CLASSES, IOT_IMPLEMENTED,
  type IoTDeviceContext, type IoTState,
} from './objects/iot-capability.ts';
export { attachIoTCapabilities } from './objects/iot-capability-io.ts';
