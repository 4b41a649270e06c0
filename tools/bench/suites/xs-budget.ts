/**
 * Memory and size budgets of the agent measured in the real XS engine (xsnap-worker):
 * the start:xs bundle (src/main/xs-agent.ts: default Device:2 model + IoTCapability of
 * the sim board, agent core, CoAP MTP) on the xs-host bridge with real UDP, driven by
 * the project's Controller (tools/usp-ctl) over CoAP.
 *
 * Figures (XS slots are 16 B on a 32-bit ESP32; strings and buffers live in chunks,
 * which the meter gives only as the machine's allocated space):
 * - code: slots the loaded bundle occupies (functions, module objects). On Moddable the
 *   core is preloaded, so this part is in flash, not in the heap.
 * - schema: the board's Device:2 schema; preloaded on Moddable (tinyusp/schemas), so
 *   built before the baseline here (xs-agent preloadSchema) and counted as flash.
 * - after boot: slots the booted agent holds after a full GC, bundle and schema
 *   excluded (RAM).
 * - peak: the most slots in use at the end of any crank during a 100-request session
 *   (mixed Get / Set / GetSupportedDM), each crank starting from a collected heap, so
 *   it bounds what one event needs on top of the live state; bundle and schema excluded.
 * - snapshot: xsnap `w` snapshot size of the machine, minus an empty machine's.
 * - session: boot, session and restart of tools/xs/budget-session.ts (the CI guard's figures).
 * - bundles: the start:xs agent; with DTLS + the portable crypto port; the Moddable core
 *   with DTLS + the native-crypt port (tools/bench/xs-budget-*-entry.ts), each with its
 *   largest source groups from esbuild's metafile.
 * - with $MODDABLE set (tools/bench/moddable-figures.ts): the app's flash from the ESP32
 *   JavaScript link, and the Moddable simulator's heap figures beside these (a skipped
 *   line without the SDK).
 * Targets: after boot ≤ 32 KiB, peak ≤ 48 KiB (RFC 7228 Class 2 ≈ 50 KiB RAM);
 * bundle ≤ 128 KiB minified with DTLS.
 */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadBoard } from '../../../src/config/host-setup.ts';
import type { XsAgentConfig } from '../../../src/main/xs-agent.ts';
import { createNodePlatform } from '../../../src/platform/node/index.ts';
import { createConsoleLogger } from '../../../src/platform/node/logger.ts';
import { LogLevel } from '../../../src/platform/types.ts';
import { createXsHostBridge } from '../../../src/platform/xs-host/host.ts';
import { getMsg, getSupportedDmMsg, setMsg } from '../../../src/usp/index.ts';
import { ROOT, XS_OPTIONS } from '../../build/targets.ts';
import { UspController } from '../../usp-ctl/controller.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import { runBudgetSession } from '../../xs/budget-session.ts';
import type { BenchSuite } from '../index.ts';
import { moddableFigures } from '../moddable-figures.ts';

const SLOT_BYTES_ESP32 = 16;
const KIB = 1024;
const ENTRY = join(ROOT, 'src/main/xs-agent.ts');
const AGENT_ID = 'os::0A1B2C-SIM000001';
const CONTROLLER_ID = 'self::bench';
const REQUESTS = 100;

const kib = (slots: number): string => (slots * SLOT_BYTES_ESP32 / KIB).toFixed(1);
const verdict = (value: number, target: number): string => (value <= target ? 'met' : 'NOT met');

interface BundleFigures { bytes: number; gzip: number; path: string; parts: Map<string, number> }

/** Source group of a bundled file: the package under node_modules, else src/<layer> (src/dm/objects apart). */
function groupOf(file: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg !== null) return pkg[1]!;
  const src = /(src\/(?:dm\/objects|usp\/generated|dtls\/crypto|platform\/[^/]+|[^/]+))/.exec(file);
  return src !== null ? src[1]! : file;
}

async function bundleSize(entry: string): Promise<BundleFigures> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'tinyusp-budget-')), 'agent.js');
  const r = await build({ ...XS_OPTIONS, entryPoints: [entry], outfile, write: false, metafile: true });
  const code = r.outputFiles[0]!.contents;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(outfile, code);
  const parts = new Map<string, number>();
  for (const out of Object.values(r.metafile.outputs)) {
    for (const [file, input] of Object.entries(out.inputs)) parts.set(groupOf(file), (parts.get(groupOf(file)) ?? 0) + input.bytesInOutput);
  }
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, path: outfile, parts };
}

/** The largest contributors to a bundle (esbuild metafile, bytes in the minified output). */
function printParts(label: string, b: BundleFigures): void {
  const top = [...b.parts].sort((x, y) => y[1] - x[1]).slice(0, 12);
  console.log(`bundle parts (${label}): ${top.map(([g, n]) => `${g} ${n}`).join(', ')}`);
}

