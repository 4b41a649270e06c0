/** TP-469 chapter 1, Get (1.36–1.51, 1.82, 1.86, 1.87, 1.89). */
import type { GetResp } from '../../../src/usp/index.ts';
import { AGENT_ID, check, Lab, same } from './lab.ts';
import { tp, type Case } from './case.ts';

const SUBS = 'Device.LocalAgent.Subscription.';
const LA = 'Device.LocalAgent.';

type Result = GetResp['req_path_results'][number];

function ok(r: Result, requested: string): Result {
  same([r.requested_path, r.err_code], [requested, 0], 'no error');
  return r;
}

/** [resolved_path, params] of each resolved_path_result. */
function resolved(r: Result): [string, Record<string, string>][] {
  return r.resolved_path_results.map((x) => [x.resolved_path, x.result_params]);
}

function relativeKeys(r: Result): void {
  for (const x of r.resolved_path_results) for (const k of Object.keys(x.result_params)) check(k.indexOf('.') < 0, `relative key ${k}`);
}

/** Three Subscriptions: NotifExpiration 5 / 10 / 20, Enable true / false / true. */
function withSubscriptions(): { lab: Lab; paths: string[] } {
  const lab = new Lab();
  const spec: [string, string][] = [['5', 'true'], ['10', 'false'], ['20', 'true']];
  const paths = spec.map(([exp, en], i) => lab.subscribe('get' + String(i + 1), 'ValueChange', 'Device.LocalAgent.SoftwareVersion', [
    ['NotifExpiration', exp], ['Enable', en]]));
  return { lab, paths };
}

function search(expr: string, want: readonly number[]): () => void {
  return () => {
    const { lab, paths } = withSubscriptions();
    const path = SUBS + expr + '.';
    const r = ok(lab.get([path]).req_path_results[0]!, path);
    same(r.resolved_path_results.map((x) => x.resolved_path), want.map((i) => paths[i]!), `the objects matching ${expr}`);
    check(r.resolved_path_results.every((x) => Object.keys(x.result_params).length > 5), 'all their parameters');
    relativeKeys(r);
  };
}

