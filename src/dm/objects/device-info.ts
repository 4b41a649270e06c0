/**
 * Device.DeviceInfo. (tr-181-2-deviceinfo.xml; FriendlyName from tr-181-2-usp.xml),
 * AGENT-REQUIREMENTS §2.1. Identity comes from the board description through getters;
 * UpTime from the `now` the composition root supplies (VALUE_CHANGE_WILL_IGNORE, §4 item 9).
 * FirmwareImage.{i}. (Firmware:1 profile, tr-181-2-usp.xml Download()/Activate()) is a
 * read-only table the firmware layer (src/firmware/) fills with one row per slot (Agent
 * writes); Activate()'s TimeWindow.{i}. input object is declared as "{i}" arguments
 * (dm/command-input.ts). MaxNumberOfActivateTimeWindows: the schema's bound, 5.
 */
import { upTimeSeconds } from '../context.ts';
import { alias, command, entries, object, param, R, T, table, W } from '../schema-table.ts';
import type { DeviceContext, ObjectNode } from '../schema.ts';

const FIRMWARE_IMAGE = 'Device.DeviceInfo.FirmwareImage.{i}.';

function manufacturer(ctx: DeviceContext): string { return ctx.board.identity.manufacturer; }
function manufacturerOui(ctx: DeviceContext): string { return ctx.board.identity.manufacturerOUI; }
function modelName(ctx: DeviceContext): string { return ctx.board.identity.modelName; }
function description(ctx: DeviceContext): string { return ctx.board.identity.description; }
function productClass(ctx: DeviceContext): string { return ctx.board.identity.productClass; }
function serialNumber(ctx: DeviceContext): string { return ctx.serialNumber; }
function hardwareVersion(ctx: DeviceContext): string { return ctx.board.identity.hardwareVersion; }
function softwareVersion(ctx: DeviceContext): string { return ctx.softwareVersion; }
function upTime(ctx: DeviceContext): string { return String(upTimeSeconds(ctx)); }

export function deviceInfoObject(): ObjectNode {
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
    param('ActiveFirmwareImage', T.String, R, { ref: { strong: true, targetParent: FIRMWARE_IMAGE } }),
    param('BootFirmwareImage', T.String, W, { ref: { strong: true, targetParent: FIRMWARE_IMAGE } }),
    param('ProvisioningCode', T.String, W, { maxLength: 64 }),
    param('UpTime', T.UnsignedInt, R, { get: upTime, ignoreChange: true }),
    param('FirstUseDate', T.DateTime, R),
    param('FriendlyName', T.String, W, { maxLength: 32 }),
    param('MaxNumberOfActivateTimeWindows', T.UnsignedInt, R, { min: '1', max: '5', def: '5' }),
    entries('FirmwareImage'),
    table('FirmwareImage', { keys: [['~Alias']] }, [
      alias(),
      param('Name', T.String, R, { maxLength: 64 }),
      param('Version', T.String, R, { maxLength: 64 }),
      param('Available', T.Boolean, W),
      param('Status', T.String, R, {
        enumeration: ['NoImage', 'Active', 'Downloading', 'Validating', 'Available', 'DownloadFailed', 'ValidationFailed', 'InstallationFailed', 'ActivationFailed'],
        def: 'NoImage',
      }),
      param('BootFailureLog', T.String, R),
      command('Download()', true, [
        param('URL', T.String, R, { maxLength: 2048, mandatory: true }),
        param('AutoActivate', T.Boolean, R, { mandatory: true }),
        param('Username', T.String, R, { maxLength: 256 }),
        param('Password', T.String, R, { maxLength: 256 }),
        param('FileSize', T.UnsignedInt, R),
        param('CheckSumAlgorithm', T.String, R, { enumeration: ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] }),
        param('CheckSum', T.HexBinary, R, { maxLength: 64 }),
      ]),
      command('Activate()', true, [
        param('TimeWindow.{i}.Start', T.UnsignedInt, R, { mandatory: true }),
        param('TimeWindow.{i}.End', T.UnsignedInt, R, { mandatory: true }),
        param('TimeWindow.{i}.Mode', T.String, R, { enumeration: ['AnyTime', 'Immediately', 'WhenIdle', 'ConfirmationNeeded'], mandatory: true }),
        param('TimeWindow.{i}.UserMessage', T.String, R),
        param('TimeWindow.{i}.MaxRetries', T.Int, R, { min: '-1', max: '10' }),
      ]),
    ]),
  ]);
}
