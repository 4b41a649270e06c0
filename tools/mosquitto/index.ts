/**
 * A real MQTT broker for tests and benchmarks: Debian's `mosquitto` on free loopback
 * ports with a generated config (127.0.0.1 only, anonymous allowed, no persistence),
 * optionally a second TLS listener whose server certificate (SAN 127.0.0.1, localhost)
 * is signed by a CA made here with openssl. Also the `mosquitto_pub`/`mosquitto_sub`
 * clients (package mosquitto-clients) as an independent MQTT peer.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Broker {
  readonly port: number;
  /** TLS listener port (0 when started without TLS). */
  readonly tlsPort: number;
  readonly dir: string;
  /** PEM of the CA that signed the broker certificate. */
  readonly caPem: string;
  /** PEM of a CA that did not: verification against it must fail. */
  readonly untrustedCaPem: string;
  /** Listener that requires User Name and Password (`auth` option; 0 otherwise). */
  readonly authPort: number;
  /** Everything the broker logged so far (log_type all). */
  log(): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`], dir);
}

/** CA + server certificate for 127.0.0.1/localhost, and an unrelated CA. */
function makeCertificates(dir: string): void {
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost',
    '-keyout', 'server.key', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem'], dir);
}

export const MOSQUITTO_MISSING = 'mosquitto is not installed: sudo apt-get install -y mosquitto mosquitto-clients';

async function waitForPort(port: number, ms: number, failed: () => Error | undefined = () => undefined): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const e = failed();
    if (e !== undefined) throw e;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `log: false` (benchmarks) keeps the broker quiet: per-packet logging costs it time.
 * `auth: [user, password]` adds a listener that admits only that user.
 */
export async function startMosquitto(options: { tls?: boolean; log?: boolean; auth?: [string, string] } = {}): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-mosquitto-'));
  const port = await freePort();
  const tlsPort = options.tls === true ? await freePort() : 0;
  const authPort = options.auth !== undefined ? await freePort() : 0;
  // set_tcp_nodelay: without it Nagle + delayed ACK hold the broker's second small packet ~40 ms.
  let config = `per_listener_settings true\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\n${options.log === false ? 'log_type error\n' : 'log_type all\n'}`;
  config += `listener ${port} 127.0.0.1\nallow_anonymous true\n`;
  if (options.tls === true) {
    makeCertificates(dir);
    config += `listener ${tlsPort} 127.0.0.1\nallow_anonymous true\ncafile ${dir}/ca.pem\ncertfile ${dir}/server.pem\nkeyfile ${dir}/server.key\n`;
  }
  if (options.auth !== undefined) {
    execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), options.auth[0], options.auth[1]], { stdio: 'ignore' });
    config += `listener ${authPort} 127.0.0.1\nallow_anonymous false\npassword_file ${dir}/passwd\n`;
  }
  writeFileSync(join(dir, 'mosquitto.conf'), config);
  // Started as root, mosquitto drops to user "mosquitto": it must read these test-only files.
  chmodSync(dir, 0o755);
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
  let proc: ChildProcess | undefined;
  let logText = '';
  const broker: Broker = {
    port, tlsPort, authPort, dir,
    caPem: options.tls === true ? readFileSync(join(dir, 'ca.pem'), 'utf8') : '',
    untrustedCaPem: options.tls === true ? readFileSync(join(dir, 'other-ca.pem'), 'utf8') : '',
    log: () => logText,
    async start() {
      const p = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr!.on('data', (d: Buffer) => { logText += d.toString('utf8'); });
      // A missing binary is a clear error, not an unhandled 'error' event (npm test's preflight names it first).
      let spawnError: Error | undefined;
      p.on('error', (e: NodeJS.ErrnoException) => {
        spawnError = new Error(e.code === 'ENOENT' ? MOSQUITTO_MISSING : `mosquitto: ${e.message}`);
      });
      proc = p;
      await waitForPort(port, 5000, () => spawnError);
      if (tlsPort !== 0) await waitForPort(tlsPort, 5000);
      if (authPort !== 0) await waitForPort(authPort, 5000);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (p === undefined || p.exitCode !== null) return;
      await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill('SIGTERM'); });
    },
    async close() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

/** A `mosquitto_sub` peer printing one line per message: topic|content-type|response-topic|hex payload. */
export interface SubscriberPeer {
  readonly lines: string[];
  /** Resolves with the first message line (after `from`) that satisfies `test`. */
  next(test: (line: string) => boolean, ms?: number, from?: number): Promise<string>;
  close(): void;
}

export async function startSubscriber(port: number, version: '5' | '311', topic: string): Promise<SubscriberPeer> {
  // stdbuf: line-buffered stdout, else libc holds the lines while piped.
  const p = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-p', String(port), '-V', version === '5' ? 'mqttv5' : 'mqttv311',
    '-q', '1', '-t', topic, '-d', '-F', 'MSG|%t|%C|%R|%x'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines: string[] = [];
  let buffered = '';
  let subscribed = false;
  const waiters: Array<() => void> = [];
  p.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const l of parts) {
      if (l.includes('received SUBACK')) subscribed = true;
      if (l.startsWith('MSG|')) lines.push(l.slice(4));
    }
    for (const w of waiters.splice(0)) w();
  });
  const wake = (): Promise<void> => new Promise((r) => waiters.push(r));
  const until = Date.now() + 5000;
  while (!subscribed) {
    if (Date.now() > until || p.exitCode !== null) throw new Error('mosquitto_sub did not subscribe');
    await Promise.race([wake(), new Promise((r) => setTimeout(r, 50))]);
  }
  return {
    lines,
    async next(test, ms = 5000, from = 0) {
      const end = Date.now() + ms;
      for (;;) {
        for (let i = from; i < lines.length; i++) if (test(lines[i]!)) return lines[i]!;
        if (Date.now() > end) throw new Error(`no matching message; got ${JSON.stringify(lines)}`);
        await Promise.race([wake(), new Promise((r) => setTimeout(r, 50))]);
      }
    },
    close() { if (p.exitCode === null) p.kill('SIGTERM'); },
  };
}

/** Publishes one message with `mosquitto_pub` (5.0 properties given as [name, value] pairs). */
export function publishWithPeer(port: number, version: '5' | '311', topic: string, payload: Uint8Array, properties: Array<[string, string]> = []): void {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-V', version === '5' ? 'mqttv5' : 'mqttv311', '-q', '1', '-t', topic, '-s'];
  for (const [k, v] of properties) args.push('-D', 'publish', k, v);
  execFileSync('mosquitto_pub', args, { input: payload, stdio: ['pipe', 'ignore', 'pipe'] });
}
