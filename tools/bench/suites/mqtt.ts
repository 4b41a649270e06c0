/**
 * MQTT MTP: publish → receive round trips through a real mosquitto on loopback, the
 * USP binding echoing every Record to its reply Topic (sequential: latency p50/p99;
 * pipelined 32 deep: requests/s), for MQTT 5.0 and 3.1.1 at PublishQoS 0 and 1; plus
 * the codec on Node and the cost of one received PUBLISH inside XS.
 */
import { join } from 'node:path';
import { MqttClient, MqttVersion, UspMqttBinding, type MqttClientConfig } from '../../../src/mtp/mqtt/index.ts';
import { PacketView } from '../../../src/mqtt/packet-view.ts';
import { PacketWriter } from '../../../src/mqtt/packet-writer.ts';
import { emitPublish } from '../../../src/mqtt/packets.ts';
import { MqttStreamDriver } from '../../../src/platform/node/stream-transport.ts';
import { ROOT } from '../../build/targets.ts';
import { startMosquitto, type Broker } from '../../mosquitto/index.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';
import { fmtRate, opsPerSecond } from '../measure.ts';

const RECORD = new Uint8Array(200).fill(0x5a);
const AGENT_TOPIC = 'usp/agent/bench';
const CTRL_TOPIC = 'usp/controller/bench';

function clientConfig(version: MqttVersion, clientId: string): MqttClientConfig {
  return { version, clientId, keepAliveS: 60, cleanStart: true, maximumPacketSize: 65_536, random: Math.random, maxInflight: 64 };
}

