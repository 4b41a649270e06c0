/**
 * `npm run test:moddable`: the whole agent in the Moddable simulator within the fixed
 * XS heap of an ESP32 board (issue #13; docs/device.md#the-simulator-check).
 *
 * Builds the unmodified app (manifest.json) through a wrapper manifest (wrapper.ts) with
 * fixed creation values (creation.ts) and Instrumentation, starts mcsim under our own
 * Xvfb (simulator.ts), drives the agent over real UDP with the project's Controller
 * (session.ts), restarts the simulator on the same stored state, prints the XS figures
 * (sim-log.ts, check-report.ts) and ends with one verdict line.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { ROOT } from '../build/targets.ts';
import { UspController, type NotifyEvent } from '../usp-ctl/controller.ts';
import { buildManifest } from './builds.ts';
import { CHECK_USAGE, parseCheckArgs, type CheckOptions } from './check-options.ts';
import { search, type SearchedResource } from './check-search.ts';
import { figureLines, verdictLine, type CheckOutcome, type CheckPoint } from './check-report.ts';
import { chooseCreation, describeCreation, type CreationChoice } from './creation.ts';
import { buildPaths, esp32BoardManifests, mcBuild, type Sdk } from './sdk.ts';
import { afterRestart, bootNotify, firstRun, type SessionIo } from './session.ts';
import { SimLog, type HeapSample, type SimFailure } from './sim-log.ts';
import { Simulator, VirtualDisplay } from './simulator.ts';
import { projectEsp32Creation, SDK_LIN_PREFERENCE, wrapperDir, wrapperManifest, writeManifest } from './wrapper.ts';

const CONTROLLER_ID = 'self::sim-check';
const BOOT_MS = 60_000;
const SAMPLE_MS = 5_000;
/** The SDK module the ESP32-like Preference replaces (its lin JSON-file Preference). */

/** A free UDP port on loopback. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** The agent's Endpoint ID in the simulator: os::<OUI>-<serial> of boards/sim.json (src/main/moddable.ts). */
function simEndpointId(): string {
  const b = JSON.parse(readFileSync(join(ROOT, 'boards', 'sim.json'), 'utf8')) as { identity: { manufacturerOUI: string; serialNumber: { value: string } } };
  return `os::${b.identity.manufacturerOUI}-${b.identity.serialNumber.value}`;
}

/** Thrown when the simulator reports an XS failure or exits while a step waits. */
class SimulatorDied extends Error {
  constructor(readonly failure: SimFailure | null, message: string) { super(message); }
}

/** One simulator process and what it printed. */
interface Run {
  readonly log: SimLog;
  readonly sim: Simulator;
  /** Rejects (SimulatorDied) once the simulator aborts or exits. */
  readonly died: Promise<never>;
}

async function startRun(o: { sdk: Sdk; app: string; display: string; verbose: boolean; echo: (line: string) => void }): Promise<Run> {
  const log = new SimLog();
  let kill: (e: SimulatorDied) => void = () => undefined;
  const died = new Promise<never>((_, reject) => { kill = reject; });
  died.catch(() => undefined);
  const sim = await Simulator.start({
    mcsim: join(o.sdk.bin, 'mcsim'), app: o.app, display: o.display,
    onLine: (line) => {
      log.feed(line);
      if (o.verbose || !(line.startsWith('instruments') || line.includes('tinyusp-check heap '))) o.echo(line);
      if (log.failure !== null) kill(new SimulatorDied(log.failure, log.failure.evidence));
    },
  });
  void sim.exited.then((code) => kill(new SimulatorDied(log.failure, `the simulator exited (${code})`)));
  return { log, sim, died };
}

