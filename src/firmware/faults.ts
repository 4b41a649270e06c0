/**
 * FaultCode values of LocalAgent.TransferComplete! (TR-181: "the numerical fault code as
 * defined in TR-369"; TR-369 defines no file-transfer codes, so these use its
 * vendor-defined range 7800–7999, docs/firmware.md#fault-codes). The Operate's own
 * OperationComplete carries 7022 (Command failure) with the same text, or 7023 when a
 * Controller canceled it.
 */
export const TransferFault = {
  None: 0,
  /** Canceled through Request.{i}.Cancel() (TR-369 7023). */
  Canceled: 7023,
  /** Connection, HTTP status, timeout, or a break that could not be resumed. */
  DownloadFailure: 7800,
  /** 401: no credentials, wrong ones, or no scheme we can answer. */
  AuthenticationFailure: 7801,
  /** The file is not a complete, intact image: truncated, payload digest or CheckSum mismatch. */
  FileCorrupted: 7803,
  /** A signature is required and missing or wrong. */
  FileAuthentication: 7804,
  /** The image cannot fit the slot. */
  NoSpace: 7805,
  /** The device lost power or restarted during the transfer (reported at the next boot). */
  Interrupted: 7806,
  /** The slot refused the complete image. */
  InstallationFailure: 7807,
} as const;
