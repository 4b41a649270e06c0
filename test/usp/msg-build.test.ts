import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as b from '../../src/usp/msg-build.ts';
import { decodeMsg, MsgType } from '../../src/usp/msg-decode.ts';
import { MsgError } from '../../src/usp/errors.ts';
import type { MsgInit } from '../../src/usp/generated/usp-msg.js';
import { MsgT } from './oracle.ts';

const build = suite('usp/msg-build');

/** Encodes, checks our decoder and protobufjs agree, returns protobufjs' plain object. */
function roundTrip(m: MsgInit, type: number): Record<string, any> {
  const bytes = b.encodeMsg(m);
  const res = decodeMsg(bytes, 0, bytes.length);
  assert.is(res.error, MsgError.Ok);
  assert.is(res.bodyType, type);
  assert.is(res.msgType, type);
  return MsgT.toObject(MsgT.decode(bytes), { oneofs: true }) as Record<string, any>;
}

build('06-messages Error with param_errs (R-MSG.9 echoes msg_id)', () => {
  const o = roundTrip(b.errorMsg('req-1', 7004, 'Invalid arguments', [{ param_path: 'Device.X', err_code: 7010, err_msg: 'no' }]), MsgType.ERROR);
  assert.is(o.header.msg_id, 'req-1');
  assert.equal(o.body.error, { err_code: 7004, err_msg: 'Invalid arguments', param_errs: [{ param_path: 'Device.X', err_code: 7010, err_msg: 'no' }] });
});

build('GetResp with result_params map round-trips', () => {
  const params = { Manufacturer: 'tinyusp', 'Model𠀀': 'x' };
  const o = roundTrip(b.getRespMsg('g', { req_path_results: [{ requested_path: 'Device.DeviceInfo.', resolved_path_results: [{ resolved_path: 'Device.DeviceInfo.', result_params: params }] }] }), MsgType.GET_RESP);
  assert.equal(o.body.response.get_resp.req_path_results[0].resolved_path_results[0].result_params, params);
});

build('every Agent response builder sets the matching msg_type', () => {
  roundTrip(b.getSupportedDmRespMsg('1', { req_obj_results: [{ req_obj_path: 'Device.', data_model_inst_uri: 'urn:broadband-forum-org:tr-181-2-16-0', supported_objs: [{ supported_obj_path: 'Device.', access: 0, supported_params: [{ param_name: 'X', value_type: 8 }] }] }] }), MsgType.GET_SUPPORTED_DM_RESP);
  roundTrip(b.getInstancesRespMsg('2', { req_path_results: [{ requested_path: 'Device.A.', curr_insts: [{ instantiated_obj_path: 'Device.A.1.', unique_keys: { Alias: 'cpe-1' } }] }] }), MsgType.GET_INSTANCES_RESP);
  const gsp = roundTrip(b.getSupportedProtocolRespMsg('3', '1.0,1.1,1.2,1.3,1.4'), MsgType.GET_SUPPORTED_PROTO_RESP);
  assert.is(gsp.body.response.get_supported_protocol_resp.agent_supported_protocol_versions, '1.0,1.1,1.2,1.3,1.4');
  roundTrip(b.setRespMsg('4', { updated_obj_results: [{ requested_path: 'Device.A.1.', oper_status: { oper_success: { updated_inst_results: [{ affected_path: 'Device.A.1.', updated_params: { X: '1' } }] } } }] }), MsgType.SET_RESP);
  const add = roundTrip(b.addRespMsg('5', { created_obj_results: [{ requested_path: 'Device.A.', oper_status: { oper_failure: { err_code: 7017, err_msg: 'no' } } }] }), MsgType.ADD_RESP);
  assert.is(add.body.response.add_resp.created_obj_results[0].oper_status.oper_status, 'oper_failure');
  roundTrip(b.deleteRespMsg('6', { deleted_obj_results: [{ requested_path: 'Device.A.1.', oper_status: { oper_success: { affected_paths: ['Device.A.1.'] } } }] }), MsgType.DELETE_RESP);
  const op = roundTrip(b.operateRespMsg('7', { operation_results: [{ executed_command: 'Device.Reboot()', req_output_args: { output_args: { a: 'b' } } }] }), MsgType.OPERATE_RESP);
  assert.is(op.body.response.operate_resp.operation_results[0].operation_resp, 'req_output_args');
  roundTrip(b.notifyRespMsg('8', { subscription_id: 's' }), MsgType.NOTIFY_RESP);
});

