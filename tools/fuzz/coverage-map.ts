/**
 * The instrumented code's counters (instrument.ts), flattened inside the fuzz worker:
 * after each input, "did it reach a counter no input reached before?", answered by
 * scanning only the counters still at zero (cheaper as coverage grows).
 */

export const COVERAGE_VARIABLE = '__fuzzcov';

interface FileCoverage {
  readonly path: string;
  readonly s: Record<string, number>;
  readonly b: Record<string, number[]>;
  readonly f: Record<string, number>;
}

/** One counter: `o[k]`. */
export interface Counter { readonly o: Record<string | number, number>; readonly k: string | number }

/** The counters of the instrumented files, flattened; which are still zero. */
export class CoverageMap {
  /** Counter holders still at zero: [object, key] pairs (an arm of a branch is arr[i]). */
  private zeroObj: (Record<string, number> | number[])[] = [];
  private zeroKey: (string | number)[] = [];
  readonly total: number;

  constructor(private readonly files: Record<string, FileCoverage>) {
    for (const f of Object.values(files)) {
      for (const k of Object.keys(f.s)) this.track(f.s, k);
      for (const k of Object.keys(f.f)) this.track(f.f, k);
      for (const arms of Object.values(f.b)) for (let i = 0; i < arms.length; i++) this.track(arms, i);
    }
    this.total = this.zeroObj.length;
  }

  static current(): CoverageMap | null {
    const g = (globalThis as Record<string, unknown>)[COVERAGE_VARIABLE] as Record<string, FileCoverage> | undefined;
    return g === undefined ? null : new CoverageMap(g);
  }

  private track(o: Record<string, number> | number[], k: string | number): void {
    if ((o as Record<string | number, number>)[k] === 0) { this.zeroObj.push(o); this.zeroKey.push(k); }
  }

  /**
   * Counters reached for the first time since the last call, taken off the zero list and
   * returned (empty when nothing new). The caller may `rearm` them to find out which input
   * reached them.
   */
  takeNew(): Counter[] {
    const found: Counter[] = [];
    const objs = this.zeroObj;
    const keys = this.zeroKey;
    for (let i = objs.length - 1; i >= 0; i--) {
      const o = objs[i]! as Record<string | number, number>;
      if (o[keys[i]!] === 0) continue;
      found.push({ o, k: keys[i]! });
      const last = objs.length - 1;
      objs[i] = objs[last]!; keys[i] = keys[last]!;
      objs.pop(); keys.pop();
    }
    return found;
  }

  /** Sets `counters` back to zero (they stay off the zero list). */
  static rearm(counters: readonly Counter[]): void {
    for (const c of counters) c.o[c.k] = 0;
  }

  /** How many of `counters` are above zero again. */
  static reached(counters: readonly Counter[]): number {
    let n = 0;
    for (const c of counters) if (c.o[c.k]! > 0) n++;
    return n;
  }

  get covered(): number { return this.total - this.zeroObj.length; }

  /** Statement and branch-arm coverage of `paths` (repository-relative), in percent. */
  report(paths: readonly string[]): { statements: number; branches: number; files: number } {
    let s = 0, sHit = 0, b = 0, bHit = 0, files = 0;
    for (const f of Object.values(this.files)) {
      if (!paths.includes(f.path)) continue;
      files++;
      for (const v of Object.values(f.s)) { s++; if (v > 0) sHit++; }
      for (const arms of Object.values(f.b)) for (const v of arms) { b++; if (v > 0) bHit++; }
    }
    return { statements: s === 0 ? 0 : (100 * sHit) / s, branches: b === 0 ? 0 : (100 * bHit) / b, files };
  }
}
