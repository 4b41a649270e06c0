/**
 * Persistence (R-ARC.8, §4 items 8, 11, 13): what survives a restart, what does not,
 * the factory default and FactoryReset(), and a crash test: a child process writing in
 * a loop on the real Node file store is SIGKILLed at random moments, and every reopen
 * must find the old or the new state, never a torn or mixed one.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  buildDeviceSchema, COAPS_SCHEMA, createDataModel, createDeviceContext, createFactoryDefault, WriteMode,
} from '../../src/dm/index.ts';
import { STORE_KEY } from '../../src/dm/persistence.ts';
import { createFileStore } from '../../src/platform/node/storage.ts';
import { TextRead, type KeyValueStore } from '../../src/platform/types.ts';
import { BOARD, EXAMPLE_ROWS, exampleModel, exampleObjects, setOne, valueAt as value } from './example-model.ts';

function memoryStore(): KeyValueStore & { writes: number } {
  const m = new Map<string, Uint8Array>();
  return {
    writes: 0,
    get: (k) => m.get(k),
    set(k, v) { this.writes++; m.set(k, v.slice()); },
    delete: (k) => { m.delete(k); },
    keys: () => [...m.keys()],
  };
}


const restart = suite('dm/persistence restart');

restart('R-ARC.8 configuration, rows, instance numbers and counters survive a restart', () => {
  const store = memoryStore();
  let m = exampleModel(store);
  const tx = m.begin();
  const ctl = m.tableAt('Device.LocalAgent.Controller.')!;
  const a = tx.add(ctl)!;
  tx.set(a, 'EndpointID', 'proto::ctl-a');
  tx.set(a.child('TransferCompletePolicy')!, 'ResultTypeFilter', 'Failure');
  const b = tx.add(ctl)!;
  tx.set(b, 'EndpointID', 'proto::ctl-b');
  const mtp = tx.add(b.table('MTP')!)!;
  tx.set(mtp.child('CoAP')!, 'Host', 'ctl-b.local');
  tx.set(m.instanceAt('Device.DeviceInfo.')!, 'FriendlyName', 'kitchen');
  tx.deleteInstance(a);
  assert.is(tx.commit(), 0);
  m = exampleModel(store);
  assert.is(m.loadError, '');
  assert.is(value(m, 'Device.DeviceInfo.FriendlyName'), 'kitchen');
  assert.is(value(m, 'Device.LocalAgent.Controller.2.EndpointID'), 'proto::ctl-b');
  assert.is(value(m, 'Device.LocalAgent.Controller.2.MTP.1.CoAP.Host'), 'ctl-b.local');
  assert.is(m.resolve('Device.LocalAgent.Controller.1.').err, 7016);
  const t2 = m.begin();
  assert.is(t2.add(m.tableAt('Device.LocalAgent.Controller.')!)!.number, 3, 'number 1 stays retired after the restart');
  t2.rollback();
  assert.is(value(m, 'Device.IP.Interface.[Name=="eth0"].Alias'), 'WAN', 'factory rows persisted with their keys');
});

restart('§1.14 every Subscription is stored (the agent deletes non-persistent ones after Boot!, test/agent/boot.test.ts); Requests never (R-OPR §Persistence)', () => {
  const store = memoryStore();
  let m = exampleModel(store);
  const tx = m.begin();
  const subs = m.tableAt('Device.LocalAgent.Subscription.')!;
  const keep = tx.add(subs)!;
  tx.set(keep, 'ID', 'keep');
  tx.set(keep, 'Persistent', 'true');
  tx.set(keep, 'ReferenceList', 'Device.Boot!');
  const drop = tx.add(subs)!;
  tx.set(drop, 'ID', 'drop');
  const req = tx.add(m.tableAt('Device.LocalAgent.Request.')!, WriteMode.Agent)!;
  tx.set(req, 'Command', 'Device.ScheduleTimer()', WriteMode.Agent);
  assert.is(tx.commit(), 0);
  m = exampleModel(store);
  assert.equal(m.resolve('Device.LocalAgent.Subscription.*.ID').objects.map((o) => o.path),
    ['Device.LocalAgent.Subscription.1.', 'Device.LocalAgent.Subscription.2.']);
  assert.is(value(m, 'Device.LocalAgent.Subscription.1.ReferenceList'), 'Device.Boot!');
  assert.is(value(m, 'Device.LocalAgent.Subscription.2.Persistent'), 'false');
  assert.equal(m.resolve('Device.LocalAgent.Request.*.').objects, []);
  assert.is(m.tableAt('Device.LocalAgent.Subscription.')!.nextNumber, 3);
});

/** A store that hands text back one character at a time and keeps what writeText gave it, piece by piece. */
function pieceStore(): KeyValueStore & { pieces: string[] } {
  const m = new Map<string, string>();
  const pieces: string[] = [];
  return {
    pieces,
    get: (k) => (m.has(k) ? new TextEncoder().encode(m.get(k)) : undefined),
    set: (k, v) => { m.set(k, new TextDecoder().decode(v)); },
    delete: (k) => { m.delete(k); },
    keys: () => [...m.keys()],
    readText(k, visit) {
      const t = m.get(k);
      if (t === undefined) return TextRead.Absent;
      for (const ch of t) visit(ch);
      return TextRead.Read;
    },
    writeText(k, source) {
      pieces.length = 0;
      let t = '';
      for (let p = source.next(); p !== null; p = source.next()) { pieces.push(p); t += p; }
      m.set(k, t);
    },
  };
}