async function until(probe: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What each part of the agent keeps alive (retained slots, measured one after the other). */
async function breakdown(boardJson: string): Promise<void> {
  const w = XsWorker.start();
  try {
    await w.loadBundle(await bundleForXs(join(ROOT, 'tools/bench/xs-budget-entry.ts')), 'parts');
    const parts: [string, string][] = [
      ['schema (flash when preloaded)', `parts.buildSchema(${JSON.stringify(boardJson)})`],
      ['data model + IoT rows', 'parts.buildModel()'],
      ['agent core', 'parts.buildAgent()'],
      ['CoAP binding, default tables', 'parts.buildBinding(false)'],
      ['CoAP binding, small tables', 'parts.buildBinding(true)'],
    ];
    for (const [what, code] of parts) {
      const slots = await w.retainedSlots(code);
      console.log(`XS part ${what}: ${slots} slots = ${kib(slots)} KiB`);
    }
  } finally {
    w.close();
  }
}

/** Boots the agent in XS with the host limits or the Moddable ones (CLASS2_PROFILE) and measures it. */
/** Figures of one measurement, in slots (bundle and schema excluded). */
export interface XsnapFigures { readonly boot: number; readonly peak: number; readonly after: number }

async function measure(class2: boolean, bundlePath: string): Promise<XsnapFigures> {
  {
    const board = loadBoard('sim');
    if (typeof board === 'string') throw new Error(board);
    const dir = mkdtempSync(join(tmpdir(), 'tinyusp-budget-'));
    const platform = createNodePlatform({ stateDir: join(dir, 'state'), logger: createConsoleLogger(LogLevel.Error, () => undefined) });
    const bridge = createXsHostBridge({ platform, onError: (e) => console.error(e) });
    let ready = '';
    const worker = XsWorker.start({
      onCommand: (req) => bridge.handleCommand(req),
      onPrint: (t) => { if (t.includes('tinyusp ready')) ready = t.trim(); },
    });
    const ctl = await UspController.open({ agentUri: '', agentId: AGENT_ID, endpointId: CONTROLLER_ID, timeoutMs: 5000 });
    try {
      const empty = await worker.heapAfterGc();
      const emptySnap = await worker.writeSnapshot(join(dir, 'empty.xss'));
      await worker.loadBundle(bundlePath, 'tinyusp');
      const code = await worker.heapAfterGc();
      await worker.evaluate(`tinyusp.preloadSchema(${JSON.stringify(JSON.stringify(board))})`);
      const loaded = await worker.heapAfterGc(); // code + schema: flash on Moddable (preloaded)
      const { createSocket } = await import('node:dgram');
      const port = await new Promise<number>((resolve) => {
        const s = createSocket('udp4');
        s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
      });
      const config: XsAgentConfig = {
        endpointId: AGENT_ID, board, serialNumber: 'SIM000001', softwareVersion: '0.1.0', host: '127.0.0.1', coapPort: port,
        coapPath: '/usp', controllers: [{ endpointId: CONTROLLER_ID, uri: ctl.uri }], logLevel: LogLevel.Error, class2,
      };
      await worker.evaluate(`tinyusp.start(${JSON.stringify(JSON.stringify(config))})`);
      let peakInCrank = 0;
      let measuring = false;
      bridge.attach(async (code) => {
        const r = await worker.evaluate(measuring ? `gc(); ${code}` : code);
        if (measuring) peakInCrank = Math.max(peakInCrank, r.meter.currentHeapCount);
        return r;
      });
      await until(() => ready !== '', 10000, 'the agent in XS');
      (ctl as unknown as { o: { agentUri: string } }).o.agentUri = `coap://127.0.0.1:${port}/usp`;
      // One request of each kind first, so lazily built buffers count as boot state.
      await ctl.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.'] }));
      const booted = await worker.heapAfterGc();
      const bootAllocate = (await worker.evaluate('void 0')).meter.allocate;
      const bootSnap = await worker.writeSnapshot(join(dir, 'boot.xss'));
      measuring = true;
      let failures = 0;
      let peakLive = booted;
      for (let i = 0; i < REQUESTS; i++) {
        const m = await ctl.request((id) => (i % 3 === 0 ? getMsg(id, { param_paths: ['Device.DeviceInfo.', 'Device.IoTCapability.'] })
          : i % 3 === 1 ? setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: `bench ${i}` }] }] })
            : getSupportedDmMsg(id, { obj_paths: ['Device.LocalAgent.'], return_commands: true, return_events: true, return_params: true })));
        if (m.body?.msg_body !== 'response') failures++;
        if (i % 10 === 9) { measuring = false; peakLive = Math.max(peakLive, await worker.heapAfterGc()); measuring = true; }
      }
      measuring = false;
      const after = await worker.heapAfterGc();
      const afterAllocate = (await worker.evaluate('void 0')).meter.allocate;
      const codeSlots = code - empty;
      const schemaSlots = loaded - code;
      const bootSlots = booted - loaded;
      const peakSlots = Math.max(peakInCrank, peakLive) - loaded;
      const afterSlots = after - loaded;
      const label = class2 ? 'Moddable limits (CLASS2_PROFILE)' : 'host limits';
      console.log(`-- ${label} --`);
      console.log(`XS code objects (bundle loaded)    ${codeSlots} slots = ${kib(codeSlots)} KiB (flash when preloaded)`);
      console.log(`XS schema (default model + IoT)    ${schemaSlots} slots = ${kib(schemaSlots)} KiB (flash: tinyusp/schemas is preloaded)`);
      console.log(`XS heap after boot                 ${bootSlots} slots = ${kib(bootSlots)} KiB (ESP32), machine allocated ${(bootAllocate / KIB).toFixed(0)} KiB`);
      console.log(`XS heap peak, ${REQUESTS} requests         ${peakSlots} slots = ${kib(peakSlots)} KiB (live between requests ≤ ${peakLive - loaded} slots)`);
      console.log(`XS heap after session              ${afterSlots} slots = ${kib(afterSlots)} KiB, machine allocated ${(afterAllocate / KIB).toFixed(0)} KiB; ${failures} failed requests`);
      console.log(`XS snapshot                        empty machine ${emptySnap} B, after boot ${bootSnap} B (agent +${bootSnap - emptySnap} B)`);
      console.log(`XS heap after boot (${label}): ${bootSlots} slots = ${kib(bootSlots)} KiB (ESP32) — target 32 KiB: ${verdict(bootSlots * SLOT_BYTES_ESP32, 32 * KIB)}`);
      console.log(`XS heap peak (${label}): ${peakSlots} slots = ${kib(peakSlots)} KiB (ESP32) — target 48 KiB: ${verdict(peakSlots * SLOT_BYTES_ESP32, 48 * KIB)}`);
      console.log(`XS snapshot after boot (${label}): ${bootSnap} B (agent +${bootSnap - emptySnap} B)`);
      return { boot: bootSlots, peak: peakSlots, after: afterSlots };
    } finally {
      ctl.close();
      bridge.close();
      worker.close();
    }
  }
}

