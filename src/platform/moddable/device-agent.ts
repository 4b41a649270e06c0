/**
 * The device agent every Moddable build runs (src/main/moddable.ts: every MTP;
 * src/main/moddable-coaps.ts: CoAP + DTLS only, the Class 2 flash profile). It picks the
 * board from `mc/config` (`board=` on the mcconfig line), builds the Moddable platform and
 * board I/O, derives and validates the Endpoint ID, waits for the network, then runs the
 * self-test (`selfTest=1`, when the build has it) or the agent: startHostAgent from the
 * preloaded core — the same composition as `npm start` and `npm run start:xs` — with
 * Device.IoTCapability on the board's GPIO/ADC, its state in Preference (NVS).
 *
 * CoAP and coaps are in every build: plain CoAP, coaps (the native-crypt port,
 * platform/moddable/crypto.ts) with `psk=`/`pskFor=` and/or the certificate in the `data`
 * resources usp-agent-cert.pem, usp-agent-key.pem, usp-ca.pem. What else runs comes from
 * `DeviceExtras`, which the entry fills: a build without an MTP carries none of its code
 * (the core it links is tree-shaken to what its entry imports), and a `mc/config` that
 * asks for an MTP the build lacks is refused with a clear error.
 * `controller=<eid>=<uri>[;…]` provisions Controllers (Full Access) at every start;
 * Reboot()/FactoryReset() restart the agent.
 *
 * `tinyusp/device` (manifests/device.json), preloaded so that its functions sit in flash
 * and `main` keeps little more than the wiring. Preload rules
 * (docs/device.md#how-the-app-is-put-together): everything the agent builds (schema,
 * model, sockets) is created here at run time, never at preload; the agent keeps the
 * preloaded board description (read only, in flash: tinyusp/boards); `preference` and
 * the board I/O are not preloaded, so `main` passes them in.
 */
import config from 'mc/config';
import type { BoardIoOptions, HeldInput } from './board-io.ts';
import type { PreferenceLike } from './two-slot-store.ts';
import { findBoard } from 'tinyusp/boards';
import { schemaFor } from 'tinyusp/schemas';
import {
  CLASS2_PROFILE, deviceCoapsConfig, parseDeviceSettings, startHostAgent, validateEndpointId,
  type DevicePems, type DeviceSettings, type HostAgent, type HostAgentConfig, type MqttSettingsParser, type Schema,
} from 'tinyusp/core';
import { createModdablePlatform } from 'tinyusp/platform';
import { stationMac, whenNetworkReady } from './network.ts';
import { readTextResource } from './resources.ts';
import type { BoardDescription } from '../board.ts';
import type { BoardIo, Platform } from '../types.ts';

export const SOFTWARE_VERSION = '0.1.0';

/** Firmware slots for this boot (platform/moddable/firmware-esp32.ts | firmware-sim.ts) with the FirmwareService. */
export type DeviceFirmware = NonNullable<HostAgentConfig['firmware']> & {
  /** A real reboot when another slot must boot (true), else false: the agent restarts in-process. */
  readonly reboot: () => boolean;
};

/** What a build runs besides CoAP and coaps; each one absent leaves its code out of the build. */
export interface DeviceExtras {
  /** The SDK's `preference` module (only `main` imports it: a preloaded importer freezes its cache). */
  readonly preference: PreferenceLike;
  /** `tinyusp/board-io`: ECMA-419 GPIO/ADC on ESP32, the simulated board in the simulator. */
  readonly createBoardIo: (options: BoardIoOptions) => BoardIo;
  /** The build's name in errors ("coaps": CoAP + DTLS only). */
  readonly profile: string;
  /** `selfTest=1`: the platform self-test and the crypto vectors instead of the agent. */
  readonly selfTest?: (platform: Platform, port: number) => void;
  /**
   * `mqtt=mqtt[s]://host:port` (CA in usp-mqtt-ca.pem): `parse` reads the mqtt keys
   * (parseMqttSettings, config/mqtt-settings.ts), `run` gives startHostAgent's `mqtt`.
   */
  readonly mqtt?: {
    readonly parse: MqttSettingsParser;
    readonly run: (platform: Platform, broker: NonNullable<DeviceSettings['mqtt']>) => HostAgentConfig['mqtt'];
  };
  /** startHostAgent's `websocket`: `wsPort=<port>` listens (R-WS.6), a `ws://` Controller is dialled. */
  readonly websocket?: (platform: Platform, listenPort: number) => HostAgentConfig['websocket'];
  /** The A/B firmware slots, opened again at each start (trial, rollback). */
  readonly firmware?: (platform: Platform) => DeviceFirmware | undefined;
}

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