restart('R-ARC.8 the state is streamed one line per piece (format 2) and loads whatever the pieces are', () => {
  const store = pieceStore();
  let m = exampleModel(store);
  const tx = m.begin();
  tx.set(m.instanceAt('Device.DeviceInfo.')!, 'FriendlyName', 'caf\u00e9 \ud83d\ude00 "quoted"\nline');
  assert.is(tx.commit(), 0);
  assert.is(store.pieces[0], '{"v":2}\n');
  assert.ok(store.pieces.length > 5, 'one piece per instance or table');
  for (const p of store.pieces) assert.ok(p.endsWith('\n') && p.indexOf('\n') === p.length - 1, 'one line per piece');
  m = exampleModel(store);
  assert.is(m.loadError, '');
  assert.is(value(m, 'Device.DeviceInfo.FriendlyName'), 'caf\u00e9 \ud83d\ude00 "quoted"\nline');
});

restart('R-ARC.8 a state stored in format 1 (one JSON document) still loads', () => {
  const store = memoryStore();
  store.set(STORE_KEY, new TextEncoder().encode(JSON.stringify({ v: 1, o: [['Device.DeviceInfo.', ['FriendlyName', 'old']], ['Device.LocalAgent.Controller.4.', ['EndpointID', 'proto::old']]], n: [['Device.LocalAgent.Controller.', 9]] })));
  const m = exampleModel(store);
  assert.is(m.loadError, '');
  assert.is(value(m, 'Device.DeviceInfo.FriendlyName'), 'old');
  assert.is(value(m, 'Device.LocalAgent.Controller.4.EndpointID'), 'proto::old');
  assert.is(m.tableAt('Device.LocalAgent.Controller.')!.nextNumber, 9);
});

restart('§4 item 11 values read from the platform are not stored; one atomic write per commit', () => {
  const store = memoryStore();
  const m = exampleModel(store, 5000);
  const before = store.writes;
  setOne(m, 'Device.DSL.Line.1.CurrentProfile', 'x');
  assert.is(store.writes, before + 1);
  const text = new TextDecoder().decode(store.get(STORE_KEY)!);
  assert.not.ok(text.includes('UpTime') || text.includes('Manufacturer') || text.includes('NumberOfEntries'));
  const tx = m.begin();
  tx.rollback();
  assert.is(store.writes, before + 1, 'a rollback writes nothing');
});

