/**
 * Host agent entry point (`npm start`): options, the board description
 * (boards/<name>.json), the Node platform, then startHostAgent. Prints one line on
 * stdout when requests are accepted — `tinyusp ready <coap URI> endpoint <eid>` — and
 * logs go to stderr. SIGINT/SIGTERM close the MTP, write the state and exit 0. A
 * Reboot()/FactoryReset() restarts the agent in-process (the model is already reset).
 *
 * Without --controller the dev controller `self::usp-ctl` (the controller CLI's default
 * Endpoint ID) is provisioned with Full Access, so `npm run ctl -- get Device.` works
 * out of the box; its notifications go to coap://127.0.0.1:5685/usp (`usp-ctl listen`).
 */
import type { BoardDescription } from '../platform/board.ts';
import { createNodePlatform, parseLogLevel } from '../platform/node/index.ts';
import { applySimBoardCommand, createSimBoard } from '../platform/node/sim-board.ts';
import { LogLevel } from '../platform/types.ts';
import { startHostAgent, type HostAgent } from './host-agent.ts';
import { DEV_CONTROLLER, externalAddress, parseHostOptions, readConsoleLines, serialOf, softwareVersion } from './host-setup.ts';
import { USAGE, type AgentOptions } from './options.ts';

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

function run(o: AgentOptions, board: BoardDescription): void {
  // The board's pins are simulated in memory; stdin lines "press Button", "set Temperature 21.5" drive them.
  const sim = createSimBoard(board);
  const platform = createNodePlatform({ stateDir: o.stateDir, logLevel: parseLogLevel(o.logLevel) ?? LogLevel.Info, board: sim });
  const log = platform.log;
  readConsoleLines((line) => {
    const why = applySimBoardCommand(sim, line);
    if (why !== '') log.warn(`sim board: ${why}`);
  });
  const controllers = o.controllers.length > 0 ? o.controllers : [DEV_CONTROLLER];
  if (o.controllers.length === 0) {
    log.warn(`no --controller given: dev controller ${DEV_CONTROLLER.endpointId} (usp-ctl) has Full Access, notifications to ${DEV_CONTROLLER.uri}`);
  }
  log.info(`tinyusp agent ${o.endpointId} (board ${board.name}, state ${o.stateDir})`);
  let host: HostAgent | null = null;
  let announced = false;
  let port = o.coapPort;
  const start = (): void => {
    host = startHostAgent({
      platform, endpointId: o.endpointId, board, serialNumber: serialOf(board), softwareVersion: softwareVersion(),
      host: o.host, coapPort: port, ...(o.host === '0.0.0.0' ? { advertiseHost: externalAddress() ?? '127.0.0.1' } : {}), coapPath: o.coapPath, coapAckTimeoutMs: o.coapAckTimeoutMs, controllers,
      onError(message) {
        console.error(`tinyusp: cannot listen on ${o.host}:${o.coapPort}: ${message}`);
        host?.close();
        process.exit(1);
      },
      device: { reboot: restart('Reboot()'), factoryReset: restart('FactoryReset()') },
      onReady(uri) {
        log.info(`listening on ${uri}; controllers: ${controllers.map((c) => `${c.endpointId}=${c.uri}`).join(', ')}`);
        if (!announced) process.stdout.write(`tinyusp ready ${uri} endpoint ${o.endpointId}\n`);
        announced = true;
      },
    });
  };
  function restart(what: string): () => void {
    return () => {
      log.info(`${what}: restarting the agent`);
      port = host?.port || port; // same port again, also when it was picked with --coap-port 0
      host?.close();
      setTimeout(start, 100); // let the socket close before binding the port again
    };
  }
  const stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    host?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  start();
}

process.exitCode = main(process.argv.slice(2));
