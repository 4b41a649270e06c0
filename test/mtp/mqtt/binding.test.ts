/**
 * The USP MQTT binding scripted byte by byte: what it puts in CONNECT and SUBSCRIBE,
 * the Records it publishes (checked with protobufjs loading proto/usp-record.proto)
 * and the events it gives the Agent.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import protobuf from 'protobufjs';
import { frameLength, PacketView } from '../../../src/mqtt/packet-view.ts';
import { PacketWriter } from '../../../src/mqtt/packet-writer.ts';
import { emitPublish } from '../../../src/mqtt/packets.ts';
import { BindingState, UspMqttBinding, type UspMqttConfig, type UspMqttEvent } from '../../../src/mtp/mqtt/binding.ts';
import { MqttError, MqttVersion, PacketType, type Mqtt5Properties } from '../../../src/mqtt/types.ts';
import { TransportCommand } from '../../../src/mqtt/events.ts';
import { ROOT } from '../../../tools/build/targets.ts';

const Record = protobuf.loadSync(`${ROOT}/proto/usp-record.proto`).lookupType('usp_record.Record');
const ascii = (s: string): string => Buffer.from(s).toString('hex');
const len = (h: string): string => (h.length / 2).toString(16).padStart(2, '0');
const AGENT = 'os::00256D-agent1';

function cfg(version: MqttVersion, over: Partial<UspMqttConfig> = {}): UspMqttConfig {
  return {
    endpointId: AGENT,
    client: { version, clientId: '', keepAliveS: 60, cleanStart: true, maximumPacketSize: 4096, random: () => 0 },
    subscriptions: [{ topicFilter: 'usp/a1/#', qos: 1 }],
    publishQoS: 0,
    controllers: [{ endpointId: 'self::c1', topic: 'usp/c1' }],
    ...over,
  };
}
/** The packets the binding wrote since the last call. */
function packets(b: UspMqttBinding): Uint8Array[] {
  const out = new Uint8Array(8192);
  const n = b.pollTransmit(out);
  const list: Uint8Array[] = [];
  for (let at = 0; at < n;) { const l = frameLength(out, at, n); list.push(out.slice(at, at + l)); at += l; }
  return list;
}
function publishOf(p: Uint8Array, version: MqttVersion): PacketView {
  const v = new PacketView();
  assert.is(v.wrap(p, 0, p.length, version), MqttError.OK);
  assert.is(v.type, PacketType.PUBLISH);
  return v;
}
function recordOf(p: Uint8Array, v: PacketView): Record<string, unknown> {
  return Record.toObject(Record.decode(p.subarray(v.payloadStart, v.payloadEnd)), { defaults: true });
}
function drain(b: UspMqttBinding): UspMqttEvent[] {
  const all: UspMqttEvent[] = [];
  for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent()) all.push(e);
  return all;
}
function feed(b: UspMqttBinding, now: number, h: string): void {
  const bytes = new Uint8Array(Buffer.from(h, 'hex'));
  b.handleBytes(now, bytes, 0, bytes.length);
}
function serverPublish(version: MqttVersion, topic: string, payload: Uint8Array, properties?: Mqtt5Properties): string {
  const w = new PacketWriter(4096);
  emitPublish(w, version, { topic, payload, qos: 0, retain: false, dup: false, packetId: 0, properties });
  return Buffer.from(w.buf.subarray(w.start, w.end)).toString('hex');
}
const binding = suite('mtp/mqtt/binding');