const suite: BenchSuite = {
  name: 'xs-budget',
  async run() {
    const bundle = await bundleSize(ENTRY);
    const core = await bundleSize(join(ROOT, 'src/main/xs.ts'));
    const withDtls = await bundleSize(join(ROOT, 'tools/bench/xs-budget-dtls-entry.ts'));
    const moddable = await bundleSize(join(ROOT, 'tools/bench/xs-budget-moddable-entry.ts'));
    // startHostAgent is given the coaps endpoint (src/dtls) only when coaps runs: these two have no DTLS.
    console.log(`bundle (start:xs agent, no DTLS)          ${bundle.bytes} B minified, ${bundle.gzip} B gzip`);
    console.log(`bundle (dist/xs core, no DTLS)            ${core.bytes} B minified, ${core.gzip} B gzip`);
    printParts('start:xs agent', bundle);
    printParts('Moddable core + DTLS + native crypt', moddable);
    printParts('core of the Moddable coaps build (flash, #13 item 4)', await bundleSize(join(ROOT, 'src/main/xs-coaps.ts')));
    console.log(`XS bundle without DTLS: ${bundle.bytes} B minified, ${bundle.gzip} B gzip — against the 128 KiB target (which includes DTLS): ${verdict(bundle.bytes, 128 * KIB)}`);
    console.log(`XS bundle with DTLS (portable crypto): ${withDtls.bytes} B minified, ${withDtls.gzip} B gzip — target 128 KiB: ${verdict(withDtls.bytes, 128 * KIB)}`);
    console.log(`Moddable bundle with DTLS (native crypt): ${moddable.bytes} B minified, ${moddable.gzip} B gzip (core + src/dtls + platform/moddable/crypto.ts; not run: no Moddable SDK here) — target 128 KiB: ${verdict(moddable.bytes, 128 * KIB)}`);
    // The session the CI guard (test/xs/budget.xs.test.ts) and the Moddable check run, with the Moddable limits.
    const s = await runBudgetSession({ class2: true, bundlePath: bundle.path });
    console.log(`XS session (CLASS2_PROFILE, tools/xs/budget-session.ts): boot ${s.boot} slots = ${kib(s.boot)} KiB, after the session ${s.after} = ${kib(s.after)} KiB, ` +
      `after the restart ${s.reboot} = ${kib(s.reboot)} KiB, per-event peak bound ${Math.max(s.peak, s.rebootPeak)} slots; ${s.failures} failed requests, ${s.notifies.length} Notify`);
    await measure(false, bundle.path);
    const class2 = await measure(true, bundle.path);
    const board = loadBoard('sim');
    if (typeof board === 'string') throw new Error(board);
    await breakdown(JSON.stringify(board));
    await moddableFigures(class2);
  },
};
export default suite;
