/** TR-369 §"Data Model Path Grammar" (R-ARC.7), §Search (R-ARC.9/9a), §RefFollow: the parser alone. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DmError, parsePath, PathKind, SearchOp, SegmentKind } from '../../src/dm/index.ts';

const grammar = suite('dm/path-parser grammar');

function ok(path: string, supported = false) {
  const p = parsePath(path, supported);
  assert.is(p.err, 0, `${path}: ${p.message}`);
  return p;
}

function bad(path: string, supported = false) {
  const p = parsePath(path, supported);
  assert.is(p.err, DmError.InvalidPathSyntax, `${path} should be 7008`);
  assert.ok(p.message.length > 0, 'error carries a message');
}

grammar('R-ARC.7 the six kinds of path: object, instance, parameter, command, event, search', () => {
  assert.is(ok('Device.DeviceInfo.').kind, PathKind.Object);
  assert.is(ok('Device.IP.Interface.3.').kind, PathKind.Object);
  assert.is(ok('Device.IP.Interface.3').kind, PathKind.Object, 'instance path without the final dot (reference values)');
  assert.is(ok('Device.DeviceInfo.SerialNumber').kind, PathKind.Param);
  const cmd = ok('Device.IP.Interface.[Name=="eth0"].Reset()');
  assert.is(cmd.kind, PathKind.Command);
  assert.is(cmd.segments[cmd.segments.length - 1]!.name, 'Reset()');
  const ev = ok('Device.Boot!');
  assert.is(ev.kind, PathKind.Event);
  assert.is(ev.segments[1]!.name, 'Boot!');
  assert.ok(ok('Device.IP.Interface.*.Type').search);
  assert.not.ok(ok('Device.IP.Interface.3.Name').search);
});

grammar('§Grammar instance numbers are posnum: ≥ 1, no leading zero', () => {
  const p = ok('Device.IP.Interface.12.');
  assert.is(p.segments[3]!.kind, SegmentKind.Instance);
  assert.is(p.segments[3]!.number, 12);
  bad('Device.IP.Interface.0.');
  bad('Device.IP.Interface.012.');
});

grammar('§Grammar names are [A-Za-z_][A-Za-z_0-9]*; empty segments and stray characters are 7008', () => {
  ok('Device._x9.');
  bad('');
  bad('.Device.');
  bad('Device..IP.');
  bad('Device.9IP.');
  bad('Device.IP-x.');
  bad('Device.IP.Interface.1.Name ');
  bad('Device.Reboot(');
  bad('Device.Boot!x');
  bad('Device.Reboot().');
  bad('Device.*.');
  bad('*.');
});

grammar('§UniqueKey key addressing, single and multi-parameter', () => {
  const a = ok('Device.IP.Interface.[Name=="eth0"]');
  assert.is(a.kind, PathKind.Object);
  const t = a.segments[3]!.terms!;
  assert.is(t.length, 1);
  assert.equal([t[0]!.steps[0]!.name, t[0]!.op, t[0]!.value, t[0]!.quoted], ['Name', SearchOp.Eq, 'eth0', true]);
  ok('Device.IP.Interface.[Alias=="WAN"]');
  const m = ok('Device.NAT.PortMapping.[RemoteHost==""&&ExternalPort==0&&Protocol=="TCP"].');
  const terms = m.segments[3]!.terms!;
  assert.equal(terms.map((x) => [x.steps[0]!.name, x.value, x.quoted]), [['RemoteHost', '', true], ['ExternalPort', '0', false], ['Protocol', 'TCP', true]]);
});

grammar('§Search every operator, relative parameters into sub-objects, combined search and key', () => {
  const ops: [string, number][] = [['==', SearchOp.Eq], ['!=', SearchOp.Ne], ['~=', SearchOp.Contains], ['<', SearchOp.Lt], ['>', SearchOp.Gt], ['<=', SearchOp.Le], ['>=', SearchOp.Ge]];
  for (const [text, op] of ops) assert.is(ok(`Device.X.[A${text}1].`).segments[2]!.terms![0]!.op, op, text);
  const p = ok('Device.IP.Interface.[Type=="Normal"&&Stats.ErrorsSent>0].IPv4Address.[AddressingType=="Static"].IPAddress');
  assert.equal(p.segments[3]!.terms![1]!.steps.map((s) => s.name), ['Stats', 'ErrorsSent']);
  ok('Device.IP.Interface.[Name=="eth0"].IPv4Address.[Status=="Enabled"].IPAddress');
  ok('Device.IP.Interface.[Type=="Normal"].Status');
  ok('Device.IP.Interface.[Type=="Normal"].IPv4Address.[AddressingType=="Static"].IPAddress');
  ok('Device.DSL.Line.[Enable==true].CurrentProfile');
  ok('Device.DSL.Line.[Enable==1].CurrentProfile');
  assert.is(ok('Device.IP.Interface.*.IPv6Address.[ValidLifetime<2021-06-06T08:00:00Z].IPAddress').segments[5]!.terms![0]!.value, '2021-06-06T08:00:00Z');
  ok('Device.USB.USBHosts.Host.*.Device.[DeviceClass==08].');
  ok('Device.PCP.Client.*.Server.[Capabilities~="IPv6Firewall"].');
  ok('Device.PeriodicStatistics.SampleSet.[SampleSeconds~=5].');
  ok('Device.IP.Interface.*.');
  ok('Device.IP.Interface.*.Type');
});

grammar('R-ARC.9a whitespace around operators and && is tolerated', () => {
  const p = ok('Device.IP.Interface.[Type == "Normal" && Name != "lo"].');
  const t = p.segments[3]!.terms!;
  assert.equal(t.map((x) => [x.steps[0]!.name, x.op, x.value]), [['Type', SearchOp.Eq, 'Normal'], ['Name', SearchOp.Ne, 'lo']]);
  ok('Device.X.[ A<=-5 ].');
});

grammar('§Search %22 and %25 decode inside quoted constants; ] and . inside quotes are data', () => {
  const p = ok('Device.X.[Name=="a%22b%25c%2541].d"].Y');
  assert.is(p.segments[2]!.terms![0]!.value, 'a"b%c%41].d');
  assert.is(p.kind, PathKind.Param);
});

grammar('§Search the invalid examples of 01-architecture are 7008', () => {
  bad('Device.IP.Interface.[].');
  bad('Device.IP.Interface.[Type=="Normal"&&IPv4Address.*.AddressingType=="Static"].Status');
  bad('Device.IP.Interface.{Type=="Normal"}.Status');
  bad('Device.IP.Interface.[Type=="Normal"');
  bad('Device.IP.Interface.[Type="Normal"].');
  bad('Device.IP.Interface.[Type=="Normal"||Name=="x"].');
  bad('Device.IP.Interface.[Name=="unterminated].');
  bad('Device.IP.Interface.[=="x"].');
  bad('Device.IP.Interface.[Name==].');
  bad('Device.IP.Interface.[Name=="a"]x.');
});

grammar('§RefFollow "+", "#n+", "#*+" after a parameter, also inside expressions', () => {
  const a = ok('Device.NAT.PortMapping.1.Interface+.Name');
  assert.equal(a.segments[4]!.follow, { item: 1 });
  assert.is(a.kind, PathKind.Param);
  assert.ok(a.search, 'a reference hop may resolve to nothing: treated like a search');
  assert.equal(ok('Device.WiFi.SSID.1.LowerLayers#1+.Name').segments[4]!.follow, { item: 1 });
  assert.equal(ok('Device.WiFi.SSID.1.LowerLayers#2+.Name').segments[4]!.follow, { item: 2 });
  assert.equal(ok('Device.WiFi.SSID.1.LowerLayers#*+.Name').segments[4]!.follow, { item: -1 });
  const s = ok('Device.WiFi.AccessPoint.[SSIDReference+.SSID=="MyHome"].AssociatedDevice.[OperatingStandard=="ac"].SignalStrength');
  assert.equal(s.segments[3]!.terms![0]!.steps, [{ name: 'SSIDReference', follow: { item: 1 } }, { name: 'SSID', follow: null }]);
  ok('Device.NAT.PortMapping.1.Interface+');
  bad('Device.WiFi.SSID.1.LowerLayers#0+.Name');
  bad('Device.WiFi.SSID.1.LowerLayers#+.Name');
  bad('Device.WiFi.SSID.1.LowerLayers#2.Name');
  bad('Device+.X');
});

grammar('§GSDM supported paths take {i} and refuse searches; instantiated paths refuse {i}', () => {
  const p = ok('Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.Port', true);
  assert.is(p.segments[3]!.kind, SegmentKind.SupportedInstance);
  ok('Device.LocalAgent.Controller.{i}.', true);
  ok('Device.LocalAgent.Controller.1.', true);
  bad('Device.LocalAgent.Controller.[Enable==true].', true);
  bad('Device.LocalAgent.Controller.{i}.');
  bad('Device.LocalAgent.Controller.{j}.', true);
});

grammar.run();
