/**
 * Entry of the Moddable app (`main`, dist/moddable/main.js; manifest.json links it).
 * The runtime calls the default export after setup/network (ESP32: Wi-Fi + SNTP).
 * It picks the board from `mc/config` (`board=` on the mcconfig line), builds the
 * Moddable platform and board I/O, derives and validates the Endpoint ID, waits for
 * the network, then runs the self-test (`selfTest=1`) or the agent: startHostAgent from
 * the preloaded core — the same composition as `npm start` and `npm run start:xs` —
 * with Device.IoTCapability on the board's GPIO/ADC, its state in Preference (NVS).
 * `controller=<eid>=<coap://host:port/path>` (or `ws://…`: the agent dials it over
 * WebSocket) on the mcconfig line provisions the Controller (Full Access) at every
 * start; `wsPort=<port>` runs the WebSocket listener (R-WS.6) over ECMA-419 TCP;
 * Reboot()/FactoryReset() restart the agent.
 *
 * Preload rules (docs/device.md#how-the-app-is-put-together): everything the agent builds (schema,
 * model, sockets) is created here at run time, never at preload; the preloaded board
 * description is copied before the agent keeps it (JSON.stringify throws on preloaded
 * objects).
 *
 * Module links (all external here, resolved by the manifest):
 *   tinyusp/core     dist/xs/tinyusp    the portable core (preloaded)
 *   tinyusp/platform dist/moddable/platform  the Moddable platform (preloaded; Preference passed in)
 *   tinyusp/boards   dist/moddable/boards   board table (preloaded)
 *   tinyusp/schemas  dist/moddable/schemas  Device:2 schema per board (preloaded)
 *   tinyusp/board-io dist/moddable/board-io (ESP32) | board-sim (simulator)
 *   tinyusp/random   src/platform/moddable/native/random (C)
 *   tinyusp/firmware dist/moddable/firmware-esp32 (OTA slots) | firmware-sim (counts and drops)
 *   tinyusp/ota      src/platform/moddable/native/ota (C: boot partition, app rollback)
 */
import config from 'mc/config';
import Preference from 'preference';
import { createBoardIo, type HeldInput } from 'tinyusp/board-io';
import { openFirmware } from 'tinyusp/firmware';
import { copyBoardDescription, findBoard } from 'tinyusp/boards';
import { schemaFor } from 'tinyusp/schemas';
import { CLASS2_PROFILE, startHostAgent, validateEndpointId, WEBSOCKET_MTP, type HostAgent } from 'tinyusp/core';
import { moddableStreamPort } from '../platform/moddable/stream-port.ts';
import { createModdablePlatform } from 'tinyusp/platform';
import { stationMac, whenNetworkReady } from '../platform/moddable/network.ts';
import type { BoardDescription } from '../platform/board.ts';
import { runSelfTest } from '../platform/moddable/self-test.ts';

const DEFAULT_COAP_PORT = 5683;
const SOFTWARE_VERSION = '0.1.0';

/** M5Stack targets hold buttons A/B/C (GPIO 39/38/37) in setup/target as globalThis.button. */
function heldM5Buttons(): Map<number, HeldInput> {
  const held = new Map<number, HeldInput>();
  const buttons = (globalThis as { button?: Record<string, HeldInput> }).button;
  if (buttons?.a) held.set(39, buttons.a);
  if (buttons?.b) held.set(38, buttons.b);
  if (buttons?.c) held.set(37, buttons.c);
  return held;
}

function serialOf(board: BoardDescription): string {
  const sn = board.identity.serialNumber;
  return sn.source === 'fixed' ? sn.value : (stationMac() ?? 'unknown');
}

/** `os::<OUI>-<serial>` (R-ARC.2a "os" authority) unless `endpointId=` overrides it. */
function endpointIdOf(board: BoardDescription): string {
  if (config.endpointId) return config.endpointId;
  return `os::${board.identity.manufacturerOUI}-${serialOf(board)}`;
}

/** `controller=<eid>=<uri>` → the one Controller to provision, or none. */
function controllersOf(value: string | undefined): { endpointId: string; uri: string }[] {
  const eq = value === undefined ? -1 : value.lastIndexOf('=', value.indexOf('://'));
  return value === undefined || eq <= 0 ? [] : [{ endpointId: value.slice(0, eq), uri: value.slice(eq + 1) }];
}

export default function main(): void {
  const boardName = config.board ?? 'sim';
  const board = findBoard(boardName);
  const boardIo = board ? createBoardIo({ description: board, heldInputs: heldM5Buttons(), onProblem: (m) => trace(`tinyusp warn ${m}\n`) }) : undefined;
  const platform = createModdablePlatform(boardIo ? { preference: Preference, board: boardIo } : { preference: Preference });
  if (!board) { platform.log.error(`unknown board "${boardName}" (see boards/)`); return; }
  const eid = endpointIdOf(board);
  const eidError = validateEndpointId(eid);
  platform.log.info(`tinyusp on ${board.identity.modelName} (board ${board.name}), endpoint ${eid}${eidError ? ` INVALID (${eidError})` : ''}`);
  const port = Number(config.coapPort ?? DEFAULT_COAP_PORT);
  whenNetworkReady(platform, (address) => {
    platform.log.info(`network ready: ${address}`);
    if (config.selfTest) { runSelfTest(platform, port, () => undefined); return; }
    const controllers = controllersOf(config.controller);
    if (controllers.length === 0) platform.log.warn('no controller=<eid>=<uri>: only Controllers already in the stored state are served');
    const description = copyBoardDescription(board);
    const schema = schemaFor(board.name);
    const wsPort = Number(config.wsPort ?? 0);
    const dialsWs = controllers.some((c) => c.uri.startsWith('ws://'));
    // The WebSocket MTP when asked for (a listener port, or a ws:// Controller); TCP only on Moddable (stream-port.ts).
    const websocket = wsPort > 0 || dialsWs
      ? { mtp: WEBSOCKET_MTP, streams: moddableStreamPort(platform), settings: { listen: wsPort > 0 ? { port: wsPort, path: '/usp', tls: false } : undefined }, maxSessions: 2 }
      : undefined;
    let agent: HostAgent | null = null;
    const start = (): void => {
      // Each start is a boot for the slots (trial, rollback): open them again.
      const firmware = openFirmware(platform, { name: 'tinyusp', version: SOFTWARE_VERSION });
      agent = startHostAgent({
        ...(firmware !== undefined ? { firmware } : {}),
        ...CLASS2_PROFILE, platform, endpointId: eid, board: description, ...(schema !== undefined ? { schema } : {}), serialNumber: serialOf(board), softwareVersion: SOFTWARE_VERSION,
        host: address, coapPort: port, coapPath: '/usp', controllers, websocket,
        onWebSocketListening: (p) => platform.log.info(`tinyusp ws listening ws://${address}:${p}/usp endpoint ${eid}`),
        onWebSocketUp: (c) => platform.log.info(`tinyusp ws up ${c}`),
        device: { reboot: () => { if (firmware?.reboot() !== true) restart(); }, factoryReset: restart },
        onError: (m) => platform.log.error(`cannot listen on UDP ${port}: ${m}`),
        onReady: (uri) => platform.log.info(`tinyusp ready ${uri} endpoint ${eid}`),
      });
    };
    function restart(): void {
      agent?.close();
      platform.setTimer(start, 100);
    }
    start();
  });
}
