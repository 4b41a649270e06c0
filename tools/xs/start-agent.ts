/**
 * `npm run start:xs -- <the options of npm start>`: the agent inside the XS engine on
 * the host. Options, board description and serial number are worked out on Node
 * (src/config/host-setup.ts), the agent bundle (src/main/xs-agent.ts) is built for XS
 * and loaded into xsnap-worker, and the xs-host bridge answers its I/O with the Node
 * platform (real UDP sockets, timers, clocks, random, file storage in --state).
 *
 * stdout carries the `tinyusp ready <uri> endpoint <eid>` line printed from XS; logs go
 * to stderr. Lines on stdin drive the sim board inside XS (`press Button`,
 * `release Button`, `set Temperature 21.5`). SIGINT/SIGTERM stop the agent in XS
 * (state written) and exit 0.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_CONTROLLER, externalAddress, parseHostOptions, readConsoleLines, serialOf, softwareVersion } from '../../src/config/host-setup.ts';
import { USAGE } from '../../src/config/options.ts';
import { readFirmwareFiles } from '../../src/config/firmware.ts';
import { openFileSlots } from '../../src/platform/node/firmware-slots.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import type { XsAgentConfig } from '../../src/main/xs-agent.ts';
import { createNodePlatform, parseLogLevel } from '../../src/platform/node/index.ts';
import { LogLevel } from '../../src/platform/types.ts';
import { createXsHostBridge } from '../../src/platform/xs-host/host.ts';
import { bundleForXs } from './bundle.ts';
import { XsWorker } from './worker.ts';
import { runEntry } from '../launch/entry.ts';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'main', 'xs-agent.ts');

/** Set once the agent runs; before that a signal just ends the launcher. */
let stop: (signal: string) => void = () => process.exit(0);

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseHostOptions(argv);
  if ('help' in parsed) { console.log(USAGE.replace('npm start', 'npm run start:xs')); return 0; }
  if ('error' in parsed) { console.error(`tinyusp: ${parsed.error}\n\n${USAGE}`); return 2; }
  const { options: o, board } = parsed;
  const logLevel = parseLogLevel(o.logLevel) ?? LogLevel.Info;
  const platform = createNodePlatform({ stateDir: o.stateDir, logLevel });
  const log = platform.log;
  const controllers = o.controllers.length > 0 ? o.controllers : [DEV_CONTROLLER];
  if (o.controllers.length === 0) {
    log.warn(`no --controller given: dev controller ${DEV_CONTROLLER.endpointId} (usp-ctl) has Full Access, notifications to ${DEV_CONTROLLER.uri}`);
  }
  log.info(`tinyusp agent ${o.endpointId} in XS (board ${board.name}, state ${o.stateDir})`);
  const fwFiles = readFirmwareFiles(o.firmware);
  if (typeof fwFiles === 'string') { console.error(`tinyusp: ${fwFiles}`); return 2; }
  const bridge = createXsHostBridge({
    platform, onError: (e) => log.error(`XS: ${String(e)}`), tlsCa: fwFiles.ca, verifyP256: createNodeCrypto().ecdsaP256Verify,
    openSlots: (factory) => openFileSlots({ dir: join(o.stateDir, 'firmware'), factory, now: () => new Date().toISOString() }),
  });
  let pending = '';
  const worker = XsWorker.start({
    onCommand: (req) => bridge.handleCommand(req),
    onPrint(text) {
      pending += text;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('tinyusp ready ')) process.stdout.write(line + '\n');
        else if (line === 'tinyusp failed') { bridge.close(); worker.close(); process.exit(1); }
        else process.stderr.write(line + '\n');
      }
    },
  });
  const config: XsAgentConfig = {
    endpointId: o.endpointId, board, serialNumber: serialOf(board), softwareVersion: softwareVersion(),
    host: o.host, coapPort: o.coapPort, coapPath: o.coapPath, controllers, logLevel,
    coapAckTimeoutMs: o.coapAckTimeoutMs,
    firmware: { keyHex: fwFiles.key === null ? '' : Buffer.from(fwFiles.key).toString('hex'), healthTimeoutMs: o.firmware.healthTimeoutS * 1000 },
    ...(o.host === '0.0.0.0' ? { advertiseHost: externalAddress() ?? '127.0.0.1' } : {}),
  };
  await worker.loadBundle(await bundleForXs(ENTRY), 'tinyusp');
  await worker.evaluate(`tinyusp.start(${JSON.stringify(JSON.stringify(config))})`);
  bridge.attach((code) => worker.evaluate(code));

  readConsoleLines((line) => {
    worker.call<string>(`tinyusp.simCommand(${JSON.stringify(line)})`).then(
      ({ value }) => { if (value !== '') log.warn(`sim board: ${value}`); },
      (e: unknown) => log.error(String(e)),
    );
  });
  stop = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    worker.evaluate('tinyusp.stop()').finally(() => { bridge.close(); worker.close(); process.exit(0); });
  };
  return 0;
}

runEntry(main, (signal) => stop(signal));
