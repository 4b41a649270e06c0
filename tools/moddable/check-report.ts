/**
 * What `npm run test:moddable` prints: the XS figures at each point of the check and
 * the one verdict line that ends it (pure, tested on Node).
 *
 * Slots and stack are counted in XS slots, the same count on the 64-bit simulator and
 * the 32-bit ESP32 (a slot is 32 B there, 16 B on the device); chunk bytes are the
 * simulator's, larger than the ESP32's (16-byte chunk headers and 8-byte-aligned values
 * instead of 8 and 4), so a pass here is conservative for chunks.
 */
import { describeCreation, group, type CreationChoice } from './creation.ts';
import type { HeapSample, InstrumentsSample, SimFailure } from './sim-log.ts';

export const ESP32_SLOT_BYTES = 16;

/** A point of the check: "after boot", "after session", …, with the sample taken just after it. */
export interface CheckPoint {
  readonly label: string;
  readonly sample: HeapSample;
}

export interface CheckOutcome {
  readonly creation: CreationChoice;
  /** Bytes of one slot in the simulator (32 on 64-bit hosts). */
  readonly slotBytes: number;
  readonly points: readonly CheckPoint[];
  /** Deepest stack seen over every run, bytes. */
  readonly stackPeakBytes: number;
  /** Where the check stopped, and why; null when every step passed. */
  readonly failure: {
    readonly phase: string; readonly simulator: SimFailure | null; readonly message: string;
    /** The runtime's own sample right after an XS failure (slots, chunks, stack at that moment). */
    readonly instruments?: InstrumentsSample | null | undefined;
  } | null;
  /** Requests answered in the session (Get, Set, …, the mixed session). */
  readonly requests: number;
}

const slots = (bytes: number, slotBytes: number): number => Math.round(bytes / slotBytes);

/** "3 545 slots (55.4 KiB on ESP32), 34 704 B chunks, stack 44 slots, 15 keys". */
export function describeSample(s: HeapSample, slotBytes: number): string {
  const n = slots(s.slotBytes, slotBytes);
  return `${group(n)} slots (${(n * ESP32_SLOT_BYTES / 1024).toFixed(1)} KiB on ESP32), ${group(s.chunkBytes)} B chunks, ` +
    `stack ${group(slots(s.stackBytes, slotBytes))} slots, ${s.keys} keys`;
}

/** The largest live figures over every point (each after a full GC). */
export function peakOf(points: readonly CheckPoint[]): { slotBytes: number; chunkBytes: number; keys: number } {
  let slotBytes = 0;
  let chunkBytes = 0;
  let keys = 0;
  for (const p of points) {
    slotBytes = Math.max(slotBytes, p.sample.slotBytes);
    chunkBytes = Math.max(chunkBytes, p.sample.chunkBytes);
    keys = Math.max(keys, p.sample.keys);
  }
  return { slotBytes, chunkBytes, keys };
}

/** "slots 4 927/4 927, chunks 56 312/78 848 B, stack 440/512 slots" (the runtime's own sample). */
export function describeInstruments(i: InstrumentsSample, slotBytes: number): string {
  const n = (b: number): string => group(slots(b, slotBytes));
  return `slots ${n(i.slotUsed)}/${n(i.slotAvailable)}, chunks ${group(i.chunkUsed)}/${group(i.chunkAvailable)} B, stack ${n(i.stackUsed)}/${n(i.stackAvailable)} slots`;
}

/** Lines of figures, one per point, then the peak. */
export function figureLines(o: CheckOutcome): string[] {
  const lines = o.points.map((p) => `XS ${p.label.padEnd(28)} ${describeSample(p.sample, o.slotBytes)}`);
  const at = o.failure?.instruments;
  if (at) lines.push(`XS ${'at the failure (runtime)'.padEnd(28)} ${describeInstruments(at, o.slotBytes)}`);
  if (o.points.length > 0 || o.stackPeakBytes > 0) {
    const peak = peakOf(o.points);
    const n = slots(peak.slotBytes, o.slotBytes);
    lines.push(`XS ${'peak (live after GC; stack)'.padEnd(28)} ${group(n)} slots (${(n * ESP32_SLOT_BYTES / 1024).toFixed(1)} KiB on ESP32), ` +
      `${group(peak.chunkBytes)} B chunks, stack ${group(slots(o.stackPeakBytes, o.slotBytes))} of ${group(o.creation.creation.stack)} slots, ${peak.keys} keys`);
  }
  return lines;
}

/** What ran out, in words: "memory full", with the heap that did ("slot heap full: 4 928 slots"). */
export function describeFailure(f: SimFailure, c: CreationChoice['creation']): { what: string; detail: string } {
  switch (f.kind) {
    case 'slot-heap': return { what: 'memory full', detail: `slot heap full: ${group(c.heap)} slots` };
    case 'chunk-heap': return { what: 'memory full', detail: `chunk heap: a ${group(f.bytes ?? 0)} B allocation did not fit in ${group(c.chunk)} B` };
    case 'memory': return { what: 'memory full', detail: f.evidence };
    case 'stack': return { what: 'JavaScript stack overflow', detail: `stack ${group(c.stack)} slots` };
    case 'abort': return { what: 'XS abort', detail: f.evidence };
  }
}

/** The one line that ends the check. */
export function verdictLine(o: CheckOutcome): string {
  const what = `${describeCreation(o.creation.creation)}, ${o.creation.source}`;
  if (o.failure !== null) {
    const f = o.failure;
    if (f.simulator !== null) {
      const { what: ran, detail } = describeFailure(f.simulator, o.creation.creation);
      const at = f.instruments ? `; the runtime then: ${describeInstruments(f.instruments, o.slotBytes)}` : '';
      return `test:moddable: FAIL: ${ran} at ${f.phase} (${detail}${at}) — ${what}`;
    }
    return `test:moddable: FAIL at ${f.phase}: ${f.message} — ${what}`;
  }
  const peak = peakOf(o.points);
  return `test:moddable: PASS — ${what}: fresh boot, ${o.requests} requests, restart with stored state and Boot!; ` +
    `peak ${group(slots(peak.slotBytes, o.slotBytes))} slots, ${group(peak.chunkBytes)} B chunks, stack ${group(slots(o.stackPeakBytes, o.slotBytes))} slots`;
}
