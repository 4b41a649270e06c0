/**
 * Atomic writes (R-SET.1/2a, R-ADD.1/5, R-DEL.1, §4 items 1–3, 8), unique keys
 * (R-KEY.2, 7025), access (7010–7013, 7019), strong references (R-ARC.12) and change
 * listeners called after commit only (R-NOT §Self).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DmError, forEachInstance, Table, WriteMode, type ChangeListener, type DataModel, type ObjectInstance } from '../../src/dm/index.ts';
import { exampleModel, setOne, valueAt as value } from './example-model.ts';

/** Every stored value and row of the model, for before/after comparisons. */
function snapshot(m: DataModel): string {
  const out: string[] = [];
  forEachInstance(m.root, (inst) => {
    const pairs: string[][] = [];
    for (let i = 0; i < inst.pairs.length; i += 2) pairs.push([inst.pairs[i]!, inst.pairs[i + 1]!]);
    out.push(inst.path + ' ' + JSON.stringify(pairs.sort()));
    for (const t of inst.sub) if (t instanceof Table) out.push(t.path + ' next=' + t.nextNumber);
  });
  return out.sort().join('\n');
}

function at(m: DataModel, path: string): ObjectInstance {
  const i = m.instanceAt(path);
  if (i === undefined) throw new Error(`no ${path}`);
  return i;
}


const numbers = suite('dm/transaction instance numbers and keys');

numbers('R-ARC.8 / §4 item 8 numbers grow monotonically and are never reused, even after rollback', () => {
  const m = exampleModel();
  const table = m.tableAt('Device.IP.Interface.')!;
  let tx = m.begin();
  const a = tx.add(table)!;
  assert.is(a.number, 4);
  tx.rollback();
  assert.is(table.nextNumber, 4, 'a rolled-back Add gives its number back');
  tx = m.begin();
  const b = tx.add(table)!;
  tx.set(b, 'Name', 'eth9');
  assert.is(tx.commit(), 0);
  assert.is(b.number, 4);
  tx = m.begin();
  assert.is(tx.deleteInstance(b), 0);
  assert.is(tx.commit(), 0);
  tx = m.begin();
  const c = tx.add(table)!;
  tx.set(c, 'Name', 'eth10');
  tx.commit();
  assert.is(c.number, 5, 'deleted number 4 is not reused');
});

numbers('R-ADD.5 the Agent assigns Alias "cpe-N" and other missing keys; uniqueKeyValues lists all keys', () => {
  const m = exampleModel();
  const tx = m.begin();
  const row = tx.add(m.tableAt('Device.LocalAgent.Controller.')!)!;
  assert.is(tx.commit(), 0);
  assert.equal([...m.uniqueKeyValues(row)], [['EndpointID', 'cpe-1'], ['Alias', 'cpe-1']]);
  const perm = m.begin();
  const p = perm.add(m.tableAt('Device.LocalAgent.ControllerTrust.Role.1.Permission.')!)!;
  assert.is(perm.commit(), 0);
  assert.equal(m.uniqueKeyValues(p).get('Order'), '2', 'numeric keys get the instance number');
});

numbers('R-ADD.5 an auto-assigned key never collides with a value a Controller chose', () => {
  const m = exampleModel();
  const tx = m.begin();
  const table = m.tableAt('Device.DSL.Line.')!;
  const a = tx.add(table)!;
  tx.set(a, 'Alias', 'cpe-4');
  const b = tx.add(table)!;
  assert.is(b.number, 4);
  assert.is(value(m, 'Device.DSL.Line.4.Alias'), 'cpe-4-1');
  const perms = m.tableAt('Device.LocalAgent.ControllerTrust.Role.1.Permission.')!;
  const p = tx.add(perms)!;
  tx.set(p, 'Order', '3');
  const q = tx.add(perms)!;
  assert.equal([q.number, m.uniqueKeyValues(q).get('Order')], [3, '4']);
  assert.equal(tx.validate(), []);
  tx.rollback();
});