/** The certificate `data` resources, when the app carries all three. */
function agentPems(): DevicePems | undefined {
  const certificate = readTextResource('usp-agent-cert.pem');
  const key = readTextResource('usp-agent-key.pem');
  const ca = readTextResource('usp-ca.pem');
  return certificate !== undefined && key !== undefined && ca !== undefined ? { certificate, key, ca } : undefined;
}

/** What `mc/config` asks for that this build does not carry, or undefined. */
function missingExtra(settings: DeviceSettings, extras: DeviceExtras): string | undefined {
  if (settings.asksMqtt && extras.mqtt === undefined) return 'mqtt=';
  const dialsWs = settings.controllers.some((c) => c.uri.startsWith('ws://'));
  if ((settings.wsPort > 0 || dialsWs) && extras.websocket === undefined) return settings.wsPort > 0 ? 'wsPort=' : 'a ws:// controller=';
  if (config.selfTest && extras.selfTest === undefined) return 'selfTest=1';
  return undefined;
}

export function runDeviceAgent(extras: DeviceExtras): void {
  const boardName = config.board ?? 'sim';
  const board = findBoard(boardName);
  const boardIo = board ? extras.createBoardIo({ description: board, heldInputs: heldM5Buttons(), onProblem: (m) => trace(`tinyusp warn ${m}\n`) }) : undefined;
  const platform = createModdablePlatform(boardIo ? { preference: extras.preference, board: boardIo } : { preference: extras.preference });
  if (!board) { platform.log.error(`unknown board "${boardName}" (see boards/)`); return; }
  // `os::<OUI>-<serial>` (R-ARC.2a "os" authority) unless `endpointId=` overrides it.
  const eid = config.endpointId || `os::${board.identity.manufacturerOUI}-${serialOf(board)}`;
  const eidError = validateEndpointId(eid);
  platform.log.info(`tinyusp on ${board.identity.modelName} (board ${board.name}), endpoint ${eid}${eidError ? ` INVALID (${eidError})` : ''}`);
  const pems = agentPems();
  const settings = parseDeviceSettings(config, eid, pems !== undefined, extras.mqtt?.parse ?? null);
  if (typeof settings === 'string') { platform.log.error(`mc/config: ${settings}`); return; }
  const missing = missingExtra(settings, extras);
  if (missing !== undefined) { platform.log.error(`mc/config: ${missing} needs a build that has it; this is the ${extras.profile} build (docs/device.md#build-profiles)`); return; }
  const coaps = settings.coaps === undefined ? undefined : deviceCoapsConfig(settings.coaps, pems, eid, (m) => platform.log.warn(m));
  if (typeof coaps === 'string') { platform.log.error(coaps); return; }
  whenNetworkReady(platform, (address) => {
    platform.log.info(`network ready: ${address}`);
    if (config.selfTest && extras.selfTest !== undefined) { extras.selfTest(platform, settings.coapPort); return; }
    if (settings.controllers.length === 0) platform.log.warn('no controller=<eid>=<uri>: only Controllers already in the stored state are served');
    // Built at preload with the MTPs of this build (tinyusp/schemas, D14); the agent builds none itself.
    const schema = schemaFor(board.name);
    if (schema === undefined) { platform.log.error(`no preloaded schema for board "${board.name}" (tinyusp/schemas is built for board=${boardName})`); return; }
    new DeviceRun(platform, extras, settings, coaps, board, schema, eid, address).start();
  });
}

