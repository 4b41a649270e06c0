/**
 * Controllers from --controller in the real Device:2 model: provisioning rows
 * (Controller.{i}. + CoAP MTP.{i}., Full Access) and the URI Notify Records go to.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, WriteMode, type DataModel,
} from '../../../src/dm/index.ts';
import { FULL_ACCESS_ROLE } from '../../../src/dm/factory-default.ts';
import { controllerUri, provisionControllers } from '../../../src/mtp/coap/controllers.ts';
import { findController } from '../../../src/mtp/controller-rows.ts';
import { BOARD } from '../../dm/example-model.ts';
import { MemoryStore } from '../../agent/harness.ts';
import { OptionDefaults } from '../../../src/mtp/option-defaults.ts';
import { provisionCoapMtps, runningCoapMtps } from '../../../src/mtp/coap/provision.ts';

function model(store?: MemoryStore): DataModel {
  const context = createDeviceContext(BOARD, 'T1', '1.0', 'os::0A1B2C-T1', 0);
  return createDataModel({ schema: createDeviceSchema(), context, factoryDefault: createFactoryDefault(BOARD), ...(store !== undefined ? { store } : {}) });
}

function value(m: DataModel, path: string): string {
  const cut = path.lastIndexOf('.');
  const inst = m.instanceAt(path.slice(0, cut + 1))!;
  return m.read(inst, inst.node.params.find((p) => p.name === path.slice(cut + 1))!);
}

const t = suite('mtp/coap/controllers');

t('07-security provisioning adds an enabled Controller with the Full Access role and a CoAP MTP describing the URI', () => {
  const m = model();
  assert.is(provisionControllers(m, [{ endpointId: 'self::a', uri: 'coap://192.0.2.7:5690/ctl/usp' }]), '');
  const row = findController(m, 'self::a')!;
  assert.is(value(m, row.path + 'Enable'), 'true');
  assert.is(value(m, row.path + 'AssignedRole'), FULL_ACCESS_ROLE);
  const mtp = row.path + 'MTP.1.';
  assert.equal(['Enable', 'Protocol', 'CoAP.Host', 'CoAP.Port', 'CoAP.Path', 'CoAP.EnableEncryption'].map((p) => value(m, mtp + p)),
    ['true', 'CoAP', '192.0.2.7', '5690', 'ctl/usp', 'false']);
  assert.is(controllerUri(m, 'self::a'), 'coap://192.0.2.7:5690/ctl/usp');
});

t('provisioning again with a new URI updates the same rows (no duplicate Controller)', () => {
  const m = model();
  provisionControllers(m, [{ endpointId: 'self::a', uri: 'coap://127.0.0.1:5690/usp' }]);
  const first = findController(m, 'self::a')!.path;
  assert.is(provisionControllers(m, [{ endpointId: 'self::a', uri: 'coaps://[::1]/usp' }, { endpointId: 'self::b', uri: 'coap://h.example/x' }]), '');
  assert.is(findController(m, 'self::a')!.path, first);
  assert.is(m.tableAt('Device.LocalAgent.Controller.')!.rows.length, 2);
  assert.is(controllerUri(m, 'self::a'), 'coaps://[::1]:5684/usp', 'RFC 7252 §6.2 default port; IPv6 literal bracketed');
  assert.is(controllerUri(m, 'self::b'), 'coap://h.example:5683/x');
});

t('controllerUri: unknown Controller, disabled MTP or empty Host → null; a changed Host is followed', () => {
  const m = model();
  assert.is(controllerUri(m, 'self::nobody'), null);
  provisionControllers(m, [{ endpointId: 'self::a', uri: 'coap://192.0.2.1:1000/one' }]);
  const mtp = m.instanceAt(findController(m, 'self::a')!.path + 'MTP.1.')!;
  const set = (inst: typeof mtp, name: string, v: string): void => {
    const tx = m.begin();
    assert.is(tx.set(inst, name, v, WriteMode.Set), 0, tx.message);
    assert.is(tx.commit(), 0);
  };
  set(mtp.child('CoAP')!, 'Host', 'ctl.example');
  assert.is(controllerUri(m, 'self::a'), 'coap://ctl.example:1000/one');
  set(mtp, 'Enable', 'false');
  assert.is(controllerUri(m, 'self::a'), null);
  set(mtp, 'Enable', 'true');
  set(mtp.child('CoAP')!, 'Host', '');
  assert.is(controllerUri(m, 'self::a'), null);
});

t('issue #19 --controller is a factory default: the role and MTP a Controller changed survive the next start', () => {
  const store = new MemoryStore();
  const boot = (uri: string): DataModel => {
    const m = model(store);
    const defaults = new OptionDefaults(store);
    assert.is(provisionControllers(m, [{ endpointId: 'self::a', uri }], defaults), '');
    defaults.save(m);
    return m;
  };
  let m = boot('coap://192.0.2.1:1000/one');
  const row = findController(m, 'self::a')!.path;
  const tx = m.begin();
  assert.is(tx.set(m.instanceAt(row)!, 'AssignedRole', 'Device.LocalAgent.ControllerTrust.Role.2', WriteMode.Set), 0);
  assert.is(tx.set(m.instanceAt(row + 'MTP.1.CoAP.')!, 'Port', '2000', WriteMode.Set), 0);
  assert.is(tx.commit(), 0);
  m = boot('coap://192.0.2.9:1000/two');
  assert.is(value(m, row + 'AssignedRole'), 'Device.LocalAgent.ControllerTrust.Role.2');
  assert.is(controllerUri(m, 'self::a'), 'coap://192.0.2.9:2000/two', 'Host and Path follow the options, the Port the Controller set stays');
});

t('issue #19 D10 a row the options re-create (stored state lost, their record kept) takes their values, not the agent\'s "cpe-N" key', () => {
  const store = new MemoryStore();
  const boot = (): DataModel => {
    const m = model(store);
    const defaults = new OptionDefaults(store);
    assert.is(provisionControllers(m, [{ endpointId: 'self::a', uri: 'coap://192.0.2.1:1000/one' }], defaults), '');
    defaults.save(m);
    return m;
  };
  boot();
  store.delete('dm'); // the data model falls back to its factory default; the options' record survives
  const m = boot();
  assert.ok(findController(m, 'self::a') !== undefined, 'the re-created row carries the EndpointID of the options');
  assert.is(controllerUri(m, 'self::a'), 'coap://192.0.2.1:1000/one');
});

t('issue #19 a CoAP MTP a Controller disabled stays disabled and does not run (Status Down)', () => {
  const store = new MemoryStore();
  const boot = (): DataModel => {
    const m = model(store);
    const defaults = new OptionDefaults(store);
    assert.is(provisionCoapMtps(m, { plain: 5683, path: '/usp', coaps: undefined }, defaults), '');
    defaults.save(m);
    return m;
  };
  let m = boot();
  assert.equal(runningCoapMtps(m), { plain: true, coaps: false });
  const tx = m.begin();
  assert.is(tx.set(m.instanceAt('Device.LocalAgent.MTP.1.')!, 'Enable', 'false', WriteMode.Set), 0);
  assert.is(tx.commit(), 0);
  m = boot();
  assert.equal([value(m, 'Device.LocalAgent.MTP.1.Enable'), value(m, 'Device.LocalAgent.MTP.1.Status')], ['false', 'Down']);
  assert.equal(runningCoapMtps(m), { plain: false, coaps: false });
});

t('a bad URI is refused and nothing is committed', () => {
  const m = model();
  assert.match(provisionControllers(m, [{ endpointId: 'self::a', uri: 'http://x/' }]), /not a coap/);
  assert.is(findController(m, 'self::a'), undefined);
});

t.run();
