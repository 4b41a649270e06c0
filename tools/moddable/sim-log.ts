/**
 * Reads what the Moddable simulator prints while the check runs (pure: fed line by
 * line, so Node tests cover it without the SDK):
 * - `tinyusp-check heap <tag> <seq> slot=<B> chunk=<B> stack=<B> keys=<n> gc=<n>`: the
 *   check's own main (tools/moddable/check/main.js) after `Debug.gc()`, from
 *   `Instrumentation` ("XS Slot Heap Used", "XS Chunk Heap Used", "XS Stack Used",
 *   "XS Keys Used", "XS Garbage Collection Count");
 * - `instruments key: …` / `instruments: …`: the runtime's own once-a-second sample in
 *   debug builds (slot/chunk used and available, stack used since the last sample);
 * - the XS failures of a fixed heap or stack (xsMemory.c, xsRun.c):
 *   `# Slot allocation: failed in fixed size heap`,
 *   `# Chunk allocation: N bytes failed in fixed size heap`, `XS abort: memory full`,
 *   `XS abort: JavaScript stack overflow`, any other `XS abort: …`;
 * - the agent's log: the ready line and the NoSec warning.
 * The "XS Stack Used" figure is the deepest stack since the runtime's last sample, so
 * the stack peak is the maximum over both kinds of lines.
 */

export interface HeapSample {
  readonly tag: string;
  readonly seq: number;
  readonly slotBytes: number;
  readonly chunkBytes: number;
  readonly stackBytes: number;
  readonly keys: number;
  readonly gc: number;
}

export type FailureKind = 'slot-heap' | 'chunk-heap' | 'memory' | 'stack' | 'abort';

export interface SimFailure {
  readonly kind: FailureKind;
  /** The simulator's line(s) that say so. */
  readonly evidence: string;
  /** Bytes of the chunk allocation that failed (chunk-heap only). */
  readonly bytes?: number;
}

export interface InstrumentsSample {
  readonly chunkUsed: number;
  readonly chunkAvailable: number;
  readonly slotUsed: number;
  readonly slotAvailable: number;
  readonly stackUsed: number;
  readonly stackAvailable: number;
}

const HEAP_LINE = /tinyusp-check heap (\S+) (\d+) slot=(\d+) chunk=(\d+) stack=(\d+) keys=(\d+) gc=(\d+)/;
const SLOT_FAIL = /# Slot allocation: failed in fixed size heap/;
const CHUNK_FAIL = /# Chunk allocation: (\d+) bytes failed in fixed size heap/;
const ABORT = /XS abort: (.+)$/;
const READY = /tinyusp ready (\S+)/;
const NOSEC = /CoAP without DTLS \(NoSec\)/;

/** Columns of an `instruments:` line, from the `instruments key:` line (SDK 8.2.3 names). */
const COLUMNS: Record<keyof InstrumentsSample, string> = {
  chunkUsed: 'Chunk used', chunkAvailable: 'Chunk available', slotUsed: 'Slot used', slotAvailable: 'Slot available',
  stackUsed: 'Stack used', stackAvailable: 'Stack available',
};

export class SimLog {
  readonly samples: HeapSample[] = [];
  readonly readyUris: string[] = [];
  noSecWarnings = 0;
  failure: SimFailure | null = null;
  /** Deepest stack seen, bytes. */
  stackPeakBytes = 0;
  lastInstruments: InstrumentsSample | null = null;
  /** The runtime's first sample after the failure: what the heaps held when it happened. */
  instrumentsAtFailure: InstrumentsSample | null = null;
  private columns: Map<string, number> | null = null;
  private pendingHeapFailure: SimFailure | null = null;

  /** Takes one line of the simulator's output. */
  feed(line: string): void {
    const heap = HEAP_LINE.exec(line);
    if (heap !== null) {
      const s: HeapSample = {
        tag: heap[1]!, seq: Number(heap[2]), slotBytes: Number(heap[3]), chunkBytes: Number(heap[4]),
        stackBytes: Number(heap[5]), keys: Number(heap[6]), gc: Number(heap[7]),
      };
      this.samples.push(s);
      this.stackPeakBytes = Math.max(this.stackPeakBytes, s.stackBytes);
      return;
    }
    if (line.startsWith('instruments key:')) {
      this.columns = new Map(line.slice('instruments key:'.length).split(',').map((name, i) => [name.trim(), i]));
      return;
    }
    if (line.startsWith('instruments:')) {
      this.readInstruments(line.slice('instruments:'.length).split(',').map((v) => Number(v.trim())));
      return;
    }
    const ready = READY.exec(line);
    if (ready !== null) this.readyUris.push(ready[1]!);
    if (NOSEC.test(line)) this.noSecWarnings++;
    if (SLOT_FAIL.test(line)) this.pendingHeapFailure ??= { kind: 'slot-heap', evidence: line.trim() };
    const chunk = CHUNK_FAIL.exec(line);
    if (chunk !== null) this.pendingHeapFailure ??= { kind: 'chunk-heap', evidence: line.trim(), bytes: Number(chunk[1]) };
    const abort = ABORT.exec(line);
    if (abort !== null && this.failure === null) this.failure = this.abortFailure(abort[1]!.trim(), line.trim());
  }

  private abortFailure(reason: string, line: string): SimFailure {
    if (/stack overflow/i.test(reason)) return { kind: 'stack', evidence: line };
    if (/memory full/i.test(reason)) {
      const heap = this.pendingHeapFailure;
      return heap === null ? { kind: 'memory', evidence: line } : { ...heap, evidence: `${heap.evidence} → ${line}` };
    }
    return { kind: 'abort', evidence: line };
  }

  private readInstruments(values: number[]): void {
    const cols = this.columns;
    if (cols === null) return;
    const at = (name: string): number => {
      const i = cols.get(name);
      return i === undefined ? NaN : values[i] ?? NaN;
    };
    const s = {} as Record<keyof InstrumentsSample, number>;
    for (const [key, name] of Object.entries(COLUMNS) as [keyof InstrumentsSample, string][]) s[key] = at(name);
    this.lastInstruments = s;
    if (this.failure !== null) this.instrumentsAtFailure ??= s;
    if (Number.isFinite(s.stackUsed)) this.stackPeakBytes = Math.max(this.stackPeakBytes, s.stackUsed);
  }

  /** The first heap sample whose sequence number is above `seq` (the next one after a moment). */
  sampleAfter(seq: number): HeapSample | undefined {
    return this.samples.find((s) => s.seq > seq);
  }

  /** The sequence number of the latest sample (-1 before the first). */
  get lastSeq(): number {
    return this.samples.length === 0 ? -1 : this.samples[this.samples.length - 1]!.seq;
  }
}
