/**
 * Start-up survives any stored value (issue #16, boot loop): the stored state of a
 * running agent (a Controller, its CoAP MTP, persistent Boot! / ValueChange / Periodic
 * subscriptions to it) with one stored value at a time replaced by a hostile one —
 * names that do not resolve (failing locally, no DNS query), bad ports, control bytes,
 * huge strings, numbers out of range — then startHostAgent in-process on the Node
 * platform, its Boot! sent, a Get answered. An uncaught exception anywhere fails it.
 */
import { formatStoredState, parseStoredState } from '../dm/stored-state.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostAgent, type HostAgent } from '../../src/composition/agent-host.ts';
import { createDeviceSchema, iotCapabilityObjects, WriteMode } from '../../src/dm/index.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { LogLevel, type Platform } from '../../src/platform/types.ts';
import { decodeMsg, getMsg, RecordView } from '../../src/usp/index.ts';
import { MemoryStore, requestRecord } from '../agent/harness.ts';
import { BOARD } from '../dm/example-model.ts';
import { UNRESOLVABLE_HOST } from '../main/hostile-peer.ts';

const AGENT = 'os::0A1B2C-S1';
const CTL = 'self::stored';
/** Provisioned at every start (so always valid): the Get that shows the agent serves comes from it. */
const WITNESS = { endpointId: 'self::witness', uri: 'coap://127.0.0.1:9/usp' };
const schema = createDeviceSchema(iotCapabilityObjects(BOARD));
const HOSTILE = [
  '', UNRESOLVABLE_HOST, '::1', '255.255.255.255', '0', '-1', '99999999999999999999', 'NaN', 'true',
  'a\u0000b', '\u001b[2J', '[', 'coap://x', 'Device.LocalAgent.Controller.99', 'x'.repeat(5000), '\ud800',
];

function platformWith(store: MemoryStore): Platform {
  return { ...createNodePlatform({ stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-stored-')), logLevel: LogLevel.Error }), storage: store };
}

/** Socket errors reported as fatal ("cannot listen"): a send to a stored address must never be one. */
const fatal: string[] = [];

function start(store: MemoryStore): Promise<HostAgent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not ready')), 5000);
    const h: HostAgent = startHostAgent({
      platform: platformWith(store), endpointId: AGENT, board: BOARD, schema, serialNumber: 'S1', softwareVersion: '1', host: '127.0.0.1',
      coapPort: 0, coapPath: '/usp', controllers: [WITNESS], onReady: () => { clearTimeout(timer); resolve(h); },
      onError: (m) => { fatal.push(m); clearTimeout(timer); reject(new Error(m)); },
    });
  });
}

/** A Get from the stored Controller, answered in-process (the agent's receive path). */
function answersGet(h: HostAgent): boolean {
  const rec = requestRecord(getMsg('g', { param_paths: ['Device.DeviceInfo.SerialNumber'] }), WITNESS.endpointId, '1.3', AGENT);
  h.agent.handleRecord(1, rec, 0, rec.length, { reply: 'coap://127.0.0.1:9/usp', secure: false, peerEndpointId: '' });
  const v = new RecordView();
  for (let t = h.agent.pollTransmit(1); t !== null; t = h.agent.pollTransmit(1)) {
    if (t.handle !== 0 || v.wrap(t.bytes, 0, t.bytes.length) !== 0) continue;
    const m = decodeMsg(t.bytes, v.payloadStart, v.payloadStart + v.payloadLen).msg;
    if (m?.body?.response?.get_resp !== undefined || m?.body?.error !== undefined) return true;
  }
  return false;
}

/** The stored state of an agent that knows CTL at an unresolvable host, with persistent subscriptions to it. */
async function baseState(): Promise<string> {
  const store = new MemoryStore();
  const h = await new Promise<HostAgent>((resolve) => {
    const x: HostAgent = startHostAgent({
      platform: platformWith(store), endpointId: AGENT, board: BOARD, schema, serialNumber: 'S1', softwareVersion: '1', host: '127.0.0.1',
      coapPort: 0, coapPath: '/usp', controllers: [{ endpointId: CTL, uri: `coap://${UNRESOLVABLE_HOST}:5683/usp` }], onReady: () => resolve(x),
    });
  });
  const m = h.model;
  const tx = m.begin();
  for (const [type, ref] of [['Event', 'Device.Boot!'], ['ValueChange', 'Device.DeviceInfo.FriendlyName'], ['Event', 'Device.LocalAgent.Periodic!']]) {
    const row = tx.add(m.tableAt('Device.LocalAgent.Subscription.')!, WriteMode.Agent)!;
    for (const [k, v] of [['Enable', 'true'], ['NotifType', type!], ['ReferenceList', ref!], ['Persistent', 'true'], ['NotifRetry', 'true'],
      ['Recipient', 'Device.LocalAgent.Controller.1']]) tx.set(row, k!, v!, WriteMode.Agent);
  }
  assert.is(tx.commit(), 0, tx.message);
  h.close();
  return new TextDecoder().decode(store.get('dm')!);
}

const t = suite('composition/stored values');

t('issue #16 start-up survives any stored value: each stored Controller, MTP and Subscription value replaced in turn by a hostile one', async () => {
  const base = parseStoredState(await baseState());
  const targets: [number, number][] = [];
  base.o.forEach(([path, values], i) => {
    if (!path.startsWith('Device.LocalAgent.Controller.') && !path.startsWith('Device.LocalAgent.Subscription.')) return;
    for (let k = 0; k < values.length; k += 2) targets.push([i, k + 1]);
  });
  assert.ok(targets.length >= 20, `${targets.length} stored values under test`);
  const thrown: unknown[] = [];
  const onUncaught = (e: unknown): void => { thrown.push(e); };
  process.on('uncaughtException', onUncaught);
  let boots = 0;
  try {
    for (const [i, k] of targets) {
      for (const bad of HOSTILE) {
        const doc = structuredClone(base);
        doc.o[i]![1][k] = bad;
        const store = new MemoryStore();
        store.set('dm', new TextEncoder().encode(formatStoredState(doc)));
        const what = `${doc.o[i]![0]}${doc.o[i]![1][k - 1]} = ${JSON.stringify(bad).slice(0, 40)}`;
        const h = await start(store).catch((e: unknown) => { throw new Error(`${what}: ${String(e)}`); });
        try {
          boots++;
          await new Promise((r) => setImmediate(r)); // Boot! and its failed send run
          assert.ok(answersGet(h), what);
        } finally {
          h.close();
        }
      }
    }
    await new Promise((r) => setTimeout(r, 50)); // late send errors
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.equal(thrown, []);
  assert.equal(fatal, [], 'no send failure is taken for a socket failure');
  assert.ok(boots >= 300, `${boots} boots`);
});

t.run();