export const GET_CASES: Case[] = [
  tp('1.36', 'Get message with full parameter path', 'M', () => {
    const lab = new Lab();
    const r = ok(lab.get([LA + 'EndpointID']).req_path_results[0]!, LA + 'EndpointID');
    same(resolved(r), [[LA, { EndpointID: AGENT_ID }]], 'Device.LocalAgent. with EndpointID');
  }),
  tp('1.37', 'Get message with multiple full parameter paths, same object', 'M', () => {
    const lab = new Lab();
    const [a, b] = lab.get([LA + 'EndpointID', LA + 'SoftwareVersion']).req_path_results;
    same(resolved(ok(a!, LA + 'EndpointID')), [[LA, { EndpointID: AGENT_ID }]], 'EndpointID');
    same(resolved(ok(b!, LA + 'SoftwareVersion')), [[LA, { SoftwareVersion: '1.2.3' }]], 'SoftwareVersion');
  }),
  tp('1.38', 'Get message with multiple full parameter paths, different objects', 'M', () => {
    const lab = new Lab();
    const s = lab.subscribe('get38', 'ValueChange', 'Device.LocalAgent.SoftwareVersion');
    const [a, b] = lab.get([LA + 'EndpointID', s + 'Enable']).req_path_results;
    same(resolved(ok(a!, LA + 'EndpointID')), [[LA, { EndpointID: AGENT_ID }]], 'EndpointID');
    same(resolved(ok(b!, s + 'Enable')), [[s, { Enable: 'true' }]], 'Enable');
  }),
  tp('1.39', 'Get message with object path', 'M', () => {
    const lab = new Lab();
    const r = ok(lab.get([LA]).req_path_results[0]!, LA);
    const paths = r.resolved_path_results.map((x) => x.resolved_path);
    same(paths[0], LA, 'Device.LocalAgent. first');
    for (const sub of [LA + 'ControllerTrust.', LA + 'Controller.1.', LA + 'Controller.1.MTP.1.', LA + 'MTP.1.CoAP.']) check(paths.indexOf(sub) >= 0, `sub-object ${sub}`);
    relativeKeys(r);
  }),
  tp('1.40', 'Get message with object instance path', 'M', () => {
    const lab = new Lab();
    const s = lab.subscribe('get40', 'ValueChange', 'Device.LocalAgent.SoftwareVersion');
    const r = ok(lab.get([s]).req_path_results[0]!, s);
    same(r.resolved_path_results.map((x) => x.resolved_path), [s], 'one resolved_path_result');
    same(r.resolved_path_results[0]!.result_params['ID'], 'get40', 'its parameters');
    relativeKeys(r);
  }),
  tp('1.41', 'Get message with invalid parameter', 'M', () => {
    const lab = new Lab();
    const r = lab.get([LA + 'InvalidParameter']).req_path_results;
    same(r.map((x) => [x.requested_path, x.err_code]), [[LA + 'InvalidParameter', 7026]], 'an error code');
  }),
  tp('1.42', 'Get message with invalid parameter and valid parameter', 'M', () => {
    const lab = new Lab();
    const [a, b] = lab.get([LA + 'EndpointID', LA + 'InvalidParameter']).req_path_results;
    same(resolved(ok(a!, LA + 'EndpointID')), [[LA, { EndpointID: AGENT_ID }]], 'EndpointID');
    same([b!.requested_path, b!.err_code], [LA + 'InvalidParameter', 7026], 'an error code');
  }),
  tp('1.43', 'Get message using unique key addressing', 'M', () => {
    const lab = new Lab();
    const s = lab.subscribe('get43', 'ValueChange', 'Device.LocalAgent.SoftwareVersion');
    const path = SUBS + '[Recipient=="Device.LocalAgent.Controller.1"&&ID=="get43"].Enable';
    same(resolved(ok(lab.get([path]).req_path_results[0]!, path)), [[s, { Enable: 'true' }]], 'instance number addressing in resolved_path');
  }),
  tp('1.44', 'Get message using wildcard search path on full parameter', 'M', () => {
    const { lab, paths } = withSubscriptions();
    const r = ok(lab.get([SUBS + '*.Enable']).req_path_results[0]!, SUBS + '*.Enable');
    same(resolved(r), paths.map((p, i) => [p, { Enable: i === 1 ? 'false' : 'true' }]), 'each instance with Enable');
  }),
  tp('1.45', 'Get message using wildcard search path on object path', 'M', () => {
    const { lab, paths } = withSubscriptions();
    const r = ok(lab.get([SUBS + '*.']).req_path_results[0]!, SUBS + '*.');
    same(r.resolved_path_results.map((x) => x.resolved_path), paths, 'each instance');
    relativeKeys(r);
  }),
  tp('1.46', 'Get message using search expression search path (equivalence)', 'M', search('[Enable==true]', [0, 2])),
  tp('1.47', 'Get message using search expression search path (non-equivalence)', 'M', search('[Enable!=true]', [1])),
  tp('1.48', 'Get message using search expression search path (exclusive greater comparison)', 'M', search('[NotifExpiration>10]', [2])),
  tp('1.49', 'Get message using search expression search path (exclusive lesser comparison)', 'M', search('[NotifExpiration<10]', [0])),
  tp('1.50', 'Get message using search expression search path (inclusive greater comparison)', 'M', search('[NotifExpiration>=10]', [1, 2])),
  tp('1.51', 'Get message using search expression search path (inclusive lesser comparison)', 'M', search('[NotifExpiration<=10]', [0, 1])),
  tp('1.82', 'Get message with unmatched search expression', 'M', () => {
    const lab = new Lab();
    same(resolved(ok(lab.get([SUBS + '[Enable==true].']).req_path_results[0]!, SUBS + '[Enable==true].')), [], 'empty resolved_path_results');
  }),
  tp('1.86', 'Get message with unresolved instances - using a search path', 'M', () => {
    const lab = new Lab();
    lab.subscribe('get86', 'ValueChange', 'Device.LocalAgent.SoftwareVersion', [['Enable', 'false']]);
    same(resolved(ok(lab.get([SUBS + '[Enable==true].']).req_path_results[0]!, SUBS + '[Enable==true].')), [], 'empty resolved_path_results');
  }),
  tp('1.87', 'Get message with unresolved instances - using an object path', 'M', () => {
    const lab = new Lab();
    const r = lab.get([SUBS]).req_path_results;
    same(r.map((x) => [x.err_code, x.resolved_path_results]), [[0, []]], 'no error, nothing resolved');
  }),
  tp('1.89', 'Get message using max_depth', 'M', () => {
    const lab = new Lab();
    const depth1 = ok(lab.get([LA], 1).req_path_results[0]!, LA);
    same(depth1.resolved_path_results.map((x) => x.resolved_path), [LA], 'max_depth 1: only Device.LocalAgent.');
    const depth2 = ok(lab.get([LA], 2).req_path_results[0]!, LA).resolved_path_results.map((x) => x.resolved_path);
    check(depth2[0] === LA && depth2.indexOf(LA + 'Controller.1.') >= 0 && depth2.indexOf(LA + 'ControllerTrust.') >= 0, 'max_depth 2: the immediate children');
    check(depth2.indexOf(LA + 'Controller.1.MTP.1.') < 0 && depth2.indexOf(LA + 'ControllerTrust.Role.1.') < 0, 'max_depth 2: not their children');
    const depth0 = ok(lab.get([LA], 0).req_path_results[0]!, LA);
    const all = depth0.resolved_path_results.map((x) => x.resolved_path);
    check(all.indexOf(LA + 'Controller.1.MTP.1.') >= 0 && all.indexOf(LA + 'ControllerTrust.Role.1.Permission.1.') >= 0, 'max_depth 0: everything below');
    relativeKeys(depth0);
  }),
];
