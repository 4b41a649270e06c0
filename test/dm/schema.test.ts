/**
 * The Device:2 schema (AGENT-REQUIREMENTS §2, D2): deeply frozen (XS preload), and
 * checked both ways against a table of names, types and access transcribed from the
 * TR-181 XML (tr-181-2-root/-deviceinfo/-time/-localagent/-usp.xml; CoAP objects as in
 * TR-181 2.16; Device.MQTT. and the MTP MQTT sub-objects as in TR-181 2.16's MQTT:2
 * profile and tr-181-2-localagent.xml; the MTP WebSocket sub-objects from
 * tr-181-2-localagent.xml without Interfaces, IsEncrypted and USPServiceRef). Every schema element must be in the table and vice versa.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BoardDescription } from '../../src/platform/board.ts';
import {
  iotCapabilityObjects, createDeviceSchema, DATA_MODEL_URI, NodeKind, ObjAccess, ParamAccess, ROOT_DATA_MODEL_VERSION, supportedParamAccess, ValueChange, object, param, R, T,
  type ObjectNode, type Schema,
} from '../../src/dm/index.ts';

// Transcribed from the TR-181 XML: path, then "object <access>" | "<[list:]type> <R|W>" | "sync|async <inputs, * = mandatory>" | "event <args>".
const TR181 = `
Device. object R
Device.RootDataModelVersion string R
Device.Reboot() sync Cause,Reason
Device.FactoryReset() sync Cause,Reason
Device.ScheduleTimer() async DelaySeconds*
Device.Boot! event CommandKey,Cause,Reason,FirmwareUpdated,ParameterMap
Device.DeviceInfo. object R
Device.DeviceInfo.DeviceCategory list:string R
Device.DeviceInfo.Manufacturer string R
Device.DeviceInfo.ManufacturerOUI string R
Device.DeviceInfo.ModelName string R
Device.DeviceInfo.Description string R
Device.DeviceInfo.ProductClass string R
Device.DeviceInfo.SerialNumber string R
Device.DeviceInfo.HardwareVersion string R
Device.DeviceInfo.SoftwareVersion string R
Device.DeviceInfo.ActiveFirmwareImage string R
Device.DeviceInfo.BootFirmwareImage string W
Device.DeviceInfo.ProvisioningCode string W
Device.DeviceInfo.UpTime unsignedInt R
Device.DeviceInfo.FirstUseDate dateTime R
Device.DeviceInfo.FriendlyName string W
Device.DeviceInfo.MaxNumberOfActivateTimeWindows unsignedInt R
Device.DeviceInfo.FirmwareImageNumberOfEntries unsignedInt R
Device.DeviceInfo.FirmwareImage.{i}. object R
Device.DeviceInfo.FirmwareImage.{i}.Alias string W
Device.DeviceInfo.FirmwareImage.{i}.Name string R
Device.DeviceInfo.FirmwareImage.{i}.Version string R
Device.DeviceInfo.FirmwareImage.{i}.Available boolean W
Device.DeviceInfo.FirmwareImage.{i}.Status string R
Device.DeviceInfo.FirmwareImage.{i}.BootFailureLog string R
Device.DeviceInfo.FirmwareImage.{i}.Download() async URL*,AutoActivate*,Username,Password,FileSize,CheckSumAlgorithm,CheckSum
Device.DeviceInfo.FirmwareImage.{i}.Activate() async TimeWindow.{i}.Start*,TimeWindow.{i}.End*,TimeWindow.{i}.Mode*,TimeWindow.{i}.UserMessage,TimeWindow.{i}.MaxRetries
Device.Time. object R
Device.Time.Enable boolean W
Device.Time.Status string R
Device.Time.CurrentLocalTime dateTime R
Device.Time.LocalTimeZone string W
Device.LocalAgent. object R
Device.LocalAgent.EndpointID string R
Device.LocalAgent.SoftwareVersion string R
Device.LocalAgent.UpTime unsignedInt R
Device.LocalAgent.SupportedProtocols list:string R
Device.LocalAgent.AdvertisedDeviceSubtypes list:string W
Device.LocalAgent.MaxSubscriptionChangeAdoptionTime unsignedInt W
Device.LocalAgent.SupportedNumberOfSubscriptions int R
Device.LocalAgent.MTPNumberOfEntries unsignedInt R
Device.LocalAgent.ControllerNumberOfEntries unsignedInt R
Device.LocalAgent.SubscriptionNumberOfEntries unsignedInt R
Device.LocalAgent.RequestNumberOfEntries unsignedInt R
Device.LocalAgent.CertificateNumberOfEntries unsignedInt R
Device.LocalAgent.Periodic! event 
Device.LocalAgent.TransferComplete! event Command,CommandKey,Requestor,TransferType,Affected,TransferURL,StartTime,CompleteTime,FaultCode,FaultString,CheckSumAlgorithm,CheckSum
Device.LocalAgent.MTP.{i}. object W
Device.LocalAgent.MTP.{i}.Alias string W
Device.LocalAgent.MTP.{i}.Enable boolean W
Device.LocalAgent.MTP.{i}.Status string R
Device.LocalAgent.MTP.{i}.Protocol string W
Device.LocalAgent.MTP.{i}.EnableMDNS boolean W
Device.LocalAgent.MTP.{i}.CoAP. object R
Device.LocalAgent.MTP.{i}.CoAP.Interfaces list:string W
Device.LocalAgent.MTP.{i}.CoAP.Port unsignedInt W
Device.LocalAgent.MTP.{i}.CoAP.Path string W
Device.LocalAgent.MTP.{i}.CoAP.EnableEncryption boolean W
Device.LocalAgent.Controller.{i}. object W
Device.LocalAgent.Controller.{i}.Alias string W
Device.LocalAgent.Controller.{i}.EndpointID string W
Device.LocalAgent.Controller.{i}.ControllerCode string W
Device.LocalAgent.Controller.{i}.ProvisioningCode string W
Device.LocalAgent.Controller.{i}.Enable boolean W
Device.LocalAgent.Controller.{i}.AssignedRole list:string W
Device.LocalAgent.Controller.{i}.InheritedRole list:string R
Device.LocalAgent.Controller.{i}.Credential list:string W
Device.LocalAgent.Controller.{i}.PeriodicNotifInterval unsignedInt W
Device.LocalAgent.Controller.{i}.PeriodicNotifTime dateTime W
Device.LocalAgent.Controller.{i}.USPNotifRetryMinimumWaitInterval unsignedInt W
Device.LocalAgent.Controller.{i}.USPNotifRetryIntervalMultiplier unsignedInt W
Device.LocalAgent.Controller.{i}.OnBoardingComplete boolean W
Device.LocalAgent.Controller.{i}.OnBoardingRestartTime unsignedInt W
Device.LocalAgent.Controller.{i}.MTPNumberOfEntries unsignedInt R
Device.LocalAgent.Controller.{i}.BootParameterNumberOfEntries unsignedInt R
Device.LocalAgent.Controller.{i}.SendOnBoardRequest() sync 
Device.LocalAgent.Controller.{i}.MTP.{i}. object W
Device.LocalAgent.Controller.{i}.MTP.{i}.Alias string W
Device.LocalAgent.Controller.{i}.MTP.{i}.Enable boolean W
Device.LocalAgent.Controller.{i}.MTP.{i}.Protocol string W
Device.LocalAgent.Controller.{i}.MTP.{i}.Order unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP. object R
Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.Host string W
Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.Port unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.Path string W
Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.EnableEncryption boolean W
Device.LocalAgent.Controller.{i}.BootParameter.{i}. object W
Device.LocalAgent.Controller.{i}.BootParameter.{i}.Alias string W
Device.LocalAgent.Controller.{i}.BootParameter.{i}.Enable boolean W
Device.LocalAgent.Controller.{i}.BootParameter.{i}.ParameterName string W
Device.LocalAgent.Controller.{i}.TransferCompletePolicy. object R
Device.LocalAgent.Controller.{i}.TransferCompletePolicy.ResultTypeFilter string W
Device.LocalAgent.Subscription.{i}. object W
Device.LocalAgent.Subscription.{i}.Alias string W
Device.LocalAgent.Subscription.{i}.Enable boolean W
Device.LocalAgent.Subscription.{i}.Recipient string R
Device.LocalAgent.Subscription.{i}.TriggerAction string W
Device.LocalAgent.Subscription.{i}.TriggerConfigSettings list:string W
Device.LocalAgent.Subscription.{i}.ID string W
Device.LocalAgent.Subscription.{i}.CreationDate dateTime R
Device.LocalAgent.Subscription.{i}.NotifType string W
Device.LocalAgent.Subscription.{i}.ReferenceList list:string W
Device.LocalAgent.Subscription.{i}.Persistent boolean W
Device.LocalAgent.Subscription.{i}.TimeToLive unsignedInt W
Device.LocalAgent.Subscription.{i}.NotifRetry boolean W
Device.LocalAgent.Subscription.{i}.NotifExpiration unsignedInt W
Device.LocalAgent.Request.{i}. object R
Device.LocalAgent.Request.{i}.Alias string W
Device.LocalAgent.Request.{i}.Originator string R
Device.LocalAgent.Request.{i}.Command string R
Device.LocalAgent.Request.{i}.CommandKey string R
Device.LocalAgent.Request.{i}.Status string R
Device.LocalAgent.Request.{i}.Cancel() sync 
Device.LocalAgent.Certificate.{i}. object R
Device.LocalAgent.Certificate.{i}.Alias string W
Device.LocalAgent.Certificate.{i}.Enable boolean W
Device.LocalAgent.Certificate.{i}.SerialNumber string R
Device.LocalAgent.Certificate.{i}.Issuer string R
Device.LocalAgent.Certificate.{i}.Delete() sync 
Device.LocalAgent.Certificate.{i}.GetFingerprint() sync FingerprintAlgorithm*
Device.LocalAgent.ControllerTrust. object R
Device.LocalAgent.ControllerTrust.UntrustedRole list:string W
Device.LocalAgent.ControllerTrust.BannedRole string W
Device.LocalAgent.ControllerTrust.SecuredRoles list:string W
Device.LocalAgent.ControllerTrust.RoleNumberOfEntries unsignedInt R
Device.LocalAgent.ControllerTrust.Role.{i}. object W
Device.LocalAgent.ControllerTrust.Role.{i}.Alias string W
Device.LocalAgent.ControllerTrust.Role.{i}.Enable boolean W
Device.LocalAgent.ControllerTrust.Role.{i}.Name string W
Device.LocalAgent.ControllerTrust.Role.{i}.PermissionNumberOfEntries unsignedInt R
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}. object W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.Alias string W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.Enable boolean W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.Order unsignedInt W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.Targets list:string W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.Param string W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.Obj string W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.InstantiatedObj string W
Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.CommandEvent string W
Device.LocalAgent.MTP.{i}.MQTT. object R
Device.LocalAgent.MTP.{i}.MQTT.Reference string W
Device.LocalAgent.MTP.{i}.MQTT.ResponseTopicConfigured string W
Device.LocalAgent.MTP.{i}.MQTT.ResponseTopicDiscovered string R
Device.LocalAgent.MTP.{i}.MQTT.PublishQoS unsignedInt W
Device.LocalAgent.MTP.{i}.WebSocket. object R
Device.LocalAgent.MTP.{i}.WebSocket.Port unsignedInt W
Device.LocalAgent.MTP.{i}.WebSocket.Path string W
Device.LocalAgent.MTP.{i}.WebSocket.EnableEncryption boolean W
Device.LocalAgent.MTP.{i}.WebSocket.KeepAliveInterval unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket. object R
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.Host string W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.Port unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.Path string W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.EnableEncryption boolean W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.KeepAliveInterval unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.CurrentRetryCount unsignedInt R
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.SessionRetryMinimumWaitInterval unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket.SessionRetryIntervalMultiplier unsignedInt W
Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT. object R
Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT.Topic string W
Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT.PublishRetainResponse boolean W
Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT.PublishRetainNotify boolean W
Device.LocalAgent.Controller.{i}.MTP.{i}.MQTT.AgentMTPReference string W
Device.MQTT. object R
Device.MQTT.ClientNumberOfEntries unsignedInt R
Device.MQTT.Client.{i}. object W
Device.MQTT.Client.{i}.Alias string W
Device.MQTT.Client.{i}.Name string W
Device.MQTT.Client.{i}.Enable boolean W
Device.MQTT.Client.{i}.Status string R
Device.MQTT.Client.{i}.ProtocolVersion string W
Device.MQTT.Client.{i}.BrokerAddress string W
Device.MQTT.Client.{i}.BrokerPort unsignedInt W
Device.MQTT.Client.{i}.TransportProtocol string W
Device.MQTT.Client.{i}.ClientID string W
Device.MQTT.Client.{i}.Username string W
Device.MQTT.Client.{i}.Password string W
Device.MQTT.Client.{i}.KeepAliveTime unsignedInt W
Device.MQTT.Client.{i}.CleanSession boolean W
Device.MQTT.Client.{i}.CleanStart boolean W
Device.MQTT.Client.{i}.SessionExpiryInterval unsignedInt W
Device.MQTT.Client.{i}.RequestResponseInfo boolean W
Device.MQTT.Client.{i}.RequestProblemInfo boolean W
Device.MQTT.Client.{i}.ResponseInformation string R
Device.MQTT.Client.{i}.ConnectRetryTime unsignedInt W
Device.MQTT.Client.{i}.ConnectRetryIntervalMultiplier unsignedInt W
Device.MQTT.Client.{i}.ConnectRetryMaxInterval unsignedInt W
Device.MQTT.Client.{i}.SubscriptionNumberOfEntries unsignedInt R
Device.MQTT.Client.{i}.Subscription.{i}. object W
Device.MQTT.Client.{i}.Subscription.{i}.Alias string W
Device.MQTT.Client.{i}.Subscription.{i}.Enable boolean W
Device.MQTT.Client.{i}.Subscription.{i}.Status string R
Device.MQTT.Client.{i}.Subscription.{i}.Topic string W
Device.MQTT.Client.{i}.Subscription.{i}.QoS unsignedInt W
`;

const TYPE_NAMES = ['', 'base64', 'boolean', 'dateTime', 'decimal', 'hexBinary', 'int', 'long', 'string', 'unsignedInt', 'unsignedLong'];

/** The same line format produced from the schema. */
function describe(schema: Schema): string[] {
  const out: string[] = [];
  for (const o of schema.objects) {
    out.push(`${o.path} object ${o.multi && o.access === ObjAccess.AddDelete ? 'W' : 'R'}`);
    for (const p of o.params) {
      const access = p.access === ParamAccess.ReadOnly ? 'R' : p.access === ParamAccess.ReadWrite ? 'W' : 'WO';
      out.push(`${o.path}${p.name} ${p.list ? 'list:' : ''}${TYPE_NAMES[p.type]} ${access}`);
    }
    for (const c of o.commands) out.push(`${o.path}${c.name} ${c.async ? 'async' : 'sync'} ${c.input.map((a) => a.name + (a.mandatory ? '*' : '')).join(',')}`.trimEnd());
    for (const e of o.events) out.push(`${o.path}${e.name} event ${e.args.map((a) => a.name).join(',')}`.trimEnd());
  }
  return out;
}

