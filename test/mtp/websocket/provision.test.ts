/**
 * The WebSocket MTP in the data model (src/mtp/websocket/provision.ts; the rule of src/mtp/option-defaults.ts): the
 * rows --ws-port and `--controller <eid>=ws[s]://…` write, what the MTP reads back, and
 * the rule that options seed values while Controllers own them — a restart with changed
 * options updates what nobody changed and keeps what a Controller set.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, WriteMode, type DataModel } from '../../../src/dm/index.ts';
import type { BoardDescription } from '../../../src/platform/board.ts';
import { provisionWebSocket as provisionWith, readWebSocketControllers, type WebSocketRows, type WebSocketSettings } from '../../../src/mtp/websocket/provision.ts';
import type { KeyValueStore } from '../../../src/platform/types.ts';

/** What the composition does at each start: the options' record, provisioning, the record saved. */
function provisionWebSocket(m: DataModel, store: KeyValueStore, s: WebSocketSettings): WebSocketRows | string {
  const defaults = new OptionDefaults(store);
  const rows = provisionWith(m, defaults, s);
  if (typeof rows !== 'string') defaults.save(m);
  return rows;
}
import { OptionDefaults, SEEDED_KEY } from '../../../src/mtp/option-defaults.ts';
import { read } from '../../../src/mtp/controller-rows.ts';
import { ROOT } from '../../../tools/build/targets.ts';
import { MemoryStore } from '../../agent/harness.ts';

const BOARD = JSON.parse(readFileSync(join(ROOT, 'boards/sim.json'), 'utf8')) as BoardDescription;

function model(store: MemoryStore): DataModel {
  return createDataModel({
    schema: createDeviceSchema(), context: createDeviceContext(BOARD, 'T0001', '1.0', 'os::0A1B2C-T0001', 0), store,
    factoryDefault: createFactoryDefault(BOARD),
  });
}

function value(m: DataModel, path: string): string {
  const r = m.resolve(path);
  assert.is(r.err, 0, `${path}: ${r.message}`);
  return read(m, r.objects[0]!, path.slice(path.lastIndexOf('.') + 1));
}

/** A Controller's Set, as the agent core does it. */
function controllerSets(m: DataModel, path: string, v: string): void {
  const dot = path.lastIndexOf('.');
  const tx = m.begin();
  assert.is(tx.set(m.resolve(path.slice(0, dot + 1)).objects[0]!, path.slice(dot + 1), v, WriteMode.Set), 0, tx.message);
  assert.is(tx.commit(), 0);
  m.save();
}

const SETTINGS: WebSocketSettings = {
  listen: { port: 9001, path: '/usp', tls: false },
  controllers: [{ endpointId: 'self::acs', uri: 'wss://acs.example.org:8443/usp/agents' }],
};

const prov = suite('mtp/websocket/provision');

prov('TR-181 LocalAgent.MTP.{i}.WebSocket and Controller.{i}.MTP.{i}.WebSocket rows from the options', () => {
  const store = new MemoryStore();
  const m = model(store);
  const rows = provisionWebSocket(m, store, SETTINGS);
  assert.ok(typeof rows !== 'string', String(rows));
  if (typeof rows === 'string') return;
  assert.is(rows.listener?.path, 'Device.LocalAgent.MTP.2.');
  assert.is(rows.listenPort, 9001);
  assert.is(value(m, 'Device.LocalAgent.MTP.2.Protocol'), 'WebSocket');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.Enable'), 'true');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.WebSocket.Port'), '9001');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.WebSocket.Path'), 'usp');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.WebSocket.EnableEncryption'), 'false');
  assert.is(value(m, 'Device.LocalAgent.MTP.2.WebSocket.KeepAliveInterval'), '60');
  assert.is(value(m, 'Device.LocalAgent.SupportedProtocols'), 'CoAP,WebSocket');
  assert.is(value(m, 'Device.LocalAgent.Controller.1.EndpointID'), 'self::acs');
  assert.is(value(m, 'Device.LocalAgent.Controller.1.AssignedRole'), 'Device.LocalAgent.ControllerTrust.Role.1');
  assert.is(value(m, 'Device.LocalAgent.Controller.1.MTP.1.Protocol'), 'WebSocket');
  const ctl = readWebSocketControllers(m);
  assert.equal(ctl.map((c) => [c.endpointId, c.uri, c.keepAliveS, c.retry]), [
    ['self::acs', { secure: true, host: 'acs.example.org', port: 8443, path: '/usp/agents' }, 60, { minimumWaitS: 5, intervalMultiplier: 2000 }],
  ]);
});

