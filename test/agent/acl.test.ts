/** Access control (07-security "Roles", AGENT-REQUIREMENTS §1.16 §Roles/§Perm strings/§Targets/§Precedence, R-SEC.1). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { coversPath } from '../../src/agent/acl.ts';
import { addMsg, getMsg, operateMsg, setMsg } from '../../src/usp/index.ts';
import { PermKind, Right } from '../../src/agent/index.ts';
import { createTestAgent, exchange, OTHER_ID, type TestAgent } from './harness.ts';

const acl = suite('agent/acl');

/** Gives Controller.2 (Untrusted by default) a role with the given permission rows. */
function withRole(t: TestAgent, perms: { Order: string; Targets: string; Param?: string; Obj?: string; InstantiatedObj?: string; CommandEvent?: string }[]) {
  const m = exchange(t, addMsg('r', { allow_partial: false, create_objs: [
    { obj_path: 'Device.LocalAgent.ControllerTrust.Role.', param_settings: [{ param: 'Name', value: 'Test' }, { param: 'Enable', value: 'true' }] }] }));
  const role = m.body!.response!.add_resp!.created_obj_results[0]!.oper_status!.oper_success!.instantiated_path;
  for (const p of perms) {
    const settings = Object.entries({ Enable: 'true', ...p }).map(([param, value]) => ({ param, value: value!, required: true }));
    const r = exchange(t, addMsg('p', { allow_partial: false, create_objs: [{ obj_path: role + 'Permission.', param_settings: settings }] }));
    assert.ok(r.body!.response, JSON.stringify(r.body));
  }
  exchange(t, setMsg('a', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.2.',
    param_settings: [{ param: 'AssignedRole', value: role.slice(0, -1), required: true }] }] }));
  return t.agent.acl.viewFor(t.model.instanceAt('Device.LocalAgent.Controller.2.')!);
}

acl('§Perm strings Full Access by default for a configured Controller with no AssignedRole; Untrusted reads nothing', () => {
  const t = createTestAgent();
  const full = t.agent.acl.viewFor(t.model.instanceAt('Device.LocalAgent.Controller.1.')!);
  assert.ok(full.allows('Device.DeviceInfo.SerialNumber', PermKind.Param, Right.Read));
  assert.ok(full.allows('Device.Reboot()', PermKind.CommandEvent, Right.Execute));
  assert.not.ok(full.allows('Device.Reboot()', PermKind.CommandEvent, Right.Write));
  const untrusted = t.agent.acl.viewFor(t.model.instanceAt('Device.LocalAgent.Controller.2.')!);
  assert.is(untrusted.bits('Device.DeviceInfo.SerialNumber'), 0);
});

acl('§Precedence within a Role the highest Order wins on overlapping Targets; §Targets partial paths cover what is below', () => {
  const t = createTestAgent();
  const v = withRole(t, [
    { Order: '1', Targets: 'Device.', Param: 'r---' },
    { Order: '5', Targets: 'Device.DSL.Line.*.', Param: 'rw--' },
    { Order: '9', Targets: 'Device.DSL.Line.2.Enable', Param: '----' },
  ]);
  assert.ok(v.allows('Device.DeviceInfo.ModelName', PermKind.Param, Right.Read));
  assert.not.ok(v.allows('Device.DeviceInfo.FriendlyName', PermKind.Param, Right.Write));
  assert.ok(v.allows('Device.DSL.Line.1.Enable', PermKind.Param, Right.Write));
  assert.is(v.bits('Device.DSL.Line.2.Enable') >>> PermKind.Param & 15, 0);
  const g = exchange(t, getMsg('g', { param_paths: ['Device.DSL.Line.2.Enable', 'Device.DSL.Line.2.CurrentProfile'] }), 1000, OTHER_ID);
  const r = g.body!.response!.get_resp!.req_path_results;
  assert.is(r[0]!.err_code, 7026, 'R-GET.1 unreadable = nonexistent');
  assert.is(r[1]!.resolved_path_results[0]!.result_params['CurrentProfile'], '8b');
  const s = exchange(t, setMsg('s', { allow_partial: true, update_objs: [
    { obj_path: 'Device.DSL.Line.1.', param_settings: [{ param: 'CurrentProfile', value: 'ok', required: true }] },
    { obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'no', required: true }] }] }), 1000, OTHER_ID);
  const sr = s.body!.response!.set_resp!.updated_obj_results;
  assert.ok(sr[0]!.oper_status!.oper_success);
  assert.is(sr[1]!.oper_status!.oper_failure!.updated_inst_failures[0]!.param_errs[0]!.err_code, 7006);
});