numbers('§1.14 Subscription.ReferenceList is immutable once set (7013), free while the row is being created', () => {
  const m = exampleModel();
  let tx = m.begin();
  const sub = tx.add(m.tableAt('Device.LocalAgent.Subscription.')!, WriteMode.Add)!;
  assert.is(tx.set(sub, 'ReferenceList', 'Device.DSL.', WriteMode.Add), 0);
  assert.is(tx.set(sub, 'ReferenceList', 'Device.IP.', WriteMode.Add), 0);
  assert.is(tx.commit(), 0);
  tx = m.begin();
  assert.is(tx.set(sub, 'ReferenceList', 'Device.NAT.'), DmError.NonWritableParameter);
  assert.is(tx.set(sub, 'ReferenceList', 'Device.IP.'), 0, 'setting the same value is no change');
  assert.is(tx.set(sub, 'Enable', 'true'), 0);
  assert.is(tx.commit(), 0);
});

numbers('§4 item 3 uniqueness is judged after the whole message: swapping two (functional) Names is legal', () => {
  const m = exampleModel();
  const tx = m.begin();
  assert.is(tx.set(at(m, 'Device.IP.Interface.1.'), 'Name', 'lo'), 0);
  assert.equal(tx.validate().map((f) => f.err), [DmError.DuplicateKey], 'mid-message the keys collide');
  assert.is(tx.set(at(m, 'Device.IP.Interface.2.'), 'Name', 'eth0'), 0);
  assert.equal(tx.validate(), []);
  assert.is(tx.commit(), 0);
  assert.equal([value(m, 'Device.IP.Interface.1.Name'), value(m, 'Device.IP.Interface.2.Name')], ['lo', 'eth0']);
});

numbers('R-KEY.1 a non-functional key (Alias, Subscription ID) never changes after creation; R-KEY.2 a functional one may', () => {
  const m = exampleModel();
  const tx = m.begin();
  assert.is(tx.set(at(m, 'Device.IP.Interface.1.'), 'Alias', 'LAN2'), DmError.NonWritableParameter);
  assert.is(tx.set(at(m, 'Device.IP.Interface.1.'), 'Alias', 'WAN'), 0, 'the same value is no change');
  assert.is(tx.set(at(m, 'Device.IP.Interface.1.'), 'Name', 'eth9'), 0);
  const sub = tx.add(m.tableAt('Device.LocalAgent.Subscription.')!, WriteMode.Add)!;
  assert.is(tx.set(sub, 'ID', 'first', WriteMode.Add), 0);
  assert.is(tx.set(sub, 'ID', 'second'), 0, 'a row created in this transaction is still being created');
  assert.is(tx.commit(), 0);
  const later = m.begin();
  assert.is(later.set(sub, 'ID', 'third'), DmError.NonWritableParameter);
  assert.is(later.set(sub, 'Alias', 'mine'), DmError.NonWritableParameter, 'an Alias the Agent assigned is assigned (R-ADD.5)');
  assert.is(later.set(sub, 'Alias', 'x', WriteMode.Agent), 0, 'the agent itself is not bound');
  later.rollback();
});

numbers('TR-106 Alias: 1–64 characters starting with a letter (7012 otherwise)', () => {
  const m = exampleModel();
  const tx = m.begin();
  const row = tx.add(m.tableAt('Device.DSL.Line.')!, WriteMode.Add)!;
  for (const bad of ['88InvalidAlias', '', '-x', 'a'.repeat(65)]) assert.is(tx.set(row, 'Alias', bad, WriteMode.Add), DmError.InvalidValue, bad);
  assert.is(tx.set(row, 'Alias', 'a88', WriteMode.Add), 0);
  tx.rollback();
});

numbers('§4 item 3 / 7025 a duplicate key fails commit, names the row, and rollback restores', () => {
  const m = exampleModel();
  const before = snapshot(m);
  const tx = m.begin();
  const row = tx.add(m.tableAt('Device.IP.Interface.')!)!;
  tx.set(row, 'Name', 'eth0');
  const f = tx.validate();
  assert.equal(f.map((x) => [x.path, x.err]), [['Device.IP.Interface.4.', DmError.DuplicateKey]]);
  assert.ok(f[0]!.message.includes('Device.IP.Interface.1.'));
  assert.is(tx.commit(), DmError.DuplicateKey);
  tx.rollback();
  assert.is(snapshot(m), before);
  const multi = m.begin();
  assert.is(multi.set(at(m, 'Device.NAT.PortMapping.2.'), 'ExternalPort', '0'), 0);
  assert.equal(multi.validate().map((x) => x.path), ['Device.NAT.PortMapping.2.'], 'multi-parameter key (RemoteHost, ExternalPort, Protocol)');
  multi.rollback();
});

