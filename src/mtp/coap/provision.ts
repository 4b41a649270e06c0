/**
 * The agent's CoAP MTPs in the data model (TR-181 Device.LocalAgent.MTP.{i}.CoAP.,
 * Device.LocalAgent.Certificate.{i}.), provisioned at every start from the options as
 * factory defaults (../option-defaults.ts: a value a Controller changed is kept):
 *
 * - the first CoAP row is plain CoAP: Enable = plain CoAP on, Port, Path,
 *   EnableEncryption=false;
 * - the second CoAP row is CoAP over DTLS (added when coaps is configured):
 *   Enable = coaps on, Port (5684 by default), Path, EnableEncryption=true;
 * - Status (the agent's fact) is Up when the options configure the MTP and its row is
 *   enabled: a row a Controller disabled stays disabled and does not run
 *   (runningCoapMtps tells the composition which to open);
 * - Certificate.{i}. holds the agent's own certificate (SerialNumber, Issuer, Enable);
 *   rows of certificates no longer configured are deleted (they describe the files the
 *   agent runs with, not a Controller's choice).
 *
 * Uses only the data-model API (shared by every composition root).
 */
import { WriteMode, type DataModelApi, type ObjectInstance, type Transaction } from '../../dm/index.ts';
import type { CryptoPort } from '../../platform/crypto.ts';
import type { DtlsConfig } from '../../dtls/index.ts';
import type { CoapsCredentials, startCoapsEndpoint } from './coaps-endpoint.ts';
import { read } from '../controller-rows.ts';
import { OptionDefaults } from '../option-defaults.ts';

const LOCAL_MTP_TABLE = 'Device.LocalAgent.MTP.';
const CERTIFICATE_TABLE = 'Device.LocalAgent.Certificate.';

/** The coaps listener of the host agent. */
export interface HostCoapsConfig {
  /**
   * startCoapsEndpoint (coaps-endpoint.ts), injected as the MQTT MTP is, so that a
   * bundle without coaps (Espruino's) links no DTLS.
   */
  readonly start: typeof startCoapsEndpoint;
  /** UDP port (5684 by default, RFC 7252 §6.2); 0 picks a free one. */
  readonly port: number;
  readonly credentials: CoapsCredentials;
  /** Crypto port (default platform.crypto). */
  readonly crypto?: CryptoPort;
  /** DTLS settings beyond the credentials (timers, datagram size). */
  readonly dtls?: Partial<DtlsConfig>;
  /** Our certificate(s) as Device.LocalAgent.Certificate.{i}. shows them. */
  readonly certificates?: readonly AgentCertificateInfo[];
}

export interface AgentCertificateInfo {
  /** Hex, colon-separated (as openssl prints it). */
  readonly serialNumber: string;
  /** Issuer distinguished name. */
  readonly issuer: string;
}

export interface CoapMtpSettings {
  /** Plain CoAP port, or null when plain CoAP is off. */
  readonly plain: number | null;
  readonly path: string;
  readonly coaps: HostCoapsConfig | undefined;
}

/** Returns "" or why (nothing is committed then). */
export function provisionCoapMtps(model: DataModelApi, o: CoapMtpSettings, defaults = new OptionDefaults()): string {
  const table = model.tableAt(LOCAL_MTP_TABLE);
  if (table === undefined) return 'the data model has no LocalAgent.MTP table';
  const coapRows = coapMtpRows(model);
  const tx = model.begin();
  const path = o.path.startsWith('/') ? o.path.slice(1) : o.path;
  let why = '';
  // Row 0 is plain CoAP, row 1 CoAP over DTLS (added when coaps is configured or was).
  for (let i = 0; i < 2 && why === ''; i++) {
    const encrypt = i === 1;
    if (encrypt && o.coaps === undefined && coapRows[1] === undefined) break;
    const row = coapRows[i] ?? tx.add(table, WriteMode.Agent);
    const enable = encrypt ? o.coaps !== undefined : o.plain !== null;
    if (row === null) { why = `cannot add a LocalAgent.MTP row: ${tx.message}`; break; }
    why = defaults.apply(tx, row, [['Enable', String(enable)], ['Protocol', 'CoAP']]);
    // It runs when the options configure it and the row is enabled (a Controller may have disabled it).
    const runs = enable && read(model, row, 'Enable') === 'true';
    if (why === '') why = defaults.apply(tx, row, [['Status', runs ? 'Up' : 'Down']]);
    const port = encrypt ? o.coaps?.port || 5684 : o.plain || 5683;
    if (why === '') {
      why = defaults.apply(tx, row.child('CoAP')!, enable
        ? [['Port', String(port)], ['Path', path], ['EnableEncryption', String(encrypt)]] : [['EnableEncryption', String(encrypt)]]);
    }
  }
  if (why === '') why = provisionCertificates(model, tx, o.coaps?.certificates ?? [], defaults);
  const err = why === '' ? tx.commit() : 0;
  if (why === '' && err !== 0) why = `CoAP MTP provisioning failed (${err}): ${tx.message}`;
  if (why !== '') tx.rollback(); // nothing is committed
  return why;
}

/** The LocalAgent.MTP rows whose Protocol is CoAP, in table order: the plain one, then the coaps one. */
function coapMtpRows(model: DataModelApi): ObjectInstance[] {
  const table = model.tableAt(LOCAL_MTP_TABLE);
  const coapRows: ObjectInstance[] = [];
  const rows = table === undefined ? [] : table.rows;
  for (let i = 0; i < rows.length; i++) if (read(model, rows[i]!, 'Protocol') === 'CoAP') coapRows.push(rows[i]!);
  return coapRows;
}

/** Which CoAP MTPs run, as provisioning decided (Status Up): the plain one, the coaps one. */
export function runningCoapMtps(model: DataModelApi): { plain: boolean; coaps: boolean } {
  const coapRows = coapMtpRows(model);
  return {
    plain: coapRows[0] !== undefined && read(model, coapRows[0], 'Status') === 'Up',
    coaps: coapRows[1] !== undefined && read(model, coapRows[1], 'Status') === 'Up',
  };
}

function provisionCertificates(model: DataModelApi, tx: Transaction, certs: readonly AgentCertificateInfo[], defaults: OptionDefaults): string {
  const table = model.tableAt(CERTIFICATE_TABLE);
  if (table === undefined) return certs.length === 0 ? '' : 'the data model has no LocalAgent.Certificate table';
  const keep = new Set<ObjectInstance>();
  const rows = table.rows;
  for (let i = 0; i < certs.length; i++) {
    const c = certs[i]!;
    let row: ObjectInstance | null = null;
    for (let k = 0; k < rows.length; k++) if (read(model, rows[k]!, 'SerialNumber') === c.serialNumber && read(model, rows[k]!, 'Issuer') === c.issuer) row = rows[k]!;
    row ??= tx.add(table, WriteMode.Agent);
    if (row === null) return `cannot add a Certificate row: ${tx.message}`;
    keep.add(row);
    const why = defaults.apply(tx, row, [['Enable', 'true'], ['SerialNumber', c.serialNumber], ['Issuer', c.issuer.slice(0, 256)]]);
    if (why !== '') return why;
  }
  const all = table.rows.slice(); // deleting changes table.rows
  for (let i = 0; i < all.length; i++) {
    if (!keep.has(all[i]!) && tx.deleteInstance(all[i]!, WriteMode.Agent) !== 0) return `${all[i]!.path}: ${tx.message}`;
  }
  return '';
}
