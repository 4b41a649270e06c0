/**
 * `npm run test:moddable:mqtt`: the MQTT MTP of the Moddable app, in the simulator, over
 * ECMA-419 TCP and the SDK's TLS 1.2 socket (platform/moddable/stream-transport.ts), with
 * Debian's mosquitto as the broker (plain and TLS listeners, tools/mosquitto) and the
 * agent managed by usp-ctl (tools/usp-ctl) and by the npm usp-js library (the session
 * test/mtp/mqtt/mtp.test.ts drives on the host: test/main/usp-js-session.ts) — issue #14,
 * docs/device.md#security-and-mtps-on-the-device.
 *
 * Runs: (1) plain CoAP only, for the baseline heap; (2) MQTT 5.0 over TCP: usp-ctl, the
 * usp-js session, 100 Gets (round trips, live heap after Debug.gc()), the broker stopped
 * and restarted (the agent backs off and reconnects); (3) MQTT 3.1.1 over TLS (the
 * broker's CA as the usp-mqtt-ca.pem resource): usp-ctl over the TLS listener, usp-js
 * over the plain one, the broker named `localhost` (its certificate's dNSName); the broker by
 * this machine's host name when it resolves to 127.0.0.1 (Net.resolve); (4) TLS with a CA that did not sign the broker: refused, the app
 * stays up and reports Device.MQTT.Client.1.Status over CoAP. One verdict line.
 *
 *   npm run test:moddable:mqtt -- [--creation esp32|class2|heap=…,chunk=…,stack=…] [--display <n>] [--out <dir>] [--verbose]
 *
 * Without $MODDABLE it prints "skipped: …" and exits 0.
 */
import { lookup } from 'node:dns/promises';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { getMsg } from '../../src/usp/index.ts';
import { MqttVersion } from '../../src/mqtt/index.ts';
import { startMosquitto, type Broker } from '../mosquitto/index.ts';
import { UspController } from '../usp-ctl/controller.ts';
import { checkSession, runUspJs } from '../../test/main/usp-js-session.ts';
import { describeCreation } from './creation.ts';
import { ctl, mtpCheckUsage, parseMtpCheckArgs } from './mtp-check-options.ts';
import { baselineHeap, buildMtpApp, freeUdpPort, heapDelta, heapText, percentiles, SimRun, Steps } from './mtp-sim.ts';
import { findSdk, type Sdk } from './sdk.ts';
import type { HeapSample } from './sim-log.ts';
import { VirtualDisplay } from './simulator.ts';

const AGENT_ID = 'os::0A1B2C-SIM000001';
const AGENT_TOPIC = `usp/agent/${AGENT_ID}`;
const CTL = 'self::usp-ctl';
const CTL_TOPIC = `usp/controller/${CTL}`;
const USPJS = 'self::usp-js';
const USPJS_TOPIC = 'usp/controller/usp-js';
const REQUESTS = 100;

/** This machine's host name when it resolves (IPv4) to 127.0.0.1, where mosquitto listens. */
async function loopbackName(): Promise<string | undefined> {
  const name = hostname();
  try {
    const a = await lookup(name, { family: 4 });
    return a.address === '127.0.0.1' && name !== 'localhost' ? name : undefined;
  } catch { return undefined; }
}

function expectLines(got: string[], want: string[]): string {
  for (const w of want) if (!got.includes(w)) throw new Error(`missing "${w}" in ${got.join(' | ')}`);
  return want.join(', ');
}