build('R-NOT Notify: all six kinds with send_resp', () => {
  const kinds: Array<[b.Notification, string]> = [
    [{ event: { obj_path: 'Device.', event_name: 'Boot!', params: { Cause: 'LocalReboot' } } }, 'event'],
    [{ value_change: { param_path: 'Device.X', param_value: '1' } }, 'value_change'],
    [{ obj_creation: { obj_path: 'Device.A.1.', unique_keys: { Alias: 'a' } } }, 'obj_creation'],
    [{ obj_deletion: { obj_path: 'Device.A.1.' } }, 'obj_deletion'],
    [{ oper_complete: { obj_path: 'Device.', command_name: 'Reboot()', command_key: 'k', cmd_failure: { err_code: 7022, err_msg: 'x' } } }, 'oper_complete'],
    [{ on_board_req: { oui: '00256D', product_class: 'sim', serial_number: '1', agent_supported_protocol_versions: '1.4' } }, 'on_board_req'],
  ];
  for (const [n, name] of kinds) {
    const o = roundTrip(b.notifyMsg('n-' + name, name === 'on_board_req' ? '' : 'sub-1', true, n), MsgType.NOTIFY);
    assert.is(o.body.request.notify.notification, name);
    assert.is(o.body.request.notify.send_resp, true);
  }
});

build('Controller requests for the CLI and tests', () => {
  roundTrip(b.getMsg('a', { param_paths: ['Device.'], max_depth: 1 }), MsgType.GET);
  roundTrip(b.getSupportedDmMsg('b', { obj_paths: ['Device.'], return_params: true }), MsgType.GET_SUPPORTED_DM);
  roundTrip(b.getInstancesMsg('c', { obj_paths: ['Device.A.'] }), MsgType.GET_INSTANCES);
  roundTrip(b.getSupportedProtocolMsg('d', { controller_supported_protocol_versions: '1.4' }), MsgType.GET_SUPPORTED_PROTO);
  roundTrip(b.setMsg('e', { update_objs: [{ obj_path: 'Device.A.1.', param_settings: [{ param: 'X', value: '1', required: true }] }] }), MsgType.SET);
  roundTrip(b.addMsg('f', { allow_partial: true, create_objs: [{ obj_path: 'Device.A.' }] }), MsgType.ADD);
  roundTrip(b.deleteMsg('g', { obj_paths: ['Device.A.1.'] }), MsgType.DELETE);
  const op = roundTrip(b.operateMsg('h', { command: 'Device.Reboot()', command_key: 'k', send_resp: true, input_args: { a: '1' } }), MsgType.OPERATE);
  assert.equal(op.body.request.operate.input_args, { a: '1' });
  roundTrip(b.registerMsg('i', { reg_paths: [{ path: 'Device.X.' }] }), MsgType.REGISTER);
  roundTrip(b.deregisterMsg('j', { paths: ['Device.X.'] }), MsgType.DEREGISTER);
});

build('R-MSG.10 a msg_type that disagrees with the body: bodyType is what the body says', () => {
  const m = b.getMsg('x', { param_paths: ['Device.'] });
  m.header!.msg_type = MsgType.SET;
  const bytes = b.encodeMsg(m);
  const res = decodeMsg(bytes, 0, bytes.length);
  assert.is(res.error, MsgError.Ok);
  assert.is(res.msgType, MsgType.SET);
  assert.is(res.bodyType, MsgType.GET);
});

build('a Msg larger than the first buffer (counted, then written at its exact size) equals protobufjs\' bytes, also after `before` bytes of room', () => {
  for (const n of [1, 5, 40, 800]) { // nested lengths below 128, past 128 and past 16 384 bytes
    const params: Record<string, string> = {};
    for (let i = 0; i < n; i++) params[`P${i}`] = 'v'.repeat(1 + (i % 50));
    const m = b.getRespMsg('big', { req_path_results: [{ requested_path: 'Device.', resolved_path_results: [{ resolved_path: 'Device.X.', result_params: params }] }] });
    const want = MsgT.encode(MsgT.fromObject(MsgT.toObject(MsgT.decode(b.encodeMsg(m))))).finish();
    assert.equal(Array.from(b.encodeMsg(m)), Array.from(want));
    const roomy = b.encodeMsg(m, 37);
    assert.equal(Array.from(roomy.subarray(37)), Array.from(want));
  }
});

build.run();