const tr181 = suite('dm/schema against TR-181');

tr181('§2 every object, parameter, command and event has the TR-181 name, type and access', () => {
  const expected = TR181.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  const actual = describe(createDeviceSchema());
  const missing = expected.filter((l) => !actual.includes(l));
  const extra = actual.filter((l) => !expected.includes(l));
  assert.equal(missing, [], 'in TR-181, not (or different) in the schema');
  assert.equal(extra, [], 'in the schema, not (or different) in TR-181');
});

// tr-181-2-iot.xml (IoT_ObjectComponent), the classes the boards use; Description and
// BinarySensor Sensitivity/HoldTime/RestTime/LastContactTime (all optional) are left out.
const TR181_IOT = `
Device.IoTCapabilityNumberOfEntries unsignedInt R
Device.IoTCapability.{i}. object R
Device.IoTCapability.{i}.Alias string W
Device.IoTCapability.{i}.Name string W
Device.IoTCapability.{i}.Class string R
Device.IoTCapability.{i}.BinaryControl. object R
Device.IoTCapability.{i}.BinaryControl.Type string R
Device.IoTCapability.{i}.BinaryControl.Value boolean W
Device.IoTCapability.{i}.BinaryControl.Toggle() async
Device.IoTCapability.{i}.LevelControl. object R
Device.IoTCapability.{i}.LevelControl.Type string R
Device.IoTCapability.{i}.LevelControl.Value decimal W
Device.IoTCapability.{i}.LevelControl.Unit string R
Device.IoTCapability.{i}.LevelControl.MinValue decimal R
Device.IoTCapability.{i}.LevelControl.MaxValue decimal R
Device.IoTCapability.{i}.LevelControl.StepValue decimal W
Device.IoTCapability.{i}.LevelControl.StepUp() async
Device.IoTCapability.{i}.LevelControl.StepDown() async
Device.IoTCapability.{i}.BinarySensor. object R
Device.IoTCapability.{i}.BinarySensor.Type string R
Device.IoTCapability.{i}.BinarySensor.Value boolean R
Device.IoTCapability.{i}.BinarySensor.LastChange dateTime R
Device.IoTCapability.{i}.LevelSensor. object R
Device.IoTCapability.{i}.LevelSensor.Type string R
Device.IoTCapability.{i}.LevelSensor.Value decimal R
Device.IoTCapability.{i}.LevelSensor.Unit string R
Device.IoTCapability.{i}.LevelSensor.LowLevel boolean R
Device.IoTCapability.{i}.LevelSensor.LowLevelThreshold decimal W
Device.IoTCapability.{i}.LevelSensor.HighLevel boolean R
Device.IoTCapability.{i}.LevelSensor.HighLevelThreshold decimal W
`;

