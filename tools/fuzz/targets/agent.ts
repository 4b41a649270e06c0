/**
 * The agent core behind the codec (R-MSG.*, every Agent message): each input is a Msg in a
 * valid Record from a Full Access Controller, handled by one long-lived agent on the
 * Device:2 model of the sim board (so Adds, Sets and Deletes accumulate, bounded by the
 * tables' maxEntries), its responses and notifications drained, time moving 100 ms per input.
 */
import { createAgent, DeliveryOutcome } from '../../../src/agent/index.ts';
import {
  createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, iotCapabilityDefaults, iotCapabilityObjects,
} from '../../../src/dm/index.ts';
import { emitRecord, encodedRecordLength, RecordType, utf8Bytes } from '../../../src/usp/index.ts';
import type { BoardDescription } from '../../../src/platform/board.ts';
import type { KeyValueStore } from '../../../src/platform/types.ts';
import type { FuzzTarget } from '../target.ts';
import { MSG_DICTIONARY, msgSeeds } from './usp-msg.ts';
import sim from '../../../boards/sim.json' with { type: 'json' };

const AGENT = 'os::0A1B2C-SIM000001';
const CTL = 'self::usp-ctl';

export default function create(): FuzzTarget {
  const board = sim as unknown as BoardDescription;
  const values = new Map<string, Uint8Array>();
  const store: KeyValueStore = { get: (k) => values.get(k), set: (k, v) => { values.set(k, v); }, delete: (k) => { values.delete(k); }, keys: () => [...values.keys()] };
  const iot = iotCapabilityDefaults(board);
  const model = createDataModel({
    schema: createDeviceSchema(iotCapabilityObjects(board)), context: createDeviceContext(board, 'SIM000001', '1.0', AGENT, 0), store,
    factoryDefault: createFactoryDefault(board, { coapPort: 5683, coapPath: 'usp', rows: [...iot.rows,
      { path: 'Device.LocalAgent.Controller.1.', values: [['EndpointID', CTL], ['Enable', 'true'], ['AssignedRole', 'Device.LocalAgent.ControllerTrust.Role.1']] }],
    params: iot.params }),
  });
  let r = 7;
  const agent = createAgent({ endpointId: AGENT, model, store, random: () => (r = (r * 16807) % 2147483647) / 2147483647, wallClock: () => 1767225600000 });
  let now = 0;
  agent.start(now);
  const head = { version: utf8Bytes('1.3'), toId: utf8Bytes(AGENT), fromId: utf8Bytes(CTL), recordType: RecordType.NoSessionContext };
  const origin = { reply: 'coap://127.0.0.1:5685/usp', secure: false, peerEndpointId: '' };
  return {
    name: 'agent',
    about: 'the agent core: every Agent message on the Device:2 model, from a Full Access Controller',
    files: ['src/agent/agent.ts', 'src/agent/dispatch.ts', 'src/agent/get.ts', 'src/agent/set.ts', 'src/agent/add.ts', 'src/agent/delete.ts',
      'src/agent/operate.ts', 'src/agent/write.ts', 'src/agent/supported-dm.ts', 'src/agent/instances.ts', 'src/agent/subscriptions.ts',
      'src/agent/message-errors.ts', 'src/dm/resolver.ts', 'src/dm/transaction.ts', 'src/dm/search.ts'],
    seeds: msgSeeds,
    dictionary: MSG_DICTIONARY,
    run(data) {
      const f = { ...head, payload: data };
      const rec = new Uint8Array(encodedRecordLength(f));
      emitRecord(rec, 0, f);
      now += 100;
      agent.handleRecord(now, rec, 0, rec.length, origin);
      if (agent.pollTimeout() <= now) agent.handleTimeout(now);
      for (let t = agent.pollTransmit(now); t !== null; t = agent.pollTransmit(now)) {
        if (t.handle !== 0) agent.handleDelivery(t.handle, DeliveryOutcome.Delivered, now);
      }
    },
    size: () => agent.outbox.size + agent.notifications.size + agent.requests.size,
    maxSize: 16 + 32 + 8,
  };
}
