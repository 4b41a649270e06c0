/**
 * Interop of the host agent's MQTT MTP (src/mtp/mqtt/mtp.ts, provision.ts) with
 * peers we did not write: Debian's mosquitto as the broker (started on a free loopback
 * port), the real `npm start -- --mqtt mqtt://127.0.0.1:<port> …` agent process, and the
 * npm `usp-js` Controller library (test/main/usp-js-controller.cjs, a child process)
 * driving Get, Set, Add, Delete, Operate (sync and async) and a ValueChange
 * Subscription with its Notify, in MQTT 5.0 and 3.1.1. mosquitto_sub (libmosquitto)
 * watches the Controller's topic for the MQTTConnectRecord and DisconnectRecord, decoded
 * with protobufjs. The project's own usp-ctl (--mqtt) checks both MTPs in one process.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { ROOT } from '../../../tools/build/targets.ts';
import { startMosquitto, startSubscriber, type Broker, type SubscriberPeer } from '../../../tools/mosquitto/index.ts';
import { main as uspCtl } from '../../../tools/usp-ctl/index.ts';
import { startAgentProcess, type AgentProcess } from '../../main/agent-process.ts';
import { checkSession, ok, runUspJs } from '../../main/usp-js-session.ts';

const Record = protobuf.loadSync(`${ROOT}/proto/usp-record.proto`).lookupType('usp_record.Record');
interface Decoded { toId: string; fromId: string; mqttConnect?: { version: number; subscribedTopic: string }; disconnect?: { reason: string; reasonCode: number } }
function decodeRecord(hex: string): Decoded {
  return Record.toObject(Record.decode(Buffer.from(hex, 'hex')), { defaults: false }) as unknown as Decoded;
}

/** `npm start` with --mqtt (test/main/agent-process.ts); resolves once it printed "tinyusp mqtt up". */
async function startAgent(args: string[], stateDir?: string): Promise<AgentProcess> {
  const a = await startAgentProcess(args, stateDir);
  const until = Date.now() + 15000;
  while (!a.stdout.includes('tinyusp mqtt up')) {
    if (Date.now() > until || a.proc.exitCode !== null) { await a.stop('SIGKILL'); throw new Error(`MQTT MTP not up: ${a.stderr}`); }
    await new Promise((r) => setTimeout(r, 25));
  }
  return a;
}

async function stopAgent(a: AgentProcess): Promise<number | null> {
  const code = await a.stop();
  rmSync(a.stateDir, { recursive: true, force: true });
  return code;
}

const AGENT5 = 'os::012345-mqtt5';
const AGENT311 = 'os::012345-mqtt311';
const USPJS = 'self::usp-js';

const mqtt = suite<{ broker: Broker }>('main/mqtt-mtp');

mqtt.before(async (ctx) => { ctx.broker = await startMosquitto({ log: false }); });
mqtt.after(async (ctx) => { await ctx.broker.close(); });

mqtt('R-MQTT.26 / R-MTP.6–9 npm start --mqtt (5.0) is managed by usp-js: Get, Set, Add, Delete, Operate, Subscription + Notify; Connect and Disconnect Records', async ({ broker }) => {
  const topic = 'usp/controller/usp-js';
  const watch: SubscriberPeer = await startSubscriber(broker.port, '5', topic);
  const agent = await startAgent(['--endpoint-id', AGENT5, '--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--controller', `${USPJS}=mqtt:${topic}`]);
  try {
    assert.ok(agent.stdout.includes(`tinyusp mqtt up usp/agent/${AGENT5} endpoint ${AGENT5}`), agent.stdout);
    // R-MTP.6: the MQTTConnectRecord, with our "reply to" Topic, to the configured Controller.
    const connect = decodeRecord((await watch.next((l) => l.startsWith(`${topic}|`))).split('|')[3]!);
    assert.equal([connect.toId, connect.fromId, connect.mqttConnect?.subscribedTopic], [USPJS, AGENT5, `usp/agent/${AGENT5}`]);
    assert.is(connect.mqttConnect?.version ?? 0, 1); // V5 (V3_1_1 = 0)
    checkSession(await runUspJs(broker.port, AGENT5, `usp/agent/${AGENT5}`, USPJS, topic, '5'), USPJS);
    // R-MTP.7/9: SIGTERM → DisconnectRecord to the Controller before DISCONNECT.
    const before = watch.lines.length;
    assert.is(await stopAgent(agent), 0);
    const line = await watch.next((l) => decodeRecord(l.split('|')[3]!).disconnect !== undefined, 5000, before);
    assert.is(line.split('|')[1], 'usp.msg'); // R-MQTT.27 Content Type
    assert.is(decodeRecord(line.split('|')[3]!).disconnect?.reason, 'agent shutting down');
  } finally {
    watch.close();
    await stopAgent(agent);
  }
});