binding('R-MQTT.8/12/13/15/21 MQTT 5.0: empty ClientId, usp-endpoint-id, Response Information and subscribe-topic subscribed, MQTTConnectRecord to the Controller', () => {
  const b = new UspMqttBinding(cfg(MqttVersion.V5));
  b.start(0);
  assert.is(b.pollTransportCommand(), TransportCommand.OPEN);
  b.handleTransportUp(0);
  const [connect] = packets(b);
  const hex = Buffer.from(connect!).toString('hex');
  assert.ok(hex.includes('1901'), 'Request Response Information = 1');
  assert.ok(hex.includes('26000f' + ascii('usp-endpoint-id') + len(ascii(AGENT)).padStart(4, '0') + ascii(AGENT)), 'usp-endpoint-id User Property');
  assert.ok(hex.endsWith('0000'), 'empty Client Identifier');
  const props = '12' + '0003' + ascii('g-1') + '1a' + '0008' + ascii('usp/a1/x') + '26' + '000f' + ascii('subscribe-topic') + '0007' + ascii('extra/#');
  const body = '0000' + len(props) + props;
  feed(b, 1, '20' + len(body) + body);
  const [sub] = packets(b);
  const sh = Buffer.from(sub!).toString('hex');
  assert.ok(sh.includes(ascii('usp/a1/#')) && sh.includes(ascii('extra/#')), 'configured + subscribe-topic filters');
  assert.not.ok(sh.includes(ascii('usp/a1/x')), 'Response Information already covered by usp/a1/# (R-MQTT.15 third bullet)');
  assert.is(b.state, BindingState.SUBSCRIBING);
  assert.is(b.sendRecord(new Uint8Array([1]), 'usp/c1'), MqttError.NOT_CONNECTED, 'R-MQTT.17 nothing before SUBACK');
  feed(b, 2, '9005' + '0001' + '00' + '0100');
  const [pub] = packets(b);
  const v = publishOf(pub!, MqttVersion.V5);
  assert.is(v.topic, 'usp/c1');
  assert.is(v.properties.contentType, 'usp.msg');
  assert.is(v.properties.responseTopic, 'usp/a1/x');
  const rec = recordOf(pub!, v);
  assert.is(rec.toId, 'self::c1');
  assert.is(rec.fromId, AGENT);
  assert.equal(rec.mqttConnect, { version: 1, subscribedTopic: 'usp/a1/x' });
  assert.equal(drain(b), [{ kind: 'up', replyTopic: 'usp/a1/x', clientId: 'g-1', responseTopicDiscovered: 'usp/a1/x' }]);
});

function upBinding(version: MqttVersion, over: Partial<UspMqttConfig> = {}): UspMqttBinding {
  const b = new UspMqttBinding(cfg(version, over));
  b.start(0);
  b.pollTransportCommand();
  b.handleTransportUp(0);
  packets(b);
  feed(b, 1, version === MqttVersion.V5 ? '2003000000' : '20020000');
  packets(b);
  feed(b, 2, version === MqttVersion.V5 ? '900400010001' : '9003000101');
  packets(b);
  drain(b);
  assert.is(b.state, BindingState.UP);
  return b;
}

binding('R-MQTT.26/27a MQTT 5.0 receive: Response Topic is the reply Topic; a non-USP Content Type is ignored', () => {
  const b = upBinding(MqttVersion.V5, { responseTopicConfigured: 'usp/a1' });
  feed(b, 3, serverPublish(MqttVersion.V5, 'usp/a1', new Uint8Array([5]), { contentType: 'application/vnd.bbf.usp.msg', responseTopic: 'usp/c1' }));
  feed(b, 4, serverPublish(MqttVersion.V5, 'usp/a1', new Uint8Array([6]), { contentType: 'text/plain', responseTopic: 'usp/c1' }));
  const ev = drain(b);
  assert.is(ev.length, 1);
  assert.ok(ev[0]?.kind === 'record' && ev[0].replyTopic === 'usp/c1' && ev[0].bytes[0] === 5);
  assert.is(b.sendRecord(new Uint8Array([7]), 'usp/c1'), MqttError.OK);
  const [pub] = packets(b);
  const v = publishOf(pub!, MqttVersion.V5);
  assert.equal([v.properties.contentType, v.properties.responseTopic, v.qos], ['usp.msg', 'usp/a1', 0]);
});

binding('R-MQTT.15/24/25 MQTT 3.1.1: Endpoint ID as ClientId, "<ResponseTopicConfigured>/#" subscribed, "/reply-to=" parsed and written', () => {
  const b = new UspMqttBinding(cfg(MqttVersion.V3_1_1, { subscriptions: [{ topicFilter: 'other/+', qos: 0 }], responseTopicConfigured: 'usp/a1' }));
  b.start(0);
  b.pollTransportCommand();
  b.handleTransportUp(0);
  assert.ok(Buffer.from(packets(b)[0]!).toString('hex').endsWith(len(ascii(AGENT)).padStart(4, '0') + ascii(AGENT)));
  feed(b, 1, '20020000');
  const sh = Buffer.from(packets(b)[0]!).toString('hex');
  assert.ok(sh.includes(ascii('usp/a1/#')), 'wildcarded reply-to filter');
  feed(b, 2, '900400010001');
  const [pub] = packets(b);
  const v = publishOf(pub!, MqttVersion.V3_1_1);
  assert.is(v.topic, 'usp/c1/reply-to=usp%2Fa1');
  assert.equal(recordOf(pub!, v).mqttConnect, { version: 0, subscribedTopic: 'usp/a1' });
  drain(b);
  feed(b, 3, serverPublish(MqttVersion.V3_1_1, 'usp/a1/reply-to=usp%2Fc1', new Uint8Array([9])));
  feed(b, 3, serverPublish(MqttVersion.V3_1_1, 'usp/a1', new Uint8Array([8])));
  const ev = drain(b);
  assert.ok(ev[0]?.kind === 'record' && ev[0].replyTopic === 'usp/c1');
  assert.ok(ev[1]?.kind === 'record' && ev[1].replyTopic === undefined, 'R-MQTT.26a no reply-to: the Agent decides');
});

