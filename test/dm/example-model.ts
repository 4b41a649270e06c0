/**
 * Test fixture: the objects the examples of TR-369 01-architecture.md talk about
 * (IP.Interface, DSL.Line, NAT.PortMapping, WiFi, USB, PCP, PeriodicStatistics), declared
 * with the public schema tables and added under Device. the way a board would add
 * IoTCapability, then filled with rows so every example has something to match.
 */
import {
  alias, command, createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, entries, object, param, R, T, table, W, WO,
  ObjAccess, WriteMode, type DataModel, type FactoryRow, type ParamNode,
} from '../../src/dm/index.ts';
import type { KeyValueStore } from '../../src/platform/types.ts';
import type { BoardDescription } from '../../src/platform/board.ts';

export const BOARD: BoardDescription = {
  name: 'test',
  identity: {
    manufacturer: 'tinyusp project', manufacturerOUI: '0A1B2C', modelName: 'test board', description: 'unit tests',
    productClass: 'tinyusp-test', hardwareVersion: 'hw-1', serialNumber: { source: 'fixed', value: 'T0001' },
  },
  capabilities: [],
};

const AddDelete = { access: ObjAccess.AddDelete };

export function exampleObjects() {
  return [
    object('IP', [
      entries('Interface'),
      table('Interface', { ...AddDelete, keys: [['Name'], ['~Alias']] }, [
        alias(),
        param('Name', T.String, W, { maxLength: 64 }),
        param('Type', T.String, W, { enumeration: ['Normal', 'Loopback', 'Tunnel'], def: 'Normal' }),
        param('Status', T.String, R, { enumeration: ['Up', 'Down'], def: 'Down' }),
        object('Stats', [param('ErrorsSent', T.UnsignedLong, R, { ignoreChange: true })]),
        command('Reset()', false),
        table('IPv4Address', { ...AddDelete, keys: [['~Alias']] }, [
          alias(),
          param('IPAddress', T.String, W, { maxLength: 15 }),
          param('AddressingType', T.String, W, { enumeration: ['DHCP', 'Static', 'AutoIP'], def: 'Static' }),
          param('Status', T.String, W, { enumeration: ['Enabled', 'Disabled'], def: 'Enabled' }),
        ]),
        table('IPv6Address', { ...AddDelete, keys: [['~Alias']] }, [
          alias(),
          param('IPAddress', T.String, W, { maxLength: 45 }),
          param('ValidLifetime', T.DateTime, W),
        ]),
      ]),
    ]),
    object('DSL', [
      table('Line', { ...AddDelete, keys: [['~Alias']] }, [alias(), param('Enable', T.Boolean, W), param('CurrentProfile', T.String, W)]),
    ]),
    object('NAT', [
      table('PortMapping', { ...AddDelete, keys: [['RemoteHost', 'ExternalPort', 'Protocol'], ['~Alias']] }, [
        alias(),
        param('RemoteHost', T.String, W),
        param('ExternalPort', T.UnsignedInt, W, { max: '65535' }),
        param('Protocol', T.String, W, { enumeration: ['TCP', 'UDP'], def: 'TCP' }),
        param('Interface', T.String, W, { maxLength: 256, ref: { strong: true, targetParent: 'Device.IP.Interface.{i}.' } }),
        param('Description', T.String, W, { maxLength: 256 }),
      ]),
    ]),
    object('WiFi', [
      table('Radio', { ...AddDelete, keys: [['Name'], ['~Alias']] }, [alias(), param('Name', T.String, W)]),
      table('SSID', { ...AddDelete, keys: [['Name'], ['~Alias']] }, [
        alias(), param('Name', T.String, W), param('SSID', T.String, W),
        param('LowerLayers', T.String, W, { list: true, ref: { strong: true, targetParent: 'Device.WiFi.Radio.{i}.' } }),
      ]),
      table('AccessPoint', { ...AddDelete, keys: [['~Alias']] }, [
        alias(),
        param('SSIDReference', T.String, W, { ref: { strong: true, targetParent: 'Device.WiFi.SSID.{i}.' } }),
        param('Backup', T.String, W, { ref: { strong: false, targetParent: 'Device.WiFi.SSID.{i}.' } }),
        table('AssociatedDevice', { ...AddDelete, keys: [['~Alias']] }, [
          alias(), param('OperatingStandard', T.String, W), param('SignalStrength', T.Int, W, { min: '-200', max: '0' }),
        ]),
      ]),
    ]),
    object('USB', [object('USBHosts', [table('Host', { ...AddDelete, keys: [['~Alias']] }, [
      alias(), table('Device', { ...AddDelete, keys: [['~Alias']] }, [alias(), param('DeviceClass', T.HexBinary, W, { maxLength: 1 })]),
    ])])]),
    object('PCP', [table('Client', { ...AddDelete, keys: [['~Alias']] }, [
      alias(), table('Server', { ...AddDelete, keys: [['~Alias']] }, [alias(), param('Capabilities', T.String, W, { list: true })]),
    ])]),
    object('PeriodicStatistics', [table('SampleSet', { ...AddDelete, keys: [['~Alias']] }, [
      alias(), param('SampleSeconds', T.UnsignedInt, W, { list: true }), param('Name', T.String, W),
    ])]),
    object('Object', [table('FooObject', { ...AddDelete, keys: [['KeyParam'], ['~Alias']] }, [
      alias(), param('KeyParam', T.String, W), param('Label', T.String, W), param('Serial', T.String, WO),
    ]), param('SomeReferenceParameter', T.String, W, { ref: { strong: true, targetParent: 'Device.Object.FooObject.{i}.' } })]),
  ];
}

