/**
 * `npm run test:moddable -- --search heap|chunk|stack`: the smallest fixed slot heap,
 * chunk heap or stack the whole check passes with, the other two held at the chosen
 * creation. After-GC samples show what stays live; this shows what the agent needs at
 * its worst moment (a transient inside one turn included). Each probe is a full check
 * (a relink and a simulator run, ≈ 30–60 s), found by bisection to STEP of the resource.
 */
import { describeCreation, group, type Creation } from './creation.ts';
import type { CheckOutcome } from './check-report.ts';
import type { FailureKind } from './sim-log.ts';

export type SearchedResource = 'heap' | 'chunk' | 'stack';

/** Resolution of the search: 64 slots, 1 KiB of chunks, 8 stack slots. */
export const STEP: Record<SearchedResource, number> = { heap: 64, chunk: 1024, stack: 8 };
/** Where the search gives up growing. */
export const CEILING: Record<SearchedResource, number> = { heap: 65536, chunk: 4 * 1024 * 1024, stack: 4096 };
/** The failure that says this resource ran out. */
const RAN_OUT: Record<SearchedResource, FailureKind> = { heap: 'slot-heap', chunk: 'chunk-heap', stack: 'stack' };

export interface SearchState {
  /** Largest value seen failing for lack of the resource (0: none yet). */
  readonly failing: number;
  /** Smallest value seen passing (undefined: none yet). */
  readonly passing: number | undefined;
}

/** The next value to try, or undefined when the answer is known (or out of reach). */
export function nextProbe(what: SearchedResource, s: SearchState, start: number): number | undefined {
  const step = STEP[what];
  if (s.passing === undefined) {
    const next = s.failing === 0 ? start : s.failing * 2;
    return next > CEILING[what] ? undefined : next;
  }
  if (s.passing - s.failing <= step) return undefined;
  return Math.max(step, Math.round((s.failing + s.passing) / 2 / step) * step);
}

/** What one probe's outcome means for the search: passed, ran out of this resource, or failed otherwise. */
export function probeVerdict(what: SearchedResource, o: CheckOutcome): 'pass' | 'short' | 'other' {
  if (o.failure === null) return 'pass';
  return o.failure.simulator?.kind === RAN_OUT[what] ? 'short' : 'other';
}

export function withValue(c: Creation, what: SearchedResource, value: number): Creation {
  return { ...c, [what]: value, static: 0 };
}

/**
 * Runs the search with `probe` (one whole check at a creation) and returns the line that
 * ends it: the smallest passing value, or why there is none.
 */
export async function search(what: SearchedResource, base: Creation, probe: (c: Creation) => Promise<CheckOutcome>, say: (line: string) => void): Promise<string> {
  let state: SearchState = { failing: 0, passing: undefined };
  const unit = what === 'chunk' ? 'B of chunks' : what === 'heap' ? 'slots' : 'stack slots';
  for (let value = nextProbe(what, state, base[what]); value !== undefined; value = nextProbe(what, state, base[what])) {
    const c = withValue(base, what, value);
    const o = await probe(c);
    const v = probeVerdict(what, o);
    say(`search ${what}: ${describeCreation(c)} → ${v === 'pass' ? 'PASS' : v === 'short' ? `ran out (${o.failure!.phase})` : `FAIL otherwise at ${o.failure!.phase}: ${o.failure!.simulator?.kind ?? o.failure!.message}`}`);
    if (v === 'other') return `test:moddable search: no answer for ${what}: at ${group(value)} ${unit} the check fails for another reason (${o.failure!.simulator?.kind ?? o.failure!.message} at ${o.failure!.phase}); raise the others with --creation`;
    state = v === 'pass' ? { failing: state.failing, passing: value } : { failing: value, passing: state.passing };
  }
  if (state.passing === undefined) return `test:moddable search: ${what} still runs out at ${group(CEILING[what])} ${unit}`;
  return `test:moddable search: the smallest ${what} that passes is ${group(state.passing)} ${unit} (±${group(STEP[what])}; fails at ${group(state.failing)}) with ${describeCreation(withValue(base, what, state.passing))}`;
}