mqtt('R-MQTT.24 / R-MQTT.25 --mqtt-version 3.1.1: usp-js (3.1.1, no "reply to") gets its answers on <topic>/reply-to=…', async ({ broker }) => {
  const topic = 'usp/controller/usp-js-311';
  const watch = await startSubscriber(broker.port, '311', `${topic}/#`);
  const agent = await startAgent([
    '--endpoint-id', AGENT311, '--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--mqtt-version', '3.1.1',
    '--mqtt-topic', 'usp/agents/tinyusp-311', '--controller', `${USPJS}=mqtt:${topic}`,
  ]);
  try {
    const line = await watch.next((l) => l.startsWith(`${topic}/reply-to=`));
    assert.is(line.split('|')[0], `${topic}/reply-to=usp%2Fagents%2Ftinyusp-311`);
    assert.is(decodeRecord(line.split('|')[3]!).mqttConnect?.version ?? 0, 0); // V3_1_1
    checkSession(await runUspJs(broker.port, AGENT311, 'usp/agents/tinyusp-311', USPJS, topic, '4'), USPJS);
  } finally {
    watch.close();
    await stopAgent(agent);
  }
});

mqtt('R-MQTT.26 zero configuration: `npm start -- --mqtt <url>` alone is managed by usp-js as the dev controller self::usp-ctl', async ({ broker }) => {
  const eid = 'os::012345-devctl';
  const agent = await startAgent(['--endpoint-id', eid, '--mqtt', `mqtt://127.0.0.1:${broker.port}`]);
  try {
    const steps = await runUspJs(broker.port, eid, `usp/agent/${eid}`, 'self::usp-ctl', 'usp/controller/self::usp-ctl', '5', true);
    assert.is((ok(steps, 'get') as Record<string, string>).SerialNumber, 'SIM000001');
    assert.is(ok(steps, 'get-after-set'), 'set by usp-js');
    ok(steps, 'done');
  } finally {
    await stopAgent(agent);
  }
});

mqtt('R-MQTT.48 / R-MTP.1 --mqtt mqtts:// with --mqtt-ca: the agent and usp-ctl both verify the broker certificate', async () => {
  const tlsBroker = await startMosquitto({ tls: true, log: false });
  const ca = join(tlsBroker.dir, 'ca-copy.pem');
  writeFileSync(ca, tlsBroker.caPem);
  const eid = 'os::012345-tls';
  const url = `mqtts://localhost:${tlsBroker.tlsPort}`;
  let agent: AgentProcess | undefined;
  try {
    agent = await startAgent(['--endpoint-id', eid, '--mqtt', url, '--mqtt-ca', ca]);
    const r = await ctl(['get', 'Device.MQTT.Client.1.TransportProtocol', 'Device.MQTT.Client.1.BrokerPort', '--mqtt', url, '--mqtt-ca', ca, '--agent-id', eid, '--timeout', '5000']);
    assert.equal([r.code, r.out], [0, ['Device.MQTT.Client.1.TransportProtocol = TLS', `Device.MQTT.Client.1.BrokerPort = ${tlsBroker.tlsPort}`]], r.err.join('\n'));
  } finally {
    if (agent !== undefined) await stopAgent(agent);
    await tlsBroker.close();
  }
});

