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
  const coapRows: ObjectInstance[] = [];
  for (const m of table.rows) if (read(model, m, 'Protocol') === 'CoAP') coapRows.push(m);
  const tx = model.begin();
  const fail = (why: string): string => { tx.rollback(); return why; };
  const path = o.path.replace(/^\//, '');
  const rows: [ObjectInstance | null, boolean, number, boolean][] = [
    [coapRows[0] ?? tx.add(table, WriteMode.Agent), o.plain !== null, o.plain || 5683, false],
  ];
  if (o.coaps !== undefined || coapRows[1] !== undefined) {
    rows.push([coapRows[1] ?? tx.add(table, WriteMode.Agent), o.coaps !== undefined, o.coaps?.port || 5684, true]);
  }
  for (const [row, enable, port, encrypt] of rows) {
    if (row === null) return fail(`cannot add a LocalAgent.MTP row: ${tx.message}`);
    let why = defaults.apply(tx, row, [['Enable', String(enable)], ['Protocol', 'CoAP']]);
    // It runs when the options configure it and the row is enabled (a Controller may have disabled it).
    const runs = enable && read(model, row, 'Enable') === 'true';
    if (why === '') why = defaults.apply(tx, row, [['Status', runs ? 'Up' : 'Down']]);
    if (why === '' && enable) {
      why = defaults.apply(tx, row.child('CoAP')!, [['Port', String(port)], ['Path', path], ['EnableEncryption', String(encrypt)]]);
    } else if (why === '') why = defaults.apply(tx, row.child('CoAP')!, [['EnableEncryption', String(encrypt)]]);
    if (why !== '') return fail(why);
  }
  const why = provisionCertificates(model, tx, o.coaps?.certificates ?? [], defaults);
  if (why !== '') return fail(why);
  const err = tx.commit();
  return err === 0 ? '' : fail(`CoAP MTP provisioning failed (${err}): ${tx.message}`);
}

/** Which CoAP MTPs run, as provisioning decided (Status Up): the plain one, the coaps one. */
export function runningCoapMtps(model: DataModelApi): { plain: boolean; coaps: boolean } {
  const table = model.tableAt(LOCAL_MTP_TABLE);
  const coapRows: ObjectInstance[] = [];
  for (const m of table === undefined ? [] : table.rows) if (read(model, m, 'Protocol') === 'CoAP') coapRows.push(m);
  const up = (row: ObjectInstance | undefined): boolean => row !== undefined && read(model, row, 'Status') === 'Up';
  return { plain: up(coapRows[0]), coaps: up(coapRows[1]) };
}

function provisionCertificates(model: DataModelApi, tx: Transaction, certs: readonly AgentCertificateInfo[], defaults: OptionDefaults): string {
  const table = model.tableAt(CERTIFICATE_TABLE);
  if (table === undefined) return certs.length === 0 ? '' : 'the data model has no LocalAgent.Certificate table';
  const keep = new Set<ObjectInstance>();
  for (const c of certs) {
    let row: ObjectInstance | null = null;
    for (const r of table.rows) if (read(model, r, 'SerialNumber') === c.serialNumber && read(model, r, 'Issuer') === c.issuer) row = r;
    row ??= tx.add(table, WriteMode.Agent);
    if (row === null) return `cannot add a Certificate row: ${tx.message}`;
    keep.add(row);
    const why = defaults.apply(tx, row, [['Enable', 'true'], ['SerialNumber', c.serialNumber], ['Issuer', c.issuer.slice(0, 256)]]);
    if (why !== '') return why;
  }
  for (const r of [...table.rows]) {
    if (!keep.has(r) && tx.deleteInstance(r, WriteMode.Agent) !== 0) return `${r.path}: ${tx.message}`;
  }
  return '';
}
