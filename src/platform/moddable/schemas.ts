/**
 * `tinyusp/schemas`: the Device:2 schema of the board this app is built for (default
 * model with the MTPs and firmware images of the build, D14, plus the board's
 * Device.IoTCapability.{i}.), built when manifest.json preloads this module, so the ~4 000 XS slots a schema takes (xs-budget bench) sit in flash
 * instead of the heap. Only the configured board's (`board=` on the mcconfig line, as
 * main reads it): a schema per board in the table cost ~4 000 preloaded slots each
 * (≈ 63 KiB of flash per board, docs/budgets.md).
 * Schemas are deep-frozen and hold no per-device state (getters read the DeviceContext),
 * which is what makes them preloadable (DESIGN.md "Static, compact data model").
 */
import config from 'mc/config';
import { findBoard } from 'tinyusp/boards';
import { BUILD_SCHEMA, buildDeviceSchema, iotCapabilityObjects, type Schema } from 'tinyusp/core';

const BOARD = config.board ?? 'sim';
const described = findBoard(BOARD);
// BUILD_SCHEMA comes from the core the manifest links: every MTP and firmware (full), CoAP alone (coaps).
const SCHEMA: Schema | undefined = described === undefined ? undefined : buildDeviceSchema(BUILD_SCHEMA, iotCapabilityObjects(described));

/** The preloaded schema of board `name`, or undefined (the agent then builds one in RAM). */
export function schemaFor(name: string): Schema | undefined {
  return name === BOARD ? SCHEMA : undefined;
}