/** A board with one capability of each implemented class. */
const EVERY_CLASS: BoardDescription = {
  name: 'every-class',
  identity: {
    manufacturer: 'm', manufacturerOUI: '0A1B2C', modelName: 'm', description: 'd', productClass: 'p', hardwareVersion: 'h',
    serialNumber: { source: 'fixed', value: '1' },
  },
  capabilities: [
    { class: 'BinaryControl', name: 'A', type: 'Switch', pin: 1 },
    { class: 'LevelControl', name: 'B', type: 'Brightness', pin: 2, unit: '%', min: 0, max: 100 },
    { class: 'BinarySensor', name: 'C', type: 'DoorOpen', pin: 3 },
    { class: 'LevelSensor', name: 'D', type: 'Temperature', pin: 4, unit: 'degC', min: -40, max: 125 },
  ],
};

tr181('§IoT-table Device.IoTCapability.{i}. and its class sub-objects have the TR-181 names, types and access', () => {
  const base = describe(createDeviceSchema());
  const expected = TR181_IOT.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  const actual = describe(createDeviceSchema(iotCapabilityObjects(EVERY_CLASS))).filter((l) => !base.includes(l));
  assert.equal(actual.filter((l) => !expected.includes(l)), [], 'in the schema, not (or different) in TR-181');
  assert.equal(expected.filter((l) => !actual.includes(l)), [], 'in TR-181, not (or different) in the schema');
});