async function roundTrips(broker: Broker, version: MqttVersion, qos: 0 | 1): Promise<void> {
  const v5 = version === MqttVersion.V5;
  const agent = new UspMqttBinding({
    endpointId: 'os::00256D-bench', client: clientConfig(version, 'bench-agent'),
    subscriptions: [{ topicFilter: v5 ? AGENT_TOPIC : `${AGENT_TOPIC}/#`, qos }], responseTopicConfigured: AGENT_TOPIC,
    publishQoS: qos, controllers: [],
  });
  let agentUp = false;
  const agentDriver = new MqttStreamDriver(agent, {
    host: '127.0.0.1', port: broker.port,
    onService: () => {
      for (let e = agent.pollEvent(); e !== undefined; e = agent.pollEvent()) {
        if (e.kind === 'up') agentUp = true;
        if (e.kind === 'record' && e.replyTopic !== undefined) agent.sendRecord(e.bytes, e.replyTopic);
      }
    },
  });
  const peer = new MqttClient(clientConfig(version, 'bench-controller'));
  let peerUp = false;
  let received = 0;
  let wake: (() => void) | undefined;
  const peerDriver = new MqttStreamDriver(peer, {
    host: '127.0.0.1', port: broker.port,
    onService: () => {
      for (let e = peer.pollEvent(); e !== undefined; e = peer.pollEvent()) {
        if (e.kind === 'connected') peer.subscribe([{ topicFilter: v5 ? CTRL_TOPIC : `${CTRL_TOPIC}/#`, qos }]);
        if (e.kind === 'subscribed') peerUp = true;
        if (e.kind === 'message') received++;
      }
      wake?.();
    },
  });
  const tick = (): Promise<void> => new Promise((r) => { wake = r; setTimeout(r, 100); });
  agent.start(performance.now());
  agentDriver.service();
  peer.connect(performance.now());
  peerDriver.service();
  while (!agentUp || !peerUp) await tick();
  const topic = v5 ? AGENT_TOPIC : `${AGENT_TOPIC}/reply-to=${CTRL_TOPIC.split('/').join('%2F')}`;
  const props = v5 ? { contentType: 'usp.msg', responseTopic: CTRL_TOPIC } : undefined;
  const send = (): void => { peer.publish(topic, RECORD, qos, props); peerDriver.service(); };

  const N = 1500;
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    const want = received + 1;
    const t0 = performance.now();
    send();
    while (received < want) await tick();
    lat.push(performance.now() - t0);
  }
  lat.sort((a, b) => a - b);
  const p = (q: number): string => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!.toFixed(3);

  const M = 6000;
  const WINDOW = 32;
  const base = received;
  let sent = 0;
  const t1 = performance.now();
  while (received - base < M) {
    while (sent < M && sent - (received - base) < WINDOW) { send(); sent++; }
    await tick();
  }
  const rate = (M * 1000) / (performance.now() - t1);
  const label = `${v5 ? 'MQTT 5.0' : 'MQTT 3.1.1'} QoS ${qos}`;
  console.log(`${label} round trip (sequential, ${N}): p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
  console.log(`${label} round trips pipelined ×${WINDOW}: ${fmtRate(rate)} requests/s`);
  agent.stop(performance.now());
  agentDriver.service();
  peer.disconnect(performance.now());
  peerDriver.service();
  agentDriver.close();
  peerDriver.close();
}

function codec(): void {
  const w = new PacketWriter(1 << 16);
  const v = new PacketView();
  const out = new Uint8Array(1024);
  const rate = opsPerSecond(() => {
    emitPublish(w, MqttVersion.V5, { topic: AGENT_TOPIC, payload: RECORD, qos: 1, retain: false, dup: false, packetId: 7, properties: { contentType: 'usp.msg', responseTopic: CTRL_TOPIC } });
    const n = w.read(out);
    v.wrap(out, 0, n, MqttVersion.V5);
  }, 500);
  console.log(`Node MQTT 5.0 PUBLISH emit+decode (200-byte Record): ${fmtRate(rate)}/s`);
}

async function inXs(): Promise<void> {
  const w = XsWorker.start();
  try {
    await w.loadBundle(await bundleForXs(join(ROOT, 'src/mtp/mqtt/index.ts')), 'tinyusp');
    await w.evaluate(`
      const c = new tinyusp.MqttClient({ version: 5, clientId: 'x', keepAliveS: 0, cleanStart: true, maximumPacketSize: 4096, random: () => 0 });
      c.connect(0); c.pollTransportCommand(); c.handleTransportUp(0);
      const out = new Uint8Array(4096); c.pollTransmit(out);
      c.handleBytes(0, new Uint8Array([0x20, 3, 0, 0, 0]), 0, 5); c.pollEvent();
      const body = 2 + 9 + 1 + 200;
      const pub = new Uint8Array(3 + body); pub[0] = 0x30; pub[1] = 0x80 | (body & 127); pub[2] = body >> 7;
      pub[3] = 0; pub[4] = 9; for (let i = 0; i < 9; i++) pub[5 + i] = 0x61; pub[14] = 0;
      globalThis.run = (n) => { for (let i = 0; i < n; i++) { c.handleBytes(1, pub, 0, pub.length); if (c.pollEvent() === undefined) throw new Error('no message'); } };
      run(50);`);
    const N = 1000;
    const c0 = (await w.evaluate('run(0)')).meter.compute;
    const cN = (await w.evaluate(`run(${N})`)).meter.compute;
    const slots = await w.allocatedSlots(`run(${N})`);
    const retained = await w.retainedSlots(`run(${N})`);
    console.log(`XS MQTT 5.0 PUBLISH receive (200-byte payload, event out): ${(slots / N).toFixed(1)} slots/packet (transient), ${retained} retained after ${N}, ${((cN - c0) / N).toFixed(0)} computrons/packet`);
  } finally {
    w.close();
  }
}

const suite: BenchSuite = {
  name: 'mqtt',
  async run() {
    codec();
    await inXs();
    const broker = await startMosquitto({ log: false });
    try {
      await roundTrips(broker, MqttVersion.V5, 0);
      await roundTrips(broker, MqttVersion.V5, 1);
      await roundTrips(broker, MqttVersion.V3_1_1, 1);
    } finally {
      await broker.close();
    }
  },
};
export default suite;
