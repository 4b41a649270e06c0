/**
 * `tinyusp/schemas`: the Device:2 schema of every board (default model plus the board's
 * Device.IoTCapability.{i}.), built when manifest.json preloads this module, so the
 * ~3400 XS slots a schema takes (xs-budget bench) sit in flash instead of the heap.
 * Schemas are deep-frozen and hold no per-device state (getters read the DeviceContext),
 * which is what makes them preloadable (DESIGN.md "Static, compact data model").
 */
import { BOARDS } from 'tinyusp/boards';
import { createDeviceSchema, iotCapabilityObjects, type Schema } from 'tinyusp/core';

const SCHEMAS: readonly (readonly [string, Schema])[] = BOARDS.map((b) => [b.name, createDeviceSchema(iotCapabilityObjects(b))] as const);

/** The preloaded schema of board `name`, or undefined (the agent then builds one in RAM). */
export function schemaFor(name: string): Schema | undefined {
  for (const [n, s] of SCHEMAS) if (n === name) return s;
  return undefined;
}
