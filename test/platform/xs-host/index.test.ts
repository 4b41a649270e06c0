/**
 * The xs-host bridge end to end: the Platform port runs inside the real XS engine
 * (xsnap-worker) and reaches real Node sockets, timers and files through the
 * issueCommand upcall; a Node dgram peer talks to a UDP echo server living in XS.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodePlatform } from '../../../src/platform/node/index.ts';
import { createConsoleLogger } from '../../../src/platform/node/logger.ts';
import { LogLevel } from '../../../src/platform/types.ts';
import { createXsHostBridge, type XsHostBridge } from '../../../src/platform/xs-host/host.ts';
import { bundleForXs, XsWorker } from '../../../tools/xs/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const bridgeSuite = suite('platform/xs-host bridge in XS');
let worker: XsWorker;
let bridge: XsHostBridge;
let stateDir: string;
const lines: string[] = [];
const errors: unknown[] = [];

const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function until<T>(probe: () => Promise<T | null>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms; log:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

bridgeSuite.before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'tinyusp-xshost-'));
  const platform = createNodePlatform({ stateDir, logger: createConsoleLogger(LogLevel.Info, (l) => lines.push(l)) });
  bridge = createXsHostBridge({ platform, onError: (e) => errors.push(e) });
  worker = XsWorker.start({ onCommand: (req) => bridge.handleCommand(req) });
  await worker.loadBundle(await bundleForXs(join(HERE, 'fixture.ts')), 'fx');
  await worker.evaluate('fx.start()');
  bridge.attach((code) => worker.evaluate(code));
});

bridgeSuite.after(() => { bridge?.close(); worker?.close(); });

bridgeSuite('RFC 768 a UDP echo server inside XS answers a Node peer over real sockets', async () => {
  const port = await freePort();
  await worker.evaluate(`fx.startEcho(${port})`);
  const client = createSocket('udp4');
  const answers: Buffer[] = [];
  client.on('message', (m) => answers.push(m));
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
  const payloads = [Buffer.from('tinyusp'), Buffer.alloc(1200, 0xa5), Buffer.alloc(0)];
  // The host binds asynchronously: resend until the first echo shows the server is up.
  await until(async () => {
    client.send(payloads[0]!, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 20));
    return answers.length > 0 ? true : null;
  }, 3000);
  answers.length = 0;
  for (const p of payloads) client.send(p, port, '127.0.0.1');
  await until(async () => (answers.length >= payloads.length ? true : null), 3000);
  client.close();
  assert.equal(answers.map((a) => a.toString('hex')).sort(), payloads.map((p) => p.toString('hex')).sort());
  const { value: echoed } = await worker.call<number>('fx.stopEcho()');
  assert.ok(echoed >= payloads.length + 1);
  assert.equal(errors, []);
});

bridgeSuite('the platform self-test (storage, random, timer, UDP) passes inside XS through the bridge', async () => {
  const port = await freePort();
  await worker.evaluate(`fx.selfTest(${port})`);
  const failed = await until(async () => (await worker.call<number | null>('fx.selfTestResult()')).value, 5000);
  assert.is(failed, 0, lines.join('\n'));
  for (const part of ['storage', 'random', 'timer', 'udp']) assert.ok(lines.some((l) => l.includes(`self-test ${part} ok`)), part);
});

bridgeSuite('storage written from XS lands in the host store; random and clocks come from the host', async () => {
  const { value: keys } = await worker.call<string[]>('fx.store("xs-note", "from XS")');
  assert.ok(keys.includes('xs-note'));
  assert.is(readFileSync(join(stateDir, 'xs-note.kv'), 'utf8'), 'from XS');
  const a = (await worker.call<string>('fx.randomHex(16)')).value;
  const b = (await worker.call<string>('fx.randomHex(16)')).value;
  assert.is(a.length, 32);
  assert.is.not(a, b);
  const [now, wallKnown] = (await worker.call<[number, boolean]>('fx.clock()')).value;
  assert.ok(now > 0 && wallKnown);
});

bridgeSuite.run();
