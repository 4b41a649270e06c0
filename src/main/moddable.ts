/**
 * Entry of the Moddable app with every MTP (`main`, dist/moddable/main.js; manifest.json
 * links it): CoAP and coaps (platform/moddable/device-agent.ts), plus MQTT
 * (`mqtt=mqtt[s]://host:port`, CA in usp-mqtt-ca.pem) over ECMA-419 TCP/TLS
 * (platform/moddable/stream-transport.ts), WebSocket (`wsPort=<port>` listens, R-WS.6; a
 * `ws://` Controller is dialled; ECMA-419 TCP, no TLS yet), the A/B firmware slots and
 * the self-test (`selfTest=1`). The CoAP + DTLS build is src/main/moddable-coaps.ts.
 *
 * Module links (all external here, resolved by the manifest):
 *   tinyusp/device   dist/moddable/device   the device agent both builds run (preloaded)
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
import Preference from 'preference';
import { createBoardIo } from 'tinyusp/board-io';
import { openFirmware } from 'tinyusp/firmware';
import { FirmwareService, MQTT_MTP, parseMqttSettings, WEBSOCKET_MTP, type DeviceSettings, type HostAgentConfig } from 'tinyusp/core';
import { moddableStreamPort } from '../platform/moddable/stream-port.ts';
import { createModdableCrypto } from 'tinyusp/crypto';
import { readTextResource } from '../platform/moddable/resources.ts';
import { MODDABLE_STREAM_IO, tlsOptionsFor } from '../platform/moddable/stream-io.ts';
import { ModdableStreamDriver } from 'tinyusp/stream';
import { runDeviceAgent, SOFTWARE_VERSION } from 'tinyusp/device';
import type { Platform } from '../platform/types.ts';
import { runSelfTest } from 'tinyusp/self-test';

/** startHostAgent's `mqtt`: the MQTT MTP over the ECMA-419 stream driver (TLS trusts usp-mqtt-ca.pem). */
function mqttOf(platform: Platform, broker: NonNullable<DeviceSettings['mqtt']>): HostAgentConfig['mqtt'] {
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
  runDeviceAgent({
    profile: 'full', preference: Preference, createBoardIo,
    selfTest: (platform, port) => runSelfTest(platform, port, () => undefined, createModdableCrypto),
    mqtt: { parse: parseMqttSettings, run: mqttOf },
    // TCP only on Moddable (stream-port.ts).
    websocket: (platform, wsPort) => ({
      mtp: WEBSOCKET_MTP, streams: moddableStreamPort(platform), maxSessions: 2,
      settings: { listen: wsPort > 0 ? { port: wsPort, path: '/usp', tls: false } : undefined },
    }),
    firmware: (platform) => {
      const slots = openFirmware(platform, { name: 'tinyusp', version: SOFTWARE_VERSION });
      return slots === undefined ? undefined : { ...slots, service: FirmwareService };
    },
  });
}
