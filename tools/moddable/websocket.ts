/**
 * The WebSocket MTP on the device side, run in the Moddable simulator against the npm
 * `ws` package (TR-369 "WebSocket Binding"; TP-469 chapter 7 by number):
 *
 *   MODDABLE=/path/to/moddable npx tsx tools/moddable/websocket.ts     (npm run test:moddable-ws)
 *
 * It builds the app (manifest.json) through a wrapper manifest that gives the simulator
 * an agent-sized XS heap and stack (manifest.json sizes only the ESP32, MODDABLE.md) with
 * `wsPort=<free port>` and `controller=self::ws-peer=ws://127.0.0.1:<peer port>/usp`,
 * its own Preference root and output directory (mkdtemp), runs `make build` on the
 * generated makefile (never mcconfig -m: its default target kills every mcsim on the
 * machine), starts `mcsim` itself under $DISPLAY (or xvfb-run) and stops it by its PID.
 * A `ws` WebSocketServer is the Controller the agent dials; a `ws` client then opens a
 * session on the agent's own listener; Records are protobufjs's (test/mtp/websocket).
 *
 * Without $MODDABLE it prints `skipped: …` and exits 0. Exit 1 on the first failed check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { buildAll } from '../build/index.ts';
import { ROOT } from '../build/targets.ts';
import { WsController, encodeRecord } from '../../test/mtp/websocket/ws-controller.ts';

const AGENT = 'os::0A1B2C-SIM000001';
const PEER = 'self::ws-peer';

function sdkBin(): string | { missing: string } {
  const sdk = process.env.MODDABLE;
  if (!sdk) return { missing: 'no Moddable SDK ($MODDABLE unset)' };
  const bin = join(sdk, 'build', 'bin', 'lin', 'release');
  if (process.platform !== 'linux') return { missing: 'the simulator run is scripted for Linux (lin) only' };
  if (!existsSync(join(bin, 'mcconfig')) || !existsSync(join(bin, 'mcsim'))) return { missing: `no mcconfig/mcsim in ${bin}` };
  return bin;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0)); });
  });
}

function find(dir: string, name: string): string | undefined {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (n === name) return p;
    if (statSync(p).isDirectory()) { const f = find(p, name); if (f !== undefined) return f; }
  }
  return undefined;
}

const until = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timeout: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function run(bin: string): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'tinyusp-mc-ws-'));
  const prefs = join(work, 'prefs');
  const out = join(work, 'out');
  const app = join(work, 'wsagent');
  for (const d of [prefs, out, app]) mkdirSync(d);
  const [peerPort, wsPort] = [await freePort(), await freePort()];
  const coapPort = await freePort();
  writeFileSync(join(app, 'manifest.json'), JSON.stringify({
    include: [join(ROOT, 'manifest.json')],
    // The app's own creation is for the ESP32; the simulator needs room for the agent (MODDABLE.md "Stack", "Heap of the app").
    creation: { static: 0, chunk: { initial: 1048576, incremental: 65536 }, heap: { initial: 16384, incremental: 1024 }, stack: 1024, keys: { initial: 256, incremental: 64, name: 127, symbol: 7 } },
  }, null, 2));
  await buildAll();
  const env = { ...process.env, PATH: `${process.env.PATH}:${bin}` };
  const cfg = ['board=sim', `coapPort=${coapPort}`, `wsPort=${wsPort}`, `controller=${PEER}=ws://127.0.0.1:${peerPort}/usp`, `file.root=${prefs}/`];
  console.log(`mcconfig -d -p lin -o ${out} ${cfg.join(' ')}`);
  if (spawnSync(join(bin, 'mcconfig'), ['-d', '-p', 'lin', '-o', out, 'manifest.json', ...cfg], { cwd: app, env, stdio: 'inherit' }).status !== 0) return 1;
  const makefile = find(join(out, 'tmp'), 'makefile');
  if (makefile === undefined) { console.error('tinyusp: mcconfig wrote no makefile'); return 1; }
  console.log('make build (the makefile\'s build target only: its default target runs pkill mcsim)');
  const made = spawnSync('nice', ['-n', '10', 'make', '-j2', '-f', makefile, 'build'], { cwd: join(makefile, '..'), env, encoding: 'utf8' });
  if (made.status !== 0) { console.error(`${made.stdout}\n${made.stderr}`); return 1; }
  const so = find(join(out, 'bin'), 'mc.so');
  if (so === undefined) { console.error('tinyusp: no mc.so built'); return 1; }

  const sessions: WsController[] = [];
  const wss = new WebSocketServer({ port: peerPort, host: '127.0.0.1', handleProtocols: (p) => (p.has('v1.usp') ? 'v1.usp' : false) });
  const urls: string[] = [];
  wss.on('connection', (ws, req) => { urls.push(req.url ?? ''); sessions.push(new WsController(ws, PEER, AGENT)); });
  const headless = !process.env.DISPLAY;
  const argv = [...(headless ? ['xvfb-run', '-a'] : []), 'stdbuf', '-oL', join(bin, 'mcsim'), so];
  console.log(`${argv.join(' ')}${headless ? '' : ` (DISPLAY=${process.env.DISPLAY})`}`);
  const sim = spawn(argv[0]!, argv.slice(1), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const take = (d: Buffer): void => { log += d.toString('utf8'); };
  sim.stdout.on('data', take);
  sim.stderr.on('data', take);
  /** The next `instruments:` line the debug build prints (about once a second, no debugger attached). */
  const instruments = async (): Promise<string> => {
    const seen = [...log.matchAll(/instruments: [\d,]+/g)].length;
    await until(() => [...log.matchAll(/instruments: [\d,]+/g)].length > seen, 5000, 'an instruments line');
    const key = /instruments key: (.*)/.exec(log)?.[1]?.split(',') ?? [];
    const last = [...log.matchAll(/instruments: ([\d,]+)/g)].at(-1)?.[1]?.split(',') ?? [];
    const v = (name: string): string => last[key.indexOf(name)] ?? '?';
    return `slots used ${v('Slot used')} B, chunks used ${v('Chunk used')} B, sockets ${v('Network sockets')} (64-bit simulator: 32 B slots; sampled, no GC forced)`;
  };
  let failed = 0;
  const check = (ok: boolean, what: string): void => { console.log(`moddable ws: ${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failed++; };
  try {
    await until(() => /tinyusp ws listening/.test(log), 60_000, `the agent's listener (simulator output:\n${log})`);
    console.log(`moddable ws: agent up: ${await instruments()}`);
    await until(() => sessions.length > 0, 20_000, 'the agent dialing the ws peer');
    const dialed = sessions[0]!;
    check(urls[0] === '/usp?eid=os%3A%3A0A1B2C-SIM000001', `R-WS.5/R-WS.10b the agent dials with its eid in the query (${urls[0]})`);
    await dialed.until(() => dialed.records.length > 0);
    check(dialed.records[0]?.websocketConnect !== undefined, 'TP-469 7.10 a WebSocketConnectRecord first');
    const get = await dialed.request('GET', 'get', { paramPaths: ['Device.DeviceInfo.SerialNumber'] });
    check(JSON.stringify(get).includes('SIM000001'), 'TP-469 7.1 Get over the session the agent opened');
    const rec = encodeRecord(PEER, AGENT, { header: { msgId: 'frag', msgType: 'GET' }, body: { request: { get: { paramPaths: ['Device.DeviceInfo.Manufacturer'] } } } });
    const third = Math.floor(rec.length / 3);
    const before = dialed.records.length;
    dialed.ws.send(rec.subarray(0, third), { fin: false });
    dialed.ws.send(rec.subarray(third, 2 * third), { fin: false });
    dialed.ws.send(rec.subarray(2 * third), { fin: true });
    await dialed.until(() => dialed.records.length > before);
    check(dialed.records.length > before, 'R-WS.14b a Record in three fragments is answered (the SDK websocket module cannot)');
    const pong = new Promise<string>((r) => dialed.ws.once('pong', (d: Buffer) => r(d.toString())));
    dialed.ws.ping(Buffer.from('tp469'));
    check(await Promise.race([pong, new Promise<string>((r) => setTimeout(() => r(''), 3000))]) === 'tp469', 'TP-469 7.7 Ping answered with its payload');
    console.log(`moddable ws: one session open: ${await instruments()}`);

    // R-WS.6: the same Controller on the agent's listener replaces the agent's own session (R-WS.4, TP-469 7.2).
    const client = await WsController.connect(`ws://127.0.0.1:${wsPort}/usp?eid=${encodeURIComponent(PEER)}`, PEER, AGENT);
    check(await Promise.race([dialed.closed, new Promise<number>((r) => setTimeout(() => r(0), 5000))]) === 1000, 'R-WS.4 / TP-469 7.2 the dialed session closes when the Controller opens its own');
    const got = await client.request('GET', 'get', { paramPaths: ['Device.LocalAgent.MTP.*.WebSocket.Port'] });
    check(JSON.stringify(got).includes(`"Port":"${wsPort}"`), `R-WS.6 Get over a session on the agent's listener (port ${wsPort})`);
    const big = new Uint8Array(70_000);
    client.ws.send(big);
    check(await Promise.race([client.closed, new Promise<number>((r) => setTimeout(() => r(0), 5000))]) === 1009, 'RFC 6455 §10.4 a 70 000-byte message (64-bit length) above the 16 KiB Record bound is closed with 1009');
    await until(() => sessions.length > 1, 15_000, 'the agent dialing again once the Controller\'s session ended (R-WS.4)');
    check(true, 'R-WS.4 the agent dials again once the Controller\'s own session has ended');
    const again = sessions[1]!;
    await again.until(() => again.records.length > 0);
    again.ws.send(Buffer.from([0xff, 0xff, 0xff]));
    check(await Promise.race([again.closed, new Promise<number>((r) => setTimeout(() => r(0), 5000))]) === 1003, 'TP-469 7.6 R-WS.16 a malformed Record closes with 1003');
  } catch (e) {
    console.error(`moddable ws: FAIL ${(e as Error).message}`);
    failed++;
  } finally {
    try { process.kill(-sim.pid!, 'SIGTERM'); } catch { /* gone */ }
    wss.close();
    if (failed === 0) rmSync(work, { recursive: true, force: true });
    else console.error(`simulator output and build kept in ${work}:\n${log.split('\n').filter((l) => !l.startsWith('instruments')).slice(-40).join('\n')}`);
  }
  console.log(failed === 0 ? 'moddable ws: passed' : `moddable ws: ${failed} check(s) failed`);
  return failed === 0 ? 0 : 1;
}

const bin = sdkBin();
if (typeof bin !== 'string') {
  console.log(`skipped: ${bin.missing}`);
} else {
  run(bin).then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
}