restart('§Errors a failing store write is 7003 and leaves memory and storage at the old state', () => {
  const store = memoryStore();
  const m = exampleModel(store);
  const before = store.get(STORE_KEY)!.slice();
  store.set = () => { throw new Error('ENOSPC'); };
  const tx = m.begin();
  tx.set(m.instanceAt('Device.DSL.Line.1.')!, 'CurrentProfile', 'lost');
  tx.add(m.tableAt('Device.LocalAgent.Controller.')!);
  assert.is(tx.commit(), 7003);
  assert.ok(tx.message.length > 0);
  assert.is(value(m, 'Device.DSL.Line.1.CurrentProfile'), '17a');
  assert.equal(m.resolve('Device.LocalAgent.Controller.*.').objects, []);
  assert.equal([...store.get(STORE_KEY)!], [...before]);
});

restart('§Persistence an unreadable stored state falls back to the factory default, reported in loadError', () => {
  const store = memoryStore();
  store.set(STORE_KEY, new Uint8Array([0x7b, 0x22, 0xff]));
  let m = exampleModel(store);
  assert.ok(m.loadError.length > 0);
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.Role.1.Name'), 'Full Access');
  store.set(STORE_KEY, new TextEncoder().encode('{"v":1,"o":[["Device.LocalAgent.Controller.0.",[]]],"n":[]}'));
  m = exampleModel(store);
  assert.ok(m.loadError.includes('Device.LocalAgent.Controller.0.'));
});

restart('D14 a state of a schema with more MTPs loads into a CoAP-only schema without them (the full build\'s MQTT rows and TransferCompletePolicy in the coaps build)', () => {
  const store = memoryStore();
  const full = exampleModel(store);
  const tx = full.begin();
  const client = tx.add(full.tableAt('Device.MQTT.Client.')!)!;
  tx.set(client, 'BrokerAddress', 'broker.local');
  tx.add(client.table('Subscription')!);
  const local = full.tableAt('Device.LocalAgent.MTP.')!;
  const coap = tx.add(local)!;
  tx.set(coap.child('CoAP')!, 'Port', '5690');
  const mqtt = tx.add(local)!;
  tx.set(mqtt, 'Protocol', 'MQTT');
  tx.set(mqtt.child('MQTT')!, 'ResponseTopicConfigured', 'usp/agent');
  const ctl = tx.add(full.tableAt('Device.LocalAgent.Controller.')!)!;
  tx.set(ctl, 'EndpointID', 'proto::ctl');
  tx.set(ctl.child('TransferCompletePolicy')!, 'ResultTypeFilter', 'Failure');
  tx.set(tx.add(ctl.table('MTP')!)!.child('CoAP')!, 'Host', 'ctl.local');
  const viaMqtt = tx.add(ctl.table('MTP')!)!;
  tx.set(viaMqtt, 'Protocol', 'MQTT');
  tx.set(viaMqtt.child('MQTT')!, 'Topic', 'usp/ctl');
  assert.is(tx.commit(), 0, tx.message);
  const coapOnly = createDataModel({
    schema: buildDeviceSchema(COAPS_SCHEMA, exampleObjects()), context: createDeviceContext(BOARD, 'T0001', '1.0', 'os::0A1B2C-T0001', 0), store,
    factoryDefault: createFactoryDefault(BOARD, { rows: EXAMPLE_ROWS }),
  });
  assert.is(coapOnly.loadError, '');
  assert.is(coapOnly.tableAt('Device.MQTT.Client.'), undefined);
  assert.is(coapOnly.instanceAt(`${ctl.path}TransferCompletePolicy.`), undefined);
  const localRows = full.resolve('Device.LocalAgent.MTP.*.').objects!.map((o) => o.path);
  assert.ok(localRows.includes(mqtt.path));
  assert.equal(coapOnly.resolve('Device.LocalAgent.MTP.*.').objects!.map((o) => o.path), localRows.filter((r) => r !== mqtt.path), 'only the MQTT MTP row is left out');
  assert.is(value(coapOnly, `${coap.path}CoAP.Port`), '5690');
  assert.is(value(coapOnly, `${ctl.path}EndpointID`), 'proto::ctl');
  assert.equal(coapOnly.resolve(`${ctl.path}MTP.*.`).objects!.map((o) => o.path), [`${ctl.path}MTP.1.`]);
  assert.is(value(coapOnly, `${ctl.path}MTP.1.CoAP.Host`), 'ctl.local');
  assert.is(value(coapOnly, 'Device.LocalAgent.ControllerTrust.Role.1.Name'), 'Full Access', 'the rest of the state is kept');
  const t2 = coapOnly.begin();
  assert.is(t2.add(coapOnly.tableAt('Device.LocalAgent.MTP.')!)!.number, mqtt.number + 1, 'the left-out row\'s number stays retired');
  t2.rollback();
});

