/**
 * What the simulator runs of the secure and real-world MTPs share (coaps-check.ts,
 * mqtt-check.ts): the app built through the check's wrapper manifest (wrapper.ts: the
 * project's manifest.json unchanged, fixed creation, the Instrumentation main) plus the
 * run's `config` and PEM `data` resources, mcsim on our own Xvfb (simulator.ts) read by
 * SimLog, and the steps' pass/fail lines. Nothing here kills a process it did not start.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { ROOT } from '../build/targets.ts';
import { buildManifest, type BuildName } from './builds.ts';
import type { Creation } from './creation.ts';
import { buildPaths, mcBuild, type Sdk } from './sdk.ts';
import { SimLog, type HeapSample, type SimFailure } from './sim-log.ts';
import { Simulator } from './simulator.ts';
import { projectEsp32Creation, SDK_LIN_PREFERENCE, wrapperManifest, writeManifest } from './wrapper.ts';

/** Generous creation for development runs (the agent does not boot in an ESP32 heap yet: issue #13). */
export const GENEROUS_CREATION: Creation = { heap: 32768, chunk: 1024 * 1024, stack: 1024, static: 0 };

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export interface MtpAppOptions {
  readonly sdk: Sdk;
  /** Build directory (kept between runs so a rebuild only relinks). */
  readonly out: string;
  /** Wrapper directory name: mcconfig names the build after it. */
  readonly name: string;
  readonly creation: Creation;
  /** mc/config values (file.root is set to `state`). */
  readonly config: Record<string, unknown>;
  /** Resource name with extension (usp-agent-cert.pem …) → the file to copy in. */
  readonly data?: Readonly<Record<string, string>>;
  /** The simulator's Preference root, emptied before each build. */
  readonly state: string;
  /** Which app (builds.ts; default `full`). */
  readonly build?: BuildName | undefined;
}

/** Builds the wrapped app; returns mc.so, or null when mcconfig/make failed (their output is printed). */
export function buildMtpApp(o: MtpAppOptions): string | null {
  mkdirSync(o.out, { recursive: true });
  rmSync(o.state, { recursive: true, force: true });
  mkdirSync(o.state, { recursive: true });
  const projectManifest = buildManifest(o.build ?? 'full');
  const manifest: Record<string, unknown> = wrapperManifest({
    projectManifest, checkMain: join(ROOT, 'tools', 'moddable', 'check', 'main'), creation: o.creation,
    projectEsp32Creation: projectEsp32Creation(projectManifest),
    config: { ...o.config, file: { root: o.state.endsWith('/') ? o.state : `${o.state}/` } },
    // Preference outside the XS heap, as ESP32 NVS (the SDK's simulator one caches its JSON in the heap).
    preference: { module: join(ROOT, 'tools', 'moddable', 'nvs-sim', 'preference'), replaces: SDK_LIN_PREFERENCE },
  });
  const entries = Object.entries(o.data ?? {});
  if (entries.length > 0) {
    const dir = join(o.out, `${o.name}-data`);
    mkdirSync(dir, { recursive: true });
    for (const [name, from] of entries) copyFileSync(from, join(dir, name));
    // mcconfig takes data files without their extension and names the resource with it.
    manifest.data = { '*': entries.map(([name]) => join(dir, name.replace(/\.[^.]+$/, ''))) };
  }
  const file = writeManifest(o.out, o.name, manifest);
  if (mcBuild(o.sdk, { manifest: file, platform: 'lin', out: o.out, debug: true, quiet: true, recompile: ['preference'] }) !== 0) return null;
  const app = join(buildPaths(o.out, 'lin', join(o.out, o.name), true).bin, 'mc.so');
  return existsSync(app) ? app : null;
}

/** Thrown while a step waits, when the simulator reports an XS failure or exits. */
export class SimulatorDied extends Error {
  constructor(readonly failure: SimFailure | null, message: string) { super(message); }
}

/** One mcsim process, what it printed, and waits on it. */
export class SimRun {
  readonly lines: string[] = [];
  private constructor(readonly log: SimLog, readonly sim: Simulator, readonly died: Promise<never>) {}