/** A fresh schema with the examples' objects (each call builds new frozen nodes). */
export function exampleSchema() {
  return createDeviceSchema(exampleObjects());
}

function row(path: string, values: [string, string][]): FactoryRow {
  return { path, values };
}

/** The rows the examples search through. */
export const EXAMPLE_ROWS: readonly FactoryRow[] = [
  row('Device.IP.Interface.1.', [['Name', 'eth0'], ['Alias', 'WAN'], ['Type', 'Normal'], ['Status', 'Up']]),
  row('Device.IP.Interface.1.IPv4Address.1.', [['IPAddress', '192.0.2.1'], ['AddressingType', 'Static'], ['Status', 'Enabled']]),
  row('Device.IP.Interface.1.IPv4Address.2.', [['IPAddress', '192.0.2.2'], ['AddressingType', 'DHCP'], ['Status', 'Disabled']]),
  row('Device.IP.Interface.1.IPv6Address.1.', [['IPAddress', '2001:db8::1'], ['ValidLifetime', '2021-06-01T00:00:00Z']]),
  row('Device.IP.Interface.1.IPv6Address.2.', [['IPAddress', '2001:db8::2'], ['ValidLifetime', '2021-07-01T00:00:00Z']]),
  row('Device.IP.Interface.2.', [['Name', 'lo'], ['Alias', 'LAN'], ['Type', 'Loopback']]),
  row('Device.IP.Interface.2.IPv4Address.1.', [['IPAddress', '127.0.0.1'], ['AddressingType', 'Static']]),
  row('Device.IP.Interface.3.', [['Name', 'eth1'], ['Alias', 'cpe-3'], ['Type', 'Normal']]),
  row('Device.IP.Interface.3.IPv4Address.1.', [['IPAddress', '198.51.100.7'], ['AddressingType', 'Static']]),
  row('Device.IP.Interface.3.IPv6Address.1.', [['IPAddress', '2001:db8::3'], ['ValidLifetime', '2021-06-06T08:00:00Z']]),
  row('Device.DSL.Line.1.', [['Enable', 'true'], ['CurrentProfile', '17a']]),
  row('Device.DSL.Line.2.', [['Enable', 'false'], ['CurrentProfile', '8b']]),
  row('Device.NAT.PortMapping.1.', [['RemoteHost', ''], ['ExternalPort', '0'], ['Protocol', 'TCP'], ['Interface', 'Device.IP.Interface.1']]),
  row('Device.NAT.PortMapping.2.', [['RemoteHost', ''], ['ExternalPort', '8080'], ['Protocol', 'TCP'], ['Interface', 'Device.IP.Interface.3']]),
  row('Device.WiFi.Radio.1.', [['Name', 'wifi0']]),
  row('Device.WiFi.Radio.2.', [['Name', 'wifi1']]),
  row('Device.WiFi.SSID.1.', [['Name', 'ssid0'], ['SSID', 'MyHome'], ['LowerLayers', 'Device.WiFi.Radio.1,Device.WiFi.Radio.2']]),
  row('Device.WiFi.SSID.2.', [['Name', 'ssid1'], ['SSID', 'Guest'], ['LowerLayers', 'Device.WiFi.Radio.2']]),
  row('Device.WiFi.AccessPoint.1.', [['SSIDReference', 'Device.WiFi.SSID.1']]),
  row('Device.WiFi.AccessPoint.1.AssociatedDevice.1.', [['OperatingStandard', 'ac'], ['SignalStrength', '-40']]),
  row('Device.WiFi.AccessPoint.1.AssociatedDevice.2.', [['OperatingStandard', 'n'], ['SignalStrength', '-70']]),
  row('Device.WiFi.AccessPoint.2.', [['SSIDReference', 'Device.WiFi.SSID.2']]),
  row('Device.WiFi.AccessPoint.2.AssociatedDevice.1.', [['OperatingStandard', 'ac'], ['SignalStrength', '-55']]),
  row('Device.USB.USBHosts.Host.1.', []),
  row('Device.USB.USBHosts.Host.1.Device.1.', [['DeviceClass', '08']]),
  row('Device.USB.USBHosts.Host.1.Device.2.', [['DeviceClass', '03']]),
  row('Device.PCP.Client.1.', []),
  row('Device.PCP.Client.1.Server.1.', [['Capabilities', 'IPv6Firewall,ThirdParty']]),
  row('Device.PCP.Client.1.Server.2.', [['Capabilities', 'ThirdParty']]),
  row('Device.PeriodicStatistics.SampleSet.1.', [['SampleSeconds', '5,10'], ['Name', 'a']]),
  row('Device.PeriodicStatistics.SampleSet.2.', [['SampleSeconds', '15'], ['Name', 'b']]),
  row('Device.Object.FooObject.5.', [['KeyParam', 'KeyValueForInstance5']]),
];

