/**
 * One Linux Espruino process running the agent from its flash Storage, driven from
 * Node: the launcher (`npm run start:espruino`), its test and the bench use it.
 *
 * - The emulated flash is the file `espruino.flash` in the process's working
 *   directory, so a state directory is one device: the bundle, `tinyusp.json` and the
 *   data model's files live there, and survive a restart.
 * - installAgent(): a first, short Espruino run copies dist/espruino/tinyusp.js into Storage
 *   in 2 KiB pieces (E.openFile + Storage.write with offset — the whole file would not
 *   fit in RAM) unless Storage already holds it (same length and CRC-32), writes
 *   `tinyusp.json` and the boot code `.bootcde` an ESP32 runs at power-up.
 * - EspruinoAgent: runs the boot code; the agent's exports are the global `tinyusp`.
 *   `evaluate()` sends one line of JavaScript on stdin and reads back its JSON result
 *   over a control channel that bypasses Espruino's REPL (CONTROL_CODE); every other
 *   line of stdout is the agent's (its ready line, its log).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** Storage files on the device (docs/espruino.md). */
export const BUNDLE_FILE = 'tinyusp.js';
export { ESPRUINO_CONFIG_FILE as CONFIG_FILE } from '../../src/config/espruino-config.ts';
import { ESPRUINO_CONFIG_FILE as CONFIG_FILE } from '../../src/config/espruino-config.ts';
/** What an ESP32 runs at boot: the agent from flash, then start() with tinyusp.json. */
export const BOOT_CODE = `eval(require("Storage").read("${BUNDLE_FILE}"));tinyusp.start();`;
const CHUNK = 2048;

export interface InstallResult {
  /** False when Storage already held this bundle. */
  readonly bundleWritten: boolean;
}

/** Copies the bundle and the configuration into the flash file of `dir`. */
export function installAgent(bin: string, dir: string, bundlePath: string, config: unknown): InstallResult {
  mkdirSync(dir, { recursive: true });
  const bundle = readFileSync(bundlePath);
  const size = statSync(bundlePath).size;
  const script = [
    'var S = require("Storage"), n = ' + size + ', crc = ' + crc32(bundle) + ', old = S.read(' + JSON.stringify(BUNDLE_FILE) + ');',
    'var same = old !== undefined && old.length === n && (E.CRC32(old) >>> 0) === crc; old = undefined;',
    'if (!same) {',
    '  S.erase(' + JSON.stringify(BUNDLE_FILE) + ');',
    '  var f = E.openFile(' + JSON.stringify(bundlePath) + ', "r"), o = 0, c;',
    '  while (o < n && (c = f.read(' + CHUNK + '))) { S.write(' + JSON.stringify(BUNDLE_FILE) + ', c, o, n); o += c.length; }',
    '  f.close();',
    '}',
    'S.writeJSON(' + JSON.stringify(CONFIG_FILE) + ', ' + JSON.stringify(config) + ');',
    'if (S.read(".bootcde") !== ' + JSON.stringify(BOOT_CODE) + ') S.write(".bootcde", ' + JSON.stringify(BOOT_CODE) + ');',
    'print("tinyusp-install " + (same ? "kept" : "written") + " " + S.read(' + JSON.stringify(BUNDLE_FILE) + ').length);',
    'quit();',
  ].join('\n');
  writeFileSync(join(dir, 'install.js'), script);
  const out = execFileSync(bin, ['install.js'], { cwd: dir, encoding: 'latin1', timeout: 120_000 });
  const m = /tinyusp-install (kept|written) (\d+)/.exec(out);
  if (m === null || Number(m[2]) !== size) throw new Error(`installing the agent into Espruino's Storage failed:\n${out.slice(-2000)}`);
  return { bundleWritten: m[1] === 'written' };
}

/**
 * The host's control channel, run before the agent: Espruino's REPL is moved to a
 * loopback (its output still reaches stdout through LoopbackB) and stdin lines
 * `<id> <expression>` are evaluated directly, answered `@@<id>= <JSON>` or
 * `@@<id>! <error>`. Not the REPL line editor: it loses its place when input arrives
 * while the agent is busy. Costs CONTROL_BLOCKS of the agent's store (the bench says so).
 */
export const CONTROL_CODE = [
  'LoopbackA.setConsole();',
  'LoopbackB.on("data", function (d) { USB.write(d); });',
  'var __in = "";',
  'USB.on("data", function (d) {',
  '  __in += d;',
  '  for (var nl = __in.indexOf("\\n"); nl >= 0; nl = __in.indexOf("\\n")) {',
  '    var line = __in.slice(0, nl), sp = line.indexOf(" "), id = line.slice(0, sp);',
  '    __in = __in.slice(nl + 1);',
  '    if (sp < 1) continue;',
  '    try { USB.write("@@" + id + "= " + JSON.stringify(eval(line.slice(sp + 1))) + "\\n"); }',
  '    catch (e) { USB.write("@@" + id + "! " + e + "\\n"); }',
  '  }',
  '});',
  // Espruino exits when no timer is left; the agent may be idle: quit() ends it.
  'setInterval(function () {}, 3600000);',
].join('\n');

