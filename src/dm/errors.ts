/**
 * USP error codes the data-model layer returns (TR-369 06-messages "Error Codes",
 * AGENT-REQUIREMENTS §1.15). Errors are values: 0 = ok, otherwise one of these; the
 * message processor copies them into err_code / param_errs unchanged.
 */
export const DmError = {
  Ok: 0,
  MessageFailed: 7000,
  RequestDenied: 7002,
  InternalError: 7003,
  InvalidArguments: 7004,
  ResourcesExceeded: 7005,
  PermissionDenied: 7006,
  InvalidConfiguration: 7007,
  InvalidPathSyntax: 7008,
  ParameterActionFailed: 7009,
  UnsupportedParameter: 7010,
  InvalidType: 7011,
  InvalidValue: 7012,
  NonWritableParameter: 7013,
  ValueConflict: 7014,
  OperationError: 7015,
  ObjectDoesNotExist: 7016,
  ObjectNotCreated: 7017,
  ObjectNotATable: 7018,
  NonCreatableObject: 7019,
  ObjectNotUpdated: 7020,
  RequiredParameterFailed: 7021,
  CommandFailure: 7022,
  CommandCanceled: 7023,
  DeleteFailure: 7024,
  DuplicateKey: 7025,
  InvalidPath: 7026,
  InvalidCommandArguments: 7027,
} as const;
export type DmError = (typeof DmError)[keyof typeof DmError];