/** Example model; `store` given = persisted, as on a device. */
export function exampleModel(store?: KeyValueStore, now = 0): DataModel {
  const context = createDeviceContext(BOARD, 'T0001', '1.2.3', 'os::0A1B2C-T0001', now);
  return createDataModel({ schema: exampleSchema(), context, store, factoryDefault: createFactoryDefault(BOARD, { rows: EXAMPLE_ROWS }) });
}

/** Value of the first object a parameter path resolves to ("<none>" when it matches nothing); throws on a path error. */
export function valueAt(model: DataModel, path: string): string {
  const r = model.resolve(path);
  if (r.err !== 0) throw new Error(`${path}: ${r.err} ${r.message}`);
  return r.objects.length === 0 ? '<none>' : model.read(r.objects[0]!, r.element as ParamNode);
}

/** Convenience for tests: one-parameter Set in its own transaction; returns the error code. */
export function setOne(model: DataModel, path: string, value: string): number {
  const dot = path.lastIndexOf('.');
  const inst = model.instanceAt(path.slice(0, dot + 1));
  if (inst === undefined) return -1;
  const tx = model.begin();
  const err = tx.set(inst, path.slice(dot + 1), value, WriteMode.Set);
  if (err !== 0) { tx.rollback(); return err; }
  return tx.commit();
}
