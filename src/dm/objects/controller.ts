/**
 * Device.LocalAgent.Controller.{i}. (tr-181-2-localagent.xml, tr-181-2-usp.xml; CoAP
 * sub-objects from TR-181 2.16 per D2), AGENT-REQUIREMENTS §2.3: the Controllers the
 * agent talks to, their MTPs, BootParameters (Boot!.ParameterMap) and
 * SendOnBoardRequest() (R-NOT.5). Retry defaults are R-NOT.1's (5 s, ×2.000).
 */
import { alias, command, entries, param, R, T, table, W } from '../schema-table.ts';
import { ObjAccess, type ObjectNode } from '../schema.ts';
import type { FirmwareObjects } from './firmware-objects.ts';
import type { MtpObjects } from './mtp-objects.ts';

export const ROLE = 'Device.LocalAgent.ControllerTrust.Role.{i}.';
const CERTIFICATE = 'Device.LocalAgent.Certificate.{i}.';

/** `protocols` is protocolsOf(mtps): the Protocol enumeration of the schema; `firmware` adds TransferCompletePolicy. */
export function controllerTable(mtps: readonly MtpObjects[], protocols: readonly string[], firmware: FirmwareObjects | null): ObjectNode {
  const children: ObjectNode[] = [];
  for (let i = 0; i < mtps.length; i++) children.push(mtps[i]!.controllerMtp());
  return table('Controller', { access: ObjAccess.AddDelete, keys: [['EndpointID'], ['~Alias']], maxEntries: 8 }, [
    alias(),
    param('EndpointID', T.String, W),
    param('ControllerCode', T.String, W, { maxLength: 128 }),
    param('ProvisioningCode', T.String, W, { maxLength: 64 }),
    param('Enable', T.Boolean, W),
    param('AssignedRole', T.String, W, { list: true, ref: { strong: true, targetParent: ROLE } }),
    param('InheritedRole', T.String, R, { list: true, ref: { strong: true, targetParent: ROLE } }),
    param('Credential', T.String, W, { list: true, ref: { strong: true, targetParent: CERTIFICATE } }),
    param('PeriodicNotifInterval', T.UnsignedInt, W, { min: '1', def: '86400' }),
    param('PeriodicNotifTime', T.DateTime, W),
    param('USPNotifRetryMinimumWaitInterval', T.UnsignedInt, W, { min: '1', max: '65535', def: '5' }),
    param('USPNotifRetryIntervalMultiplier', T.UnsignedInt, W, { min: '1000', max: '65535', def: '2000' }),
    param('OnBoardingComplete', T.Boolean, W),
    param('OnBoardingRestartTime', T.UnsignedInt, W),
    entries('MTP'),
    entries('BootParameter'),
    command('SendOnBoardRequest()', false),
    table('MTP', { access: ObjAccess.AddDelete, keys: [['Protocol'], ['~Alias']], maxEntries: 4 }, [
      alias(),
      param('Enable', T.Boolean, W),
      param('Protocol', T.String, W, { enumeration: protocols, def: 'CoAP' }),
      param('Order', T.UnsignedInt, W, { min: '1', def: '1' }),
      children,
    ]),
    table('BootParameter', { access: ObjAccess.AddDelete, keys: [['ParameterName'], ['~Alias']], maxEntries: 16 }, [
      alias(),
      param('Enable', T.Boolean, W),
      param('ParameterName', T.String, W, { maxLength: 256 }),
    ]),
    firmware === null ? [] : firmware.transferCompletePolicy(),
  ]);
}
