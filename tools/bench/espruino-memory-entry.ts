/**
 * Espruino entry of the `espruino` bench suite (tools/bench/suites/espruino.ts): the
 * agent of src/main/espruino.ts, plus `phases()`, which builds the agent's parts one
 * at a time and reports the JsVar blocks each costs (process.memory() after a garbage
 * collection) and how long it took — the breakdown of where Espruino's 16 383 blocks go.
 *
 *   schema       createDeviceSchema(board)             the supported data model
 *   data model   createDataModel (instances, values)   a model over that schema
 *   agent + MTP  startHostAgent(schema)                the rest: agent, CoAP, provisioning
 *
 * (startHostAgent makes its own model; the first one is dropped before it runs, so
 * "agent + MTP" includes a second model and "data model" says how much of it that is.)
 */
import { createDataModel, createDeviceContext, createDeviceSchema, createFactoryDefault, iotCapabilityDefaults, iotCapabilityObjects } from '../../src/dm/index.ts';
import { createIoTDeviceContext } from '../../src/dm/objects/iot-capability.ts';
import { ESPRUINO_CONFIG_FILE, type EspruinoAgentConfig } from '../../src/config/espruino-config.ts';
import { start as startAgent } from '../../src/main/espruino.ts';
import { createEspruinoPlatform } from '../../src/platform/espruino/index.ts';
import { createSimBoard } from '../../src/platform/sim-board.ts';

export { start, simCommand, stop, memory } from '../../src/main/espruino.ts';

export interface Phase { readonly name: string; readonly blocks: number; readonly ms: number }

const used = (): number => process.memory(true).usage;

/** Espruino's serial device for stdin/stdout on Linux: written at once, even if the next step crashes. */
declare const USB: { write(text: string): void };

/** Espruino 2v29 crashes when the store runs out inside some allocations: each phase is printed as it ends. */
function report(p: Phase): void {
  log.push(p);
  USB.write('tinyusp phase ' + p.blocks + ' ' + p.ms + ' ' + p.name + '\n');
}

/** The phases measured so far: the bench reads it back after an out-of-memory error. */
export const log: Phase[] = [];

/** Blocks and ms of each part (see the module comment); then the agent runs. */
export function phases(): Phase[] {
  let t = getTime();
  let before = used();
  const mark = (name: string): void => {
    const now = used();
    report({ name, blocks: now - before, ms: Math.round((getTime() - t) * 1000) });
    before = now;
    t = getTime();
  };
  report({ name: 'after load', blocks: before, ms: 0 });
  const c = require('Storage').readJSON(ESPRUINO_CONFIG_FILE, true) as EspruinoAgentConfig;
  /** What a phase built, held until the drop phase (nothing else may refer to it). */
  const held: unknown[] = [createDeviceSchema(iotCapabilityObjects(c.board))];
  mark('schema');
  const platform = createEspruinoPlatform({ board: createSimBoard(c.board) });
  const iot = iotCapabilityDefaults(c.board);
  held.push(createDataModel({
    schema: held[0] as ReturnType<typeof createDeviceSchema>, store: platform.storage,
    context: createIoTDeviceContext(createDeviceContext(c.board, c.serialNumber, c.softwareVersion, c.endpointId, platform.now()), platform.board ?? null),
    factoryDefault: createFactoryDefault(c.board, { coapPort: c.coapPort, coapPath: c.coapPath.slice(1), rows: iot.rows, params: iot.params }),
  }));
  mark('data model');
  held.splice(0);
  mark('model and schema dropped');
  startAgent(c);
  mark('agent + MTP (startHostAgent)');
  report({ name: 'after boot', blocks: used(), ms: 0 });
  return log;
}
