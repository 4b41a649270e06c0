/** A peer program we did not write (openssl, coap-client-*), with output waits and a bounded life. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';

/** Runs a one-shot peer (coap-client-*) to its end or `timeoutMs`; its stdout and stderr, trimmed. */
export function runPeer(bin: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs }, (_e, stdout, stderr) => resolve(`${stdout}${stderr}`.trim()));
  });
}

export class PeerProcess {
  out = '';
  readonly proc: ChildProcess;
  exited: number | null | undefined;

  constructor(cmd: string, args: string[], lifeMs = 15_000) {
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => { this.out += d.toString('latin1'); });
    this.proc.stderr!.on('data', (d: Buffer) => { this.out += d.toString('latin1'); });
    this.proc.on('exit', (code) => { this.exited = code; });
    const kill = setTimeout(() => this.stop(), lifeMs);
    kill.unref();
  }

  /** Resolves when the output matches `pattern`; rejects after `ms` with the output so far. */
  waitFor(pattern: RegExp | string, ms = 8000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const check = (): void => {
        const hit = typeof pattern === 'string' ? this.out.includes(pattern) : pattern.test(this.out);
        if (hit) { resolve(); return; }
        if (Date.now() - t0 > ms || (this.exited !== undefined && !hit)) {
          reject(new Error(`timed out waiting for ${String(pattern)}; output:\n${this.out.slice(-3000)}`));
          return;
        }
        setTimeout(check, 20);
      };
      check();
    });
  }

  write(text: string): void { this.proc.stdin!.write(text); }

  /** Waits for the process to exit on its own (bounded). */
  waitExit(ms = 8000): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.exited !== undefined) { resolve(this.exited); return; }
      const t = setTimeout(() => { this.stop(); resolve(null); }, ms);
      this.proc.on('exit', (code) => { clearTimeout(t); resolve(code); });
    });
  }

  stop(): void {
    if (this.exited === undefined && this.proc.pid !== undefined) this.proc.kill('SIGKILL');
  }
}

/** A UDP port free on 127.0.0.1 right now (bind to 0, read, close). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
