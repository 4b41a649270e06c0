/**
 * XsWorker — drives the real XS engine (`xsnap-worker`) directly, without the SES
 * layer of @agoric/xsnap's JS API. Protocol (xsnap-worker.c): netstrings on fd 3
 * (to the worker) and fd 4 (from it). `e<code>` evaluates a script, `m<path>` runs a
 * module file; a reply `.<meter-json>\x01<result>` is success, `!<message>` failure.
 * The meter carries `currentHeapCount` (live XS slots after the crank) and `compute`
 * (computrons). An `e` result reaches the host only if the code returns an ArrayBuffer,
 * so `call()` JSON-encodes inside XS with the engine's TextEncoder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { findXsnapWorker, XSNAP_BUILD_HELP } from './binary.ts';
import { encodeNetstring, NetstringReader } from './netstring.ts';

export interface XsMeter {
  /** Live heap slots after the evaluation. */
  readonly currentHeapCount: number;
  /** Computrons spent by the evaluation. */
  readonly compute: number;
  /** Bytes the machine has allocated for its heaps. */
  readonly allocate: number;
}

export interface XsResult {
  readonly reply: Buffer;
  readonly meter: XsMeter;
}

export interface XsWorkerOptions {
  /** Computron limit per evaluation; 0 = unlimited. */
  readonly meteringLimit?: number;
  /** Receives whatever XS `print()`s. Defaults to the test's stdout. */
  readonly onPrint?: (text: string) => void;
  /** Answers `issueCommand(ArrayBuffer)` calls made from inside XS (the host bridge). */
  readonly onCommand?: (request: Buffer) => Uint8Array;
}

export class XsError extends Error {}

export class XsWorker {
  private readonly reader = new NetstringReader();
  /**
   * Commands in order; only the head has been written to the worker. One at a time,
   * because while XS runs a command it may call issueCommand and then reads fd 3
   * for the host's "/" answer: a second command written early would be taken as
   * that answer and the worker would exit.
   */
  private readonly waiters: Array<{ command: Buffer; resolve: (m: Buffer) => void; reject: (e: Error) => void }> = [];
  private exited: Error | undefined;

  private constructor(private readonly proc: ChildProcess, private readonly options: XsWorkerOptions) {
    const fromXs = proc.stdio[4] as Readable;
    fromXs.on('data', (chunk: Buffer) => {
      for (const msg of this.reader.push(chunk)) this.dispatch(msg);
    });
    proc.on('exit', (code, signal) => {
      this.exited = new XsError(`xsnap-worker exited (code ${code}, signal ${signal})`);
      for (const w of this.waiters.splice(0)) w.reject(this.exited);
    });
  }

  /** The xsnap-worker process id (its RSS is the XS machine's memory on the host). */
  get pid(): number | undefined { return this.proc.pid; }

  /** Starts an XS machine. Throws with build instructions if the engine is missing. */
  static start(options: XsWorkerOptions = {}): XsWorker {
    const bin = findXsnapWorker();
    if (!bin) throw new XsError(XSNAP_BUILD_HELP);
    const args = ['tinyusp'];
    if (options.meteringLimit) args.push('-l', String(options.meteringLimit));
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit', 'pipe', 'pipe'] });
    const onPrint = options.onPrint ?? ((t: string) => process.stdout.write(t));
    (proc.stdout as Readable).on('data', (d: Buffer) => onPrint(d.toString('utf8')));
    return new XsWorker(proc, options);
  }

  private dispatch(msg: Buffer): void {
    if (msg[0] === 0x3f /* ? */) {
      // A synchronous upcall from XS: it blocks until we answer with "/".
      const answer = this.options.onCommand?.(msg.subarray(1)) ?? new Uint8Array(0);
      (this.proc.stdio[3] as Writable).write(encodeNetstring(Buffer.concat([Buffer.from('/'), answer])));
      return;
    }
    const w = this.waiters.shift();
    if (!w) return;
    const next = this.waiters[0];
    if (next) (this.proc.stdio[3] as Writable).write(encodeNetstring(next.command));
    w.resolve(msg);
  }

