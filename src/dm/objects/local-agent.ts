/**
 * Device.LocalAgent. (tr-181-2-localagent.xml, tr-181-2-usp.xml; MTP.{i}.CoAP. from
 * TR-181 2.16 per D2), AGENT-REQUIREMENTS §2.2 and §2.4: the agent's own MTPs,
 * Controllers, Subscriptions (R-NOT.0, §1.14; non-persistent ones are deleted after Boot!),
 * Requests (R-OPR.0; never persisted: operations do not survive a reboot),
 * Certificates, ControllerTrust, and the Periodic! event (TransferComplete!: firmware-objects.ts).
 */
import { alias, command, entries, event, object, param, R, T, table, W } from '../schema-table.ts';
import { ObjAccess, type DeviceContext, type ObjectNode } from '../schema.ts';
import { controllerTable } from './controller.ts';
import { controllerTrustObject } from './controller-trust.ts';
import { softwareVersion, upTime } from './device-info.ts';
import type { FirmwareObjects } from './firmware-objects.ts';
import { protocolsOf, type MtpObjects } from './mtp-objects.ts';

/** Bound on Subscription rows, reported as SupportedNumberOfSubscriptions. */
export const MAX_SUBSCRIPTIONS = 16;
const CONTROLLER = 'Device.LocalAgent.Controller.{i}.';

function endpointId(ctx: DeviceContext): string { return ctx.endpointId; }

/**
 * Device.LocalAgent. with the MTPs `mtps` (the Protocol enumerations list exactly those)
 * and, with `firmware`, TransferComplete! and the Controllers' TransferCompletePolicy (D14).
 */
export function localAgentObject(mtps: readonly MtpObjects[], firmware: FirmwareObjects | null): ObjectNode {
  const protocols = protocolsOf(mtps);
  // MTP rows (plain CoAP, CoAP over DTLS, MQTT, the WebSocket listener), each with the
  // sub-object of every MTP the schema declares (mtp-objects.ts).
  const children: ObjectNode[] = [];
  for (let i = 0; i < mtps.length; i++) children.push(mtps[i]!.localMtp());
  return object('LocalAgent', [
    param('EndpointID', T.String, R, { get: endpointId }),
    param('SoftwareVersion', T.String, R, { maxLength: 64, get: softwareVersion }),
    param('UpTime', T.UnsignedInt, R, { get: upTime, ignoreChange: true }),
    param('SupportedProtocols', T.String, R, { list: { minItems: 1 }, enumeration: protocols, def: 'CoAP' }),
    param('AdvertisedDeviceSubtypes', T.String, W, { list: true }),
    param('MaxSubscriptionChangeAdoptionTime', T.UnsignedInt, W, { min: '5', def: '5' }),
    param('SupportedNumberOfSubscriptions', T.Int, R, { def: String(MAX_SUBSCRIPTIONS) }),
    entries('MTP'),
    entries('Controller'),
    entries('Subscription'),
    entries('Request'),
    entries('Certificate'),
    event('Periodic!'),
    firmware === null ? [] : firmware.transferComplete(),
    table('MTP', { access: ObjAccess.AddDelete, keys: [['~Alias']], maxEntries: 4 }, [
      alias(),
      param('Enable', T.Boolean, W),
      param('Status', T.String, R, { enumeration: ['Up', 'Down', 'Error'], def: 'Down', volatile: true }),
      param('Protocol', T.String, W, { enumeration: protocols, def: 'CoAP' }),
      param('EnableMDNS', T.Boolean, W, { def: 'true' }),
      children,
    ]),
    controllerTable(mtps, protocols, firmware),
    // Every Subscription row is stored, Persistent or not: at start-up the agent first delivers
    // Boot! to the subscriptions that were there before the restart and only then deletes the
    // non-persistent ones (TR-181 Persistent "removed whenever it is restarted"; TP-469 9.10
    // subscribes with Persistent left false and still expects Boot!, as the reference agent sends it).
    table('Subscription', {
      access: ObjAccess.AddDelete, keys: [['~Alias'], ['~Recipient', 'ID']], maxEntries: MAX_SUBSCRIPTIONS,
    }, [
      alias(),
      param('Enable', T.Boolean, W),
      param('Recipient', T.String, R, { ref: { strong: true, targetParent: CONTROLLER, cascade: true } }),
      param('TriggerAction', T.String, W, { enumeration: ['Notify', 'Config', 'NotifyAndConfig'], def: 'Notify' }),
      param('TriggerConfigSettings', T.String, W, { list: { maxItems: 16 } }),
      param('ID', T.String, W, { minLength: 1, maxLength: 64 }),
      param('CreationDate', T.DateTime, R),
      param('NotifType', T.String, W, { enumeration: ['ValueChange', 'ObjectCreation', 'ObjectDeletion', 'OperationComplete', 'Event'], def: '' }),
      param('ReferenceList', T.String, W, { list: true, maxLength: 256, immutable: true }),
      param('Persistent', T.Boolean, W),
      param('TimeToLive', T.UnsignedInt, W),
      param('NotifRetry', T.Boolean, W),
      param('NotifExpiration', T.UnsignedInt, W),
    ]),
    table('Request', { keys: [['Originator', 'Command', 'CommandKey'], ['~Alias']], volatile: true, maxEntries: 8 }, [
      alias(),
      param('Originator', T.String, R),
      param('Command', T.String, R),
      param('CommandKey', T.String, R),
      param('Status', T.String, R, { enumeration: ['Requested', 'Active', 'Canceling', 'Canceled', 'Success', 'Error'], def: 'Requested' }),
      command('Cancel()', false),
    ]),
    table('Certificate', { keys: [['SerialNumber', 'Issuer'], ['~Alias']], maxEntries: 4 }, [
      alias(),
      param('Enable', T.Boolean, W),
      param('SerialNumber', T.String, R, { maxLength: 64 }),
      param('Issuer', T.String, R, { maxLength: 256 }),
      command('Delete()', false),
      command('GetFingerprint()', false, [
        param('FingerprintAlgorithm', T.String, R, { enumeration: ['SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'], mandatory: true }),
      ], [param('Fingerprint', T.HexBinary, R, { maxLength: 128 })]),
    ]),
    controllerTrustObject(),
  ]);
}
