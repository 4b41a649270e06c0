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
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardDescription } from '../platform/board.ts';
import { createNodePlatform, parseLogLevel } from '../platform/node/index.ts';
import { LogLevel } from '../platform/types.ts';
import { startHostAgent, type HostAgent } from './host-agent.ts';
import { parseAgentOptions, USAGE, type AgentOptions } from './options.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The controller CLI's defaults (tools/usp-ctl): Endpoint ID and `listen` port. */
export const DEV_CONTROLLER = { endpointId: 'self::usp-ctl', uri: 'coap://127.0.0.1:5685/usp' } as const;

function loadBoard(name: string): BoardDescription | string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'boards', `${name}.json`), 'utf8')) as BoardDescription;
  } catch (e) {
    return `--board ${name}: ${(e as Error).message}`;
  }
}

/** Fixed serial, or the first non-internal MAC address (hex, no separators). */
function serialOf(board: BoardDescription): string {
  const s = board.identity.serialNumber;
  if (s.source === 'fixed') return s.value;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal && i.mac !== '00:00:00:00:00:00') return i.mac.replaceAll(':', '').toUpperCase();
  }
  return '000000000000';
}

function softwareVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

function main(argv: readonly string[]): number {
  let board: BoardDescription | undefined;
  const parsed = parseAgentOptions(argv, (name) => {
    const b = loadBoard(name);
    if (typeof b === 'string') return { error: b };
    board = b;
    return { endpointId: `os::${b.identity.manufacturerOUI}-${serialOf(b)}` };
  });
  if ('help' in parsed) {
    console.log(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    console.error(`tinyusp: ${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed.options;
  if (board === undefined) {
    const b = loadBoard(o.board);
    if (typeof b === 'string') { console.error(`tinyusp: ${b}`); return 2; }
    board = b;
  }
  run(o, board);
  return 0;
}

function run(o: AgentOptions, board: BoardDescription): void {
  const platform = createNodePlatform({ stateDir: o.stateDir, logLevel: parseLogLevel(o.logLevel) ?? LogLevel.Info });
  const log = platform.log;
  const controllers = o.controllers.length > 0 ? o.controllers : [DEV_CONTROLLER];
  if (o.controllers.length === 0) {
    log.warn(`no --controller given: dev controller ${DEV_CONTROLLER.endpointId} (usp-ctl) has Full Access, notifications to ${DEV_CONTROLLER.uri}`);
  }
  log.info(`tinyusp agent ${o.endpointId} (board ${board.name}, state ${o.stateDir})`);
  let host: HostAgent | null = null;
  let announced = false;
  const start = (): void => {
    host = startHostAgent({
      platform, endpointId: o.endpointId, board, serialNumber: serialOf(board), softwareVersion: softwareVersion(),
      host: o.host, coapPort: o.coapPort, coapPath: o.coapPath, controllers,
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