/**
 * The running agent's configuration, its device hooks and its callbacks in one object
 * (startHostAgent keeps it as its HostAgentConfig): its methods stay in flash with this
 * preloaded module, where a configuration literal and a closure per callback took about
 * 40 XS slots of RAM (#13 item 3).
 */
class DeviceRun implements HostAgentConfig {
  readonly controllers: DeviceSettings['controllers'];
  readonly coapPort: number;
  readonly plainCoap: boolean;
  readonly serialNumber: string;
  readonly websocket: HostAgentConfig['websocket'];
  readonly mqtt: HostAgentConfig['mqtt'];
  firmware: DeviceFirmware | undefined = undefined;
  private agent: HostAgent | null = null;
  // CLASS2_PROFILE, the version and the path: on the prototype, set at preload (flash; see below the class).
  declare readonly maxRecordBytes: number;
  declare readonly maxPendingRecords: number;
  declare readonly coapTables: HostAgentConfig['coapTables'];
  declare readonly parseCacheSize: number;
  declare readonly softwareVersion: string;
  declare readonly coapPath: string;

  constructor(
    readonly platform: Platform, private readonly extras: DeviceExtras, settings: DeviceSettings, readonly coaps: HostAgentConfig['coaps'],
    readonly board: BoardDescription, readonly schema: Schema, readonly endpointId: string, readonly host: string,
  ) {
    this.controllers = settings.controllers;
    this.coapPort = settings.coapPort;
    this.plainCoap = settings.plainCoap;
    this.serialNumber = serialOf(board);
    const wsPort = settings.wsPort;
    this.websocket = wsPort > 0 || settings.controllers.some((c) => c.uri.startsWith('ws://')) ? extras.websocket?.(platform, wsPort) : undefined;
    this.mqtt = settings.mqtt !== undefined ? extras.mqtt?.run(platform, settings.mqtt) : undefined;
  }

  /** DeviceHooks: Reboot() and FactoryReset() restart the agent (a firmware slot switch reboots for real). */
  get device(): DeviceRun { return this; }

  start(): void {
    // Each start is a boot for the slots (trial, rollback): open them again.
    this.firmware = this.extras.firmware?.(this.platform);
    this.agent = startHostAgent(this);
  }

  reboot(): void {
    if (this.firmware?.reboot() !== true) this.factoryReset();
  }

  factoryReset(): void {
    this.agent?.close();
    this.platform.setTimer(() => this.start(), 100);
  }

  onError(m: string): void {
    this.platform.log.error(`cannot listen on UDP ${this.coapPort}${this.coaps === undefined ? '' : ` / ${this.coaps.port}`}: ${m}`);
  }

  /** ECMA-419 binds inside startHostAgent, so `agent` is set only after it returns. */
  onReady(): void {
    this.platform.setTimer(() => {
      const a = this.agent;
      if (a === null) return;
      if (a.uri !== '') this.platform.log.info(`tinyusp ready ${a.uri} endpoint ${this.endpointId}`);
      if (a.coapsUri !== '') this.platform.log.info(`tinyusp ready ${a.coapsUri} endpoint ${this.endpointId}`);
    }, 0);
  }

  onMqttUp(topic: string): void { this.platform.log.info(`tinyusp mqtt up ${topic} endpoint ${this.endpointId}`); }
  onWebSocketListening(p: number): void { this.platform.log.info(`tinyusp ws listening ws://${this.host}:${p}/usp endpoint ${this.endpointId}`); }
  onWebSocketUp(c: string): void { this.platform.log.info(`tinyusp ws up ${c}`); }
}
// Data properties of the preloaded prototype, read from flash: no getter each (a function
// each in flash) and no field per run (RAM).
Object.assign(DeviceRun.prototype, CLASS2_PROFILE, { softwareVersion: SOFTWARE_VERSION, coapPath: '/usp' });
