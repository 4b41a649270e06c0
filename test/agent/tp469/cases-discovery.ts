/** TP-469 chapter 1, GetInstances (1.66–1.71, 1.83), GetSupportedDM (1.72–1.77, 1.97–1.99, 1.105–1.107) and GetSupportedProtocol (1.80). */
import { getSupportedProtocolMsg, type GetSupportedDMResp } from '../../../src/usp/index.ts';
import { check, created, Lab, resp, same } from './lab.ts';
import { tp, type Case } from './case.ts';

const CTRL = 'Device.LocalAgent.Controller.';
const ALL = { params: true, commands: true, events: true, keys: true };

type Supported = GetSupportedDMResp['req_obj_results'][number]['supported_objs'][number];

function objs(r: GetSupportedDMResp, i = 0): Supported[] {
  const x = r.req_obj_results[i]!;
  same(x.err_code, 0, `${x.req_obj_path} has no error`);
  return x.supported_objs;
}

/** Metrics 3–6 of 1.72: every element carries its fields with valid values. */
function wellFormed(list: readonly Supported[]): void {
  for (const o of list) {
    check(o.supported_obj_path.endsWith('.'), `${o.supported_obj_path} ends with "."`);
    for (const p of o.supported_params) check(p.param_name !== '' && p.value_type > 0 && p.value_change > 0 && p.access <= 1, `param ${o.supported_obj_path}${p.param_name}`);
    for (const c of o.supported_commands) check(c.command_name.endsWith('()') && (c.command_type === 1 || c.command_type === 2), `command ${c.command_name}`);
    for (const e of o.supported_events) check(e.event_name.endsWith('!'), `event ${e.event_name}`);
    for (const k of o.unique_key_sets) check(k.key_names.length > 0 && k.key_names.every((n) => n.indexOf('.') < 0), `keys of ${o.supported_obj_path}`);
    if (!o.is_multi_instance) same(o.unique_key_sets, [], `${o.supported_obj_path}: no key sets on a single-instance object`);
  }
}

function hasElements(o: Supported): boolean {
  return o.supported_params.length + o.supported_commands.length + o.supported_events.length + o.unique_key_sets.length > 0;
}

/** Only the first object of each requested path carries elements; the others are its immediate children. */
function firstLevel(list: readonly Supported[], path: string, children: readonly string[]): void {
  same(list.map((o) => o.supported_obj_path), [path, ...children], `${path} and its immediate children`);
  for (const o of list.slice(1)) check(o.supported_params.length + o.supported_commands.length + o.supported_events.length === 0, `${o.supported_obj_path} lists no elements`);
}

const LA_CHILDREN = ['Device.LocalAgent.MTP.{i}.', 'Device.LocalAgent.Controller.{i}.', 'Device.LocalAgent.Subscription.{i}.',
  'Device.LocalAgent.Request.{i}.', 'Device.LocalAgent.Certificate.{i}.', 'Device.LocalAgent.ControllerTrust.'];