binding('R-MQTT.16 no subscription configured or offered: DISCONNECT and disabled; R-MQTT.17 every filter refused: disabled', () => {
  const b = new UspMqttBinding(cfg(MqttVersion.V3_1_1, { subscriptions: [] }));
  b.start(0);
  b.pollTransportCommand();
  b.handleTransportUp(0);
  packets(b);
  feed(b, 1, '20020000');
  assert.equal(packets(b).map((p) => Buffer.from(p).toString('hex')), ['e000']);
  assert.is(b.pollTransportCommand(), TransportCommand.CLOSE);
  assert.is(b.state, BindingState.DISABLED);
  assert.is(drain(b)[0]?.kind, 'disabled');
  const c = new UspMqttBinding(cfg(MqttVersion.V5));
  c.start(0);
  c.pollTransportCommand();
  c.handleTransportUp(0);
  feed(c, 1, '2003000000');
  packets(c);
  feed(c, 2, '90040001' + '0087');
  assert.is(c.state, BindingState.DISABLED);
  assert.equal(packets(c).map((p) => Buffer.from(p).toString('hex')), ['e000']);
});

binding('R-MTP.7/R-MTP.9/R-MQTT.35 stop: DisconnectRecord with reason to every Controller, then DISCONNECT', () => {
  const b = upBinding(MqttVersion.V5, { controllers: [{ endpointId: 'self::c1', topic: 'usp/c1' }, { endpointId: 'self::c2', topic: 'usp/c2' }] });
  b.stop(10, 7105, 'Session Context terminated');
  const [p1, p2, disc] = packets(b);
  for (const [p, to, topic] of [[p1!, 'self::c1', 'usp/c1'], [p2!, 'self::c2', 'usp/c2']] as const) {
    const v = publishOf(p, MqttVersion.V5);
    assert.is(v.topic, topic);
    const r = recordOf(p, v);
    assert.is(r.toId, to);
    assert.equal(r.disconnect, { reason: 'Session Context terminated', reasonCode: 7105 });
  }
  assert.is(Buffer.from(disc!).toString('hex'), 'e000');
  assert.equal(drain(b).map((e) => e.kind), ['closed']);
});

binding('R-MTP.8 after a reconnect the Connect Record goes out before QoS 1 Records left from the old connection', () => {
  const b = upBinding(MqttVersion.V5, { publishQoS: 1 });
  feed(b, 3, '40020002');
  b.sendRecord(new Uint8Array([0x42]), 'usp/c1');
  packets(b);
  b.handleTransportDown(5);
  assert.equal(drain(b).map((e) => e.kind), ['down']);
  b.handleTimeout(5_005);
  b.pollTransportCommand();
  b.handleTransportUp(5_005);
  packets(b);
  feed(b, 5_006, '2003000000');
  packets(b);
  feed(b, 5_007, '900400040001');
  const [first, second] = packets(b);
  assert.ok(recordOf(first!, publishOf(first!, MqttVersion.V5)).mqttConnect !== null);
  const v = publishOf(second!, MqttVersion.V5);
  assert.equal([...second!.subarray(v.payloadStart, v.payloadEnd)], [0x42]);
});

binding('R-MQTT.34 a disabled Subscription row is UNSUBSCRIBEd, a new one SUBSCRIBEd, while the connection stays up', () => {
  const b = upBinding(MqttVersion.V5);
  assert.is(b.updateSubscriptions([{ topicFilter: 'usp/new', qos: 1 }]), MqttError.OK);
  const [unsub, sub] = packets(b).map((p) => Buffer.from(p).toString('hex'));
  assert.is(unsub, 'a2' + '0d' + '0002' + '00' + '0008' + ascii('usp/a1/#'));
  assert.is(sub, '82' + '0d' + '0003' + '00' + '0007' + ascii('usp/new') + '01');
  assert.is(b.state, BindingState.UP);
});

binding.run();