  private send(command: string): Promise<Buffer> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const entry = { command: Buffer.from(command, 'utf8'), resolve, reject };
      this.waiters.push(entry);
      if (this.waiters.length === 1) (this.proc.stdio[3] as Writable).write(encodeNetstring(entry.command));
    });
  }

  private static parse(msg: Buffer, what: string): XsResult {
    if (msg[0] === 0x21 /* ! */) throw new XsError(`XS: ${what} failed: ${msg.subarray(1).toString('utf8') || '(no message)'}`);
    if (msg[0] !== 0x2e /* . */) throw new XsError(`XS: unexpected reply to ${what}`);
    const sep = msg.indexOf(1);
    const meterJson = sep < 0 ? '{}' : msg.subarray(1, sep).toString('utf8');
    const meter = JSON.parse(meterJson) as XsMeter;
    return { reply: sep < 0 ? msg.subarray(1) : msg.subarray(sep + 1), meter };
  }

  /** Evaluates a script in the machine's global scope. */
  async evaluate(code: string): Promise<XsResult> {
    return XsWorker.parse(await this.send('e' + code), 'evaluate');
  }

  /** Runs an ES module file (its imports resolve by path). */
  async runModule(path: string): Promise<XsMeter> {
    return XsWorker.parse(await this.send('m' + path), `module ${path}`).meter;
  }

  /**
   * Loads an ESM bundle and binds its exports to `globalThis[name]`, so later
   * evaluations can call `name.someExport(...)`.
   */
  async loadBundle(bundlePath: string, name: string): Promise<XsMeter> {
    const dir = mkdtempSync(join(tmpdir(), 'tinyusp-xs-'));
    const shim = join(dir, 'shim.js');
    writeFileSync(shim, `import * as ns from ${JSON.stringify(bundlePath)};\nglobalThis[${JSON.stringify(name)}] = ns;\n`);
    return this.runModule(shim);
  }

  /** Evaluates `expression` in XS and returns its JSON-decoded value with the meter. */
  async call<T = unknown>(expression: string): Promise<{ value: T; meter: XsMeter }> {
    const r = await this.evaluate(
      `(() => { const v = (${expression}); return new TextEncoder().encode(v === undefined ? "null" : JSON.stringify(v)).buffer; })()`,
    );
    return { value: JSON.parse(r.reply.toString('utf8')) as T, meter: r.meter };
  }

  /** Forces a full collection and returns the live slot count afterwards. */
  async heapAfterGc(): Promise<number> {
    // The meter is sampled at the end of the crank, after this gc().
    return (await this.evaluate('gc();')).meter.currentHeapCount;
  }

  /**
   * Slots that evaluating `code` leaves live after a full GC, net of what evaluating
   * any script costs (measured with a no-op). 0 means nothing was retained.
   */
  async retainedSlots(code: string): Promise<number> {
    const base0 = await this.heapAfterGc();
    await this.evaluate('void 0');
    const base = (await this.heapAfterGc()) - base0;
    const before = await this.heapAfterGc();
    await this.evaluate(code);
    return (await this.heapAfterGc()) - before - base;
  }

  /**
   * Slots allocated while evaluating `code` (live or garbage, counted before any GC),
   * net of a no-op evaluation. 0 means the code allocated nothing.
   */
  async allocatedSlots(code: string): Promise<number> {
    await this.heapAfterGc();
    const base0 = (await this.evaluate('gc()')).meter.currentHeapCount;
    const base = (await this.evaluate('void 0')).meter.currentHeapCount - base0;
    const before = (await this.evaluate('gc()')).meter.currentHeapCount;
    return (await this.evaluate(code)).meter.currentHeapCount - before - base;
  }

  /**
   * Writes a snapshot of the whole machine (xsnap-worker `w`) to `path`; resolves with
   * its size in bytes.
   */
  async writeSnapshot(path: string): Promise<number> {
    return Number(XsWorker.parse(await this.send('w' + path), 'snapshot').reply.toString('utf8'));
  }

  close(): void {
    if (this.exited) return;
    (this.proc.stdio[3] as Writable).end();
    this.proc.kill();
  }
}
