/**
 * XS entry of `npm run start:xs` (tools/xs/start-agent.ts bundles it for XS and loads it
 * into xsnap-worker): the complete agent — data model, agent core, CoAP MTP, IoT
 * capabilities on an in-memory sim board — composed by startHostAgent over the xs-host
 * Platform, whose UDP, timers, clocks, random and storage are the Node host's, reached
 * through the bridge (platform/xs-host). The launcher parses the options on Node and
 * passes them in as JSON.
 *
 * The `tinyusp ready <uri> endpoint <eid>` line is printed from XS (`print`), so it
 * appears only once the agent inside XS has bound its socket.
 */
import { createDeviceSchema, iotCapabilityObjects, type Schema } from '../dm/index.ts';
import type { BoardDescription } from '../platform/board.ts';
import { applySimBoardCommand, createSimBoard, type SimBoard } from '../platform/sim-board.ts';
import type { LogLevel, Platform } from '../platform/types.ts';
import { createXsHostPlatform, type XsHostFirmware } from '../platform/xs-host/index.ts';
import { FirmwareService, PORTABLE_HASHES, signatureCheck } from '../firmware/index.ts';
import { CLASS2_PROFILE, startHostAgent, type HostAgent, type HostAgentConfig } from '../composition/agent-host.ts';

/** xsnap's console output (the launcher reads it line by line). */
declare function print(...text: unknown[]): void;

/** The launcher's options, as JSON: the host agent's own settings plus the XS-side ones. */
export type XsAgentConfig = Pick<HostAgentConfig,
  'endpointId' | 'board' | 'serialNumber' | 'softwareVersion' | 'host' | 'advertiseHost' |
  'coapPort' | 'coapPath' | 'coapAckTimeoutMs' | 'controllers'> & {
  readonly logLevel: LogLevel;
  /** Run with the Moddable limits (CLASS2_PROFILE) instead of the host's: the xs-budget bench. */
  readonly class2?: boolean;
  /** Firmware lifecycle (docs/firmware.md): the signer's raw P-256 key in hex ('' = unsigned ok), the trial's health timeout. */
  readonly firmware?: { readonly keyHex: string; readonly healthTimeoutMs: number };
};

let platform: Platform | null = null;
let firmwareBridge: XsHostFirmware | null = null;
let sim: SimBoard | null = null;
let running: HostAgent | null = null;
let announced = false;
let preloaded: Schema | undefined;

/**
 * Builds the board's schema ahead of start(), as the Moddable build does when it
 * preloads tinyusp/schemas into flash (the xs-budget bench counts it apart from RAM).
 */
export function preloadSchema(boardJson: string): void {
  preloaded = createDeviceSchema(iotCapabilityObjects(JSON.parse(boardJson) as BoardDescription));
}

function run(c: XsAgentConfig, p: Platform): void {
  const restart = (what: string) => (): void => {
    p.log.info(`${what}: restarting the agent`);
    const port = running?.port || c.coapPort; // same port again, also when it was picked with --coap-port 0
    running?.close();
    p.setTimer(() => run({ ...c, coapPort: port }, p), 100); // the socket closes before the port is bound again
  };
  // Each (re)start is a boot for the slots on the host (trial, rollback).
  const fw = c.firmware;
  const slots = fw === undefined || firmwareBridge === null ? undefined : firmwareBridge.openSlots({ name: 'tinyusp', version: c.softwareVersion });
  const key = fw === undefined || fw.keyHex === '' ? null : new Uint8Array(fw.keyHex.length / 2).map((_v, i) => parseInt(fw.keyHex.substr(i * 2, 2), 16));
  running = startHostAgent({
    ...(c.class2 === true ? CLASS2_PROFILE : {}),
    ...(slots !== undefined && firmwareBridge !== null ? {
      firmware: {
        slots, openStream: firmwareBridge.openStream, healthTimeoutMs: fw!.healthTimeoutMs, hashes: PORTABLE_HASHES, service: FirmwareService,
        verifySignature: signatureCheck(firmwareBridge.verifyP256, key),
      },
    } : {}),
    platform: p, endpointId: c.endpointId, board: c.board, schema: preloaded ?? createDeviceSchema(iotCapabilityObjects(c.board)), serialNumber: c.serialNumber, softwareVersion: c.softwareVersion,
    host: c.host, coapPort: c.coapPort, coapPath: c.coapPath, controllers: c.controllers,
    ...(c.coapAckTimeoutMs !== undefined ? { coapAckTimeoutMs: c.coapAckTimeoutMs } : {}),
    ...(c.advertiseHost !== undefined ? { advertiseHost: c.advertiseHost } : {}),
    device: { reboot: restart('Reboot()'), factoryReset: restart('FactoryReset()') },
    onError(message) { p.log.error(`cannot listen on ${c.host}:${c.coapPort}: ${message}`); print('tinyusp failed'); },
    onReady(uri) {
      p.log.info(`listening on ${uri} (inside XS)`);
      if (!announced) print(`tinyusp ready ${uri} endpoint ${c.endpointId}`);
      announced = true;
    },
  });
}

/** Starts the agent from the launcher's JSON configuration (XsAgentConfig). */
export function start(json: string): void {
  const c = JSON.parse(json) as XsAgentConfig;
  sim = createSimBoard(c.board);
  const host = createXsHostPlatform({ logLevel: c.logLevel });
  firmwareBridge = host.firmware;
  platform = { ...host, board: sim };
  run(c, platform);
}

/** One sim-board console line ("press Button", "set Temperature 21.5"): '' or why not. */
export function simCommand(line: string): string {
  return sim === null ? 'not started' : applySimBoardCommand(sim, line);
}

/** Closes the MTP and timer and writes the state. */
export function stop(): void {
  running?.close();
  running = null;
}
