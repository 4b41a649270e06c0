/**
 * Espruino entry (`npm run build` → dist/espruino/tinyusp.js, run from flash Storage):
 * the complete agent — data model, agent core, CoAP MTP, IoT capabilities — composed
 * by startHostAgent over the Espruino platform (platform/espruino).
 *
 * The configuration is the JSON file `tinyusp.json` in Storage (config/espruino-config.ts):
 * `npm run start:espruino` writes it from the options of `npm start`; on an ESP32 the
 * user writes it (docs/espruino.md). With `sim: true` (the Linux host build, which has
 * no pins) the board's pins are the in-memory sim board, driven from the console with
 * `tinyusp.simCommand("press Button")`; otherwise GPIO/ADC through board-io.ts.
 *
 * Prints `tinyusp ready <uri> endpoint <eid>` once the CoAP socket is bound, as
 * `npm start` does. The bundle is an IIFE whose exports land in the global `tinyusp`
 * (start, stop, simCommand, memory), which the launcher and the bench call from the
 * Espruino console.
 */
import type { BoardDescription } from '../platform/board.ts';
import { applySimBoardCommand, createSimBoard, type SimBoard } from '../platform/sim-board.ts';
import { LogLevel, type Platform } from '../platform/types.ts';
import { createEspruinoBoardIo, createEspruinoPlatform } from '../platform/espruino/index.ts';
import { CLASS2_PROFILE, startHostAgent, type HostAgent } from '../composition/agent-host.ts';
import { createDeviceSchema, iotCapabilityObjects } from '../dm/index.ts';
import { ESPRUINO_CONFIG_FILE as CONFIG_FILE, type EspruinoAgentConfig } from '../config/espruino-config.ts';

/**
 * The bounds the agent runs with on Espruino: the Class 2 profile, and a small parse
 * cache — each cached path costs ≈ 60 JsVar blocks out of 16 383. It fills as
 * Controllers use new paths, so a cache sized for the host looks like per-request
 * growth here until it is full. (Access views compute a path's bits in place.)
 */
export const ESPRUINO_PROFILE = { ...CLASS2_PROFILE, parseCacheSize: 4 };

let platform: Platform | null = null;
let sim: SimBoard | null = null;
let running: HostAgent | null = null;
let announced = false;

function run(c: EspruinoAgentConfig, p: Platform): void {
  const restart = (what: string) => (): void => {
    p.log.info(what + ': restarting the agent');
    if (running !== null) running.close();
    p.setTimer(() => { run(c, p); }, 100); // the socket closes before the port is bound again
  };
  const limits = c.hostLimits === true ? {} : ESPRUINO_PROFILE;
  running = startHostAgent({
    ...limits,
    platform: p, endpointId: c.endpointId, board: c.board, schema: createDeviceSchema(iotCapabilityObjects(c.board)), serialNumber: c.serialNumber, softwareVersion: c.softwareVersion,
    host: c.host, coapPort: c.coapPort, coapPath: c.coapPath, controllers: c.controllers,
    ...(c.coapAckTimeoutMs !== undefined ? { coapAckTimeoutMs: c.coapAckTimeoutMs } : {}),
    ...(c.advertiseHost !== undefined ? { advertiseHost: c.advertiseHost } : {}),
    device: { reboot: restart('Reboot()'), factoryReset: restart('FactoryReset()') },
    onError(message) {
      p.log.error('cannot listen on ' + c.host + ':' + c.coapPort + ': ' + message);
      console.log('tinyusp failed');
    },
    onReady(uri) {
      p.log.info('listening on ' + uri + ' (inside Espruino)');
      if (!announced) console.log('tinyusp ready ' + uri + ' endpoint ' + c.endpointId);
      announced = true;
    },
  });
}

/** Starts the agent from a configuration, or from `tinyusp.json` in Storage. */
export function start(config?: EspruinoAgentConfig): void {
  const c = config !== undefined ? config : require('Storage').readJSON(CONFIG_FILE, true) as EspruinoAgentConfig | undefined;
  if (c === undefined) {
    console.log('tinyusp failed: no ' + CONFIG_FILE + ' in Storage (docs/espruino.md)');
    return;
  }
  const level = c.logLevel === undefined ? LogLevel.Info : c.logLevel;
  if (c.sim === true) {
    sim = createSimBoard(c.board);
    platform = createEspruinoPlatform({ logLevel: level, board: sim });
  } else {
    const board = createEspruinoBoardIo(c.board as BoardDescription, (m) => { console.log('tinyusp warn ' + m); });
    platform = createEspruinoPlatform({ logLevel: level, board });
  }
  run(c, platform);
}

/** One sim-board console line ("press Button", "set Temperature 21.5"): '' or why not. */
export function simCommand(line: string): string {
  return sim === null ? 'no sim board' : applySimBoardCommand(sim, line);
}

/** Closes the MTP and the timer and writes the state. */
export function stop(): void {
  if (running !== null) running.close();
  running = null;
}

/** JsVar blocks in use (after a garbage collection) and the store's size. */
export function memory(): { usage: number; total: number } {
  const m = process.memory(true);
  return { usage: m.usage, total: m.total };
}