tr181('§IoT-table a board gets only the class sub-objects it uses', () => {
  const sim = { ...EVERY_CLASS, capabilities: EVERY_CLASS.capabilities.filter((c) => c.class !== 'LevelControl') };
  const s = createDeviceSchema(iotCapabilityObjects(sim));
  const row = s.objects.find((o) => o.path === 'Device.IoTCapability.{i}.')!;
  assert.equal(row.objects.map((o) => o.name), ['BinaryControl', 'BinarySensor', 'LevelSensor']);
});

tr181('D2 GetSupportedDM reports tr-181-2-16-0; RootDataModelVersion is 2.16', () => {
  const s = createDeviceSchema();
  assert.is(s.dataModelUri, 'urn:broadband-forum-org:tr-181-2-16-0');
  assert.is(DATA_MODEL_URI, s.dataModelUri);
  assert.is(s.root.params.find((p) => p.name === 'RootDataModelVersion')!.defaultValue, ROOT_DATA_MODEL_VERSION);
});

tr181('§4 item 9 UpTime and clocks are VALUE_CHANGE_WILL_IGNORE; configuration is ALLOWED', () => {
  const s = createDeviceSchema();
  const node = (path: string): ObjectNode => s.objects.find((o) => o.path === path)!;
  const vc = (path: string, name: string) => node(path).params.find((p) => p.name === name)!.valueChange;
  assert.is(vc('Device.DeviceInfo.', 'UpTime'), ValueChange.WillIgnore);
  assert.is(vc('Device.LocalAgent.', 'UpTime'), ValueChange.WillIgnore);
  assert.is(vc('Device.Time.', 'CurrentLocalTime'), ValueChange.WillIgnore);
  assert.is(vc('Device.LocalAgent.Controller.{i}.', 'Enable'), ValueChange.Allowed);
  assert.is(vc('Device.DeviceInfo.', 'FriendlyName'), ValueChange.Allowed);
});

