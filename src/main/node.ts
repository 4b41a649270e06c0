/**
 * Host agent entry point (`npm start`). Builds the Node platform and the
 * configuration, then runs the agent.
 *
 * Until the CoAP MTP lands, the agent starts, validates and logs its configuration
 * and exits cleanly (foundation placeholder, see the README).
 */
import { createNodePlatform, parseLogLevel } from '../platform/node/index.ts';
import { LogLevel } from '../platform/types.ts';
import { parseAgentOptions, USAGE } from './options.ts';

const DEFAULT_ENDPOINT_ID = 'os::000000-tinyusp-sim';

function main(argv: readonly string[]): number {
  const parsed = parseAgentOptions(argv, DEFAULT_ENDPOINT_ID);
  if ('help' in parsed) {
    console.log(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    console.error(`tinyusp: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed.options;
  const platform = createNodePlatform({ stateDir: o.stateDir, logLevel: parseLogLevel(o.logLevel) ?? LogLevel.Info });
  platform.log.info(`tinyusp agent ${o.endpointId} (board ${o.board}, state ${o.stateDir})`);
  platform.log.info(`CoAP coap://${o.host}:${o.coapPort}${o.coapPath}; controllers: ${o.controllers.map((c) => `${c.endpointId}=${c.uri}`).join(', ') || 'none'}`);
  platform.log.warn('no MTP is built yet: the agent exits (foundation placeholder)');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
