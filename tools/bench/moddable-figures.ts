/**
 * The Moddable part of `npm run bench -- xs-budget` (needs $MODDABLE; a `skipped:` line
 * otherwise): the flash of both builds (full, coaps) from the ESP32 JavaScript link (tools/moddable/flash.ts)
 * and the coaps build part by part (flash-parts.ts),
 * and the app's XS heap in the Moddable simulator (tools/moddable/check.ts) printed
 * beside the xsnap figures of the same suite. The simulator check runs twice: with the
 * creation most ESP32 boards have (its verdict: does the agent fit?) and with generous
 * fixed heaps (GENEROUS), so that there are figures to print even when it does not fit.
 *
 * The two engines count differently: xsnap's figures are the agent's slots over the
 * loaded bundle and schema; the simulator's are everything live in the heap (the SDK
 * runtime included: the "runtime" figure, before the app's main) with the preloaded
 * modules and schema in flash.
 */
import { ROOT } from '../build/targets.ts';
import { check } from '../moddable/check.ts';
import { parseCheckArgs } from '../moddable/check-options.ts';
import { figureLines, peakOf, verdictLine, type CheckOutcome } from '../moddable/check-report.ts';
import { group } from '../moddable/creation.ts';
import { BUILDS, buildManifest } from '../moddable/builds.ts';
import { flashLines, measureFlash } from '../moddable/flash.ts';
import { runFlashParts } from '../moddable/flash-parts.ts';
import { findSdk, type Sdk } from '../moddable/sdk.ts';
import type { XsnapFigures } from './suites/xs-budget.ts';

/** Fixed heaps the agent fits in today, so the simulator gives figures (16 384 slots, 256 KiB, 1 024-slot stack). */
export const GENEROUS = 'heap=16384,chunk=256K,stack=1024';

async function simulator(sdk: Sdk, creation: string | undefined): Promise<CheckOutcome | string> {
  const o = parseCheckArgs(creation === undefined ? [] : ['--creation', creation], ROOT);
  if (typeof o === 'string') return o;
  return check(sdk, o, () => undefined);
}

const slotsOf = (o: CheckOutcome, label: string): number | undefined => {
  const p = o.points.find((x) => x.label === label);
  return p === undefined ? undefined : Math.round(p.sample.slotBytes / o.slotBytes);
};

export async function moddableFigures(xsnap: XsnapFigures): Promise<void> {
  const sdk = findSdk();
  if ('missing' in sdk) {
    console.log(`Moddable (ESP32 link, simulator): skipped: ${sdk.missing}`);
    return;
  }
  for (const build of ['full', 'coaps'] as const) {
    console.log(`-- ESP32 JavaScript link of the ${build} build, ${BUILDS[build]} (mcconfig -p esp32 + xsl, no ESP-IDF) --`);
    const flash = await measureFlash(sdk, buildManifest(build));
    if (typeof flash === 'string') console.log(`ESP32 link: failed: ${flash}`);
    else for (const line of flashLines(flash)) console.log(line);
  }
  console.log('-- the coaps build part by part (flash --build coaps --parts) --');
  if (await runFlashParts(sdk) !== 0) console.log('ESP32 link of the parts: failed (output above)');

  console.log('-- Moddable simulator (test:moddable) --');
  const board = await simulator(sdk, undefined);
  console.log(typeof board === 'string' ? `simulator check: cannot run: ${board}` : verdictLine(board));
  const generous = await simulator(sdk, GENEROUS);
  if (typeof generous === 'string') { console.log(`simulator check: cannot run: ${generous}`); return; }
  for (const line of figureLines(generous)) console.log(line);
  console.log(verdictLine(generous));
  const runtime = slotsOf(generous, 'runtime (before the main)') ?? 0;
  const boot = slotsOf(generous, 'after boot');
  const after = slotsOf(generous, 'after the session');
  const peak = Math.round(peakOf(generous).slotBytes / generous.slotBytes);
  const cell = (n: number | undefined): string => (n === undefined ? '—' : `${group(n)} (${group(n - runtime)} over the runtime)`);
  console.log(`${'XS slots'.padEnd(22)} ${'xsnap, start:xs (Class 2 limits)'.padEnd(34)} Moddable simulator, the app (${GENEROUS})`);
  console.log(`${'after boot'.padEnd(22)} ${group(xsnap.boot).padEnd(34)} ${cell(boot)}`);
  console.log(`${'after 100 requests'.padEnd(22)} ${group(xsnap.after).padEnd(34)} ${cell(after)}`);
  console.log(`${'peak'.padEnd(22)} ${group(xsnap.peak).padEnd(34)} ${cell(peak)} (live after GC, sampled)`);
}