const atomic = suite('dm/transaction atomicity');

atomic('R-SET.1 / R-ADD.1 rollback undoes sets, adds and deletes across objects exactly', () => {
  const m = exampleModel();
  const before = snapshot(m);
  const tx = m.begin();
  tx.set(at(m, 'Device.DSL.Line.1.'), 'Enable', 'false');
  tx.set(at(m, 'Device.DeviceInfo.'), 'FriendlyName', 'new');
  const added = tx.add(m.tableAt('Device.IP.Interface.1.IPv4Address.')!)!;
  tx.set(added, 'IPAddress', '192.0.2.9');
  tx.deleteInstance(at(m, 'Device.IP.Interface.3.'));
  tx.deleteInstance(at(m, 'Device.WiFi.Radio.1.'));
  assert.is(value(m, 'Device.DSL.Line.1.Enable'), 'false', 'reads see staged values');
  assert.is(m.instanceAt('Device.IP.Interface.3.IPv4Address.1.'), undefined, 'a deleted row takes its sub-rows');
  assert.is(value(m, 'Device.NAT.PortMapping.2.Interface'), '', 'strong ref cleared inside the transaction');
  tx.rollback();
  assert.is(snapshot(m), before);
  assert.equal(m.resolve('Device.IP.Interface.*.').objects.map((o) => o.number), [1, 2, 3], 'row order restored');
});

atomic('R-SET.2a mark/rollbackTo undoes one obj_path and keeps the others', () => {
  const m = exampleModel();
  const tx = m.begin();
  tx.set(at(m, 'Device.DSL.Line.1.'), 'CurrentProfile', 'kept');
  const mark = tx.mark();
  for (const row of m.resolve('Device.IP.Interface.[Type=="Normal"].').objects) tx.set(row, 'Type', 'Tunnel');
  assert.is(tx.set(at(m, 'Device.IP.Interface.2.'), 'Type', 'Bogus'), DmError.InvalidValue);
  tx.rollbackTo(mark);
  assert.is(tx.commit(), 0);
  assert.is(value(m, 'Device.DSL.Line.1.CurrentProfile'), 'kept');
  assert.equal(m.resolve('Device.IP.Interface.[Type=="Tunnel"].').objects, []);
});

atomic('7010/7011/7012/7013/7016 parameter errors leave nothing staged and carry messages', () => {
  const m = exampleModel();
  const tx = m.begin();
  const info = at(m, 'Device.DeviceInfo.');
  assert.is(tx.set(info, 'Nope', 'x'), DmError.UnsupportedParameter);
  assert.is(tx.set(info, 'Manufacturer', 'x'), DmError.NonWritableParameter);
  assert.is(tx.set(info, 'UpTime', '1', WriteMode.Agent), DmError.NonWritableParameter, 'getter-backed values are not stored');
  assert.is(tx.set(info, 'FirmwareImageNumberOfEntries', '1', WriteMode.Agent), DmError.NonWritableParameter);
  assert.is(tx.set(info, 'FriendlyName', 'x'.repeat(33)), DmError.InvalidValue);
  assert.is(tx.set(at(m, 'Device.LocalAgent.Controller.'.replace('Controller.', '')), 'MaxSubscriptionChangeAdoptionTime', '4'), DmError.InvalidValue);
  assert.is(tx.set(at(m, 'Device.DSL.Line.1.'), 'Enable', 'yes'), DmError.InvalidType);
  assert.ok(tx.message.includes('Device.DSL.Line.1.Enable'));
  assert.is(tx.set(at(m, 'Device.IP.Interface.1.'), 'Status', 'Up'), DmError.NonWritableParameter);
  assert.is(tx.set(at(m, 'Device.IP.Interface.1.'), 'Status', 'Down', WriteMode.Agent), 0, 'the Agent may write read-only state');
  const gone = at(m, 'Device.DSL.Line.2.');
  tx.deleteInstance(gone);
  assert.is(tx.set(gone, 'Enable', 'true'), DmError.ObjectDoesNotExist);
  tx.rollback();
});

