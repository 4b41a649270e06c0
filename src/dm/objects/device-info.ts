/**
 * Device.DeviceInfo. (tr-181-2-deviceinfo.xml; FriendlyName from tr-181-2-usp.xml),
 * AGENT-REQUIREMENTS §2.1. Identity comes from the board description through getters;
 * UpTime from the `now` the composition root supplies (VALUE_CHANGE_WILL_IGNORE, §4 item 9).
 * The firmware images (FirmwareImage.{i}. and the parameters naming them) are declared
 * in firmware-objects.ts, for a build with firmware slots (D14).
 */
import { upTimeSeconds } from '../context.ts';
import { object, param, R, T, W } from '../schema-table.ts';
import type { DeviceContext, ObjectNode } from '../schema.ts';
import type { FirmwareObjects } from './firmware-objects.ts';

function manufacturer(ctx: DeviceContext): string { return ctx.board.identity.manufacturer; }
function manufacturerOui(ctx: DeviceContext): string { return ctx.board.identity.manufacturerOUI; }
function modelName(ctx: DeviceContext): string { return ctx.board.identity.modelName; }
function description(ctx: DeviceContext): string { return ctx.board.identity.description; }
function productClass(ctx: DeviceContext): string { return ctx.board.identity.productClass; }
function serialNumber(ctx: DeviceContext): string { return ctx.serialNumber; }
function hardwareVersion(ctx: DeviceContext): string { return ctx.board.identity.hardwareVersion; }
/** Shared with LocalAgent.SoftwareVersion and LocalAgent.UpTime (local-agent.ts): one getter each. */
export function softwareVersion(ctx: DeviceContext): string { return ctx.softwareVersion; }
export function upTime(ctx: DeviceContext): string { return String(upTimeSeconds(ctx)); }

/** Device.DeviceInfo.; the firmware images' parameters and table with `firmware` (D14). */
export function deviceInfoObject(firmware: FirmwareObjects | null): ObjectNode {
  return object('DeviceInfo', [
    param('DeviceCategory', T.String, R, { list: true }),
    param('Manufacturer', T.String, R, { maxLength: 64, get: manufacturer }),
    param('ManufacturerOUI', T.String, R, { minLength: 6, maxLength: 6, patterns: ['[0-9A-F]{6}'], get: manufacturerOui }),
    param('ModelName', T.String, R, { maxLength: 64, get: modelName }),
    param('Description', T.String, R, { maxLength: 256, get: description }),
    param('ProductClass', T.String, R, { maxLength: 64, get: productClass }),
    param('SerialNumber', T.String, R, { maxLength: 64, get: serialNumber }),
    param('HardwareVersion', T.String, R, { maxLength: 64, get: hardwareVersion }),
    param('SoftwareVersion', T.String, R, { maxLength: 64, get: softwareVersion }),
    firmware === null ? [] : firmware.imageRefs(),
    param('ProvisioningCode', T.String, W, { maxLength: 64 }),
    param('UpTime', T.UnsignedInt, R, { get: upTime, ignoreChange: true }),
    param('FirstUseDate', T.DateTime, R),
    param('FriendlyName', T.String, W, { maxLength: 32 }),
    firmware === null ? [] : firmware.images(),
  ]);
}