/** usp-ctl in-process: exit code and output lines. */
async function ctl(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await uspCtl(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

mqtt('R-MTP.5 / R-MQTT.23 usp-ctl --mqtt and CoAP against one agent process: responses on the MTP of the request, Notify on the Controller\'s MQTT MTP', async ({ broker }) => {
  const eid = 'os::012345-both';
  const agent = await startAgent(['--endpoint-id', eid, '--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--controller', 'self::usp-ctl=mqtt:usp/controller/self::usp-ctl']);
  const coap = agent.uri;
  const viaMqtt = ['--mqtt', `mqtt://127.0.0.1:${broker.port}`, '--agent-id', eid, '--timeout', '5000'];
  try {
    const m = await ctl(['get', 'Device.DeviceInfo.SerialNumber', 'Device.LocalAgent.SupportedProtocols', ...viaMqtt]);
    assert.equal([m.code, m.out], [0, ['Device.DeviceInfo.SerialNumber = SIM000001', 'Device.LocalAgent.SupportedProtocols = CoAP,MQTT']], m.err.join('\n'));
    // MTP.1 is the plain CoAP MTP this request came in on (Up since mtp/coap/provision.ts), MTP.2 the MQTT one.
    const c = await ctl(['get', 'Device.LocalAgent.MTP.*.Status', '--agent', coap, '--agent-id', eid, '--timeout', '5000']);
    assert.equal([c.code, c.out], [0, ['Device.LocalAgent.MTP.1.Status = Up', 'Device.LocalAgent.MTP.2.Status = Up']], c.err.join('\n'));
    // ValueChange subscription made over CoAP; the Notify travels on the Controller's MQTT MTP.
    const listen = ctl(['listen', '--count', '1', ...viaMqtt]);
    await new Promise((r) => setTimeout(r, 300));
    const sub = await ctl(['subscribe', 'ValueChange', 'Device.DeviceInfo.FriendlyName', '--id', 'both-vc', '--agent', coap, '--agent-id', eid]);
    assert.is(sub.code, 0, sub.err.join('\n'));
    const set = await ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=over MQTT', ...viaMqtt]);
    assert.is(set.code, 0, set.err.join('\n'));
    const heard = await listen;
    assert.equal([heard.code, heard.out], [0, ['[both-vc] ValueChange Device.DeviceInfo.FriendlyName = over MQTT']]);
    // R-MQTT.34: a Subscription row added by a Controller is subscribed at once; deleted, unsubscribed.
    const add = await ctl(['add', 'Device.MQTT.Client.1.Subscription.', 'Topic=usp/agent/extra', 'QoS=1', 'Enable=true', ...viaMqtt]);
    assert.is(add.code, 0, add.err.join('\n'));
    const row = add.out[0]!.replace('created ', '');
    const extra = await ctl(['get', 'Device.MQTT.Client.1.SubscriptionNumberOfEntries', ...viaMqtt, '--agent-topic', 'usp/agent/extra']);
    assert.equal([extra.code, extra.out], [0, ['Device.MQTT.Client.1.SubscriptionNumberOfEntries = 2']], extra.err.join('\n'));
    const del = await ctl(['delete', row, ...viaMqtt]);
    assert.is(del.code, 0, del.err.join('\n'));
    const gone = await ctl(['get', 'Device.DeviceInfo.SerialNumber', ...viaMqtt, '--agent-topic', 'usp/agent/extra', '--timeout', '700']);
    assert.is(gone.code, 1);
    assert.match(gone.err.join('\n'), /no response/);
  } finally {
    await stopAgent(agent);
  }
});

mqtt('issue #19 / R-ARC.8 the MQTT Username/Password a Controller set survive a restart with the same --mqtt (options are factory defaults)', async () => {
  const authBroker = await startMosquitto({ log: false, auth: ['ctl-user', 'ctl-pass'] });
  const eid = 'os::012345-creds';
  const args = ['--endpoint-id', eid, '--mqtt', `mqtt://wrong:wrong@127.0.0.1:${authBroker.authPort}`];
  let agent = await startAgentProcess(args);
  const stateDir = agent.stateDir;
  try {
    assert.not.ok(agent.stdout.includes('tinyusp mqtt up'), 'the broker refuses the options\' credentials');
    const on = ['--agent', agent.uri, '--agent-id', eid, '--timeout', '5000'];
    const set = await ctl(['set', 'Device.MQTT.Client.1.', 'Username=ctl-user', 'Password=ctl-pass', ...on]);
    assert.is(set.code, 0, set.err.join('\n'));
    await agent.stop();
    agent = await startAgent(args, stateDir);
    assert.ok(agent.stdout.includes(`tinyusp mqtt up usp/agent/${eid}`), 'CONNECT carried the Controller\'s credentials');
    const u = await ctl(['get', 'Device.MQTT.Client.1.Username', '--agent', agent.uri, '--agent-id', eid, '--timeout', '5000']);
    assert.equal(u.out, ['Device.MQTT.Client.1.Username = ctl-user']);
  } finally {
    await stopAgent(agent);
    rmSync(stateDir, { recursive: true, force: true });
    await authBroker.close();
  }
});

mqtt.run();