const factory = suite('dm/persistence factory default');

factory('07-security default roles: "Full Access" and "Untrusted" (no permissions), UntrustedRole set', () => {
  const m = exampleModel(memoryStore());
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.Role.[Name=="Full Access"].Permission.1.Param'), 'rw-n');
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.Role.[Name=="Full Access"].Permission.1.Targets'), 'Device.');
  for (const p of ['Param', 'Obj', 'InstantiatedObj', 'CommandEvent']) {
    assert.is(value(m, `Device.LocalAgent.ControllerTrust.Role.[Name=="Untrusted"].Permission.1.${p}`), '----');
  }
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.UntrustedRole+.Name'), 'Untrusted');
  assert.is(value(m, 'Device.LocalAgent.MTP.1.Protocol'), 'CoAP');
  assert.is(value(m, 'Device.LocalAgent.MTP.1.CoAP.Port'), '5683');
});

factory('Device.FactoryReset() hook: factoryReset() returns to the default and persists it', () => {
  const store = memoryStore();
  let m = exampleModel(store);
  setOne(m, 'Device.DeviceInfo.FriendlyName', 'mine');
  const tx = m.begin();
  tx.deleteInstance(m.instanceAt('Device.LocalAgent.ControllerTrust.Role.2.')!);
  tx.add(m.tableAt('Device.LocalAgent.Controller.')!);
  assert.is(tx.commit(), 0);
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.UntrustedRole'), '', 'strong ref cleared by the delete');
  m.factoryReset();
  assert.is(value(m, 'Device.DeviceInfo.FriendlyName'), 'test board');
  assert.is(value(m, 'Device.LocalAgent.ControllerTrust.UntrustedRole'), 'Device.LocalAgent.ControllerTrust.Role.2');
  assert.equal(m.resolve('Device.LocalAgent.Controller.*.').objects, []);
  m = exampleModel(store);
  assert.is(value(m, 'Device.DeviceInfo.FriendlyName'), 'test board');
});

const crash = suite('dm/persistence crash');

/** Bundles the writer once so each child starts in tens of milliseconds. */
async function writerScript(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'tinyusp-writer-')), 'writer.mjs');
  const r = await build({ entryPoints: [join(import.meta.dirname, 'crash-writer.ts')], bundle: true, platform: 'node', format: 'esm', write: false });
  writeFileSync(out, r.outputFiles[0]!.contents);
  return out;
}

function runAndKill(script: string, dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

crash('R-ARC.8 / KeyValueStore atomicity: SIGKILL at random moments never leaves a torn or mixed state', async () => {
  const script = await writerScript();
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-crash-'));
  let seed = 12345;
  let last = 0;
  const KILLS = 16;
  for (let i = 0; i < KILLS; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    await runAndKill(script, dir, 5 + (seed % 60));
    const m = exampleModel(createFileStore(dir));
    assert.is(m.loadError, '', `reopen ${i}: ${m.loadError}`);
    const name = value(m, 'Device.DeviceInfo.FriendlyName');
    const k = name === 'test board' ? 0 : Number(name.slice(1));
    assert.ok(k >= last, `state went back from ${last} to ${k}`);
    last = k;
    if (k === 0) continue;
    assert.is(value(m, 'Device.Object.FooObject.5.Label'), `n${k}`, 'both objects of one commit');
    const rows = m.resolve('Device.LocalAgent.Controller.*.EndpointID').objects;
    assert.is(rows.length, 1);
    assert.is(value(m, `${rows[0]!.path}EndpointID`), `c${k}`);
    assert.ok(m.tableAt('Device.LocalAgent.Controller.')!.nextNumber > rows[0]!.number);
  }
  assert.ok(last > 0, `the writer made progress (${last} commits over ${KILLS} runs)`);
});

restart.run();
factory.run();
crash.run();