atomic('§ADD keys writeOnceReadOnly: writable in the Add that creates the row, or once by Set; then 7013', () => {
  const m = exampleModel();
  let tx = m.begin();
  const row = tx.add(m.tableAt('Device.Object.FooObject.')!, WriteMode.Add)!;
  assert.is(tx.set(row, 'Serial', 'A1', WriteMode.Add), 0);
  assert.is(tx.set(row, 'Serial', 'A2', WriteMode.Add), 0, 'still the creating message');
  assert.is(tx.commit(), 0);
  tx = m.begin();
  assert.is(tx.set(row, 'Serial', 'B'), DmError.NonWritableParameter);
  assert.is(tx.set(at(m, 'Device.Object.FooObject.5.'), 'Serial', 'first'), 0, 'never written: one Set allowed');
  assert.is(tx.commit(), 0);
  tx = m.begin();
  assert.is(tx.set(at(m, 'Device.Object.FooObject.5.'), 'Serial', 'second'), DmError.NonWritableParameter);
  tx.rollback();
});

atomic('7019 / 7005 / 7018 / 7024 table rules: read-only tables, maxEntries, non-rows', () => {
  const m = exampleModel();
  const tx = m.begin();
  assert.is(tx.add(m.tableAt('Device.LocalAgent.Request.')!), null);
  assert.is(tx.err, DmError.NonCreatableObject);
  const req = tx.add(m.tableAt('Device.LocalAgent.Request.')!, WriteMode.Agent);
  assert.ok(req, 'the Agent creates Request rows (R-OPR.0)');
  assert.is(tx.deleteInstance(req!), DmError.DeleteFailure);
  assert.is(tx.deleteInstance(req!, WriteMode.Agent), 0);
  const ctl = m.tableAt('Device.LocalAgent.Controller.')!;
  for (let i = 0; i < 8; i++) assert.ok(tx.add(ctl));
  assert.is(tx.add(ctl), null);
  assert.is(tx.err, DmError.ResourcesExceeded);
  assert.is(tx.deleteInstance(at(m, 'Device.DeviceInfo.')), DmError.ObjectNotATable);
  tx.rollback();
  assert.is(ctl.rows.length, 0);
});

const refs = suite('dm/transaction references');

refs('R-ARC.12 a strong reference must name an existing target; a weak one need not', () => {
  const m = exampleModel();
  assert.is(setOne(m, 'Device.NAT.PortMapping.1.Interface', 'Device.IP.Interface.9'), DmError.InvalidValue);
  assert.is(setOne(m, 'Device.NAT.PortMapping.1.Interface', 'Device.DSL.Line.1'), DmError.InvalidValue, 'wrong target table');
  assert.is(setOne(m, 'Device.NAT.PortMapping.1.Interface', 'Device.IP.Interface.[Name=="eth1"].'), 0);
  assert.is(value(m, 'Device.NAT.PortMapping.1.Interface'), 'Device.IP.Interface.3');
  assert.is(setOne(m, 'Device.NAT.PortMapping.1.Interface', ''), 0, 'the null reference is always allowed');
  assert.is(setOne(m, 'Device.WiFi.AccessPoint.1.Backup', 'Device.WiFi.SSID.9'), 0);
});

