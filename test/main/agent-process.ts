/**
 * Test fixture: the real host agent as a child process (`node --import tsx
 * src/main/node.ts`, a temp state dir, a free port), started once its `ready` line
 * is printed; plus a UDP relay that fronts one endpoint and can drop, duplicate and
 * count datagrams (seeded), so traffic between a controller and the agent can be
 * made lossy and inspected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';

export const AGENT_ID = 'os::0A1B2C-SIM000001';

export interface AgentProcess {
  readonly proc: ChildProcess;
  /** The first listener's URI and port (coap://, or coaps:// with --no-coap). */
  readonly uri: string;
  readonly port: number;
  /** The coaps:// listener ('' / 0 without DTLS credentials). */
  readonly coapsUri: string;
  readonly coapsPort: number;
  readonly stateDir: string;
  stderr: string;
  /** Everything printed on stdout so far (the ready line, `tinyusp mqtt up …`). */
  stdout: string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'tinyusp-agent-'));
}

/** `entry`: src/main/node.ts (npm start) or tools/xs/start-agent.ts (npm run start:xs: the agent inside XS). */
export function startAgentProcess(args: readonly string[] = [], stateDir = tempStateDir(), entry = 'src/main/node.ts'): Promise<AgentProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', entry, '--coap-port', '0', '--state', stateDir, ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const exited = new Promise<number | null>((r) => proc.once('close', (code) => r(code))); // after stdio is drained
  return new Promise((resolve, reject) => {
    const a: AgentProcess = {
      proc, uri: '', port: 0, coapsUri: '', coapsPort: 0, stateDir, stderr: '', stdout: '',
      async stop(signal = 'SIGTERM') {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
        return exited;
      },
    };
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`agent not ready in 20 s:\n${a.stderr}`)); }, 20_000);
    proc.stderr!.on('data', (d: Buffer) => { a.stderr += d.toString(); });
    proc.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      a.stdout = stdout;
      const m = /tinyusp ready (coaps?:\/\/[^ ]+:(\d+)\/usp) endpoint/.exec(stdout);
      if (m !== null && a.uri === '') {
        clearTimeout(timer);
        const s = /tinyusp ready (coaps:\/\/[^ ]+:(\d+)\/usp) endpoint/.exec(stdout); // printed in the same write
        Object.assign(a, { uri: m[1]!, port: Number(m[2]), ...(s !== null ? { coapsUri: s[1]!, coapsPort: Number(s[2]) } : {}) });
        resolve(a);
      }
    });
    void exited.then((code) => { clearTimeout(timer); if (a.uri === '') reject(new Error(`agent exited (${code}) before ready:\n${a.stderr}`)); });
  });
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** Park–Miller LCG in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 16807) % 2147483647; return (s - 1) / 2147483646; };
}

export interface RelayOptions {
  readonly drop?: number;
  readonly duplicate?: number;
  readonly seed?: number;
  /** Called with every datagram passing towards the target (before loss). */
  readonly inspect?: (datagram: Buffer, towardsTarget: boolean) => void;
}

/**
 * Fronts `targetPort`: datagrams to `port` go to the target from a second socket; the
 * target's datagrams to that socket come back to the last client from `port`.
 */
export class UdpRelay {
  port = 0;
  dropped = 0;
  duplicated = 0;
  forwarded = 0;
  private readonly front: Socket = createSocket('udp4');
  private readonly back: Socket = createSocket('udp4');
  private client: { address: string; port: number } | null = null;
  private readonly chance: () => number;

  constructor(private readonly targetPort: number, private readonly o: RelayOptions = {}) {
    this.chance = lcg(o.seed ?? 7);
  }

  async open(): Promise<this> {
    await new Promise<void>((r) => this.back.bind(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => this.front.bind(0, '127.0.0.1', () => r()));
    this.port = this.front.address().port;
    this.front.on('message', (m, from) => {
      this.client = { address: from.address, port: from.port };
      this.pass(m, true);
    });
    this.back.on('message', (m) => this.pass(m, false));
    return this;
  }

  private pass(m: Buffer, towardsTarget: boolean): void {
    this.o.inspect?.(m, towardsTarget);
    if (this.chance() < (this.o.drop ?? 0)) { this.dropped++; return; }
    const copies = this.chance() < (this.o.duplicate ?? 0) ? 2 : 1;
    if (copies === 2) this.duplicated++;
    for (let i = 0; i < copies; i++) {
      this.forwarded++;
      if (towardsTarget) this.back.send(m, this.targetPort, '127.0.0.1');
      else if (this.client !== null) this.front.send(m, this.client.port, this.client.address);
    }
  }

  close(): void {
    this.front.close();
    this.back.close();
  }
}
