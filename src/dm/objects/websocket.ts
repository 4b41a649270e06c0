/**
 * The WebSocket MTP's data model (TR-369 "WebSocket Binding", R-WS.17–21; TR-181
 * tr-181-2-localagent.xml): the agent as a WebSocket server,
 * Device.LocalAgent.MTP.{i}.WebSocket. (2.12; EnableEncryption 2.14, KeepAliveInterval
 * 2.15), and as a WebSocket client of each Controller,
 * Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket. (2.12). Defaults are the XML's:
 * Port 8443, EnableEncryption true, KeepAliveInterval 60 s, and the R-WS.19 retry
 * factory defaults m = 5 s, k = 2000. The XML gives a Controller's Port and
 * KeepAliveInterval none; a row a Controller adds without them dials 443 (the wss
 * port) and pings every 60 s.
 *
 * Left out: Interfaces (the host binds the address given on the command line; no
 * Device.IP table), the deleted IsEncrypted and USPServiceRef (USP Services, 2.16).
 * CurrentRetryCount is volatile: it describes the session in progress (R-WS.21: a
 * reboot starts again from zero).
 */
import { object, param, R, T, W } from '../schema-table.ts';
import type { ObjectNode } from '../schema.ts';
import type { MtpObjects } from './mtp-objects.ts';

/** Device.LocalAgent.MTP.{i}.WebSocket. */
export function localMtpWebSocketObject(): ObjectNode {
  return object('WebSocket', [
    param('Port', T.UnsignedInt, W, { min: '1', max: '65535', def: '8443' }),
    param('Path', T.String, W),
    param('EnableEncryption', T.Boolean, W, { def: 'true' }),
    param('KeepAliveInterval', T.UnsignedInt, W, { min: '1', def: '60' }),
  ]);
}

/** Device.LocalAgent.Controller.{i}.MTP.{i}.WebSocket. */
export function controllerMtpWebSocketObject(): ObjectNode {
  return object('WebSocket', [
    param('Host', T.String, W, { maxLength: 256 }),
    param('Port', T.UnsignedInt, W, { min: '1', max: '65535', def: '443' }),
    param('Path', T.String, W),
    param('EnableEncryption', T.Boolean, W, { def: 'true' }),
    param('KeepAliveInterval', T.UnsignedInt, W, { min: '1', def: '60' }),
    param('CurrentRetryCount', T.UnsignedInt, R, { def: '0', volatile: true }),
    param('SessionRetryMinimumWaitInterval', T.UnsignedInt, W, { min: '1', max: '65535', def: '5' }),
    param('SessionRetryIntervalMultiplier', T.UnsignedInt, W, { min: '1000', max: '65535', def: '2000' }),
  ]);
}

/** The WebSocket MTP's part of the schema (mtp-objects.ts): both MTP sub-objects. */
export const WEBSOCKET_OBJECTS: MtpObjects = {
  protocol: 'WebSocket', localMtp: localMtpWebSocketObject, controllerMtp: controllerMtpWebSocketObject,
};