export const DISCOVERY_CASES: Case[] = [
  tp('1.66', 'GetInstances using a single object, first_level_only true', 'M', () => {
    const lab = new Lab();
    const r = lab.instances([CTRL], true).req_path_results;
    same(r.map((x) => [x.requested_path, x.err_code]), [[CTRL, 0]], 'one result');
    const paths = r[0]!.curr_insts.map((c) => c.instantiated_obj_path);
    check(paths.length >= 1, 'at least one instance');
    for (const p of paths) check(/^Device\.LocalAgent\.Controller\.\d+\.$/.test(p), `only Controller instances (${p})`);
  }),
  tp('1.67', 'GetInstances using a single object, first_level_only false', 'M', () => {
    const lab = new Lab();
    created(lab.add(false, [[CTRL + '1.BootParameter.', [['ParameterName', 'Device.DeviceInfo.SoftwareVersion']]]]));
    const paths = lab.instances([CTRL], false).req_path_results[0]!.curr_insts.map((c) => c.instantiated_obj_path);
    same(paths, [CTRL + '1.', CTRL + '1.MTP.1.', CTRL + '1.BootParameter.1.', CTRL + '2.'], 'every Controller and its sub-object instances');
  }),
  tp('1.68', 'GetInstances with multiple objects', 'M', () => {
    const lab = new Lab();
    const r = lab.instances([CTRL, 'Device.LocalAgent.MTP.'], true).req_path_results;
    same(r.map((x) => x.requested_path), [CTRL, 'Device.LocalAgent.MTP.'], 'two results');
    for (const x of r) check(x.curr_insts.length >= 1, `${x.requested_path} has instances`);
  }),
  tp('1.70', 'GetInstances with wildcard search path', 'M', () => {
    const lab = new Lab();
    const r = lab.instances([CTRL + '*.MTP.'], true).req_path_results;
    same(r[0]!.curr_insts.map((c) => c.instantiated_obj_path), [CTRL + '1.MTP.1.'], 'the Controller MTP instances');
  }),
  tp('1.71', 'GetInstances with search expression search path', 'CM', () => {
    const lab = new Lab();
    const [bp] = created(lab.add(false, [[CTRL + '1.BootParameter.', [['ParameterName', 'Device.DeviceInfo.SoftwareVersion']]]]));
    const r = lab.instances([CTRL + '[Alias=="cpe-1"].BootParameter.'], false).req_path_results;
    same(r[0]!.curr_insts.map((c) => c.instantiated_obj_path), [bp!], 'the BootParameter instance');
  }),
  tp('1.83', 'GetInstances message with unmatched search expression', 'CM', () => {
    const lab = new Lab();
    const path = CTRL + '[Alias=="no-such-alias"].BootParameter.';
    same(lab.instances([path], true).req_path_results.map((x) => [x.requested_path, x.err_code, x.curr_insts]), [[path, 0, []]], 'an empty curr_insts');
  }),
  tp('1.72', 'GetSupportedDM using a single object, first_level_only false, all options', 'M', () => {
    const lab = new Lab();
    const list = objs(lab.supported(['Device.LocalAgent.'], false, ALL));
    const paths = list.map((o) => o.supported_obj_path);
    for (const p of [...LA_CHILDREN, 'Device.LocalAgent.Controller.{i}.MTP.{i}.', 'Device.LocalAgent.ControllerTrust.Role.{i}.Permission.{i}.']) {
      check(paths.indexOf(p) >= 0, `${p} is listed`);
    }
    check(list[0]!.supported_params.length > 0 && list.filter((o) => o.supported_params.length > 0).length > 10, 'parameters, also below');
    check(list.some((o) => o.supported_commands.length > 0) && list.some((o) => o.supported_events.length > 0), 'commands and events below');
    wellFormed(list);
  }),
  tp('1.73', 'GetSupportedDM using a single object, first_level_only true, all options', 'M', () => {
    const lab = new Lab();
    const list = objs(lab.supported(['Device.LocalAgent.'], true, ALL));
    firstLevel(list, 'Device.LocalAgent.', LA_CHILDREN);
    check(hasElements(list[0]!), 'the requested object lists its elements');
    same(list[0]!.unique_key_sets, [], 'no key sets: a single-instance object');
    wellFormed(list);
  }),
  tp('1.74', 'GetSupportedDM using a single object, first_level_only true, no options', 'M', () => {
    const lab = new Lab();
    const list = objs(lab.supported(['Device.LocalAgent.'], true, {}));
    firstLevel(list, 'Device.LocalAgent.', LA_CHILDREN);
    for (const o of list) check(!hasElements(o), `${o.supported_obj_path} lists nothing`);
  }),
  tp('1.75', 'GetSupportedDM using multiple objects, first_level_only true, all options', 'M', () => {
    const lab = new Lab();
    const r = lab.supported([CTRL, 'Device.LocalAgent.MTP.'], true, ALL);
    firstLevel(objs(r, 0), 'Device.LocalAgent.Controller.{i}.', ['Device.LocalAgent.Controller.{i}.MTP.{i}.',
      'Device.LocalAgent.Controller.{i}.BootParameter.{i}.', 'Device.LocalAgent.Controller.{i}.TransferCompletePolicy.']);
    firstLevel(objs(r, 1), 'Device.LocalAgent.MTP.{i}.', ['Device.LocalAgent.MTP.{i}.CoAP.', 'Device.LocalAgent.MTP.{i}.MQTT.', 'Device.LocalAgent.MTP.{i}.WebSocket.']);
    same(objs(r, 0)[0]!.unique_key_sets.map((k) => k.key_names), [['EndpointID'], ['Alias']], 'Controller key sets');
    same(objs(r, 0)[1]!.unique_key_sets.map((k) => k.key_names), [['Protocol'], ['Alias']], 'key_names of the immediate children too');
    wellFormed([...objs(r, 0), ...objs(r, 1)]);
  }),
  tp('1.76', 'GetSupportedDM on root object, all options', 'M', () => {
    const lab = new Lab();
    const list = objs(lab.supported(['Device.'], false, ALL));
    same(list[0]!.supported_obj_path, 'Device.', 'the whole model from Device.');
    check(list.length > 30 && list.some((o) => o.unique_key_sets.length > 0), 'every object, with key sets');
    wellFormed(list);
  }),
  tp('1.77', 'GetSupportedDM on unsupported object', 'M', () => {
    const lab = new Lab();
    const r = lab.supported(['Device.LocalAgent.UnsupportedObject.'], false, ALL).req_obj_results;
    same(r.map((x) => [x.req_obj_path, x.err_code, x.supported_objs]), [['Device.LocalAgent.UnsupportedObject.', 7026, []]], 'an error code');
  }),
  tp('1.80', 'GetSupportedProtocol', 'M', () => {
    const lab = new Lab();
    const r = resp(lab.send(getSupportedProtocolMsg('gsp', { controller_supported_protocol_versions: '1.0,1.3' })), 'get_supported_protocol_resp');
    same(r.agent_supported_protocol_versions, '1.0,1.1,1.2,1.3,1.4', 'the supported versions, comma-separated');
  }),
  tp('1.97', 'GetSupportedDM on root object, commands', 'CM', () => {
    const lab = new Lab();
    const list = objs(lab.supported(['Device.'], false, { commands: true }));
    check(list.every((o) => o.supported_params.length === 0 && o.supported_events.length === 0), 'only commands');
    const st = list[0]!.supported_commands.find((c) => c.command_name === 'ScheduleTimer()');
    same([st?.command_type, st?.input_arg_names], [2, ['DelaySeconds']], 'ScheduleTimer(): async, its input argument as a relative path');
    wellFormed(list);
  }),
  tp('1.98', 'GetSupportedDM on root object, events', 'CM', () => {
    const lab = new Lab();
    const list = objs(lab.supported(['Device.'], false, { events: true }));
    check(list.every((o) => o.supported_params.length === 0 && o.supported_commands.length === 0), 'only events');
    const boot = list[0]!.supported_events.find((e) => e.event_name === 'Boot!');
    same(boot?.arg_names, ['CommandKey', 'Cause', 'Reason', 'FirmwareUpdated', 'ParameterMap'], 'Boot! arguments as relative paths');
  }),
  tp('1.99', 'GetSupportedDM, unique_key_sets', 'M', () => {
    const lab = new Lab();
    const r = lab.supported(['Device.LocalAgent.Subscription'], false, { keys: true });
    same(r.req_obj_results.length, 1, 'one req_obj_results');
    const list = objs(r);
    same(list.map((o) => [o.supported_obj_path, o.unique_key_sets.map((k) => k.key_names), hasElements({ ...o, unique_key_sets: [] })]),
      [['Device.LocalAgent.Subscription.{i}.', [['Alias'], ['Recipient', 'ID']], false]], 'only its key sets: Alias; Recipient + ID');
  }),
  tp('1.105', 'GetSupportedDM on a Command', 'CM', () => {
    const lab = new Lab();
    const o = objs(lab.supported(['Device.Reboot()'], false, ALL));
    same(o.map((x) => [x.supported_commands.map((c) => c.command_name), x.supported_events, x.supported_params, x.unique_key_sets]),
      [[['Reboot()'], [], [], []]], 'only the command');
  }),
  tp('1.106', 'GetSupportedDM on an Event', 'CM', () => {
    const lab = new Lab();
    const o = objs(lab.supported(['Device.Boot!'], false, ALL));
    same(o.map((x) => [x.supported_events.map((e) => e.event_name), x.supported_commands, x.supported_params, x.unique_key_sets]),
      [[['Boot!'], [], [], []]], 'only the event');
  }),
  tp('1.107', 'GetSupportedDM on a Parameter', 'M', () => {
    const lab = new Lab();
    const o = objs(lab.supported(['Device.LocalAgent.EndpointID'], false, ALL));
    same(o.map((x) => [x.supported_params.map((p) => p.param_name), x.supported_commands, x.supported_events, x.unique_key_sets]),
      [[['EndpointID'], [], [], []]], 'only the parameter');
  }),
];
