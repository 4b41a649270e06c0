/**
 * Host agent entry point (`npm start`): options, the board description
 * (boards/<name>.json), the Node platform, then startHostAgent. Prints one line on
 * stdout when requests are accepted — `tinyusp ready <coap URI> endpoint <eid>` — and,
 * with --mqtt, one when the MQTT MTP is first up — `tinyusp mqtt up <reply topic>
 * endpoint <eid>`; with --ws-port one when the WebSocket listener is bound —
 * `tinyusp ws listening <ws URI> endpoint <eid>` — and one each time a WebSocket session
 * with a Controller comes up — `tinyusp ws up <controller eid>`; logs go to stderr. SIGINT/SIGTERM close the MTP, write the state and exit 0. A
 * Reboot()/FactoryReset() restarts the agent in-process (the model is already reset).
 *
 * Without --controller the dev controller `self::usp-ctl` (the controller CLI's default
 * Endpoint ID) is provisioned with Full Access, so `npm run ctl -- get Device.` works
 * out of the box; its notifications go to coap://127.0.0.1:5685/usp (`usp-ctl listen`).
 */
import { readFileSync } from 'node:fs';
import type { BoardDescription } from '../platform/board.ts';
import { createNodePlatform, parseLogLevel } from '../platform/node/index.ts';
import { MqttStreamDriver } from '../platform/node/stream-transport.ts';
import { applySimBoardCommand, createSimBoard } from '../platform/sim-board.ts';
import { LogLevel } from '../platform/types.ts';
import { MqttVersion } from '../mqtt/index.ts';
import { startHostAgent, type HostAgent } from '../composition/agent-host.ts';
import { createDeviceSchema, iotCapabilityObjects } from '../dm/index.ts';
import { DEV_CONTROLLER, externalAddress, parseHostOptions, readConsoleLines, serialOf, softwareVersion } from '../config/host-setup.ts';
import type { MqttBrokerSettings } from '../mtp/mqtt/provision.ts';
import { MQTT_MTP } from '../mtp/mqtt/mtp.ts';
import { WEBSOCKET_MTP } from '../mtp/websocket/index.ts';
import { nodeStreamPort } from '../platform/node/stream-port.ts';
import type { StreamTlsOptions } from '../platform/stream.ts';
import { USAGE, type AgentOptions } from '../config/options.ts';
import { coapsSettings } from '../config/coaps-credentials.ts';
import { readFirmwareFiles } from '../config/firmware.ts';
import { join } from 'node:path';
import { FirmwareService, PORTABLE_HASHES, signatureCheck } from '../firmware/index.ts';
import { createNodeCrypto } from '../platform/node/crypto.ts';
import { nodeDownloadStreams } from '../platform/node/download-stream.ts';
import { openFileSlots } from '../platform/node/firmware-slots.ts';

export { DEV_CONTROLLER };