refs('R-ARC.12 deleting a target nulls strong refs, drops list items, leaves weak refs; cascade deletes', () => {
  const m = exampleModel();
  assert.is(setOne(m, 'Device.WiFi.AccessPoint.1.Backup', 'Device.WiFi.SSID.1'), 0);
  const tx = m.begin();
  tx.deleteInstance(at(m, 'Device.WiFi.Radio.1.'));
  tx.deleteInstance(at(m, 'Device.WiFi.SSID.1.'));
  tx.deleteInstance(at(m, 'Device.IP.Interface.1.'));
  assert.is(tx.commit(), 0);
  assert.is(value(m, 'Device.WiFi.SSID.2.LowerLayers'), 'Device.WiFi.Radio.2');
  assert.is(value(m, 'Device.WiFi.AccessPoint.1.SSIDReference'), '');
  assert.is(value(m, 'Device.WiFi.AccessPoint.1.Backup'), 'Device.WiFi.SSID.1', 'weak: unchanged');
  assert.is(value(m, 'Device.NAT.PortMapping.1.Interface'), '');
  // Subscription.Recipient is a "delete"-flagged strong ref: the row goes with its Controller.
  const t2 = m.begin();
  const ctl = t2.add(m.tableAt('Device.LocalAgent.Controller.')!)!;
  const sub = t2.add(m.tableAt('Device.LocalAgent.Subscription.')!)!;
  assert.is(t2.set(sub, 'Recipient', 'Device.LocalAgent.Controller.1', WriteMode.Agent), 0);
  assert.is(t2.commit(), 0);
  const t3 = m.begin();
  t3.deleteInstance(ctl);
  assert.is(m.instanceAt(sub.path), undefined);
  assert.is(t3.commit(), 0);
});

const listen = suite('dm/transaction change listeners');

function recorder(): { log: string[]; listener: ChangeListener } {
  const log: string[] = [];
  return {
    log,
    listener: {
      handleValueChange: (inst, p, v) => log.push(`VC ${inst.path}${p.name}=${v}`),
      handleObjectCreation: (inst) => log.push(`ADD ${inst.path}`),
      handleObjectDeletion: (path) => log.push(`DEL ${path}`),
    },
  };
}

listen('R-NOT §Self listeners run after commit, in order, only for real changes; never on rollback', () => {
  const m = exampleModel();
  const { log, listener } = recorder();
  m.addListener(listener);
  let tx = m.begin();
  tx.set(at(m, 'Device.DSL.Line.1.'), 'CurrentProfile', '30a');
  tx.set(at(m, 'Device.DSL.Line.2.'), 'CurrentProfile', 'x');
  tx.set(at(m, 'Device.DSL.Line.2.'), 'CurrentProfile', '8b');
  tx.set(at(m, 'Device.DSL.Line.2.'), 'Enable', '0');
  const row = tx.add(m.tableAt('Device.DSL.Line.')!)!;
  tx.set(row, 'CurrentProfile', 'new');
  tx.deleteInstance(at(m, 'Device.IP.Interface.3.'));
  tx.set(at(m, 'Device.IP.Interface.1.Stats.'), 'ErrorsSent', '7', WriteMode.Agent);
  const ctl = tx.add(m.tableAt('Device.LocalAgent.Controller.')!)!;
  const mtp = tx.add(ctl.table('MTP')!)!;
  tx.set(m.instanceAt(mtp.path + 'CoAP.')!, 'Host', 'h.local', WriteMode.Add);
  assert.equal(log, [], 'nothing before commit');
  assert.is(tx.commit(), 0);
  assert.equal(log, [
    'VC Device.DSL.Line.1.CurrentProfile=30a',
    'ADD Device.DSL.Line.3.',
    'DEL Device.IP.Interface.3.',
    'DEL Device.IP.Interface.3.IPv4Address.1.',
    'DEL Device.IP.Interface.3.IPv6Address.1.',
    'VC Device.NAT.PortMapping.2.Interface=',
    'ADD Device.LocalAgent.Controller.1.',
    'ADD Device.LocalAgent.Controller.1.MTP.1.',
  ], 'unchanged values, values of new rows (and their sub-objects) and WILL_IGNORE counters fire nothing');
  log.length = 0;
  tx = m.begin();
  tx.set(at(m, 'Device.DSL.Line.1.'), 'CurrentProfile', 'zzz');
  tx.rollback();
  assert.equal(log, []);
  m.removeListener(listener);
  setOne(m, 'Device.DSL.Line.1.CurrentProfile', 'again');
  assert.equal(log, []);
});

numbers.run();
atomic.run();
refs.run();
listen.run();
