/**
 * Controllers the host agent is told about (`--controller <eid>=<coap URI>`) and where
 * their notifications go (TR-181 Device.LocalAgent.Controller.{i}.MTP.{i}.CoAP.).
 *
 * provisionControllers: each configured Controller gets a Controller.{i}. row (found by
 * EndpointID or added), Enable=true, the Full Access role (07-security), and one enabled
 * CoAP MTP row whose Host/Port/Path/EnableEncryption describe the URI. It runs at every
 * start with the options as factory defaults (../option-defaults.ts): a changed URI replaces
 * what the options stored, a value a Controller changed stays; other rows are left alone.
 *
 * controllerUri: the URI of a Controller's enabled CoAP MTP, used
 * for agent-initiated Notify Records (responses go to the request's reply-to, R-COAP.2a).
 *
 * Uses only the data-model API; the Controller-table helpers every MTP shares are in
 * ../controller-rows.ts.
 */
import { WriteMode, type DataModelApi, type ObjectInstance } from '../../dm/index.ts';
import { FULL_ACCESS_ROLE } from '../../dm/factory-default.ts';
import { parseCoapUri } from './uri.ts';
import { CONTROLLER_TABLE, findController, read, type ControllerAddress } from '../controller-rows.ts';
import { OptionDefaults } from '../option-defaults.ts';

export type { ControllerAddress };

/** Returns "" or why provisioning failed (nothing is committed then). */
export function provisionControllers(model: DataModelApi, controllers: readonly ControllerAddress[], defaults = new OptionDefaults()): string {
  if (controllers.length === 0) return '';
  const table = model.tableAt(CONTROLLER_TABLE);
  if (table === undefined) return 'the data model has no Controller table';
  const tx = model.begin();
  let why = '';
  for (let i = 0; i < controllers.length && why === ''; i++) {
    const c = controllers[i]!;
    const u = parseCoapUri(c.uri);
    if (u === null) { why = `${c.uri} is not a coap:// URI`; break; }
    const row = findController(model, c.endpointId) ?? tx.add(table, WriteMode.Agent);
    if (row === null) { why = `cannot add a Controller row: ${tx.message}`; break; }
    why = defaults.apply(tx, row, [['EndpointID', c.endpointId], ['Enable', 'true'], ['AssignedRole', FULL_ACCESS_ROLE]]);
    const mtps = row.table('MTP');
    if (why === '' && mtps === undefined) why = `${row.path} has no MTP table`;
    if (why !== '' || mtps === undefined) break;
    const mtp = coapMtp(model, mtps.rows, false) ?? tx.add(mtps, WriteMode.Agent);
    if (mtp === null) { why = `cannot add ${mtps.path} row: ${tx.message}`; break; }
    const coap = mtp.child('CoAP');
    why = defaults.apply(tx, mtp, [['Enable', 'true'], ['Protocol', 'CoAP']]);
    if (why === '' && coap !== undefined) {
      why = defaults.apply(tx, coap, [
        ['Host', u.host], ['Port', String(u.port)], ['Path', u.path.join('/')], ['EnableEncryption', String(u.secure)],
      ]);
    }
  }
  const err = why === '' ? tx.commit() : 0;
  if (why === '' && err !== 0) why = `provisioning failed (${err}): ${tx.message}`;
  if (why !== '') tx.rollback(); // nothing is committed
  return why;
}

/** The first CoAP row of a Controller's MTP table (Protocol is a unique key: one at most), enabled only if `enabled`. */
function coapMtp(model: DataModelApi, rows: readonly ObjectInstance[], enabled: boolean): ObjectInstance | null {
  for (let i = 0; i < rows.length; i++) {
    const m = rows[i]!;
    if ((!enabled || read(model, m, 'Enable') === 'true') && read(model, m, 'Protocol') === 'CoAP') return m;
  }
  return null;
}

/** coap(s)://Host:Port/Path of the Controller's enabled CoAP MTP (Protocol is a unique key: one at most), or null. */
export function controllerUri(model: DataModelApi, endpointId: string): string | null {
  const row = findController(model, endpointId);
  const mtps = row?.table('MTP');
  if (mtps === undefined) return null;
  const best = coapMtp(model, mtps.rows, true);
  const coap = best?.child('CoAP');
  if (coap === undefined) return null;
  const host = read(model, coap, 'Host');
  if (host === '') return null;
  const scheme = read(model, coap, 'EnableEncryption') === 'true' ? 'coaps' : 'coap';
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const path = read(model, coap, 'Path');
  return `${scheme}://${h}:${read(model, coap, 'Port') || '5683'}/${path.startsWith('/') ? path.slice(1) : path}`;
}
