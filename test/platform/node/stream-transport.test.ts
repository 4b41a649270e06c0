/**
 * Interop: the USP MQTT binding driven by the Node TCP/TLS driver against a real
 * mosquitto broker, with mosquitto_pub/mosquitto_sub (libmosquitto) as the
 * independent Controller-side peer, in MQTT 5.0 and 3.1.1. Records are checked with
 * protobufjs loading proto/usp-record.proto.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import protobuf from 'protobufjs';
import { MqttStreamDriver, type MqttTlsOptions } from '../../../src/platform/node/stream-transport.ts';
import { BindingState, MqttVersion, UspMqttBinding, type UspMqttConfig, type UspMqttEvent } from '../../../src/mtp/mqtt/index.ts';
import { ROOT } from '../../../tools/build/targets.ts';
import { publishWithPeer, startMosquitto, startSubscriber, type Broker } from '../../../tools/mosquitto/index.ts';

const AGENT = 'os::00256D-mqtt-agent';
const CONTROLLER = 'self::controller-1';
const Record = protobuf.loadSync(`${ROOT}/proto/usp-record.proto`).lookupType('usp_record.Record');

interface Decoded { version: string; toId: string; fromId: string; mqttConnect?: { version?: number; subscribedTopic: string }; disconnect?: { reason?: string; reasonCode?: number }; noSessionContext?: { payload: Uint8Array } }
function decode(hex: string): Decoded {
  return Record.toObject(Record.decode(Buffer.from(hex, 'hex')), { defaults: true }) as unknown as Decoded;
}
function noSessionRecord(to: string, from: string, payload: string): Uint8Array {
  return Record.encode(Record.fromObject({ version: '1.3', toId: to, fromId: from, noSessionContext: { payload: Buffer.from(payload) } })).finish();
}

class AgentRun {
  readonly events: UspMqttEvent[] = [];
  readonly errors: string[] = [];
  readonly binding: UspMqttBinding;
  readonly driver: MqttStreamDriver;
  private waiters: Array<() => void> = [];
  /** Echo every Record back to its reply topic, as the Agent would answer. */
  echo = true;

  constructor(config: UspMqttConfig, port: number, tls?: MqttTlsOptions) {
    this.binding = new UspMqttBinding(config);
    this.driver = new MqttStreamDriver(this.binding, {
      host: '127.0.0.1', port, tls,
      onError: (m) => { this.errors.push(m); },
      onService: () => {
        for (let e = this.binding.pollEvent(); e !== undefined; e = this.binding.pollEvent()) {
          this.events.push(e);
          if (e.kind === 'record' && this.echo && e.replyTopic !== undefined) {
            const got = Record.decode(e.bytes) as unknown as { noSessionContext: { payload: Uint8Array } };
            this.binding.sendRecord(noSessionRecord(CONTROLLER, AGENT, `echo:${Buffer.from(got.noSessionContext.payload).toString()}`), e.replyTopic);
          }
        }
        for (const w of this.waiters.splice(0)) w();
      },
    });
  }

  start(): void {
    this.binding.start(performance.now());
    this.driver.service();
  }

  async waitFor(kind: UspMqttEvent['kind'], ms = 5000, from = 0): Promise<UspMqttEvent> {
    const end = Date.now() + ms;
    for (;;) {
      for (let i = from; i < this.events.length; i++) if (this.events[i]!.kind === kind) return this.events[i]!;
      if (Date.now() > end) throw new Error(`no '${kind}' event; got ${JSON.stringify(this.events.map((e) => e.kind))} errors ${JSON.stringify(this.errors)}`);
      await Promise.race([new Promise<void>((r) => this.waiters.push(r)), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  stop(): void {
    this.binding.stop(performance.now(), 0, 'shutdown');
    this.driver.service();
    this.driver.close();
  }
}

function config(version: MqttVersion, over: Partial<UspMqttConfig> = {}, keepAliveS = 30): UspMqttConfig {
  const v5 = version === MqttVersion.V5;
  return {
    endpointId: AGENT,
    client: {
      version, clientId: '', keepAliveS, cleanStart: true, maximumPacketSize: 65_536, random: () => 0,
      retry: { connectRetryTimeS: 1, connectRetryIntervalMultiplier: 1000, connectRetryMaxIntervalS: 1 },
    },
    subscriptions: [{ topicFilter: v5 ? `usp/agent/${AGENT}` : `usp/agent/${AGENT}/#`, qos: 1 }],
    responseTopicConfigured: `usp/agent/${AGENT}`,
    publishQoS: 1,
    controllers: [{ endpointId: CONTROLLER, topic: 'usp/controller/c1' }],
    ...over,
  };
}

const mqtt = suite('platform/node/stream-transport');
let broker: Broker;
mqtt.before(async () => { broker = await startMosquitto({ tls: true, auth: ['usp-agent', 's3cret'] }); });
mqtt.after(async () => { await broker?.close(); });

mqtt('R-MQTT.13/R-MTP.6/R-MQTT.23/R-MQTT.27/R-MTP.7 MQTT 5.0: Connect Record, request→reply with Content Type usp.msg, Disconnect Record, clean DISCONNECT', async () => {
  const peer = await startSubscriber(broker.port, '5', 'usp/controller/c1');
  const agent = new AgentRun(config(MqttVersion.V5), broker.port);
  try {
    agent.start();
    const up = await agent.waitFor('up');
    assert.is(agent.binding.state, BindingState.UP);
    assert.ok(up.kind === 'up' && up.clientId.length > 0, 'R-MQTT.9 empty ClientId: mosquitto assigned one');
    const connectLine = await peer.next((l) => l.startsWith('usp/controller/c1|'));
    const [, ctype, resp, hex] = connectLine.split('|');
    assert.is(ctype, 'usp.msg');
    assert.is(resp, `usp/agent/${AGENT}`);
    const cr = decode(hex!);
    assert.is(cr.toId, CONTROLLER);
    assert.is(cr.fromId, AGENT);
    assert.is(cr.mqttConnect?.version, 1, 'MQTTConnectRecord version V5');
    assert.is(cr.mqttConnect?.subscribedTopic, `usp/agent/${AGENT}`);
    assert.ok(broker.log().includes(`as ${up.kind === 'up' ? up.clientId : ''} (p5, c1, k30)`), 'MQTT 5.0 CONNECT, Clean Start, Keep Alive 30');

    publishWithPeer(broker.port, '5', `usp/agent/${AGENT}`, noSessionRecord(AGENT, CONTROLLER, 'get-1'),
      [['response-topic', 'usp/controller/c1'], ['content-type', 'usp.msg']]);
    const rec = await agent.waitFor('record');
    assert.ok(rec.kind === 'record' && rec.replyTopic === 'usp/controller/c1', 'R-MQTT.26 reply topic = Response Topic');
    const reply = await peer.next((l) => decode(l.split('|')[3]!).noSessionContext !== undefined && decode(l.split('|')[3]!).noSessionContext!.payload.length > 0, 5000, 1);
    assert.is(reply.split('|')[1], 'usp.msg');
    assert.is(Buffer.from(decode(reply.split('|')[3]!).noSessionContext!.payload).toString(), 'echo:get-1');

    const before = peer.lines.length;
    agent.stop();
    const bye = decode((await peer.next((l) => decode(l.split('|')[3]!).disconnect !== undefined, 5000, before)).split('|')[3]!);
    assert.is(bye.disconnect?.reason, 'shutdown');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(broker.log().includes(`Received DISCONNECT from ${up.kind === 'up' ? up.clientId : ''}`), 'R-MQTT.35 DISCONNECT sent');
  } finally {
    peer.close();
    agent.driver.close();
  }
});

mqtt('R-MQTT.24/R-MQTT.25/R-MQTT.8 MQTT 3.1.1: Endpoint ID as ClientId, "/reply-to=" both ways', async () => {
  const peer = await startSubscriber(broker.port, '311', 'usp/controller/c1/#');
  const agent = new AgentRun(config(MqttVersion.V3_1_1), broker.port);
  try {
    agent.start();
    const up = await agent.waitFor('up');
    assert.ok(up.kind === 'up' && up.clientId === AGENT);
    const connectLine = await peer.next(() => true);
    assert.is(connectLine.split('|')[0], `usp/controller/c1/reply-to=usp%2Fagent%2F${AGENT}`);
    assert.is(decode(connectLine.split('|')[3]!).mqttConnect?.version, 0, 'MQTTConnectRecord version V3_1_1');
    publishWithPeer(broker.port, '311', `usp/agent/${AGENT}/reply-to=usp%2Fcontroller%2Fc1`, noSessionRecord(AGENT, CONTROLLER, 'get-2'));
    const rec = await agent.waitFor('record');
    assert.ok(rec.kind === 'record' && rec.replyTopic === 'usp/controller/c1');
    const reply = await peer.next((l) => decode(l.split('|')[3]!).noSessionContext !== undefined, 5000, 1);
    assert.is(Buffer.from(decode(reply.split('|')[3]!).noSessionContext!.payload).toString(), 'echo:get-2');
    agent.stop();
    await peer.next((l) => decode(l.split('|')[3]!).disconnect !== undefined, 5000, 1);
  } finally {
    peer.close();
    agent.driver.close();
  }
});

mqtt('R-MQTT.14 a 1 s Keep Alive sends PINGREQ and stays connected', async () => {
  const agent = new AgentRun(config(MqttVersion.V5, { client: { ...config(MqttVersion.V5, {}, 1).client, clientId: 'ka-agent' } }), broker.port);
  try {
    agent.start();
    await agent.waitFor('up');
    await new Promise((r) => setTimeout(r, 2300));
    const pings = broker.log().split('\n').filter((l) => l.includes('Received PINGREQ from ka-agent')).length;
    assert.ok(pings >= 2, `PINGREQs seen: ${pings}`);
    assert.is(agent.binding.state, BindingState.UP);
    assert.not.ok(agent.events.some((e) => e.kind === 'down'));
  } finally {
    agent.stop();
  }
});

mqtt('R-MQTT.33 broker restart: connection lost, reconnect after the retry interval, Connect Record again', async () => {
  const peer = await startSubscriber(broker.port, '5', 'usp/controller/c1');
  const agent = new AgentRun(config(MqttVersion.V5), broker.port);
  try {
    agent.start();
    await agent.waitFor('up');
    await broker.stop();
    peer.close();
    const down = await agent.waitFor('down');
    const t0 = performance.now();
    await broker.start();
    const peer2 = await startSubscriber(broker.port, '5', 'usp/controller/c1');
    try {
      const n = agent.events.length;
      await agent.waitFor('up', 8000, n);
      assert.ok(down.kind === 'down' && down.retryAt > 0);
      assert.ok(performance.now() - t0 < 8000);
      const cr = decode((await peer2.next(() => true, 5000)).split('|')[3]!);
      assert.ok(cr.mqttConnect !== undefined, 'R-MTP.8 Connect Record after the new connection');
    } finally {
      peer2.close();
    }
  } finally {
    peer.close();
    agent.stop();
  }
});

mqtt('R-MTP.1/R-MTP.4/R-MQTT.48 mqtts: the broker certificate verifies against the configured CA', async () => {
  const agent = new AgentRun(config(MqttVersion.V5), broker.tlsPort, { ca: broker.caPem, servername: 'localhost' });
  try {
    agent.start();
    await agent.waitFor('up');
    assert.equal(agent.errors, []);
  } finally {
    agent.stop();
  }
});

mqtt('R-MTP.4 mqtts: a broker certificate from an untrusted CA, or for another name, is refused and no Record flows', async () => {
  const cases: Array<[MqttTlsOptions, RegExp]> = [
    [{ ca: broker.untrustedCaPem, servername: 'localhost' }, /certificate|self.signed|verify/i],
    [{ ca: broker.caPem, servername: 'broker.example' }, /does not match|altnames/i],
  ];
  for (const [tls, why] of cases) {
    const agent = new AgentRun(config(MqttVersion.V5), broker.tlsPort, tls);
    try {
      agent.start();
      await agent.waitFor('down');
      assert.ok(agent.errors.some((m) => why.test(m)), JSON.stringify(agent.errors));
      assert.not.ok(agent.events.some((e) => e.kind === 'up'));
    } finally {
      agent.stop();
    }
  }
});

mqtt('R-MQTT.7 User Name and Password are sent in CONNECT; R-MQTT.10 a refusal (3.1.1 return code 5 / 5.0 0x87) enters the retry state', async () => {
  const good = new AgentRun(config(MqttVersion.V3_1_1, { client: { ...config(MqttVersion.V3_1_1).client, username: 'usp-agent', password: new TextEncoder().encode('s3cret') } }), broker.authPort);
  try {
    good.start();
    await good.waitFor('up');
  } finally {
    good.stop();
  }
  for (const version of [MqttVersion.V3_1_1, MqttVersion.V5]) {
    const bad = new AgentRun(config(version, { client: { ...config(version).client, username: 'usp-agent', password: new TextEncoder().encode('wrong') } }), broker.authPort);
    try {
      bad.start();
      const down = await bad.waitFor('down');
      // mosquitto answers 3.1.1 return code 5 "not authorized" (§3.2.2.3), 5.0 reason 0x87 "Not authorized" (§3.2.2.2).
      assert.ok(down.kind === 'down' && down.retryAt > 0 && down.reasonCode === (version === MqttVersion.V5 ? 0x87 : 5), JSON.stringify(down));
      assert.not.ok(bad.events.some((e) => e.kind === 'up'));
    } finally {
      bad.stop();
    }
  }
});

mqtt.run();
