/**
 * XS entry for the xs-budget bench's breakdown: builds the agent's parts one by one
 * (schema, data model with the sim board's IoT rows, agent core, CoAP binding with the
 * default and with small tables) so the bench can measure what each keeps alive.
 */
import { createAgent } from '../../src/agent/index.ts';
import {
  attachIoTCapabilities, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, createIoTDeviceContext,
  iotCapabilityDefaults, iotCapabilityObjects, type DataModel, type Schema,
} from '../../src/dm/index.ts';
import { UspCoapBinding } from '../../src/mtp/coap/binding.ts';
import type { BoardDescription } from '../../src/platform/board.ts';

/** Table sizes of a constrained CoAP profile (one Controller, no pipelining). */
export const SMALL_COAP = { maxPeers: 4, dedupEntries: 4, maxExchanges: 2, maxQueuedRequests: 4, maxDeferred: 2, maxReassemblies: 1 };

const kept: unknown[] = [];
let board: BoardDescription;
let schema: Schema;
let model: DataModel;

export function buildSchema(json: string): void {
  board = JSON.parse(json) as BoardDescription;
  schema = createDeviceSchema(iotCapabilityObjects(board));
}

export function buildModel(): void {
  const d = iotCapabilityDefaults(board);
  model = createDataModel({
    schema, context: createIoTDeviceContext(createDeviceContext(board, 'SIM000001', '0.1.0', 'os::0A1B2C-SIM000001', 0), null),
    factoryDefault: createFactoryDefault(board, { rows: d.rows, params: d.params }),
  });
  attachIoTCapabilities(model, () => undefined);
}

export function buildAgent(): void {
  const agent = createAgent({ endpointId: 'os::0A1B2C-SIM000001', model, random: () => 0.5, wallClock: () => undefined });
  agent.start(0);
  kept.push(agent);
}

export function buildBinding(small: boolean): void {
  kept.push(new UspCoapBinding((b) => { b.fill(7); }, {
    path: '/usp', interfaceName: 'bbf.usp.a', validateRecord: () => true, replyTo: 'coap://127.0.0.1:5683/usp',
    coap: { maxBodyBytes: 65536, ...(small ? SMALL_COAP : {}) }, ...(small ? { maxPendingRecords: 2 } : {}),
  }));
}