async function until<T>(run: Run, probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  const poll = (async (): Promise<T> => {
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`${what}: nothing within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return Promise.race([poll, run.died]);
}

/** Waits until `probe` holds or `ms` pass (never fails). */
async function settle(probe: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!probe() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

/** The next heap sample after now (each follows a full GC). */
function nextSample(run: Run, what: string): Promise<HeapSample> {
  const seq = run.log.lastSeq;
  return until(run, () => run.log.sampleAfter(seq), SAMPLE_MS, `heap sample ${what}`);
}

/** Boots one run and checks the ready line came once, with one NoSec warning. */
async function boot(run: Run): Promise<void> {
  await until(run, () => run.log.readyUris[0], BOOT_MS, 'the ready line');
  await new Promise((r) => setTimeout(r, 300));
  if (run.log.readyUris.length !== 1 || run.log.noSecWarnings !== 1) {
    throw new Error(`the ready line came ${run.log.readyUris.length} times and the NoSec warning ${run.log.noSecWarnings} times (once each expected)`);
  }
}

function buildApp(sdk: Sdk, o: CheckOptions, choice: CreationChoice, coapPort: number, controllerPort: number): string | null {
  mkdirSync(o.out, { recursive: true });
  const projectManifest = buildManifest(o.build);
  const manifest = writeManifest(o.out, wrapperDir(o.preference), wrapperManifest({
    projectManifest, checkMain: join(ROOT, 'tools', 'moddable', 'check', 'main'), creation: choice.creation,
    projectEsp32Creation: projectEsp32Creation(projectManifest),
    config: { file: { root: o.state }, coapPort, controller: `${CONTROLLER_ID}=coap://127.0.0.1:${controllerPort}/usp` },
    preference: o.preference === 'nvs' ? { module: join(ROOT, 'tools', 'moddable', 'nvs-sim', 'preference'), replaces: SDK_LIN_PREFERENCE } : undefined,
  }));
  if (mcBuild(sdk, { manifest, platform: 'lin', out: o.out, debug: true, quiet: true, recompile: ['preference'] }) !== 0) return null;
  const app = join(buildPaths(o.out, 'lin', join(o.out, wrapperDir(o.preference)), true).bin, 'mc.so');
  return existsSync(app) ? app : null;
}

/** Files and bytes under the Preference root: what the agent stored. */
function storedState(root: string): { entries: number; bytes: number } {
  let entries = 0;
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else { entries++; bytes += statSync(join(dir, e.name)).size; }
    }
  };
  if (existsSync(root)) walk(root);
  return { entries, bytes };
}

/**
 * The whole check: build, fresh boot, session, restart. Resolves with what happened
 * (a failure included), or with a message when it cannot run at all (bad options, no Xvfb).
 */