acl('§Precedence permissions of several Roles are unioned', () => {
  const t = createTestAgent();
  withRole(t, [{ Order: '1', Targets: 'Device.DeviceInfo.', Param: 'r---' }]);
  exchange(t, setMsg('a', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.Controller.2.', param_settings: [
    { param: 'AssignedRole', value: 'Device.LocalAgent.ControllerTrust.Role.3,Device.LocalAgent.ControllerTrust.Role.2', required: true }] }] }));
  exchange(t, addMsg('p', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.Role.2.Permission.', param_settings: [
    { param: 'Enable', value: 'true' }, { param: 'Order', value: '3' }, { param: 'Targets', value: 'Device.Reboot()' }, { param: 'CommandEvent', value: '--x-' }] }] }));
  const v = t.agent.acl.viewFor(t.model.instanceAt('Device.LocalAgent.Controller.2.')!);
  assert.ok(v.allows('Device.DeviceInfo.ModelName', PermKind.Param, Right.Read));
  assert.ok(v.allows('Device.Reboot()', PermKind.CommandEvent, Right.Execute));
});

acl('§Cache a change to the Role table takes effect on the next message', () => {
  const t = createTestAgent();
  const before = exchange(t, operateMsg('o', { command: 'Device.ScheduleTimer()', send_resp: true, input_args: { DelaySeconds: '9' } }));
  assert.ok(before.body!.response);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.Role.1.Permission.1.',
    param_settings: [{ param: 'CommandEvent', value: 'r--n', required: true }] }] }));
  const after = exchange(t, operateMsg('o2', { command: 'Device.ScheduleTimer()', send_resp: true, input_args: { DelaySeconds: '9' } }));
  assert.is(after.body!.error!.err_code, 7006);
});

acl('§Targets a search-path target names what it resolves to', () => {
  const t = createTestAgent();
  const v = withRole(t, [{ Order: '1', Targets: 'Device.IP.Interface.[Type=="Loopback"].', Param: 'r---', InstantiatedObj: 'r---' }]);
  assert.ok(v.allows('Device.IP.Interface.2.Name', PermKind.Param, Right.Read));
  assert.not.ok(v.allows('Device.IP.Interface.1.Name', PermKind.Param, Right.Read));
});

acl('§Special roles secured params read "" unless the Controller holds a SecuredRole', () => {
  const t = createTestAgent();
  const v = t.agent.acl.viewFor(t.model.instanceAt('Device.LocalAgent.Controller.1.')!);
  assert.is(v.secured, false);
  exchange(t, setMsg('s', { allow_partial: false, update_objs: [{ obj_path: 'Device.LocalAgent.ControllerTrust.',
    param_settings: [{ param: 'SecuredRoles', value: 'Device.LocalAgent.ControllerTrust.Role.1', required: true }] }] }));
  assert.is(t.agent.acl.viewFor(t.model.instanceAt('Device.LocalAgent.Controller.1.')!).secured, true);
});


/** The oracle: the path split at "." and matched segment by segment (what coversPath does in place). */
function isInstanceSeg(s: string): boolean {
  return s.length > 0 && /^[0-9]+$/.test(s);
}

function segMatches(target: string, seg: string): boolean {
  if (target === seg) return true;
  if (target === '*' || target === '{i}') return isInstanceSeg(seg) || seg === '{i}' || seg === '*';
  if (seg === '{i}' || seg === '*') return isInstanceSeg(target);
  return false;
}

function covers(target: readonly string[], path: readonly string[]): boolean {
  const partial = target[target.length - 1] === '';
  const n = partial ? target.length - 1 : target.length;
  if (path.length < n || (!partial && path.length !== n)) return false;
  for (let i = 0; i < n; i++) if (!segMatches(target[i]!, path[i]!)) return false;
  return true;
}

acl('§Targets a path is matched in place exactly as against its split segments (coversPath = covers∘split)', () => {
  const segs = ['Device', 'LocalAgent', 'Controller', '1', '12', '{i}', '*', 'Name', 'X_Y', ''];
  fc.assert(fc.property(
    fc.array(fc.constantFrom(...segs), { minLength: 1, maxLength: 5 }),
    fc.array(fc.constantFrom(...segs), { minLength: 1, maxLength: 6 }),
    (target, pathSegs) => {
      const path = pathSegs.join('.');
      assert.is(coversPath(target, path), covers(target, path.split('.')), `${target.join('.')} vs ${path}`);
    }), { numRuns: 2000 });
});

acl.run();