export interface EspruinoAgentOptions {
  readonly bin: string;
  readonly dir: string;
  /** JavaScript run after the control channel, from a timer (default: the device's boot code, `.bootcde`). */
  readonly boot?: string;
  /** Every stdout line that is not a reply to evaluate(). */
  readonly onLine: (line: string) => void;
  readonly onExit?: (code: number | null) => void;
}

/** A running Espruino with the agent; evaluate() talks to it over stdin/stdout. */
export class EspruinoAgent {
  readonly child: ChildProcess;
  private pending = '';
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;
  /** Resolves once the boot code has run (rejects if Espruino exits first). */
  readonly booted: Promise<void>;

  constructor(private readonly o: EspruinoAgentOptions) {
    // The device's boot code runs from a timer, as a string: an error there (out of
    // memory) is printed and Espruino keeps running, where an error in the file itself
    // ends it at once, its message unprinted. A string timer runs at the global scope, as
    // .bootcde does on the device (inside a function every function of the script would
    // carry one more scope: ≈ 2 700 more blocks at load).
    const boot = o.boot ?? 'eval(require("Storage").read(".bootcde"));';
    writeFileSync(join(o.dir, 'boot.js'), CONTROL_CODE + '\n' +
      `setTimeout(${JSON.stringify(`try { ${boot} USB.write("@@0= 0\\n"); } catch (e) { USB.write("@@0! " + e + "\\n"); }`)}, 0);\n`);
    // Reply 0 says the boot code has run (or failed): evaluate() waits for it, within a bound.
    this.booted = new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(0); reject(new Error('Espruino did not run its boot code within 120 s')); }, 120_000);
      this.waiting.set(0, { resolve: () => { clearTimeout(timer); resolve(); }, reject: (e) => { clearTimeout(timer); reject(e); } });
    });
    this.booted.catch(() => undefined);
    this.child = spawn(o.bin, ['boot.js'], { cwd: o.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('latin1');
    this.child.stdout!.on('data', (text: string) => this.take(text));
    this.child.stderr!.on('data', (b: Buffer) => o.onLine(b.toString('latin1').trimEnd()));
    this.child.on('exit', (code) => {
      this.exited = true;
      for (const w of this.waiting.values()) w.reject(new Error(`Espruino exited (${code})`));
      this.waiting.clear();
      o.onExit?.(code);
    });
  }

  private take(text: string): void {
    if (process.env.ESPRUINO_TRACE) process.stderr.write('<<' + JSON.stringify(text) + '\n');
    this.pending += text;
    for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
      // Console noise: carriage returns, "erase line" escapes, REPL prompts, error carets.
      const line = this.pending.slice(0, nl).replace(/\r|\x1b\[J/g, '').replace(/^>+/, '');
      this.pending = this.pending.slice(nl + 1);
      const m = /^@@(\d+)([!=]) ?(.*)$/.exec(line);
      const w = m === null ? undefined : this.waiting.get(Number(m[1]));
      if (m !== null && w !== undefined) {
        this.waiting.delete(Number(m[1]));
        if (m[2] === '=') w.resolve(m[3] === '' || m[3] === 'undefined' ? undefined : JSON.parse(m[3]!));
        else w.reject(new Error(`Espruino: ${m[3]}`));
      } else if (!/^[\s^]*$/.test(line)) {
        this.o.onLine(line);
      }
    }
  }

  /** Evaluates `expression` inside Espruino; resolves with its value (through JSON). */
  async evaluate<T = unknown>(expression: string, timeoutMs = 30_000): Promise<T> {
    await this.booted;
    if (this.exited) throw new Error('Espruino has exited');
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(id); reject(new Error(`Espruino did not answer ${expression}`)); }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as T); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      const line = `${id} ${expression.replace(/\n/g, ' ')}\n`;
      if (process.env.ESPRUINO_TRACE) process.stderr.write('>>' + JSON.stringify(line) + '\n');
      this.child.stdin!.write(line);
    });
  }

  /** Stops the agent (state written), then Espruino. Resolves with the exit code once the process is gone. */
  stop(timeoutMs = 5000): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.exited) { resolve(this.child.exitCode); return; }
      const kill = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      this.child.once('exit', (code) => { clearTimeout(kill); resolve(code); });
      this.child.stdin!.write(`${this.next++} (typeof tinyusp !== "undefined" && tinyusp.stop(), quit())\n`);
    });
  }
}

/** A UDP port nobody holds right now (Espruino cannot bind port 0 and tell which port it got). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}
