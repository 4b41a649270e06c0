/**
 * Entry of the Moddable app (`main`, dist/moddable/main.js; manifest.json links it).
 * The runtime calls the default export after setup/network (ESP32: Wi-Fi + SNTP).
 * It picks the board from `mc/config` (`board=` on the mcconfig line), builds the
 * Moddable platform and board I/O, derives and validates the Endpoint ID, waits for
 * the network, then runs the self-test (`selfTest=1`) or the agent: startHostAgent from
 * the preloaded core — the same composition as `npm start` and `npm run start:xs` —
 * with Device.IoTCapability on the board's GPIO/ADC, its state in Preference (NVS).
 * The MTPs come from `mc/config` (src/config/device-settings.ts lists the keys): plain
 * CoAP, coaps (the native-crypt port, platform/moddable/crypto.ts) with `psk=`/`pskFor=`
 * and/or the certificate in the `data` resources usp-agent-cert.pem, usp-agent-key.pem,
 * usp-ca.pem, MQTT (`mqtt=mqtt[s]://host:port`, CA in usp-mqtt-ca.pem) over ECMA-419
 * TCP/TLS (platform/moddable/stream-transport.ts), and WebSocket: `wsPort=<port>` runs the
 * listener (R-WS.6), a `ws://` Controller is dialled (ECMA-419 TCP, no TLS yet).
 * `controller=<eid>=<uri>[;…]` provisions Controllers (Full Access) at every start;
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
 *   tinyusp/crypto   dist/moddable/crypto   the native-crypt port (preloaded)
 *   tinyusp/stream   dist/moddable/stream   the ECMA-419 TCP/TLS stream driver (preloaded)
 *   tinyusp/self-test dist/moddable/self-test platform self-test and crypto vectors (preloaded)
 *   tinyusp/random   src/platform/moddable/native/random (C)
 *   tinyusp/firmware dist/moddable/firmware-esp32 (OTA slots) | firmware-sim (counts and drops)
 *   tinyusp/ota      src/platform/moddable/native/ota (C: boot partition, app rollback)
 *   crypt, hmac, curve, ecdsa, ecp, Resource, embedded:io/socket/tcp[/tls], net: the SDK's
 */
import config from 'mc/config';
import Preference from 'preference';
import { createBoardIo, type HeldInput } from 'tinyusp/board-io';
import { openFirmware } from 'tinyusp/firmware';
import { copyBoardDescription, findBoard } from 'tinyusp/boards';
import { schemaFor } from 'tinyusp/schemas';
import {
  CLASS2_PROFILE, FirmwareService, MQTT_MTP, WEBSOCKET_MTP, deviceCoapsConfig, parseDeviceSettings, startHostAgent, validateEndpointId,
  type DevicePems, type DeviceSettings, type HostAgent, type HostAgentConfig,
} from 'tinyusp/core';
import { moddableStreamPort } from '../platform/moddable/stream-port.ts';
import { createModdablePlatform } from 'tinyusp/platform';
import { createModdableCrypto } from 'tinyusp/crypto';
import { stationMac, whenNetworkReady } from '../platform/moddable/network.ts';
import { readTextResource } from '../platform/moddable/resources.ts';
import { MODDABLE_STREAM_IO, tlsOptionsFor } from '../platform/moddable/stream-io.ts';
import { ModdableStreamDriver } from 'tinyusp/stream';
import type { BoardDescription } from '../platform/board.ts';
import type { Platform } from '../platform/types.ts';
import { runSelfTest } from 'tinyusp/self-test';

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

/** The certificate `data` resources, when the app carries all three. */
function agentPems(): DevicePems | undefined {
  const certificate = readTextResource('usp-agent-cert.pem');
  const key = readTextResource('usp-agent-key.pem');
  const ca = readTextResource('usp-ca.pem');
  return certificate !== undefined && key !== undefined && ca !== undefined ? { certificate, key, ca } : undefined;
}

