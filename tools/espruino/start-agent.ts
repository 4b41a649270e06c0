/**
 * `npm run start:espruino -- <the options of npm start>`: the agent inside a Linux
 * Espruino named by $ESPRUINO, run from its flash Storage as an ESP32 runs it
 * (docs/espruino.md). Options, board description and serial number are worked out on
 * Node (src/config/host-setup.ts); the bundle (dist/espruino/tinyusp.js, built here)
 * and the options as `tinyusp.json` go into the emulated flash in `<state>/espruino`,
 * which therefore keeps the data model across restarts. $TINYUSP_ESPRUINO_BUNDLE names a
 * prebuilt script to use instead of building one.
 *
 * stdout carries the `tinyusp ready <uri> endpoint <eid>` line printed from Espruino;
 * the agent's log goes to stderr. Lines on stdin drive the sim board inside Espruino
 * (`press Button`, `set Temperature 21.5`). SIGINT/SIGTERM stop the agent (state
 * written) and exit 0. Without $ESPRUINO it prints a `skipped:` line and exits 0.
 *
 * Left to the host: Espruino cannot say which port an ephemeral bind got, so
 * `--coap-port 0` is resolved here to a free port first; Espruino binds every
 * interface, whatever --host says (--host still names the reply-to address).
 */
import { join } from 'node:path';
import { DEV_CONTROLLER, externalAddress, parseHostOptions, readConsoleLines, serialOf, softwareVersion } from '../../src/config/host-setup.ts';
import { USAGE } from '../../src/config/options.ts';
import type { EspruinoAgentConfig } from '../../src/config/espruino-config.ts';
import { parseLogLevel } from '../../src/platform/node/logger.ts';
import { LogLevel } from '../../src/platform/types.ts';
import { ESPRUINO_OUTFILE, writeEspruinoBundle } from '../build/espruino.ts';
import { espruinoBinary, ESPRUINO_SKIPPED } from './binary.ts';
import { EspruinoAgent, freeUdpPort, installAgent } from './process.ts';
import { runEntry } from '../launch/entry.ts';

/** Set once the agent runs; before that a signal just ends the launcher. */
let stop: (signal: string) => void = () => process.exit(0);

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseHostOptions(argv);
  if ('help' in parsed) { console.log(USAGE.replace('npm start', 'npm run start:espruino')); return 0; }
  if ('error' in parsed) { console.error(`tinyusp: ${parsed.error}\n\n${USAGE}`); return 2; }
  const bin = espruinoBinary();
  if (bin === undefined) { console.log(ESPRUINO_SKIPPED); return 0; }
  const { options: o, board } = parsed;
  if (o.mqtt !== undefined || o.coaps !== undefined || !o.plainCoap) {
    console.error('tinyusp: the Espruino agent speaks plain CoAP only (no --mqtt, --psk, --cert, --no-coap: docs/espruino.md)');
    return 2;
  }
  const controllers = o.controllers.length > 0 ? o.controllers : [DEV_CONTROLLER];
  if (o.controllers.length === 0) {
    console.error(`tinyusp: no --controller given: dev controller ${DEV_CONTROLLER.endpointId} (usp-ctl) has Full Access, notifications to ${DEV_CONTROLLER.uri}`);
  }
  const config: EspruinoAgentConfig = {
    endpointId: o.endpointId, board, serialNumber: serialOf(board), softwareVersion: softwareVersion(),
    host: o.host, coapPort: o.coapPort === 0 ? await freeUdpPort() : o.coapPort, coapPath: o.coapPath, controllers,
    coapAckTimeoutMs: o.coapAckTimeoutMs, logLevel: parseLogLevel(o.logLevel) ?? LogLevel.Info, sim: true,
    ...(o.host === '0.0.0.0' ? { advertiseHost: externalAddress() ?? '127.0.0.1' } : {}),
  };
  // A prebuilt script (tests, the bench) may be named; otherwise dist/espruino/tinyusp.js is built now.
  const bundle = process.env.TINYUSP_ESPRUINO_BUNDLE ?? ESPRUINO_OUTFILE;
  if (process.env.TINYUSP_ESPRUINO_BUNDLE === undefined) await writeEspruinoBundle();
  const dir = join(o.stateDir, 'espruino');
  installAgent(bin, dir, bundle, config);
  console.error(`tinyusp: agent ${o.endpointId} in Espruino ${bin} (board ${board.name}, flash ${join(dir, 'espruino.flash')})`);
  const agent = new EspruinoAgent({
    bin, dir,
    onLine(line) {
      if (line.startsWith('tinyusp ready ')) process.stdout.write(line + '\n');
      else if (line.startsWith('tinyusp failed')) { process.stderr.write(line + '\n'); void agent.stop().then(() => process.exit(1)); }
      else if (/OUT OF MEMORY/.test(line)) {
        process.stderr.write(`${line}\ntinyusp failed: out of memory in Espruino's store (docs/espruino.md#memory)\n`);
        agent.child.kill();
      } else process.stderr.write(line + '\n');
    },
    onExit(code) {
      // Espruino 2v29 may crash when its store runs out (a NULL string in jsvAppendStringVar).
      if (code !== 0) console.error(`tinyusp: Espruino exited (${code ?? `signal ${agent.child.signalCode ?? '?'}`})`);
      process.exit(code === 0 ? 0 : 1);
    },
  });
  readConsoleLines((line) => {
    agent.evaluate<string>(`tinyusp.simCommand(${JSON.stringify(line)})`).then(
      (why) => { if (why !== '') console.error(`tinyusp: sim board: ${why}`); },
      (e: unknown) => console.error(`tinyusp: ${String(e)}`),
    );
  });
  stop = (signal: string): void => {
    console.error(`tinyusp: ${signal}: shutting down`);
    void agent.stop().then(() => process.exit(0));
  };
  return 0;
}

runEntry(main, (signal) => stop(signal));
