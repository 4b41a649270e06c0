/**
 * TP-469 chapter 1, Notify and subscriptions (1.52–1.59, 1.78, 1.84, 1.93, 1.94) and 9.10
 * (Boot! after Reboot() for a non-persistent subscription, issue #19).
 */
import { check, created, Lab, resp, same, type Heard } from './lab.ts';
import { rule, tp, type Case } from './case.ts';

const PC = 'Device.LocalAgent.Controller.1.ProvisioningCode';
const C1 = 'Device.LocalAgent.Controller.1.';

function setProvisioningCode(lab: Lab, value: string): void {
  resp(lab.set(false, [[C1, [['ProvisioningCode', value, true]]]]), 'set_resp');
}

function valueChanges(h: readonly Heard[]): [string, string, string][] {
  return h.filter((x) => x.notify.value_change !== undefined)
    .map((x) => [x.notify.subscription_id, x.notify.value_change!.param_path, x.notify.value_change!.param_value]);
}

/** Setup 3 of 1.52–1.56: ProvisioningCode holds something else; then the subscription (NotifRetry true). */
function vcLab(id: string, extra: readonly (readonly [string, string])[] = []): { lab: Lab; sub: string } {
  const lab = new Lab();
  setProvisioningCode(lab, 'initial');
  const sub = lab.subscribe(id, 'ValueChange', PC, [['NotifRetry', 'true'], ...extra]);
  return { lab, sub };
}

/** Times (lab ms) the Notify `msgId` was sent. */
function sends(lab: Lab, msgId: string): number[] {
  return lab.heard.filter((h) => h.msgId === msgId).map((h) => h.at);
}

/** The first Subscription row's path (the lab starts without any). */
function sub0(): string {
  return 'Device.LocalAgent.Subscription.1.';
}

function triggerAction(action: 'Config' | 'NotifyAndConfig', id: string, value: string): void {
  const lab = new Lab();
  setProvisioningCode(lab, 'initial');
  const sub = lab.subscribe(id, 'ValueChange', PC, [['TriggerAction', action], ['NotifRetry', 'true']]);
  resp(lab.set(false, [[sub, [['TriggerConfigSettings', `${sub}Enable=false`, true]]]]), 'set_resp');
  const before = lab.heard.length;
  setProvisioningCode(lab, value);
  const heard = valueChanges(lab.since(before));
  if (action === 'Config') same(heard, [], 'Config alone sends no Notify');
  else {
    same(heard, [[id, PC, value]], 'the Notify');
    lab.ack(lab.since(before)[0]!);
  }
  same(lab.value(sub + 'Enable'), 'false', 'the configuration was applied: Enable is false');
}