/** startHostAgent's `mqtt`: the MQTT MTP over the ECMA-419 stream driver (TLS trusts usp-mqtt-ca.pem). */
function mqttOf(platform: Platform, broker: DeviceSettings['mqtt']): HostAgentConfig['mqtt'] {
  if (broker === undefined) return undefined;
  return {
    broker, caPem: readTextResource('usp-mqtt-ca.pem'), mtp: MQTT_MTP,
    openTransport: (machine, o) => new ModdableStreamDriver(machine, {
      host: o.host, port: o.port, io: MODDABLE_STREAM_IO, platform, onError: o.onError, onService: o.onService,
      // Without a CA the SDK session has no trust anchor and refuses every broker (R-MTP.1).
      tls: o.tls === undefined ? undefined : tlsOptionsFor(o.tls.ca) ?? {},
    }),
  };
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
  const pems = agentPems();
  const settings = parseDeviceSettings(config, eid, pems !== undefined);
  if (typeof settings === 'string') { platform.log.error(`mc/config: ${settings}`); return; }
  const coaps = settings.coaps === undefined ? undefined : deviceCoapsConfig(settings.coaps, pems, eid, (m) => platform.log.warn(m));
  if (typeof coaps === 'string') { platform.log.error(coaps); return; }
  const port = settings.coapPort;
  whenNetworkReady(platform, (address) => {
    platform.log.info(`network ready: ${address}`);
    if (config.selfTest) { runSelfTest(platform, port, () => undefined, createModdableCrypto); return; }
    const { controllers } = settings;
    if (controllers.length === 0) platform.log.warn('no controller=<eid>=<uri>: only Controllers already in the stored state are served');
    const description = copyBoardDescription(board);
    const schema = schemaFor(board.name);
    const wsPort = settings.wsPort;
    const dialsWs = controllers.some((c) => c.uri.startsWith('ws://'));
    // The WebSocket MTP when asked for (a listener port, or a ws:// Controller); TCP only on Moddable (stream-port.ts).
    const websocket = wsPort > 0 || dialsWs
      ? { mtp: WEBSOCKET_MTP, streams: moddableStreamPort(platform), settings: { listen: wsPort > 0 ? { port: wsPort, path: '/usp', tls: false } : undefined }, maxSessions: 2 }
      : undefined;
    const mqtt = mqttOf(platform, settings.mqtt);
    let agent: HostAgent | null = null;
    const start = (): void => {
      // Each start is a boot for the slots (trial, rollback): open them again.
      const firmware = openFirmware(platform, { name: 'tinyusp', version: SOFTWARE_VERSION });
      agent = startHostAgent({
        ...(firmware !== undefined ? { firmware: { ...firmware, service: FirmwareService } } : {}),
        // 4 parsed paths kept, as on Espruino: a full cache of 8 held ≈ 100 XS slots more (a Controller repeats few paths).
        ...CLASS2_PROFILE, parseCacheSize: 4, platform, endpointId: eid, board: description, ...(schema !== undefined ? { schema } : {}), serialNumber: serialOf(board), softwareVersion: SOFTWARE_VERSION,
        host: address, coapPort: port, coapPath: '/usp', controllers, plainCoap: settings.plainCoap, coaps, mqtt, websocket,
        // Callbacks only for the MTPs that run (each closure is ≈ 10 XS slots the agent keeps).
        ...(websocket !== undefined ? {
          onWebSocketListening: (p: number) => platform.log.info(`tinyusp ws listening ws://${address}:${p}/usp endpoint ${eid}`),
          onWebSocketUp: (c: string) => platform.log.info(`tinyusp ws up ${c}`),
        } : {}),
        device: { reboot: () => { if (firmware?.reboot() !== true) restart(); }, factoryReset: restart },
        onError: (m) => platform.log.error(`cannot listen on UDP ${port}${coaps === undefined ? '' : ` / ${coaps.port}`}: ${m}`),
        // ECMA-419 binds inside startHostAgent, so `agent` is set only after it returns.
        onReady: () => platform.setTimer(() => {
          for (const uri of [agent?.uri ?? '', agent?.coapsUri ?? '']) if (uri !== '') platform.log.info(`tinyusp ready ${uri} endpoint ${eid}`);
        }, 0),
        ...(mqtt !== undefined ? { onMqttUp: (topic: string) => platform.log.info(`tinyusp mqtt up ${topic} endpoint ${eid}`) } : {}),
      });
    };
    function restart(): void {
      agent?.close();
      platform.setTimer(start, 100);
    }
    start();
  });
}