export async function check(sdk: Sdk, o: CheckOptions, say: (line: string) => void = (l) => console.log(l)): Promise<CheckOutcome | string> {
  if (!VirtualDisplay.available()) return 'test:moddable needs Xvfb and stdbuf: apt-get install xvfb coreutils';
  const choice = chooseCreation({ board: o.board, creation: o.creation, manifests: esp32BoardManifests(sdk) });
  if (typeof choice === 'string') return `${choice}\n${CHECK_USAGE}`;
  say(`test:moddable: fixed creation ${describeCreation(choice.creation)} (${choice.source}); Preference: ${o.preference === 'nvs' ? 'outside the XS heap, as ESP32 NVS (tools/moddable/nvs-sim)' : "the SDK's simulator JSON file"}`);
  await buildAll();
  const coapPort = o.coapPort ?? await freeUdpPort();
  const controllerPort = o.controllerPort ?? await freeUdpPort();
  const app = buildApp(sdk, o, choice, coapPort, controllerPort);
  const points: CheckPoint[] = [];
  const samples: HeapSample[] = [];
  let phase = 'build';
  let stackPeakBytes = 0;
  let failure: CheckOutcome['failure'] = null;
  let stored: CheckOutcome['stored'] = null;
  const io: SessionIo = {
    ctl: undefined as unknown as UspController, notifies: [] as NotifyEvent[], requests: 0,
    phase(name) {
      phase = name;
      if (!name.startsWith('mixed session, request') || name.includes('request 1 ')) say(`check: ${name}`);
    },
  };
  let display: VirtualDisplay | null = null;
  let run: Run | null = null;
  const echo = (line: string): void => say(`sim| ${line}`);
  const point = async (label: string): Promise<void> => { points.push({ label, sample: await nextSample(run!, label) }); };
  try {
    if (app === null) throw new Error('the simulator app did not build (mcconfig/make output above)');
    phase = 'setup (Xvfb, the Controller)';
    rmSync(o.state, { recursive: true, force: true });
    mkdirSync(o.state, { recursive: true });
    display = await VirtualDisplay.start(o.display);
    (io as { ctl: UspController }).ctl = await UspController.open({
      agentUri: `coap://127.0.0.1:${coapPort}/usp`, agentId: simEndpointId(), endpointId: CONTROLLER_ID, port: controllerPort, timeoutMs: 10_000,
    });
    io.ctl.onNotify = (n) => io.notifies.push(n);
    io.phase('fresh boot');
    run = await startRun({ sdk, app, display: display.name, verbose: o.verbose, echo });
    say(`check: Xvfb ${display.name} (pid ${display.pid}), mcsim pid ${run.sim.pid}, agent coap://127.0.0.1:${coapPort}/usp, Controller ${CONTROLLER_ID} on ${controllerPort}`);
    points.push({ label: 'runtime (before the main)', sample: await until(run, () => run!.log.samples[0], BOOT_MS, 'the first heap sample') });
    await boot(run);
    await point('after boot');
    await Promise.race([firstRun(io, o.requests), run.died]);
    await point('after the session');
    stored = storedState(o.state);
    io.phase('restart with the stored state');
    stackPeakBytes = Math.max(stackPeakBytes, run.log.stackPeakBytes);
    samples.push(...run.log.samples);
    await run.sim.stop();
    const mark = io.notifies.length;
    run = await startRun({ sdk, app, display: display.name, verbose: o.verbose, echo });
    await boot(run);
    await point('after restart (stored state)');
    await Promise.race([bootNotify(io, mark), run.died]);
    await Promise.race([afterRestart(io), run.died]);
    await point('after restart + requests');
  } catch (e) {
    const sim = e instanceof SimulatorDied ? e.failure : null;
    // The runtime prints its own sample about once a second: wait for the one after the failure.
    if (sim !== null && run !== null) await settle(() => run!.log.instrumentsAtFailure !== null, 1500);
    failure = { phase, simulator: sim, message: e instanceof Error ? e.message : String(e), instruments: run?.log.instrumentsAtFailure };
  } finally {
    if (run !== null) {
      stackPeakBytes = Math.max(stackPeakBytes, run.log.stackPeakBytes);
      samples.push(...run.log.samples);
    }
    await run?.sim.stop();
    await display?.stop();
    io.ctl?.close();
  }
  const slotAvailable = run?.log.lastInstruments?.slotAvailable;
  return {
    // The runtime reports bytes; a slot is 32 B on a 64-bit simulator (the heap's size over its slots).
    creation: choice, slotBytes: slotAvailable !== undefined && slotAvailable > 0 ? Math.round(slotAvailable / choice.creation.heap) : 32,
    points, samples, stackPeakBytes, failure, requests: io.requests, stored,
  };
}

/** `--search`: bisect one resource, each probe a whole check with the others held. */
async function runSearch(sdk: Sdk, o: CheckOptions & { search: SearchedResource }): Promise<number> {
  const base = chooseCreation({ board: o.board, creation: o.creation, manifests: esp32BoardManifests(sdk) });
  if (typeof base === 'string') { console.error(base); return 2; }
  console.log(`test:moddable search ${o.search}: others held at ${describeCreation(base.creation)} (${base.source})`);
  let problem = '';
  const line = await search(o.search, base.creation, async (c) => {
    const outcome = await check(sdk, { ...o, board: undefined, creation: `heap=${c.heap},chunk=${c.chunk},stack=${c.stack}` }, () => undefined);
    if (typeof outcome === 'string') { problem = outcome; throw new Error(outcome); }
    return outcome;
  }, (l) => console.log(l)).catch((e: unknown) => (problem !== '' ? problem : String(e)));
  console.log(line);
  return line.includes('the smallest') ? 0 : 1;
}

/** `npm run test:moddable -- [options]`: the check, its figures and one verdict line; exit 0 on PASS. */
export async function runCheck(sdk: Sdk, argv: readonly string[]): Promise<number> {
  const o = parseCheckArgs(argv, ROOT);
  if (typeof o === 'string') { console.error(o); return 2; }
  if (o.search !== undefined) return runSearch(sdk, { ...o, search: o.search });
  const outcome = await check(sdk, o);
  if (typeof outcome === 'string') { console.error(outcome); return 2; }
  for (const line of figureLines(outcome)) console.log(line);
  console.log(verdictLine(outcome));
  return outcome.failure === null ? 0 : 1;
}
