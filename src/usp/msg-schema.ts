/**
 * The shape of usp-msg.proto (AGENT-REQUIREMENTS §3.2/§3.3) as a validation table:
 * for each message, its known fields' kinds (so a wrong wire type is caught), enum
 * ranges (R-ENC.2) and oneof groups (R-ENC.3). The pbf-generated decoder trusts its
 * input and lets the last oneof member win; msg-validate.ts walks the bytes against
 * this table first. Header and the Msg envelope are checked by msg-decode.ts itself.
 * Keep in step with proto/usp-msg.proto (test/usp/msg-schema.test.ts compares them).
 */

export const FieldKind = { String: 0, Bool: 1, Fixed32: 2, Enum: 3, Message: 4 } as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

export interface FieldRule {
  readonly kind: FieldKind;
  /** 1-based oneof group inside its message, 0 when not in a oneof. */
  readonly oneof: number;
  /** Largest known enum value (Enum only). */
  readonly enumMax: number;
  readonly message: MessageRule | undefined;
}

export interface MessageRule {
  readonly name: string;
  /** Indexed by field number. */
  readonly fields: ReadonlyArray<FieldRule | undefined>;
  readonly oneofCount: number;
  /** An empty oneof here means "a message type we do not know" (R-MSG.1 → 7001), not 7004. */
  readonly oneofNamesType: boolean;
}

function field(kind: FieldKind, enumMax = 0, message?: MessageRule): FieldRule {
  return { kind, oneof: 0, enumMax, message };
}
const STR = field(FieldKind.String);
const BOOL = field(FieldKind.Bool);
const FX32 = field(FieldKind.Fixed32);
const en = (max: number): FieldRule => field(FieldKind.Enum, max);
const sub = (m: MessageRule): FieldRule => field(FieldKind.Message, 0, m);
const one = (group: number, f: FieldRule): FieldRule => ({ ...f, oneof: group });

function msg(name: string, spec: { [n: number]: FieldRule }, oneofNamesType = false): MessageRule {
  const fields: Array<FieldRule | undefined> = [];
  let oneofCount = 0;
  for (const k of Object.keys(spec)) {
    const f = spec[Number(k)]!;
    fields[Number(k)] = f;
    if (f.oneof > oneofCount) oneofCount = f.oneof;
  }
  return { name, fields, oneofCount, oneofNamesType };
}

const MAP = msg('map<string,string>', { 1: STR, 2: STR });
const MAP_FIELD = sub(MAP);
const FAILURE = msg('OperationFailure', { 1: FX32, 2: STR });
const PARAM_ERR = msg('ParameterError', { 1: STR, 2: FX32, 3: STR });

const status = (success: MessageRule, failure: MessageRule = FAILURE): MessageRule =>
  msg('OperationStatus', { 1: one(1, sub(failure)), 2: one(1, sub(success)) });
const operResult = (success: MessageRule, failure?: MessageRule): MessageRule =>
  msg('OperationResult', { 1: STR, 2: sub(status(success, failure)) });

const ERROR = msg('Error', { 1: FX32, 2: STR, 3: sub(PARAM_ERR) });

