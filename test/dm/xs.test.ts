/**
 * The data-model engine inside the real XS engine (tools/xs): the schema builds and is
 * deeply frozen there, the default model resolves and commits like on Node, and a
 * warmed-up Get (resolve + read) retains no heap.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import type { DataModel } from '../../src/dm/index.ts';
import { BOARD, exampleModel } from './example-model.ts';

const xs = suite('dm/xs');
let worker: XsWorker;

xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs.ts')), 'tinyusp');
  await worker.evaluate(`
    globalThis.board = ${JSON.stringify(BOARD)};
    globalThis.schema = tinyusp.createDeviceSchema();
    globalThis.model = tinyusp.createDataModel({ schema, context: tinyusp.createDeviceContext(board, 'T0001', '1.2.3', 'os::0A1B2C-T0001', 0),
      factoryDefault: tinyusp.createFactoryDefault(board) });
    globalThis.get = (path) => { const r = model.resolve(path); return r.err !== 0 ? r.err : r.objects.map((o) => model.read(o, r.element)); };
  `);
});

xs.after(() => worker?.close());

xs('DESIGN "Static, compact data model": the schema is deeply frozen inside XS', async () => {
  const { value } = await worker.call<[number, number]>(`(() => {
    const seen = new Set(); let all = 0, frozen = 0;
    const walk = (v) => { if (v === null || typeof v !== 'object' || seen.has(v)) return; seen.add(v); all++; if (Object.isFrozen(v)) frozen++; for (const k of Object.keys(v)) walk(v[k]); const p = Object.getPrototypeOf(v); if (p !== Object.prototype && p !== Array.prototype) walk(p); };
    walk(schema); return [all, frozen]; })()`);
  assert.ok(value[0] > 300);
  assert.is(value[1], value[0]);
});

xs('R-ARC.9 / R-ADD.5 resolve, search, add and commit work in XS as on Node', async () => {
  const { value } = await worker.call<unknown[]>(`(() => {
    model.setTime(61000, Date.UTC(2024, 0, 2, 3, 4, 5));
    const tx = model.begin();
    const row = tx.add(model.tableAt('Device.LocalAgent.Controller.'));
    tx.set(row, 'EndpointID', 'proto::ctl');
    const err = tx.commit();
    return [err, get('Device.DeviceInfo.UpTime'), get('Device.Time.CurrentLocalTime'), get('Device.LocalAgent.ControllerTrust.Role.[Name=="Untrusted"].Permission.1.Param'),
      get('Device.LocalAgent.Controller.[EndpointID=="proto::ctl"].Alias'), get('Device.LocalAgent.ControllerTrust.UntrustedRole+.Name'), get('Device.Nope.')];
  })()`);
  assert.equal(value, [0, ['61'], ['2024-01-02T03:04:05Z'], ['----'], ['cpe-1'], ['Untrusted'], 7026]);
});

xs('R-ARC.8 persistence round-trips inside XS (UTF-8 without TextEncoder, counters kept)', async () => {
  const { value } = await worker.call<unknown[]>(`(() => {
    const map = new Map();
    const store = { get: (k) => map.get(k), set: (k, v) => { map.set(k, v.slice()); }, delete: (k) => { map.delete(k); }, keys: () => [...map.keys()] };
    const open = () => tinyusp.createDataModel({ schema, store, context: tinyusp.createDeviceContext(board, 'T0001', '1.2.3', 'os::0A1B2C-T0001', 0),
      factoryDefault: tinyusp.createFactoryDefault(board) });
    const a = open();
    const tx = a.begin();
    tx.set(a.instanceAt('Device.DeviceInfo.'), 'FriendlyName', 'K\u00fcche \u2615 \ud834\udd1e');
    const c = tx.add(a.tableAt('Device.LocalAgent.Controller.'));
    tx.deleteInstance(c);
    tx.commit();
    const b = open();
    const r = b.resolve('Device.DeviceInfo.FriendlyName');
    return [b.loadError, b.read(r.objects[0], r.element), b.tableAt('Device.LocalAgent.Controller.').nextNumber, map.get('dm').length];
  })()`);
  assert.equal(value.slice(0, 3), ['', 'K\u00fcche \u2615 \ud834\udd1e', 2]);
  assert.ok((value[3] as number) > 500);
});

xs('R-ARC.7/9/10/11 every path example resolves in XS exactly as on Node', async () => {
  const examples = [
    'Device.IP.Interface.[Name=="eth0"].IPv4Address.[Status=="Enabled"].IPAddress',
    'Device.NAT.PortMapping.[RemoteHost==""&&ExternalPort==0&&Protocol=="TCP"].',
    'Device.IP.Interface.[Type=="Normal"].IPv4Address.[AddressingType=="Static"].IPAddress',
    'Device.IP.Interface.[Type=="Normal"&&Stats.ErrorsSent>0].IPv4Address.[AddressingType=="Static"].IPAddress',
    'Device.DSL.Line.[Enable==1].CurrentProfile',
    'Device.IP.Interface.*.IPv6Address.[ValidLifetime<2021-06-06T08:00:00Z].IPAddress',
    'Device.USB.USBHosts.Host.*.Device.[DeviceClass==08].',
    'Device.PCP.Client.*.Server.[Capabilities~="IPv6Firewall"].',
    'Device.PeriodicStatistics.SampleSet.[SampleSeconds~=5].',
    'Device.IP.Interface.[].', 'Device.IP.Interface.{Type=="Normal"}.Status', 'Device.DSL.Line.[Enable=="true"].CurrentProfile',
    'Device.IP.Interface.[Type == "Normal" && Name != "eth0"].', 'Device.IP.Interface.*.Type', 'Device.IP.Interface.9.Name',
    'Device.NAT.PortMapping.1.Interface+.Name', 'Device.WiFi.SSID.1.LowerLayers#*+.Name', 'Device.WiFi.SSID.1.LowerLayers#2+.Name',
    'Device.WiFi.AccessPoint.[SSIDReference+.SSID=="MyHome"].AssociatedDevice.[OperatingStandard=="ac"].SignalStrength',
    'Device.IP.Interface.[Name=="eth0"].Reset()', 'Device.Boot!', 'Device.WiFi.AccessPoint.*.AssociatedDevice.[SignalStrength==-040].',
  ];
  // The same function runs on Node and, as source text, inside XS.
  const summarize = (m: DataModel, p: string): unknown => {
    const r = m.resolve(p);
    return [r.err, r.kind, r.objects.map((o) => o.path + (r.element !== null && r.element.kind === 2 ? '=' + m.read(o, r.element) : ''))];
  };
  const node = exampleModel();
  const expected = examples.map((p) => summarize(node, p));
  const w = XsWorker.start();
  try {
    await w.loadBundle(await bundleForXs(join(ROOT, 'test/dm/example-xs-entry.ts')), 'ex');
    const { value } = await w.call<unknown[]>(`(() => { const m = ex.exampleModel(); const f = ${summarize.toString()}; return ${JSON.stringify(examples)}.map((p) => f(m, p)); })()`);
    assert.equal(value, expected);
  } finally {
    w.close();
  }
});

xs('R-GET a warmed-up Get (resolve + read) retains no heap in XS', async () => {
  await worker.evaluate(`globalThis.run = (n) => { for (let i = 0; i < n; i++) get('Device.LocalAgent.ControllerTrust.Role.*.Name'); }; run(20);`);
  assert.is(await worker.retainedSlots('run(200)'), 0);
});

xs('DESIGN "Bounded everything": the parsed-path cache stays bounded under many distinct paths', async () => {
  await worker.evaluate(`globalThis.many = (from, n) => { for (let i = from; i < from + n; i++) get('Device.LocalAgent.Controller.' + i + '.Enable'); }; many(1000, 100);`);
  assert.is(await worker.retainedSlots('many(5000, 300)'), 0);
});

xs.run();