function main(argv: readonly string[]): number {
  const parsed = parseHostOptions(argv);
  if ('help' in parsed) {
    console.log(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    console.error(`tinyusp: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  run(parsed.options, parsed.board);
  return 0;
}

/** --mqtt options as the host agent wants them (reads the CA file); an error message on failure. */
function mqttSettings(o: AgentOptions): { broker: MqttBrokerSettings; caPem: string | undefined } | undefined | string {
  const m = o.mqtt;
  if (m === undefined) return undefined;
  let caPem: string | undefined;
  if (m.caFile !== '') {
    try {
      caPem = readFileSync(m.caFile, 'utf8');
    } catch (e) {
      return `--mqtt-ca ${m.caFile}: ${(e as Error).message}`;
    }
  }
  return {
    broker: {
      host: m.host, port: m.port, tls: m.tls, username: m.username, password: m.password, topic: m.topic,
      version: m.version === '5.0' ? MqttVersion.V5 : MqttVersion.V3_1_1,
    },
    caPem,
  };
}

/** The wss PEM files (--ws-cert/--ws-key/--ws-ca) as the stream port wants them; an error message on failure. */
function wsTls(o: AgentOptions): StreamTlsOptions | undefined | string {
  const w = o.websocket;
  if (w === undefined || w.caFile === '') return undefined;
  try {
    const ca = readFileSync(w.caFile, 'utf8');
    return w.certFile === '' ? { ca } : { ca, cert: readFileSync(w.certFile, 'utf8'), key: readFileSync(w.keyFile, 'utf8') };
  } catch (e) {
    return `--ws-cert/--ws-key/--ws-ca: ${(e as Error).message}`;
  }
}

function run(o: AgentOptions, board: BoardDescription): void {
  // The board's pins are simulated in memory; stdin lines "press Button", "set Temperature 21.5" drive them.
  const sim = createSimBoard(board);
  const platform = createNodePlatform({ stateDir: o.stateDir, logLevel: parseLogLevel(o.logLevel) ?? LogLevel.Info, board: sim });
  const log = platform.log;
  readConsoleLines((line) => {
    const why = applySimBoardCommand(sim, line);
    if (why !== '') log.warn(`sim board: ${why}`);
  });
  // With --mqtt the dev controller is reached through the broker on usp/controller/self::usp-ctl.
  // Without plain CoAP (--no-coap) usp-ctl listens over coaps on the same port.
  const dev = o.mqtt === undefined
    ? (o.plainCoap ? DEV_CONTROLLER : { endpointId: DEV_CONTROLLER.endpointId, uri: DEV_CONTROLLER.uri.replace('coap:', 'coaps:') })
    : { endpointId: DEV_CONTROLLER.endpointId, uri: `mqtt:usp/controller/${DEV_CONTROLLER.endpointId}` };
  const controllers = o.controllers.length > 0 ? o.controllers : [dev];
  if (o.controllers.length === 0) {
    log.warn(`no --controller given: dev controller ${dev.endpointId} (usp-ctl) has Full Access, notifications to ${dev.uri}`);
  }
  log.info(`tinyusp agent ${o.endpointId} (board ${board.name}, state ${o.stateDir})`);
  let host: HostAgent | null = null;
  let announced = false;
  let mqttAnnounced = false;
  const mqtt = mqttSettings(o);
  if (typeof mqtt === 'string') { console.error(`tinyusp: ${mqtt}`); process.exit(2); }
  const coaps = o.coaps === undefined ? undefined : coapsSettings(o.coaps, o.endpointId, (m) => log.warn(m));
  if (typeof coaps === 'string') { console.error(`tinyusp: ${coaps}`); process.exit(2); }
  const fwFiles = readFirmwareFiles(o.firmware);
  if (typeof fwFiles === 'string') { console.error(`tinyusp: ${fwFiles}`); process.exit(2); }
  const nodeCrypto = createNodeCrypto();
  const tls = wsTls(o);
  if (typeof tls === 'string') { console.error(`tinyusp: ${tls}`); process.exit(2); }
  const w = o.websocket;
  if (w?.port !== undefined && tls?.cert === undefined) log.warn('WebSocket listener without TLS (ws://): for development and trusted LANs only (R-MTP.0)');
  let port = o.coapPort;
  let coapsPort = o.coaps?.port ?? 0;
  let wsPort = w?.port;
  const start = (): void => {
    // Each (re)start is a boot: the slots decide which image runs (trial, rollback).
    const slots = openFileSlots({ dir: join(o.stateDir, 'firmware'), factory: { name: 'tinyusp', version: softwareVersion() }, now: () => new Date().toISOString() });
    const firmware = {
      slots, openStream: nodeDownloadStreams(fwFiles.ca), verifySignature: signatureCheck(nodeCrypto.ecdsaP256Verify, fwFiles.key),
      healthTimeoutMs: o.firmware.healthTimeoutS * 1000, hashes: PORTABLE_HASHES, service: FirmwareService,
    };
    host = startHostAgent({
      firmware,
      platform, endpointId: o.endpointId, board, schema: createDeviceSchema(iotCapabilityObjects(board)), serialNumber: serialOf(board), softwareVersion: softwareVersion(),
      plainCoap: o.plainCoap, coaps: coaps === undefined ? undefined : { ...coaps, port: coapsPort },
      host: o.host, coapPort: port, ...(o.host === '0.0.0.0' ? { advertiseHost: externalAddress() ?? '127.0.0.1' } : {}), coapPath: o.coapPath, coapAckTimeoutMs: o.coapAckTimeoutMs, controllers,
      onError(message) {
        console.error(`tinyusp: cannot listen on ${o.host}:${[o.plainCoap ? o.coapPort : -1, o.coaps?.port ?? -1].filter((p) => p >= 0).join(' / ')}: ${message}`);
        host?.close();
        process.exit(1);
      },
      device: { reboot: restart('Reboot()'), factoryReset: restart('FactoryReset()') },
      mqtt: mqtt === undefined ? undefined : { broker: mqtt.broker, caPem: mqtt.caPem, openTransport: (machine, opts) => new MqttStreamDriver(machine, opts), mtp: MQTT_MTP },
      websocket: w === undefined ? undefined : {
        mtp: WEBSOCKET_MTP, streams: nodeStreamPort(), tls,
        settings: { listen: wsPort === undefined ? undefined : { port: wsPort, path: w.path, tls: tls?.cert !== undefined }, keepAliveS: w.keepAliveS },
      },
      onWebSocketListening(p) {
        const scheme = tls?.cert !== undefined ? 'wss' : 'ws';
        const h = o.host === '0.0.0.0' ? externalAddress() ?? '127.0.0.1' : o.host;
        process.stdout.write(`tinyusp ws listening ${scheme}://${h.includes(':') ? `[${h}]` : h}:${p}${w!.path} endpoint ${o.endpointId}\n`);
      },
      onWebSocketUp(eid) { process.stdout.write(`tinyusp ws up ${eid}\n`); },
      onMqttUp(topic) {
        if (!mqttAnnounced) process.stdout.write(`tinyusp mqtt up ${topic} endpoint ${o.endpointId}\n`);
        mqttAnnounced = true;
      },
      onReady() {
        // One ready line per listener (coap://, then coaps://), written at once.
        const uris = [host?.uri ?? '', host?.coapsUri ?? ''].filter((u) => u !== '');
        log.info(`listening on ${uris.join(' and ')}; controllers: ${controllers.map((c) => `${c.endpointId}=${c.uri}`).join(', ')}`);
        if (!announced) process.stdout.write(uris.map((u) => `tinyusp ready ${u} endpoint ${o.endpointId}\n`).join(''));
        announced = true;
      },
    });
  };
  function restart(what: string): () => void {
    return () => {
      log.info(`${what}: restarting the agent`);
      port = host?.port || port; // same port again, also when it was picked with --coap-port 0
      coapsPort = host?.coapsPort || coapsPort;
      if (wsPort !== undefined) wsPort = host?.wsPort || wsPort;
      host?.close();
      setTimeout(start, 100); // let the socket close before binding the port again
    };
  }
  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    host?.close();
    // Let the MQTT DisconnectRecord and DISCONNECT leave the socket (R-MTP.7).
    if (mqtt === undefined && w === undefined) process.exit(0);
    else setTimeout(() => process.exit(0), 100);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  start();
}

process.exitCode = main(process.argv.slice(2));