export const NOTIFY_CASES: Case[] = [
  tp('1.52', 'Notify - Subscription creation using Value Change', 'M', () => {
    const { lab } = vcLab('notify52');
    const before = lab.heard.length;
    setProvisioningCode(lab, 'TestValue52');
    const h = lab.since(before);
    same(valueChanges(h), [['notify52', PC, 'TestValue52']], 'a ValueChange Notify');
    check(h[0]!.notify.send_resp, 'NotifRetry=true: send_resp');
    lab.ack(h[0]!);
  }),
  tp('1.53', 'Notify - Subscription Deletion Using Value Change', 'M', () => {
    const { lab, sub } = vcLab('notify53');
    const before = lab.heard.length;
    setProvisioningCode(lab, 'TestValue53');
    lab.ack(lab.since(before)[0]!);
    same(resp(lab.del(false, [sub]), 'delete_resp').deleted_obj_results[0]!.oper_status!.oper_success!.affected_paths, [sub], 'DeleteResp');
    const after = lab.heard.length;
    setProvisioningCode(lab, 'notify53-2');
    lab.wait(20000);
    same(lab.since(after), [], 'no Notify after the subscription was deleted');
  }),
  tp('1.54', 'Notification Retry using Value Change', 'M', () => {
    const { lab } = vcLab('notify54');
    const before = lab.heard.length;
    setProvisioningCode(lab, 'TestValue54');
    const first = lab.since(before)[0]!;
    lab.wait(10000);
    lab.wait(20000);
    const at = sends(lab, first.msgId);
    check(at.length >= 3, `retried twice: sent at ${JSON.stringify(at)}`);
    const d1 = at[1]! - at[0]!;
    const d2 = at[2]! - at[1]!;
    check(d1 >= 5000 && d1 <= 10000, `first retry within 5–10 s (${d1} ms)`);
    check(d2 >= 10000 && d2 <= 20000, `second retry within 10–20 s (${d2} ms)`);
    lab.ack(first);
    const end = lab.heard.length;
    lab.wait(60000);
    same(lab.since(end), [], 'no retry after the NotifyResp');
  }),
  tp('1.55', 'Subscription Expiration using Value Change', 'CM', () => {
    const { lab, sub } = vcLab('notify55', [['TimeToLive', '20']]);
    const before = lab.heard.length;
    setProvisioningCode(lab, 'TestValue55');
    same(valueChanges(lab.since(before)), [['notify55', PC, 'TestValue55']], 'a Notify after step 3');
    lab.ack(lab.since(before)[0]!);
    lab.wait(20000);
    check(lab.subscriptions().indexOf(sub) < 0, 'GetInstances no longer lists it');
    const after = lab.heard.length;
    setProvisioningCode(lab, 'TestValue55-2');
    lab.wait(10000);
    same(lab.since(after), [], 'no Notify after step 9');
  }),
  tp('1.56', 'Notification Retry Expiration using Value Change', 'CM', () => {
    const { lab } = vcLab('notify56', [['NotifExpiration', '20']]);
    const before = lab.heard.length;
    setProvisioningCode(lab, 'TestValue56');
    const first = lab.since(before)[0]!;
    const t0 = lab.now;
    lab.wait(10000);
    lab.wait(20000);
    lab.wait(30000);
    const at = sends(lab, first.msgId);
    check(at.length >= 2, `retried within 20 s: ${JSON.stringify(at)}`);
    for (const t of at) check(t - t0 <= 20000, `no retry after 20 s (one at +${t - t0} ms)`);
  }),
  tp('1.57', 'ObjectCreation Notification', 'M', () => {
    const lab = new Lab();
    lab.subscribe('notify57', 'ObjectCreation', 'Device.LocalAgent.Subscription.', [['NotifRetry', 'true']]);
    const before = lab.heard.length;
    const made = lab.subscribe('notify57-2', 'ValueChange', PC, [['NotifRetry', 'true']]);
    const h = lab.since(before);
    same(h.map((x) => [x.notify.subscription_id, x.notify.obj_creation?.obj_path]), [['notify57', made]], 'an ObjectCreation Notify');
    const k = h[0]!.notify.obj_creation!.unique_keys;
    same([k['ID'], k['Recipient']], ['notify57-2', 'Device.LocalAgent.Controller.1'], 'unique_keys ID and Recipient');
    lab.ack(h[0]!);
  }),
  tp('1.58', 'ObjectDeletion Notification', 'M', () => {
    const lab = new Lab();
    const victim = lab.subscribe('victim', 'ValueChange', PC);
    lab.subscribe('notify58', 'ObjectDeletion', 'Device.LocalAgent.Subscription.', [['NotifRetry', 'true']]);
    const before = lab.heard.length;
    resp(lab.del(false, [victim]), 'delete_resp');
    const h = lab.since(before);
    same(h.map((x) => [x.notify.subscription_id, x.notify.obj_deletion?.obj_path]), [['notify58', victim]], 'an ObjectDeletion Notify');
    lab.ack(h[0]!);
  }),
  tp('1.59', 'Event Notification using Periodic!', 'CM', () => {
    const lab = new Lab();
    resp(lab.set(false, [[C1, [['PeriodicNotifInterval', '60'], ['PeriodicNotifTime', '2019-01-01T00:00:00Z']]]]), 'set_resp');
    lab.subscribe('sub-103', 'Event', 'Device.LocalAgent.Periodic!');
    const before = lab.heard.length;
    lab.wait(125000);
    const at = lab.since(before).filter((h) => h.notify.event?.event_name === 'Periodic!').map((h) => h.at);
    check(at.length >= 2, `two Periodic! events: ${JSON.stringify(at)}`);
    const gap = at[1]! - at[0]!;
    check(gap >= 56000 && gap <= 64000, `60 (±4) s apart (${gap} ms)`);
  }),
  tp('1.78', 'Removal of subscriptions that have no associated controller', 'CM', () => {
    const lab = new Lab();
    const [second] = created(lab.add(false, [['Device.LocalAgent.Controller.', [['EndpointID', 'proto::secondary'], ['Enable', 'true'],
      ['AssignedRole', 'Device.LocalAgent.ControllerTrust.Role.1']]]]));
    const sub = lab.subscribe('by-secondary', 'ValueChange', PC, [], 'proto::secondary');
    check(lab.subscriptions().indexOf(sub) >= 0, 'setup: the secondary Controller\'s Subscription exists');
    same(resp(lab.del(false, [second!]), 'delete_resp').deleted_obj_results[0]!.oper_status!.oper_success!.affected_paths, [second!], 'DeleteResp');
    check(lab.subscriptions().indexOf(sub) < 0, 'its Subscription is gone');
  }),
  tp('1.84', 'Notification - Subscription using search paths', 'M', () => {
    const lab = new Lab();
    const boots = created(lab.add(false, [
      ['Device.LocalAgent.Controller.1.BootParameter.', [['Enable', 'true'], ['ParameterName', 'Device.DeviceInfo.SoftwareVersion']]],
      ['Device.LocalAgent.Controller.1.BootParameter.', [['Enable', 'true'], ['ParameterName', 'Device.DeviceInfo.HardwareVersion']]]]));
    lab.subscribe('notify84', 'ValueChange', 'Device.LocalAgent.Controller.1.BootParameter.*.Enable');
    const before = lab.heard.length;
    resp(lab.set(false, [[boots[1]!, [['Enable', 'false', true]]]]), 'set_resp');
    same(valueChanges(lab.since(before)), [['notify84', boots[1]! + 'Enable', 'false']], 'a Notify for the BootParameter changed');
  }),
  tp('1.93', 'Subscription using TriggerAction Config', 'CM', () => triggerAction('Config', 'notify93', 'TestValue93')),
  tp('1.94', 'Subscription using TriggerAction NotifyAndConfig', 'CM', () => triggerAction('NotifyAndConfig', 'notify94', 'TestValue94')),
  rule('TR-181 TriggerAction Config is one Set by the Recipient: a setting that cannot be written undoes the whole action', () => {
    const lab = new Lab();
    setProvisioningCode(lab, 'initial');
    const sub = lab.subscribe('cfg', 'ValueChange', PC, [['TriggerAction', 'Config'],
      ['TriggerConfigSettings', `Device.DeviceInfo.FriendlyName=changed,${sub0()}Enable=false,Device.LocalAgent.SupportedNumberOfSubscriptions=3`]]);
    setProvisioningCode(lab, 'go');
    same([lab.value('Device.DeviceInfo.FriendlyName'), lab.value(sub + 'Enable')], ['test board', 'true'], 'nothing applied');
  }),
  tp('9.10', 'Use of the Boot! event and BootParameters', 'CM', () => {
    const lab = new Lab();
    // As the test plan sends it: Persistent left at its default (false), allow_partial left false.
    const m = lab.add(false, [
      ['Device.LocalAgent.Subscription.', [['NotifType', 'Event'], ['ReferenceList', 'Device.Boot!'], ['Enable', 'true']]],
      ['Device.LocalAgent.Controller.1.BootParameter.', [['Enable', 'true'], ['ParameterName', 'Device.DeviceInfo.BootFirmwareImage']]]]);
    const [sub] = created(m);
    same(lab.operate('Device.Reboot()', 'test910', true).length, 1, 'OperateResp');
    lab.wait(1000);
    same(lab.reboots, 1, 'the agent rebooted');
    const before = lab.heard.length;
    lab.restart();
    const boot = lab.since(before).filter((h) => h.notify.event?.event_name === 'Boot!');
    same(boot.length, 1, 'one Boot! Notify after the restart');
    const p = boot[0]!.notify.event!.params;
    same([p['CommandKey'], p['Cause']], ['test910', 'RemoteReboot'], 'CommandKey and Cause');
    same(JSON.parse(p['ParameterMap']!), { 'Device.DeviceInfo.BootFirmwareImage': '' }, 'ParameterMap with BootFirmwareImage');
    check(lab.subscriptions().indexOf(sub!) < 0, 'the non-persistent subscription is removed after the Boot!');
  }),
];
