/**
 * Rows of TR-181 Device.LocalAgent.Controller.{i}. as every MTP's provisioning reads and
 * writes them (CoAP in coap/controllers.ts, MQTT in mqtt/provision.ts): find a Controller
 * by EndpointID, read a parameter in USP string form (values are staged through
 * option-defaults.ts, the one rule for provisioned rows).
 * Uses only the data-model API.
 */
import { named, type DataModelApi, type ObjectInstance } from '../dm/index.ts';

export const CONTROLLER_TABLE = 'Device.LocalAgent.Controller.';

export interface ControllerAddress {
  readonly endpointId: string;
  readonly uri: string;
}

/** A parameter's value in USP string form ("" if the object has no such parameter). */
export function read(model: DataModelApi, inst: ObjectInstance, name: string): string {
  const p = named(inst.node.params, name);
  return p === undefined ? '' : model.read(inst, p);
}

/** The Controller.{i}. row whose EndpointID is `endpointId`. */
export function findController(model: DataModelApi, endpointId: string): ObjectInstance | undefined {
  const table = model.tableAt(CONTROLLER_TABLE);
  if (table === undefined) return undefined;
  for (let i = 0; i < table.rows.length; i++) if (read(model, table.rows[i]!, 'EndpointID') === endpointId) return table.rows[i];
  return undefined;
}

/** The Controller's first enabled MTP row (lowest Order): "CoAP", "MQTT" … or "" (no MTP). */
export function controllerMtpProtocol(model: DataModelApi, endpointId: string): string {
  const mtps = findController(model, endpointId)?.table('MTP');
  let best = '';
  let bestOrder = Infinity;
  const rows = mtps === undefined ? [] : mtps.rows;
  for (let i = 0; i < rows.length; i++) {
    const m = rows[i]!;
    if (read(model, m, 'Enable') !== 'true') continue;
    const order = Number(read(model, m, 'Order')) || 1;
    if (order < bestOrder) { best = read(model, m, 'Protocol'); bestOrder = order; }
  }
  return best;
}