const GET = msg('Get', { 1: STR, 2: FX32 });
const GET_RESP = msg('GetResp', {
  1: sub(msg('RequestedPathResult', { 1: STR, 2: FX32, 3: STR, 4: sub(msg('ResolvedPathResult', { 1: STR, 2: MAP_FIELD })) })),
});
const GET_SUPPORTED_DM = msg('GetSupportedDM', { 1: STR, 2: BOOL, 3: BOOL, 4: BOOL, 5: BOOL, 6: BOOL });
const SUPPORTED_OBJ = msg('SupportedObjectResult', {
  1: STR, 2: en(3), 3: BOOL,
  4: sub(msg('SupportedCommandResult', { 1: STR, 2: STR, 3: STR, 4: en(2) })),
  5: sub(msg('SupportedEventResult', { 1: STR, 2: STR })),
  6: sub(msg('SupportedParamResult', { 1: STR, 2: en(2), 3: en(10), 4: en(2) })),
  7: STR,
  8: sub(msg('SupportedUniqueKeySet', { 1: STR })),
});
const GET_SUPPORTED_DM_RESP = msg('GetSupportedDMResp', {
  1: sub(msg('RequestedObjectResult', { 1: STR, 2: FX32, 3: STR, 4: STR, 5: sub(SUPPORTED_OBJ) })),
});
const GET_INSTANCES = msg('GetInstances', { 1: STR, 2: BOOL });
const GET_INSTANCES_RESP = msg('GetInstancesResp', {
  1: sub(msg('RequestedPathResult', { 1: STR, 2: FX32, 3: STR, 4: sub(msg('CurrInstance', { 1: STR, 2: MAP_FIELD })) })),
});
const PARAM_SETTING = msg('ParamSetting', { 1: STR, 2: STR, 3: BOOL });
const OBJ_SETTINGS = sub(msg('ObjectSettings', { 1: STR, 2: sub(PARAM_SETTING) }));
const SET = msg('Set', { 1: BOOL, 2: OBJ_SETTINGS });
const ADD = msg('Add', { 1: BOOL, 2: OBJ_SETTINGS });
const DELETE = msg('Delete', { 1: BOOL, 2: STR });
const INSTANCE = (extra: { [n: number]: FieldRule }) => msg('UpdatedInstance', { 1: STR, 2: sub(PARAM_ERR), ...extra });
const SET_RESP = msg('SetResp', {
  1: sub(operResult(
    msg('OperationSuccess', { 1: sub(INSTANCE({ 3: MAP_FIELD })) }),
    msg('OperationFailure', { 1: FX32, 2: STR, 3: sub(INSTANCE({})) }),
  )),
});
const ADD_RESP = msg('AddResp', { 1: sub(operResult(msg('OperationSuccess', { 1: STR, 2: sub(PARAM_ERR), 3: MAP_FIELD }))) });
const DELETE_RESP = msg('DeleteResp', { 1: sub(operResult(msg('OperationSuccess', { 1: STR, 2: sub(PARAM_ERR) }))) });
const OPERATE = msg('Operate', { 1: STR, 2: STR, 3: BOOL, 4: MAP_FIELD });
const OUTPUT_ARGS = sub(msg('OutputArgs', { 1: MAP_FIELD }));
const OPERATE_RESP = msg('OperateResp', {
  1: sub(msg('OperationResult', { 1: STR, 2: one(1, STR), 3: one(1, OUTPUT_ARGS), 4: one(1, sub(FAILURE)) })),
});
const NOTIFY = msg('Notify', {
  1: STR, 2: BOOL,
  3: one(1, sub(msg('Event', { 1: STR, 2: STR, 3: MAP_FIELD }))),
  4: one(1, sub(msg('ValueChange', { 1: STR, 2: STR }))),
  5: one(1, sub(msg('ObjectCreation', { 1: STR, 2: MAP_FIELD }))),
  6: one(1, sub(msg('ObjectDeletion', { 1: STR }))),
  7: one(1, sub(msg('OperationComplete', { 1: STR, 2: STR, 3: STR, 4: one(1, OUTPUT_ARGS), 5: one(1, sub(FAILURE)) }))),
  8: one(1, sub(msg('OnBoardRequest', { 1: STR, 2: STR, 3: STR, 4: STR }))),
});
const NOTIFY_RESP = msg('NotifyResp', { 1: STR });
const GET_SUPPORTED_PROTOCOL = msg('GetSupportedProtocol', { 1: STR });
const GET_SUPPORTED_PROTOCOL_RESP = msg('GetSupportedProtocolResp', { 1: STR });
const REGISTER = msg('Register', { 1: BOOL, 2: sub(msg('RegistrationPath', { 1: STR })) });
const REGISTER_RESP = msg('RegisterResp', { 1: sub(operResult(msg('OperationSuccess', { 1: STR }))) });
const DEREGISTER = msg('Deregister', { 1: STR });
const DEREGISTER_RESP = msg('DeregisterResp', { 1: sub(operResult(msg('OperationSuccess', { 1: STR }))) });

const REQUEST = msg('Request', {
  1: one(1, sub(GET)), 2: one(1, sub(GET_SUPPORTED_DM)), 3: one(1, sub(GET_INSTANCES)), 4: one(1, sub(SET)),
  5: one(1, sub(ADD)), 6: one(1, sub(DELETE)), 7: one(1, sub(OPERATE)), 8: one(1, sub(NOTIFY)),
  9: one(1, sub(GET_SUPPORTED_PROTOCOL)), 10: one(1, sub(REGISTER)), 11: one(1, sub(DEREGISTER)),
}, true);
const RESPONSE = msg('Response', {
  1: one(1, sub(GET_RESP)), 2: one(1, sub(GET_SUPPORTED_DM_RESP)), 3: one(1, sub(GET_INSTANCES_RESP)),
  4: one(1, sub(SET_RESP)), 5: one(1, sub(ADD_RESP)), 6: one(1, sub(DELETE_RESP)), 7: one(1, sub(OPERATE_RESP)),
  8: one(1, sub(NOTIFY_RESP)), 9: one(1, sub(GET_SUPPORTED_PROTOCOL_RESP)), 10: one(1, sub(REGISTER_RESP)),
  11: one(1, sub(DEREGISTER_RESP)),
}, true);

/** usp.Body: oneof msg_body { request = 1; response = 2; error = 3 }. */
export const BODY_RULE: MessageRule = msg('Body', { 1: one(1, sub(REQUEST)), 2: one(1, sub(RESPONSE)), 3: one(1, sub(ERROR)) }, true);

/** Header.MsgType's largest value (DEREGISTER_RESP = 22). */
export const MSG_TYPE_MAX = 22;