prov('options seed, Controllers own: a restart with new options updates untouched values and keeps a Controller\'s', () => {
  const store = new MemoryStore();
  const m = model(store);
  assert.ok(typeof provisionWebSocket(m, store, { ...SETTINGS, keepAliveS: 60 }) !== 'string');
  controllerSets(m, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Port', '9443');
  controllerSets(m, 'Device.LocalAgent.MTP.2.WebSocket.KeepAliveInterval', '30');
  const again = model(store); // a restart: the state comes back from storage
  const rows = provisionWebSocket(again, store, {
    listen: { port: 9002, path: '/usp2', tls: false },
    controllers: [{ endpointId: 'self::acs', uri: 'wss://acs2.example.org:1234/v2' }],
    keepAliveS: 20,
  });
  assert.ok(typeof rows !== 'string', String(rows));
  assert.is(value(again, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Host'), 'acs2.example.org', 'untouched: the new option applies');
  assert.is(value(again, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Path'), 'v2');
  assert.is(value(again, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Port'), '9443', 'a Controller set it: it stays');
  assert.is(value(again, 'Device.LocalAgent.MTP.2.WebSocket.KeepAliveInterval'), '30', 'a Controller set it: it stays');
  assert.is(value(again, 'Device.LocalAgent.MTP.2.WebSocket.Port'), '9002');
  assert.is(value(again, 'Device.LocalAgent.MTP.2.WebSocket.Path'), 'usp2');
  // Still the Controller's at the next start, even when the options name the old value again.
  const third = model(store);
  assert.ok(typeof provisionWebSocket(third, store, SETTINGS) !== 'string');
  assert.is(value(third, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Port'), '9443');
  assert.is(value(third, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Host'), 'acs.example.org');
});

prov('a Controller\'s change of the listener Port is where the agent listens next; the options\' port otherwise', () => {
  const store = new MemoryStore();
  const m = model(store);
  const first = provisionWebSocket(m, store, { ...SETTINGS, listen: { port: 0, path: '/usp', tls: false } });
  assert.ok(typeof first !== 'string' && first.listenPort === 0, 'port 0: any free port');
  if (typeof first === 'string') return;
  controllerSets(m, 'Device.LocalAgent.MTP.2.WebSocket.Port', '41234'); // the listener bound 41234 and wrote it…
  first.defaults.note(m, m.instanceAt('Device.LocalAgent.MTP.2.WebSocket.')!, 'Port', '41234'); // …as the options' own
  const again = provisionWebSocket(model(store), store, { ...SETTINGS, listen: { port: 0, path: '/usp', tls: false } });
  assert.ok(typeof again !== 'string' && again.listenPort === 0, 'the bound port is the options\' own: 0 again');
  controllerSets(model(store), 'Device.LocalAgent.MTP.2.WebSocket.Port', '7000');
  const owned = provisionWebSocket(model(store), store, { ...SETTINGS, listen: { port: 0, path: '/usp', tls: false } });
  assert.ok(typeof owned !== 'string' && owned.listenPort === 7000, 'a Controller chose 7000');
});

prov('without --ws-port the listener row the options made is disabled; an unreadable record lets the options write once (D10)', () => {
  const store = new MemoryStore();
  const m = model(store);
  assert.ok(typeof provisionWebSocket(m, store, SETTINGS) !== 'string');
  const off = model(store);
  assert.ok(typeof provisionWebSocket(off, store, { controllers: [] }) !== 'string');
  assert.is(value(off, 'Device.LocalAgent.MTP.2.Enable'), 'false');
  store.set(SEEDED_KEY, new Uint8Array([0xff, 0x00]));
  const garbled = model(store);
  assert.ok(typeof provisionWebSocket(garbled, store, { ...SETTINGS, controllers: [{ endpointId: 'self::acs', uri: 'ws://other:1/x' }] }) !== 'string');
  assert.is(value(garbled, 'Device.LocalAgent.Controller.1.MTP.1.WebSocket.Host'), 'other', 'nothing recorded: the options win once, as for every provisioned row');
});

prov('bad URIs are refused with a reason and nothing is committed', () => {
  const store = new MemoryStore();
  const m = model(store);
  const r = provisionWebSocket(m, store, { controllers: [{ endpointId: 'self::x', uri: 'ws://:1/' }] });
  assert.type(r, 'string');
  assert.is(m.resolve('Device.LocalAgent.Controller.1.').err !== 0, true);
});

prov.run();
