/**
 * TR-369 01-architecture §"Path Names": every example of the chapter resolved against a
 * model holding those objects (test/dm/example-model.ts), plus the error codes of
 * §4 item 4 (7008 syntax, 7026 not in the supported DM, 7016 instance absent).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DmError, PathKind, WriteMode, type ParamNode } from '../../src/dm/index.ts';
import { exampleModel, setOne, valueAt } from './example-model.ts';

const model = exampleModel();

function paths(path: string): string[] {
  const r = model.resolve(path);
  assert.is(r.err, 0, `${path}: ${r.message}`);
  return r.objects.map((o) => o.path);
}

function err(path: string, code: number): void {
  const r = model.resolve(path);
  assert.is(r.err, code, `${path} → ${r.err} ${r.message}`);
  assert.ok(r.message.length > 0, 'the error has a message');
}

const addressing = suite('dm/resolver addressing');

addressing('R-ARC.8 instance number addressing: Device.IP.Interface.3', () => {
  assert.equal(paths('Device.IP.Interface.3'), ['Device.IP.Interface.3.']);
  assert.equal(paths('Device.IP.Interface.3.'), ['Device.IP.Interface.3.']);
  const r = model.resolve('Device.IP.Interface.3.Name');
  assert.is(r.kind, PathKind.Param);
  assert.is(model.read(r.objects[0]!, r.element as ParamNode), 'eth1');
});

addressing('§UniqueKey Device.IP.Interface.[Name=="eth0"] and [Alias=="WAN"] address one row', () => {
  assert.equal(paths('Device.IP.Interface.[Name=="eth0"]'), ['Device.IP.Interface.1.']);
  assert.equal(paths('Device.IP.Interface.[Alias=="WAN"]'), ['Device.IP.Interface.1.']);
});

addressing('§UniqueKey multi-parameter key Device.NAT.PortMapping.[RemoteHost==""&&ExternalPort==0&&Protocol=="TCP"].', () => {
  assert.equal(paths('Device.NAT.PortMapping.[RemoteHost==""&&ExternalPort==0&&Protocol=="TCP"].'), ['Device.NAT.PortMapping.1.']);
  assert.equal(paths('Device.NAT.PortMapping.[Protocol=="TCP"&&ExternalPort==0&&RemoteHost==""].'), ['Device.NAT.PortMapping.1.'], 'order is not significant');
  assert.equal(paths('Device.NAT.PortMapping.[RemoteHost==""&&Protocol=="TCP"].'), ['Device.NAT.PortMapping.1.', 'Device.NAT.PortMapping.2.'], 'a partial key is a search');
});

addressing('§Path Names key addressing and search in one path (eth0 enabled IPv4 addresses)', () => {
  assert.equal(paths('Device.IP.Interface.[Name=="eth0"].IPv4Address.[Status=="Enabled"].IPAddress'), ['Device.IP.Interface.1.IPv4Address.1.']);
});

addressing('§Commands and §Events: Device.IP.Interface.[Name=="eth0"].Reset() and Device.Boot!', () => {
  const c = model.resolve('Device.IP.Interface.[Name=="eth0"].Reset()');
  assert.is(c.err, 0);
  assert.is(c.kind, PathKind.Command);
  assert.equal([c.objects.map((o) => o.path), c.element!.name], [['Device.IP.Interface.1.'], 'Reset()']);
  const e = model.resolve('Device.Boot!');
  assert.equal([e.err, e.kind, e.objects[0]!.path, e.element!.name], [0, PathKind.Event, 'Device.', 'Boot!']);
  err('Device.Reset()', DmError.InvalidPath);
  err('Device.Nothing!', DmError.InvalidPath);
});

addressing('§RelPath relative parameters into single-instance sub-objects (Stats.ErrorsSent)', () => {
  const r = model.resolve('Device.IP.Interface.1.Stats.ErrorsSent');
  assert.equal([r.err, r.objects[0]!.path], [0, 'Device.IP.Interface.1.Stats.']);
});

const search = suite('dm/resolver search expressions');

search('R-ARC.9 valid example: Status of all Normal IP interfaces', () => {
  assert.equal(paths('Device.IP.Interface.[Type=="Normal"].Status'), ['Device.IP.Interface.1.', 'Device.IP.Interface.3.']);
});

search('R-ARC.9 valid example: static IPv4 addresses of Normal interfaces', () => {
  assert.equal(paths('Device.IP.Interface.[Type=="Normal"].IPv4Address.[AddressingType=="Static"].IPAddress'),
    ['Device.IP.Interface.1.IPv4Address.1.', 'Device.IP.Interface.3.IPv4Address.1.']);
});

search('R-ARC.9 valid example: Stats.ErrorsSent>0, compared as 64-bit without precision loss', () => {
  const p = 'Device.IP.Interface.[Type=="Normal"&&Stats.ErrorsSent>0].IPv4Address.[AddressingType=="Static"].IPAddress';
  assert.equal(paths(p), []);
  const tx = model.begin();
  assert.is(tx.set(model.instanceAt('Device.IP.Interface.3.Stats.')!, 'ErrorsSent', '18446744073709551615', WriteMode.Agent), 0);
  assert.is(tx.commit(), 0);
  assert.equal(paths(p), ['Device.IP.Interface.3.IPv4Address.1.']);
  assert.equal(paths('Device.IP.Interface.[Stats.ErrorsSent>18446744073709551614].'), ['Device.IP.Interface.3.']);
  assert.equal(paths('Device.IP.Interface.[Stats.ErrorsSent==18446744073709551614].'), [], '2^64-2 ≠ 2^64-1 (a double would say equal)');
});

search('R-ARC.9 valid example: DSL lines with Enable==true and Enable==1', () => {
  assert.equal(paths('Device.DSL.Line.[Enable==true].CurrentProfile'), ['Device.DSL.Line.1.']);
  assert.equal(paths('Device.DSL.Line.[Enable==1].CurrentProfile'), ['Device.DSL.Line.1.']);
  assert.equal(paths('Device.DSL.Line.[Enable!=true].CurrentProfile'), ['Device.DSL.Line.2.']);
});

search('R-ARC.9 valid example: IPv6 addresses with ValidLifetime<2021-06-06T08:00:00Z', () => {
  assert.equal(paths('Device.IP.Interface.*.IPv6Address.[ValidLifetime<2021-06-06T08:00:00Z].IPAddress'), ['Device.IP.Interface.1.IPv6Address.1.']);
  assert.equal(paths('Device.IP.Interface.*.IPv6Address.[ValidLifetime<=2021-06-06T10:00:00+02:00].IPAddress'),
    ['Device.IP.Interface.1.IPv6Address.1.', 'Device.IP.Interface.3.IPv6Address.1.'], 'offsets compare as instants');
});

search('R-ARC.9 valid example: USB devices of class 08 (hexBinary, unquoted)', () => {
  assert.equal(paths('Device.USB.USBHosts.Host.*.Device.[DeviceClass==08].'), ['Device.USB.USBHosts.Host.1.Device.1.']);
});

search('R-ARC.9 valid example: ~= list contains, typed like the items', () => {
  assert.equal(paths('Device.PCP.Client.*.Server.[Capabilities~="IPv6Firewall"].'), ['Device.PCP.Client.1.Server.1.']);
  assert.equal(paths('Device.PeriodicStatistics.SampleSet.[SampleSeconds~=5].'), ['Device.PeriodicStatistics.SampleSet.1.']);
  assert.equal(paths('Device.PeriodicStatistics.SampleSet.[SampleSeconds~=05].'), ['Device.PeriodicStatistics.SampleSet.1.'], '05 is 5');
  assert.equal(paths('Device.PCP.Client.*.Server.[Capabilities~="IPv6"].'), [], 'exact item match, not substring');
});

search('§Search literals compare as typed values: +123, 0123, -040', () => {
  assert.equal(paths('Device.WiFi.AccessPoint.*.AssociatedDevice.[SignalStrength==-040].'), ['Device.WiFi.AccessPoint.1.AssociatedDevice.1.']);
  assert.equal(paths('Device.NAT.PortMapping.[ExternalPort==+8080].'), ['Device.NAT.PortMapping.2.']);
  assert.equal(paths('Device.NAT.PortMapping.[ExternalPort==08080].'), ['Device.NAT.PortMapping.2.']);
  assert.equal(paths('Device.NAT.PortMapping.[ExternalPort>=1&&ExternalPort<9000].'), ['Device.NAT.PortMapping.2.']);
  assert.equal(paths('Device.WiFi.AccessPoint.*.AssociatedDevice.[SignalStrength<-50].'),
    ['Device.WiFi.AccessPoint.1.AssociatedDevice.2.', 'Device.WiFi.AccessPoint.2.AssociatedDevice.1.']);
});

search('R-ARC.9a whitespace around operators resolves like none', () => {
  assert.equal(paths('Device.IP.Interface.[Type == "Normal" && Name != "eth0"].'), ['Device.IP.Interface.3.']);
});

search('§Search %22 / %25 escapes match quotes and percent signs in values', () => {
  assert.is(setOne(model, 'Device.NAT.PortMapping.2.Description', 'say "hi" 100%'), 0);
  assert.equal(paths('Device.NAT.PortMapping.[Description=="say %22hi%22 100%25"].'), ['Device.NAT.PortMapping.2.']);
});

search('§Search the NOT VALID examples and other typing errors are 7008', () => {
  err('Device.IP.Interface.[].', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.[Type=="Normal"&&IPv4Address.*.AddressingType=="Static"].Status', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.[Type=="Normal"&&IPv4Address.AddressingType=="Static"].Status', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.{Type=="Normal"}.Status', DmError.InvalidPathSyntax);
  err('Device.DSL.Line.[Enable=="true"].CurrentProfile', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.[Name==eth0].', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.[Name<"eth0"].', DmError.InvalidPathSyntax);
  err('Device.DSL.Line.[Enable>0].', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.[Name~="eth0"].', DmError.InvalidPathSyntax);
  err('Device.NAT.PortMapping.[ExternalPort==abc].', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.*.IPv6Address.[ValidLifetime<0001-01-01T00:00:00Z].', DmError.InvalidPathSyntax);
  err('Device.IP.Interface.[Nope=="x"].', DmError.InvalidPathSyntax);
});

const wildcard = suite('dm/resolver wildcards and zero matches');

wildcard('R-ARC.10 Device.IP.Interface.*. and *.Type return every existing instance', () => {
  assert.equal(paths('Device.IP.Interface.*.'), ['Device.IP.Interface.1.', 'Device.IP.Interface.2.', 'Device.IP.Interface.3.']);
  const r = model.resolve('Device.IP.Interface.*.Type');
  assert.equal([r.err, r.search, r.objects.length, r.element!.name], [0, true, 3, 'Type']);
});

wildcard('§4 item 4 zero matches is success, a bad path is not (checked even when nothing matches)', () => {
  assert.equal(paths('Device.LocalAgent.Controller.*.'), []);
  assert.equal(paths('Device.IP.Interface.[Name=="none"].IPv4Address.*.IPAddress'), []);
  err('Device.LocalAgent.Controller.*.Nope', DmError.InvalidPath);
  err('Device.IP.Interface.[Name=="none"].Nope.', DmError.InvalidPath);
});

wildcard('§4 item 4 a table path resolves to its rows and names the table (Add target)', () => {
  const r = model.resolve('Device.IP.Interface.');
  assert.equal([r.err, r.tables.length, r.tables[0]!.path, r.objects.length], [0, 1, 'Device.IP.Interface.', 3]);
  const n = model.resolve('Device.IP.Interface.*.IPv4Address.');
  assert.equal(n.tables.map((t) => t.path), ['Device.IP.Interface.1.IPv4Address.', 'Device.IP.Interface.2.IPv4Address.', 'Device.IP.Interface.3.IPv4Address.']);
});

wildcard('§4 item 4 error codes: 7016 absent instance, 7026 unknown names, 7008 syntax', () => {
  err('Device.IP.Interface.9.Name', DmError.ObjectDoesNotExist);
  err('Device.IP.Interface.9.', DmError.ObjectDoesNotExist);
  err('Device.IP.Nope.', DmError.InvalidPath);
  err('Device.IP.Interface.Name', DmError.InvalidPath);
  err('Device.IP.Interface.1.Nope', DmError.InvalidPath);
  err('Device.IP.1.', DmError.InvalidPath);
  err('Foo.Bar.', DmError.InvalidPath);
  err('Device.IP..', DmError.InvalidPathSyntax);
});

const refs = suite('dm/resolver reference following');

refs('§RefFollow Device.NAT.PortMapping.1.Interface+.Name is Device.IP.Interface.1.Name', () => {
  const r = model.resolve('Device.NAT.PortMapping.1.Interface+.Name');
  assert.equal([r.err, r.objects.map((o) => o.path), model.read(r.objects[0]!, r.element as ParamNode)], [0, ['Device.IP.Interface.1.'], 'eth0']);
  assert.equal(paths('Device.NAT.PortMapping.*.Interface+.'), ['Device.IP.Interface.1.', 'Device.IP.Interface.3.']);
});

refs('§RefFollow lists: LowerLayers#1+, #2+, #*+ and "+" = first item', () => {
  assert.equal(paths('Device.WiFi.SSID.1.LowerLayers#1+.Name'), ['Device.WiFi.Radio.1.']);
  assert.equal(paths('Device.WiFi.SSID.1.LowerLayers+.Name'), ['Device.WiFi.Radio.1.']);
  assert.equal(paths('Device.WiFi.SSID.1.LowerLayers#2+.Name'), ['Device.WiFi.Radio.2.']);
  assert.equal(paths('Device.WiFi.SSID.1.LowerLayers#3+.Name'), []);
  assert.equal(paths('Device.WiFi.SSID.1.LowerLayers#*+.Name'), ['Device.WiFi.Radio.1.', 'Device.WiFi.Radio.2.']);
  err('Device.WiFi.SSID.1.Name+.X', DmError.InvalidPath);
});

refs('§RefFollow inside a search: AccessPoint.[SSIDReference+.SSID=="MyHome"].AssociatedDevice.[OperatingStandard=="ac"]', () => {
  assert.equal(paths('Device.WiFi.AccessPoint.[SSIDReference+.SSID=="MyHome"].AssociatedDevice.[OperatingStandard=="ac"].SignalStrength'),
    ['Device.WiFi.AccessPoint.1.AssociatedDevice.1.']);
});

refs('R-ARC.11 reference values accept key addressing and read back with instance numbers', () => {
  assert.is(setOne(model, 'Device.Object.SomeReferenceParameter', 'Device.Object.FooObject.[KeyParam=="KeyValueForInstance5"]'), 0);
  assert.is(model.read(model.instanceAt('Device.Object.')!, model.instanceAt('Device.Object.')!.node.params.find((p) => p.name === 'SomeReferenceParameter')!), 'Device.Object.FooObject.5');
  assert.is(setOne(model, 'Device.Object.SomeReferenceParameter', 'Device.Object.FooObject.5'), 0);
  assert.equal(paths('Device.Object.SomeReferenceParameter+.'), ['Device.Object.FooObject.5.']);
});

refs('R-ARC.11 reference values are Path Names: wildcards and reference hops in a stored value resolve to nothing', () => {
  const m = exampleModel();
  assert.is(setOne(m, 'Device.WiFi.AccessPoint.1.Backup', 'Device.WiFi.SSID.*'), 0, 'weak: stored as given');
  assert.equal(m.resolve('Device.WiFi.AccessPoint.1.Backup+.').objects, []);
  assert.is(setOne(m, 'Device.WiFi.AccessPoint.1.Backup', 'Device.WiFi.SSID.[LowerLayers+.Name=="wifi0"]'), 0);
  assert.equal(m.resolve('Device.WiFi.AccessPoint.1.Backup+.').objects, []);
  assert.is(setOne(m, 'Device.WiFi.AccessPoint.1.Backup', 'Device.WiFi.SSID.[SSID=="Guest"]'), 0);
  assert.is(valueAt(m, 'Device.WiFi.AccessPoint.1.Backup'), 'Device.WiFi.SSID.2', 'resolvable weak refs are stored with numbers');
  assert.equal(m.resolve('Device.WiFi.AccessPoint.[Backup+.SSID=="Guest"].').objects.map((o) => o.path), ['Device.WiFi.AccessPoint.1.']);
});

const supported = suite('dm/resolver supported-DM paths');

supported('§GSDM {i}, instance numbers and bare table names resolve to schema nodes', () => {
  const p = model.resolveSupported('Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.Port');
  assert.equal([p.err, p.node!.path, p.element!.name], [0, 'Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.', 'Port']);
  assert.is(model.resolveSupported('Device.LocalAgent.Controller.').node!.path, 'Device.LocalAgent.Controller.{i}.');
  assert.is(model.resolveSupported('Device.LocalAgent.Controller.{i}.').node!.path, 'Device.LocalAgent.Controller.{i}.');
  assert.is(model.resolveSupported('Device.LocalAgent.Controller.7.SendOnBoardRequest()').element!.name, 'SendOnBoardRequest()');
  assert.is(model.resolveSupported('Device.LocalAgent.{i}.').err, DmError.InvalidPath);
  assert.is(model.resolveSupported('Device.LocalAgent.Nope.').err, DmError.InvalidPath);
  assert.is(model.resolveSupported('Device.LocalAgent.Controller.*.').err, DmError.InvalidPathSyntax);
});

addressing.run();
search.run();
wildcard.run();
refs.run();
supported.run();

const hostile = suite('dm/resolver hostile input');

hostile('§Errors hostile paths never throw: every result is 0, 7008, 7016 or 7026 with a message', async () => {
  const fc = await import('fast-check');
  const m = exampleModel();
  const pieces = ['Device.', 'IP.', 'Interface.', 'WiFi.', 'SSID.', 'LowerLayers', '1.', '0.', '*.', '{i}.', '[', ']', '"', '==', '~=', '<', '&&', ' ',
    'Name', 'Type', '+', '#', '#*+', '#2+', '.', '()', '!', '%22', '%25', 'Stats.', 'ErrorsSent', 'Reset()', 'Boot!', 'eth0', '-1', '\u00e9', '\u0000'];
  const path = fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((a) => a.join(''));
  fc.assert(fc.property(fc.oneof(path, fc.string({ maxLength: 40 })), (p) => {
    const r = m.resolve(p);
    if (![0, 7008, 7016, 7026].includes(r.err)) return false;
    if (r.err !== 0 && r.message === '') return false;
    return m.resolveSupported(p).err >= 0;
  }), { numRuns: 3000, seed: 42 });
});

hostile.run();
