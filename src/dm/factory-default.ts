/**
 * The factory default (R-NOT.1 defaults, 07-security roles): what a fresh or
 * factory-reset device starts from. Two ControllerTrust roles: "Full Access" (every
 * permission on Device.) and "Untrusted" (nothing: all "----"), the latter named by
 * ControllerTrust.UntrustedRole; one CoAP MTP; FriendlyName from the board.
 */
import type { BoardDescription } from '../platform/board.ts';
import type { FactoryDefault, FactoryRow } from './model-types.ts';

export interface FactoryOptions {
  /** CoAP port of LocalAgent.MTP.1 (5683 plain, 5684 customary with DTLS). */
  readonly coapPort?: number;
  readonly coapPath?: string;
  /** Extra rows (board objects, pre-provisioned Controllers), parents first. */
  readonly rows?: readonly FactoryRow[];
  readonly params?: readonly (readonly [string, string])[];
}

export const FULL_ACCESS_ROLE = 'Device.LocalAgent.ControllerTrust.Role.1';
export const UNTRUSTED_ROLE = 'Device.LocalAgent.ControllerTrust.Role.2';

export function createFactoryDefault(board: BoardDescription, o: FactoryOptions = {}): FactoryDefault {
  const own: FactoryRow[] = [
    { path: FULL_ACCESS_ROLE + '.', values: [['Alias', 'cpe-1'], ['Enable', 'true'], ['Name', 'Full Access']] },
    {
      path: FULL_ACCESS_ROLE + '.Permission.1.',
      values: [['Alias', 'cpe-1'], ['Enable', 'true'], ['Order', '1'], ['Targets', 'Device.'],
        ['Param', 'rw-n'], ['Obj', 'rw-n'], ['InstantiatedObj', 'rw-n'], ['CommandEvent', 'r-xn']],
    },
    { path: UNTRUSTED_ROLE + '.', values: [['Alias', 'cpe-2'], ['Enable', 'true'], ['Name', 'Untrusted']] },
    {
      path: UNTRUSTED_ROLE + '.Permission.1.',
      values: [['Alias', 'cpe-1'], ['Enable', 'true'], ['Order', '1'], ['Targets', 'Device.'],
        ['Param', '----'], ['Obj', '----'], ['InstantiatedObj', '----'], ['CommandEvent', '----']],
    },
    { path: 'Device.LocalAgent.MTP.1.', values: [['Alias', 'cpe-1'], ['Enable', 'true'], ['Protocol', 'CoAP']] },
  ];
  const ownParams: (readonly [string, string])[] = [
    ['Device.DeviceInfo.FriendlyName', board.identity.modelName.slice(0, 32)],
    ['Device.LocalAgent.ControllerTrust.UntrustedRole', UNTRUSTED_ROLE],
    ['Device.LocalAgent.MTP.1.CoAP.Port', String(o.coapPort ?? 5683)],
    ['Device.LocalAgent.MTP.1.CoAP.Path', o.coapPath ?? 'usp'],
  ];
  return { rows: own.concat(o.rows ?? []), params: ownParams.concat(o.params ?? []) };
}
