/**
 * Device. itself (tr-181-2-root.xml, tr-181-2-usp.xml "Device."): RootDataModelVersion,
 * Reboot(), FactoryReset(), ScheduleTimer() and Boot! (AGENT-REQUIREMENTS §2.1).
 * Command behaviour is registered by the agent layer (DataModel.registerCommand).
 */
import { command, event, object, param, R, T } from '../schema-table.ts';
import type { ObjectNode, ParamNode } from '../schema.ts';

export const ROOT_DATA_MODEL_VERSION = '2.16';

export function deviceObject(children: readonly (ObjectNode | ParamNode)[]): ObjectNode {
  return object('Device', [
    param('RootDataModelVersion', T.String, R, { maxLength: 32, patterns: ['2\\.\\d+'], def: ROOT_DATA_MODEL_VERSION }),
    command('Reboot()', false, [
      param('Cause', T.String, R, { enumeration: ['LocalReboot', 'RemoteReboot'], def: 'RemoteReboot' }),
      param('Reason', T.String, R),
    ]),
    command('FactoryReset()', false, [
      param('Cause', T.String, R, { enumeration: ['LocalFactoryReset', 'RemoteFactoryReset'], def: 'RemoteFactoryReset' }),
      param('Reason', T.String, R),
    ]),
    command('ScheduleTimer()', true, [param('DelaySeconds', T.UnsignedInt, R, { min: '1', mandatory: true })]),
    event('Boot!', [
      param('CommandKey', T.String, R),
      param('Cause', T.String, R, { enumeration: ['LocalReboot', 'RemoteReboot', 'FactoryReset', 'LocalFactoryReset', 'RemoteFactoryReset'] }),
      param('Reason', T.String, R),
      param('FirmwareUpdated', T.Boolean, R),
      param('ParameterMap', T.String, R),
    ]),
    children,
  ]);
}