export async function runMqttCheck(sdk: Sdk, argv: readonly string[]): Promise<number> {
  const o = parseMtpCheckArgs(argv, 'mqtt');
  if (typeof o === 'string') { console.error(`${o}\n${mtpCheckUsage('test:moddable:mqtt')}`); return 2; }
  if (o.build !== 'full') { console.error('the MQTT check needs the full build (the coaps build has no MQTT)'); return 2; }
  if (!VirtualDisplay.available()) { console.error('needs Xvfb and stdbuf: apt-get install xvfb coreutils'); return 1; }
  await buildAll();
  const steps = new Steps();
  const broker: Broker = await startMosquitto({ tls: true, log: false });
  const caFile = join(broker.dir, 'ca.pem');
  const otherCaFile = join(broker.dir, 'other-ca.pem');
  writeFileSync(otherCaFile, broker.untrustedCaPem);
  const controllers = `${CTL}=mqtt:${CTL_TOPIC};${USPJS}=mqtt:${USPJS_TOPIC}`;
  const display = await VirtualDisplay.start(o.display);
  const heaps: string[] = [];
  console.log(`mqtt check: creation ${describeCreation(o.creation)}; mosquitto ${broker.port} (TLS ${broker.tlsPort})`);
  let run: SimRun | null = null;
  /** Builds and starts one app; resolves once its MQTT MTP is up (or, with `down`, once it failed). */
  const start = async (name: string, config: Record<string, unknown>, data?: Record<string, string>): Promise<SimRun> => {
    const app = buildMtpApp({ sdk, out: o.out, name, creation: o.creation, config: { coapPort: await freeUdpPort(), controller: controllers, ...config }, state: join(o.out, `state-${name}`), ...(data !== undefined ? { data } : {}) });
    if (app === null) throw new Error(`${name}: the app did not build`);
    run = await SimRun.start({ sdk, app, display: display.name, verbose: o.verbose });
    return run;
  };
  try {
    let base: HeapSample | undefined;
    await steps.step('baseline: plain CoAP only, heap after boot', async () => {
      base = await baselineHeap({ sdk, out: o.out, creation: o.creation, display: display.name, verbose: o.verbose, controllers: [CTL, USPJS] });
      heaps.push(`plain CoAP only, after boot: ${heapText(base)}`);
      return heapText(base);
    });

    // ---- MQTT 5.0 over TCP ----
    let r = await start('tinyusp-mqtt5', { mqtt: `mqtt://127.0.0.1:${broker.port}` });
    await steps.step('R-MQTT.6 MQTT 5.0 over ECMA-419 TCP: connected, subscribed, Connect Record sent', async () => {
      const m = await r.line(/tinyusp mqtt up (\S+)/, 60_000);
      return `reply-to ${m[1]}`;
    });
    const up5 = await r.heap();
    heaps.push(`MQTT 5.0 session up: ${heapText(up5)}${base !== undefined ? ` (+${heapDelta(base, up5)} over plain CoAP)` : ''}`);
    await steps.step('usp-ctl over MQTT 5.0: the MQTT rows', async () => expectLines(
      await r.guard(ctl(['get', 'Device.MQTT.Client.1.Status', 'Device.LocalAgent.MTP.2.Status', 'Device.LocalAgent.MTP.2.Protocol', '--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--timeout', '15000'])),
      ['Device.MQTT.Client.1.Status = Connected', 'Device.LocalAgent.MTP.2.Status = Up', 'Device.LocalAgent.MTP.2.Protocol = MQTT']));
    await steps.step('usp-js (MQTT 5.0): Get, Set, Subscription + Notify, Add, GetInstances, Delete, Operate (sync, async), MQTT rows, error', async () => {
      checkSession(await r.guard(runUspJs(broker.port, AGENT_ID, AGENT_TOPIC, USPJS, USPJS_TOPIC, '5')), USPJS);
      return 'every step ok';
    });
    await steps.step(`${REQUESTS} Gets over MQTT 5.0, twice: round trips, and the live heap flat between the batches`, async () => {
      const c = await UspController.open({ agentUri: '', agentId: AGENT_ID, endpointId: CTL, timeoutMs: 15_000,
        mqtt: { url: `mqtt://127.0.0.1:${broker.port}`, topic: CTL_TOPIC, version: MqttVersion.V5, agentTopic: AGENT_TOPIC } });
      const ms: number[] = [];
      const after: HeapSample[] = [];
      let peak: HeapSample | undefined;
      try {
        for (let batch = 0; batch < 2; batch++) {
          for (let i = 0; i < REQUESTS; i++) {
            const t0 = performance.now();
            await r.guard(c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.', 'Device.LocalAgent.MTP.'] })));
            ms.push(performance.now() - t0);
            const s = r.log.samples[r.log.samples.length - 1];
            if (s !== undefined && (peak === undefined || s.slotBytes > peak.slotBytes)) peak = s;
          }
          after.push(await r.heap());
        }
      } finally { c.close(); }
      heaps.push(`after ${REQUESTS} Gets over MQTT: ${heapText(after[0]!)}; after ${REQUESTS} more: ${heapText(after[1]!)} (${heapDelta(after[0]!, after[1]!)}); largest live heap sampled during them: ${peak !== undefined ? heapText(peak) : '—'}`);
      console.log(`mqtt round trip (Moddable simulator, Get of DeviceInfo + LocalAgent.MTP, MQTT 5.0 via mosquitto): ${percentiles(ms)}`);
      return `${percentiles(ms)}; second batch ${heapDelta(after[0]!, after[1]!)}`;
    });
    await steps.step('R-MQTT.10 the broker goes away: the agent backs off and reconnects when it is back', async () => {
      const mark = r.lines.length;
      await broker.stop();
      const down = await r.line(/MQTT down \(reason (-?\d+)\); retry in (\d+) ms/, 30_000, mark);
      await broker.start();
      await r.line(/tinyusp mqtt up/, 120_000, mark);
      const got = await r.guard(ctl(['get', 'Device.MQTT.Client.1.Status', '--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--timeout', '15000']));
      expectLines(got, ['Device.MQTT.Client.1.Status = Connected']);
      return `down (reason ${down[1]}), first retry after ${down[2]} ms, up again`;
    });
    await r.stop();
    run = null;

    // ---- the broker by a name Net.resolve answers ----
    const name = await loopbackName();
    if (name === undefined) console.log(`skipped: broker by host name — ${hostname()} does not resolve to 127.0.0.1 here (mosquitto listens there only)`);
    else {
      r = await start('tinyusp-mqtt-name', { mqtt: `mqtt://${name}:${broker.port}` });
      await steps.step(`the broker by host name (mqtt://${name}: Net.resolve → 127.0.0.1)`, async () => {
        const m = await r.line(/tinyusp mqtt up (\S+)/, 60_000);
        return `reply-to ${m[1]}`;
      });
      await r.stop();
      run = null;
    }

    // ---- MQTT 3.1.1 over TLS ----
    // By name: the SDK checks "localhost" against the certificate's SAN dNSName (RFC 6761 §6.3: no resolver asked).
    r = await start('tinyusp-mqtts', { mqtt: `mqtts://localhost:${broker.tlsPort}`, mqttVersion: '3.1.1' }, { 'usp-mqtt-ca.pem': caFile });
    await steps.step('R-MQTT.3/R-MTP.1 MQTT 3.1.1 over the SDK TLS 1.2 socket to mqtts://localhost, the broker certificate (SAN DNS:localhost) checked against usp-mqtt-ca.pem', async () => {
      const m = await r.line(/tinyusp mqtt up (\S+)/, 60_000);
      return `reply-to ${m[1]}`;
    });
    const upTls = await r.heap();
    heaps.push(`MQTT 3.1.1 over TLS up: ${heapText(upTls)}${base !== undefined ? ` (+${heapDelta(base, upTls)} over plain CoAP)` : ''}`);
    await steps.step('usp-ctl over the TLS listener (3.1.1): TransportProtocol TLS, Connected', async () => expectLines(
      await r.guard(ctl(['get', 'Device.MQTT.Client.1.TransportProtocol', 'Device.MQTT.Client.1.Status', 'Device.MQTT.Client.1.ProtocolVersion',
        '--mqtt', `mqtts://127.0.0.1:${broker.tlsPort}`, '--mqtt-ca', caFile, '--mqtt-version', '3.1.1', '--timeout', '15000'])),
      ['Device.MQTT.Client.1.TransportProtocol = TLS', 'Device.MQTT.Client.1.Status = Connected', 'Device.MQTT.Client.1.ProtocolVersion = 3.1.1']));
    await steps.step('usp-js (3.1.1, plain listener) manages the agent connected over TLS: the whole session', async () => {
      checkSession(await r.guard(runUspJs(broker.port, AGENT_ID, AGENT_TOPIC, USPJS, USPJS_TOPIC, '4')), USPJS);
      return 'every step ok';
    });
    await r.stop();
    run = null;

    // ---- a CA that did not sign the broker ----
    const coapPort = await freeUdpPort();
    r = await start('tinyusp-mqtts-bad', { coapPort, mqtt: `mqtts://127.0.0.1:${broker.tlsPort}` }, { 'usp-mqtt-ca.pem': otherCaFile });
    await steps.step('R-MTP.1 a broker certificate the CA did not sign is refused; the app stays up and says so over CoAP', async () => {
      const m = await r.line(/MQTT down \(reason -?\d+\); retry in (\d+) ms/, 60_000);
      const c = await UspController.open({ agentUri: `coap://127.0.0.1:${coapPort}/usp`, agentId: AGENT_ID, endpointId: CTL, timeoutMs: 15_000 });
      try {
        const got = await r.guard(c.request((id) => getMsg(id, { param_paths: ['Device.MQTT.Client.1.Status'] })));
        const status = JSON.stringify(got.body);
        if (!status.includes('Error')) throw new Error(status);
        return `refused, retry in ${m[1]} ms; Status ${/"(Error[^"]*)"/.exec(status)?.[1] ?? '?'}`;
      } finally { c.close(); }
    });
  } catch (e) {
    await steps.step('the simulator stays up', () => Promise.reject(e));
  } finally {
    await (run as SimRun | null)?.stop();
    await display.stop();
    await broker.close();
  }
  for (const h of heaps) console.log(`heap (Moddable simulator, live after Debug.gc(), 32-byte slots): ${h}`);
  const failed = steps.failed;
  console.log(failed === 0 ? `mqtt check: PASS — ${steps.results.length} steps in the simulator (${describeCreation(o.creation)})`
    : `mqtt check: FAIL — ${failed} of ${steps.results.length} steps failed (${describeCreation(o.creation)})`);
  return failed === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const sdk = findSdk();
  if ('missing' in sdk) { console.log(`skipped: ${sdk.missing}`); return 0; }
  return runMqttCheck(sdk, process.argv.slice(2));
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
