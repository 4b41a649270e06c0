/**
 * The Moddable simulator under a virtual display, as processes of our own: an Xvfb we
 * start (on a display it picks itself with `-displayfd`, or the one asked for) and
 * mcsim, line-buffered (`stdbuf -oL`) so its trace lines arrive as they are printed.
 * Both are stopped by their PID, never by name. mcsim's debug build would connect to
 * an xsbug on localhost:5002 (someone else's, on a shared machine): XSBUG_HOST/PORT
 * point it at a port nobody listens on, so it runs unattached and prints its traces
 * and `instruments:` lines to stdout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** A TCP port that was free a moment ago and has nothing listening now. */
export function closedTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  try { process.kill(child.pid, 'SIGTERM'); } catch { return Promise.resolve(); }
  const kill = setTimeout(() => { try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
  return exited.then(() => clearTimeout(kill));
}

export class VirtualDisplay {
  private constructor(readonly name: string, private readonly child: ChildProcess, private readonly exited: Promise<unknown>) {}

  static available(): boolean {
    return spawnSync('which', ['Xvfb']).status === 0 && spawnSync('which', ['stdbuf']).status === 0;
  }

  /** Starts Xvfb on `display` (e.g. 12) or on a free display Xvfb picks; resolves once it accepts clients. */
  static start(display?: number): Promise<VirtualDisplay> {
    if (display !== undefined && existsSync(`/tmp/.X11-unix/X${display}`)) {
      return Promise.reject(new Error(`display :${display} is in use (/tmp/.X11-unix/X${display} exists): pick another --display`));
    }
    const args = display !== undefined ? [`:${display}`] : ['-displayfd', '3'];
    const child = spawn('Xvfb', [...args, '-nolisten', 'tcp', '-screen', '0', '800x600x24'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let errors = '';
    child.stderr!.on('data', (d: Buffer) => { errors += d.toString(); });
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(timer);
        void stopChild(child, exited, 500);
        reject(new Error(`Xvfb: ${why}\n${errors.trim()}`));
      };
      const timer = setTimeout(() => fail('not ready within 10 s'), 10_000);
      child.once('error', (e) => fail(e.message));
      child.once('exit', (code) => fail(`exited (${code})`));
      let name = display !== undefined ? `:${display}` : '';
      const poll = setInterval(() => {
        if (settled || name === '' || !existsSync(`/tmp/.X11-unix/X${name.slice(1)}`)) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(timer);
        resolve(new VirtualDisplay(name, child, exited));
      }, 50);
      if (display === undefined) {
        (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => { name = `:${d.toString().trim()}`; });
      }
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  stop(): Promise<void> {
    return stopChild(this.child, this.exited, 2000);
  }
}

export class Simulator {
  /** Resolves with mcsim's exit code (or its signal's name) once it has ended. */
  readonly exited: Promise<number | string>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  }

  /** Starts `mcsim <app>` on `display`; every line it prints goes to `onLine`. */
  static async start(o: { mcsim: string; app: string; display: string; onLine: (line: string) => void }): Promise<Simulator> {
    const child = spawn('stdbuf', ['-oL', '-eL', o.mcsim, o.app], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DISPLAY: o.display, XSBUG_HOST: '127.0.0.1', XSBUG_PORT: String(await closedTcpPort()) },
    });
    const sim = new Simulator(child);
    createInterface({ input: child.stdout! }).on('line', o.onLine);
    createInterface({ input: child.stderr! }).on('line', o.onLine);
    return sim;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** SIGTERM (a power cut for the app: nothing is flushed on its behalf), SIGKILL after 3 s. */
  stop(): Promise<void> {
    return stopChild(this.child, this.exited, 3000);
  }
}