tr181('§4 item 6 GetSupportedDM access: writeOnceReadOnly is reported as READ_WRITE', () => {
  assert.equal([ParamAccess.ReadOnly, ParamAccess.ReadWrite, ParamAccess.WriteOnceReadOnly].map(supportedParamAccess), [0, 1, 1]);
});

tr181('§UniqueKey every table has unique keys (Alias non-functional, R-KEY.1/2)', () => {
  for (const o of createDeviceSchema().objects) {
    if (!o.multi) continue;
    assert.ok(o.uniqueKeys.length > 0, `${o.path} has a unique key`);
    const aliasKey = o.uniqueKeys.find((k) => k.params.length === 1 && k.params[0] === 'Alias');
    assert.ok(aliasKey && !aliasKey.functional, `${o.path} Alias key is non-functional`);
  }
});

const frozen = suite('dm/schema frozen');

function walk(v: unknown, seen: Set<unknown>, visit: (o: object) => void): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  visit(v);
  for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], seen, visit);
  // Nodes inherit their facets and defaults (param-node.ts, object-node.ts): those records too.
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== Array.prototype) walk(proto, seen, visit);
}

frozen('DESIGN "Static, compact data model": every node and array of the schema is frozen', () => {
  const s = createDeviceSchema();
  let count = 0;
  walk(s, new Set(), (o) => { count++; assert.ok(Object.isFrozen(o), `not frozen: {${Object.keys(o).join(",")}}`); });
  assert.ok(count > 300, `walked ${count} objects`);
  assert.throws(() => { (s.root as { name: string }).name = 'X'; });
  assert.throws(() => { (s.root.params as unknown[]).push(1); });
});

frozen('DESIGN "Static, compact data model": nodes hold no closures made per node (getters are shared module functions)', () => {
  const a = createDeviceSchema();
  const b = createDeviceSchema();
  const getters = (s: Schema) => s.objects.flatMap((o) => o.params).filter((p) => p.getter !== null).map((p) => p.getter);
  assert.ok(getters(a).length >= 10);
  assert.equal(getters(a), getters(b), 'the same function objects in every build');
  assert.is.not(a.root, b.root, 'each build has its own nodes');
});

frozen('§2 boards extend Device. with their own objects (how IoTCapability is added)', () => {
  const s = createDeviceSchema([object('IoTCapability', [param('Extra', T.String, R)])]);
  const n = s.objects.find((o) => o.path === 'Device.IoTCapability.');
  assert.ok(n);
  assert.is(n!.parent, s.root);
  assert.is(n!.params[0]!.kind, NodeKind.Param);
  assert.ok(Object.isFrozen(n));
});

tr181.run();
frozen.run();
