/**
 * The firmware images in the Device:2 schema (D14): what a build with firmware slots
 * (src/firmware/, docs/firmware.md) declares and one without them (the Moddable coaps
 * build) leaves out, so that its core links none of it.
 *
 * - DeviceInfo.ActiveFirmwareImage, BootFirmwareImage, MaxNumberOfActivateTimeWindows
 *   (the schema's bound, 5) and FirmwareImage.{i}. (Firmware:1 profile, tr-181-2-usp.xml
 *   Download()/Activate()): a read-only table the firmware layer fills with one row per
 *   slot (Agent writes); Activate()'s TimeWindow.{i}. input object is declared as "{i}"
 *   arguments (dm/command-input.ts);
 * - LocalAgent.TransferComplete! (tr-181-2-localagent.xml), sent when a Download() ends;
 * - LocalAgent.Controller.{i}.TransferCompletePolicy. (its ResultTypeFilter).
 */
import { alias, command, entries, event, object, param, R, T, table, W } from '../schema-table.ts';
import type { EventNode, ObjectNode, ParamNode } from '../schema.ts';

export interface FirmwareObjects {
  /** DeviceInfo.ActiveFirmwareImage and BootFirmwareImage (after SoftwareVersion). */
  readonly imageRefs: () => ParamNode[];
  /** DeviceInfo.MaxNumberOfActivateTimeWindows, FirmwareImageNumberOfEntries and FirmwareImage.{i}. (last). */
  readonly images: () => (ParamNode | ObjectNode)[];
  /** Device.LocalAgent.TransferComplete! */
  readonly transferComplete: () => EventNode;
  /** Device.LocalAgent.Controller.{i}.TransferCompletePolicy. */
  readonly transferCompletePolicy: () => ObjectNode;
}

const FIRMWARE_IMAGE = 'Device.DeviceInfo.FirmwareImage.{i}.';

function imageRefs(): ParamNode[] {
  return [
    param('ActiveFirmwareImage', T.String, R, { ref: { strong: true, targetParent: FIRMWARE_IMAGE } }),
    param('BootFirmwareImage', T.String, W, { ref: { strong: true, targetParent: FIRMWARE_IMAGE } }),
  ];
}

function images(): (ParamNode | ObjectNode)[] {
  return [
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
  ];
}

function transferComplete(): EventNode {
  return event('TransferComplete!', [
    param('Command', T.String, R),
    param('CommandKey', T.String, R),
    param('Requestor', T.String, R),
    param('TransferType', T.String, R, { enumeration: ['Download', 'Upload'], def: 'Download' }),
    param('Affected', T.String, R),
    param('TransferURL', T.String, R, { maxLength: 2048 }),
    param('StartTime', T.DateTime, R),
    param('CompleteTime', T.DateTime, R),
    param('FaultCode', T.UnsignedInt, R),
    param('FaultString', T.String, R, { maxLength: 256 }),
    param('CheckSumAlgorithm', T.String, R, { enumeration: ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512', 'Unknown'] }),
    param('CheckSum', T.HexBinary, R),
  ]);
}

function transferCompletePolicy(): ObjectNode {
  return object('TransferCompletePolicy', [
    param('ResultTypeFilter', T.String, W, { enumeration: ['Success', 'Failure', 'Both'], def: 'Both' }),
  ]);
}

/** The firmware images' objects, for a schema of a build with firmware slots. */
export const FIRMWARE_OBJECTS: FirmwareObjects = { imageRefs, images, transferComplete, transferCompletePolicy };
