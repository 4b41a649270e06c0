/**
 * USP Msgs (usp-msg.proto; R-MSG.5–10, R-ENC.2–5) into decodeMsg: envelope walk, header,
 * schema validation (wire types, enums, oneofs, UTF-8, depth), then the pbf decoder. What
 * decodes must encode again and decode to the same msg_id (a throw is a finding).
 */
import {
  addMsg, decodeMsg, deleteMsg, encodeMsg, getInstancesMsg, getMsg, getSupportedDmMsg, getSupportedProtocolMsg, notifyMsg, notifyRespMsg, operateMsg,
  setMsg, type MsgInit,
} from '../../../src/usp/index.ts';
import { ascii, type FuzzTarget } from '../target.ts';

/** One Msg of every request type the agent handles, plus a Notify and a NotifyResp (seeds for usp-msg and agent). */
export function msgSeeds(): Uint8Array[] {
  const all: MsgInit[] = [
    getMsg('1', { param_paths: ['Device.DeviceInfo.', 'Device.LocalAgent.Controller.*.EndpointID', 'Device.IP.Interface.[Name=="lo"].'], max_depth: 2 }),
    setMsg('2', { allow_partial: true, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'x', required: true }] }] }),
    addMsg('3', { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
      { param: 'Enable', value: 'true' }, { param: 'NotifType', value: 'ValueChange' }, { param: 'ReferenceList', value: 'Device.DeviceInfo.FriendlyName' }] }] }),
    deleteMsg('4', { allow_partial: true, obj_paths: ['Device.LocalAgent.Subscription.1.'] }),
    operateMsg('5', { command: 'Device.ScheduleTimer()', command_key: 'k', send_resp: true, input_args: { DelaySeconds: '1' } }),
    getSupportedDmMsg('6', { obj_paths: ['Device.LocalAgent.'], first_level_only: true, return_params: true, return_commands: true, return_events: true }),
    getInstancesMsg('7', { obj_paths: ['Device.LocalAgent.'], first_level_only: false }),
    getSupportedProtocolMsg('8', { controller_supported_protocol_versions: '1.3' }),
    notifyMsg('9', 's', true, { event: { obj_path: 'Device.', event_name: 'Boot!', params: { Cause: 'x' } } }),
    notifyRespMsg('10', { subscription_id: 's' }),
  ];
  return all.map(encodeMsg);
}

export const MSG_DICTIONARY = [ascii('Device.'), ascii('.{i}.'), ascii('*.'), ascii('[Alias=="a"]'), ascii('()'), ascii('!'),
  Uint8Array.of(0x0a, 0x00), Uint8Array.of(0x12, 0x00), Uint8Array.of(0x10, 0x01), Uint8Array.of(0x10, 0x63), Uint8Array.of(0xc3, 0x28), Uint8Array.of(0x1b)];

export default function create(): FuzzTarget {
  return {
    name: 'usp-msg',
    about: 'USP Msg decoding and validation, re-encoding what decodes',
    files: ['src/usp/msg-decode.ts', 'src/usp/msg-validate.ts', 'src/usp/wire.ts', 'src/encoding/utf8.ts'],
    seeds: msgSeeds,
    dictionary: MSG_DICTIONARY,
    run(data) {
      const d = decodeMsg(data, 0, data.length);
      if (d.msg === undefined) return;
      const b = encodeMsg(d.msg as MsgInit);
      const again = decodeMsg(b, 0, b.length);
      if (again.error !== 0 || again.msgId !== d.msgId) throw new Error(`re-encoded Msg does not decode the same (error ${again.error})`);
    },
  };
}
