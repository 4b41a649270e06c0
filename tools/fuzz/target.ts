/**
 * What a fuzz target is (`npm run fuzz -- <target>`, docs/testing.md#fuzzing): a parser
 * or state machine of tinyusp fed arbitrary bytes. `run` must never throw, never hang and
 * keep `size()` bounded whatever the bytes; the engine (engine.ts) treats any throw as a
 * finding. Targets live one per file in tools/fuzz/targets/ and are listed in
 * targets/index.ts (the WebSocket frame parser adds `websocket-frame.ts` there).
 */

export interface FuzzTarget {
  readonly name: string;
  /** What the target covers, for reports. */
  readonly about: string;
  /** The src/ files whose coverage the report gives (paths from the repository root). */
  readonly files: readonly string[];
  /** Valid inputs built with the project's own writers: where the mutator starts. */
  seeds(): Uint8Array[];
  /** Byte strings worth splicing in (option numbers, tags, lengths, keywords). */
  readonly dictionary?: readonly Uint8Array[];
  /** Feeds one input. State may persist between calls (stateful targets), bounded. */
  run(data: Uint8Array): void;
  /** Entries held by the target's tables now (peers, reassemblies, associations…): must stay bounded. */
  size?(): number;
  /** The bound `size()` must stay under. */
  readonly maxSize?: number;
}

/** xorshift32 (Marsaglia 2003): seeded, the same sequence everywhere, so every run reproduces. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
