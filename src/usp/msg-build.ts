/**
 * usp.Msg construction and encoding (usp-msg.proto, TR-369 "Messages"). Thin typed
 * builders put a body in the envelope with the matching msg_type (R-MSG.10: header
 * and body agree) and a msg_id (R-MSG.8; responses echo the request's, R-MSG.9);
 * `encodeMsg` runs the table codec (msg-codec.ts). Off the hot path: allocation is fine.
 *
 * Left out on purpose: the codec skips a oneof member that holds a proto3 default
 * scalar (OperateResp req_obj_path ""), as pbf did, so such a member is not sent.
 */
import {
  type AddInit, type AddRespInit, type DeleteInit, type DeleteRespInit, type DeregisterInit,
  type ErrorParamErrorInit, type GetInit, type GetInstancesInit, type GetInstancesRespInit, type GetRespInit,
  type GetSupportedDMInit, type GetSupportedDMRespInit, type GetSupportedProtocolInit,
  type GetSupportedProtocolRespInit, type MsgInit, type NotifyEventInit, type NotifyInit,
  type NotifyObjectCreationInit, type NotifyObjectDeletionInit, type NotifyOnBoardRequestInit,
  type NotifyOperationCompleteInit, type NotifyRespInit, type NotifyValueChangeInit, type OperateInit,
  type OperateRespInit, type RegisterInit, type RequestInit, type ResponseInit, type SetInit, type SetRespInit,
} from './generated/usp-msg.js';
import { memberType, MsgType } from './msg-decode.ts';

type RequestKey = Exclude<keyof RequestInit, 'req_type'>;
type ResponseKey = Exclude<keyof ResponseInit, 'resp_type'>;

/** A request Msg whose only Request member is `kind`. */
export function requestMsg<K extends RequestKey>(msgId: string, kind: K, body: NonNullable<RequestInit[K]>): MsgInit {
  const request: RequestInit = { [kind]: body };
  return { header: { msg_id: msgId, msg_type: memberType(false, kind) }, body: { request } };
}

/** A response Msg whose only Response member is `kind`; `msgId` is the request's (R-MSG.9). */
export function responseMsg<K extends ResponseKey>(msgId: string, kind: K, body: NonNullable<ResponseInit[K]>): MsgInit {
  const response: ResponseInit = { [kind]: body };
  return { header: { msg_id: msgId, msg_type: memberType(true, kind) }, body: { response } };
}

/** An Error message (06-messages "Error"): err_code, err_msg and optional param_errs. */
export function errorMsg(msgId: string, errCode: number, errMsg: string, paramErrs?: ErrorParamErrorInit[]): MsgInit {
  return {
    header: { msg_id: msgId, msg_type: MsgType.ERROR },
    body: { error: { err_code: errCode, err_msg: errMsg, param_errs: paramErrs } },
  };
}

// Responses the Agent sends.
export const getRespMsg = (msgId: string, b: GetRespInit): MsgInit => responseMsg(msgId, 'get_resp', b);
export const getSupportedDmRespMsg = (msgId: string, b: GetSupportedDMRespInit): MsgInit => responseMsg(msgId, 'get_supported_dm_resp', b);
export const getInstancesRespMsg = (msgId: string, b: GetInstancesRespInit): MsgInit => responseMsg(msgId, 'get_instances_resp', b);
export const getSupportedProtocolRespMsg = (msgId: string, versions: string): MsgInit =>
  responseMsg(msgId, 'get_supported_protocol_resp', { agent_supported_protocol_versions: versions } satisfies GetSupportedProtocolRespInit);
export const setRespMsg = (msgId: string, b: SetRespInit): MsgInit => responseMsg(msgId, 'set_resp', b);
export const addRespMsg = (msgId: string, b: AddRespInit): MsgInit => responseMsg(msgId, 'add_resp', b);
export const deleteRespMsg = (msgId: string, b: DeleteRespInit): MsgInit => responseMsg(msgId, 'delete_resp', b);
export const operateRespMsg = (msgId: string, b: OperateRespInit): MsgInit => responseMsg(msgId, 'operate_resp', b);
export const notifyRespMsg = (msgId: string, b: NotifyRespInit): MsgInit => responseMsg(msgId, 'notify_resp', b);

/** The six Notify kinds (06-messages "Notify"); `sendResp` asks for a NotifyResp (R-NOT.*). */
export type Notification =
  | { event: NotifyEventInit } | { value_change: NotifyValueChangeInit } | { obj_creation: NotifyObjectCreationInit }
  | { obj_deletion: NotifyObjectDeletionInit } | { oper_complete: NotifyOperationCompleteInit }
  | { on_board_req: NotifyOnBoardRequestInit };

export function notifyMsg(msgId: string, subscriptionId: string, sendResp: boolean, n: Notification): MsgInit {
  const notify: NotifyInit = { subscription_id: subscriptionId, send_resp: sendResp, ...n };
  // requestMsg's shape, written out: an agent sends no other request, so a build needs no requestMsg.
  return { header: { msg_id: msgId, msg_type: MsgType.NOTIFY }, body: { request: { notify } } };
}

// Requests a Controller sends (CLI, tests).
export const getMsg = (msgId: string, b: GetInit): MsgInit => requestMsg(msgId, 'get', b);
export const getSupportedDmMsg = (msgId: string, b: GetSupportedDMInit): MsgInit => requestMsg(msgId, 'get_supported_dm', b);
export const getInstancesMsg = (msgId: string, b: GetInstancesInit): MsgInit => requestMsg(msgId, 'get_instances', b);
export const getSupportedProtocolMsg = (msgId: string, b: GetSupportedProtocolInit): MsgInit => requestMsg(msgId, 'get_supported_protocol', b);
export const setMsg = (msgId: string, b: SetInit): MsgInit => requestMsg(msgId, 'set', b);
export const addMsg = (msgId: string, b: AddInit): MsgInit => requestMsg(msgId, 'add', b);
export const deleteMsg = (msgId: string, b: DeleteInit): MsgInit => requestMsg(msgId, 'delete', b);
export const operateMsg = (msgId: string, b: OperateInit): MsgInit => requestMsg(msgId, 'operate', b);
export const registerMsg = (msgId: string, b: RegisterInit): MsgInit => requestMsg(msgId, 'register', b);
export const deregisterMsg = (msgId: string, b: DeregisterInit): MsgInit => requestMsg(msgId, 'deregister', b);

/** Encodes a Msg (the table codec); with `before`, into bytes [before, length) of the array returned. */
export { encodeMsg } from './msg-codec.ts';
