/**
 * The configuration of the Espruino agent (src/main/espruino.ts): the JSON file
 * `tinyusp.json` in the device's Storage. `npm run start:espruino` writes it from the
 * options of `npm start` (tools/espruino/start-agent.ts); on an ESP32 the user writes
 * it (docs/espruino.md). Types only: the entry reads it inside Espruino.
 */
import type { HostAgentConfig } from '../composition/agent-host.ts';
import type { LogLevel } from '../platform/types.ts';

/** The Storage file holding the configuration. */
export const ESPRUINO_CONFIG_FILE = 'tinyusp.json';

export type EspruinoAgentConfig = Pick<HostAgentConfig,
  'endpointId' | 'board' | 'serialNumber' | 'softwareVersion' | 'host' | 'advertiseHost' |
  'coapPort' | 'coapPath' | 'coapAckTimeoutMs' | 'controllers'> & {
  readonly logLevel: LogLevel;
  /** The in-memory sim board instead of the pins (the Linux build has none). */
  readonly sim?: boolean;
  /** Run with the host's table sizes instead of CLASS2_PROFILE (the default on Espruino). */
  readonly hostLimits?: boolean;
};