  static async start(o: { sdk: Sdk; app: string; display: string; verbose: boolean }): Promise<SimRun> {
    const log = new SimLog();
    let kill: (e: SimulatorDied) => void = () => undefined;
    const died = new Promise<never>((_, reject) => { kill = reject; });
    died.catch(() => undefined);
    let run: SimRun | undefined;
    const early: string[] = [];
    const sim = await Simulator.start({
      mcsim: join(o.sdk.bin, 'mcsim'), app: o.app, display: o.display,
      onLine: (line) => {
        log.feed(line);
        (run?.lines ?? early).push(line);
        if (o.verbose || !(line.startsWith('instruments') || line.includes('tinyusp-check heap '))) console.log(`sim| ${line}`);
        if (log.failure !== null) kill(new SimulatorDied(log.failure, log.failure.evidence));
      },
    });
    run = new SimRun(log, sim, died);
    run.lines.push(...early);
    void sim.exited.then((code) => kill(new SimulatorDied(log.failure, `the simulator exited (${code})`)));
    return run;
  }

  /** Resolves with the first line (from `from`) matching `re`; rejects after `ms` or when the simulator dies. */
  async line(re: RegExp, ms: number, from = 0): Promise<RegExpExecArray> {
    const end = Date.now() + ms;
    const poll = (async (): Promise<RegExpExecArray> => {
      for (;;) {
        for (let i = from; i < this.lines.length; i++) {
          const m = re.exec(this.lines[i]!);
          if (m !== null) return m;
        }
        if (Date.now() > end) throw new Error(`no simulator line ${String(re)} within ${ms / 1000} s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    return Promise.race([poll, this.died]);
  }

  /** The next heap sample (taken after Debug.gc() by the check main every 500 ms). */
  async heap(): Promise<HeapSample> {
    const seq = this.log.lastSeq;
    const end = Date.now() + 5000;
    for (;;) {
      const s = this.log.sampleAfter(seq);
      if (s !== undefined) return s;
      if (Date.now() > end) throw new Error('no heap sample within 5 s');
      await Promise.race([new Promise((r) => setTimeout(r, 20)), this.died]);
    }
  }

  /** Runs `work` unless the simulator dies first. */
  guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.died]);
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }
}

/** Pass/fail lines of a run's steps and its verdict. */
export class Steps {
  readonly results: { name: string; ok: boolean; detail: string }[] = [];

  /** Runs one step; a throw is a FAIL with its message, the run goes on. */
  async step(name: string, work: () => Promise<string>): Promise<boolean> {
    const t0 = Date.now();
    try {
      const detail = await work();
      this.results.push({ name, ok: true, detail });
      console.log(`ok   ${name} (${detail}; ${Date.now() - t0} ms)`);
      return true;
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      this.results.push({ name, ok: false, detail });
      console.log(`FAIL ${name}: ${detail.split('\n').slice(0, 6).join(' | ')}`);
      return false;
    }
  }

  get failed(): number {
    return this.results.filter((r) => !r.ok).length;
  }
}

/** Slots (the simulator's 32-byte txSlot) and chunk bytes of a heap sample, less a baseline. */
export function heapDelta(a: HeapSample, b: HeapSample): string {
  return `${Math.round((b.slotBytes - a.slotBytes) / 32)} slots, ${b.chunkBytes - a.chunkBytes} B chunks`;
}

export function heapText(s: HeapSample): string {
  return `${Math.round(s.slotBytes / 32)} slots, ${s.chunkBytes} B chunks`;
}

/**
 * The live heap after boot of the app with plain CoAP only (no coaps, no MQTT) under
 * the same creation and with the same Controllers (`controllers`: their Endpoint IDs,
 * provisioned at coap:// addresses): the baseline the MTPs' RAM is measured against.
 */
export async function baselineHeap(o: { sdk: Sdk; out: string; creation: Creation; display: string; verbose: boolean; controllers: readonly string[]; build?: BuildName }): Promise<HeapSample> {
  const controller = o.controllers.map((eid, i) => `${eid}=coap://127.0.0.1:${40000 + i}/usp`).join(';');
  const app = buildMtpApp({ sdk: o.sdk, out: o.out, name: 'tinyusp-plain', creation: o.creation, config: { coapPort: await freeUdpPort(), controller }, state: join(o.out, 'state-plain'), build: o.build });
  if (app === null) throw new Error('the plain-CoAP app did not build');
  const run = await SimRun.start({ sdk: o.sdk, app, display: o.display, verbose: o.verbose });
  try {
    await run.line(/tinyusp ready coap:/, 60_000);
    await run.heap();
    const boot = await run.heap();
    const runtime = run.log.samples.find((x) => x.tag === 'runtime');
    if (runtime !== undefined) console.log(`heap before the agent starts (runtime + the app's modules loaded): ${heapText(runtime)}`);
    return boot;
  } finally { await run.stop(); }
}

/** p50 / p95 / max of round-trip times, ms. */
export function percentiles(ms: readonly number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return `p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${(s[s.length - 1] ?? NaN).toFixed(0)} ms over ${s.length}`;
}
