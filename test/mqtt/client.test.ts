/**
 * The sans-I/O MQTT client scripted at explicit times (smoltcp-style): every test
 * feeds server bytes and timeouts and asserts the exact bytes, commands, events and
 * deadlines that come out.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MqttClient, type MqttClientConfig } from '../../src/mqtt/client.ts';
import { ClientState, TransportCommand, type MqttEvent } from '../../src/mqtt/events.ts';
import { MqttError, MqttVersion } from '../../src/mqtt/types.ts';

const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const ascii = (s: string): string => Buffer.from(s).toString('hex');
const len = (h: string): string => (h.length / 2).toString(16).padStart(2, '0');
const RETRY = { connectRetryTimeS: 5, connectRetryIntervalMultiplier: 2000, connectRetryMaxIntervalS: 60 };

function client(over: Partial<MqttClientConfig> = {}): MqttClient {
  return new MqttClient({ version: MqttVersion.V5, clientId: 'dev1', keepAliveS: 10, cleanStart: true, maximumPacketSize: 256, random: () => 0, retry: RETRY, ...over });
}
function sent(c: MqttClient): string {
  const out = new Uint8Array(4096);
  return Buffer.from(out.subarray(0, c.pollTransmit(out))).toString('hex');
}
function events(c: MqttClient): MqttEvent[] {
  const all: MqttEvent[] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) all.push(e);
  return all;
}
function feed(c: MqttClient, now: number, h: string): void {
  const b = bytes(h);
  c.handleBytes(now, b, 0, b.length);
}
/** Connects at t=0 and returns the client with CONNECT drained and events read. */
function connected(over: Partial<MqttClientConfig> = {}, connack = '20030000' + '00'): MqttClient {
  const c = client(over);
  c.connect(0);
  assert.is(c.pollTransportCommand(), TransportCommand.OPEN);
  c.handleTransportUp(0);
  sent(c);
  feed(c, 0, c.version === MqttVersion.V5 ? connack : '20020000');
  events(c);
  return c;
}
const mc = suite('mqtt/client');

mc('R-MQTT.6 connect: OPEN, CONNECT on transport up, CONNACK split over reads → connected; keep-alive deadline armed', () => {
  const c = client({ version: MqttVersion.V3_1_1 });
  c.connect(100);
  assert.is(c.state, ClientState.OPENING);
  assert.is(c.pollTransportCommand(), TransportCommand.OPEN);
  assert.is(c.pollTimeout(), 100 + 10_000, 'connect timeout');
  c.handleTransportUp(150);
  const body = '00044d515454' + '04' + '02' + '000a' + '0004' + ascii('dev1');
  assert.is(sent(c), '10' + len(body) + body);
  feed(c, 160, '20');
  feed(c, 161, '02');
  feed(c, 162, '00');
  assert.is(c.state, ClientState.CONNECTING);
  feed(c, 170, '00');
  assert.is(c.state, ClientState.CONNECTED);
  const [e] = events(c);
  assert.ok(e?.kind === 'connected' && !e.sessionPresent && e.clientId === 'dev1');
  assert.is(c.pollTimeout(), 150 + 10_000, 'PINGREQ due Keep Alive after the last packet sent');
});

mc('R-MQTT.14 keep-alive: PINGREQ at the deadline, PINGRESP clears it; a missing PINGRESP loses the connection', () => {
  const c = connected();
  c.handleTimeout(9_999);
  assert.is(sent(c), '');
  c.handleTimeout(10_000);
  assert.is(sent(c), 'c000');
  assert.is(c.pollTimeout(), 20_000, 'PINGRESP deadline');
  feed(c, 10_050, 'd000');
  assert.is(c.pollTimeout(), 20_000, 'next PINGREQ: Keep Alive after the PINGREQ');
  c.handleTimeout(20_000);
  assert.is(sent(c), 'c000');
  c.handleTimeout(30_000);
  assert.is(c.state, ClientState.WAITING_RETRY);
  assert.is(c.pollTransportCommand(), TransportCommand.CLOSE);
  const [e] = events(c);
  assert.ok(e?.kind === 'connection-lost' && e.retryAt === 35_000, 'R-MQTT.10 first retry after ConnectRetryTime (random 0)');
  assert.is(c.pollTimeout(), 35_000);
  c.handleTimeout(35_000);
  assert.is(c.pollTransportCommand(), TransportCommand.OPEN);
});

mc('MQTT 5.0 §3.2.2.3.14 Server Keep Alive replaces ours; §3.2.2.3.7 Assigned Client Identifier is used on reconnect (R-MQTT.9, R-MQTT.11)', () => {
  const props = '13' + '0003' + '12' + '0002' + ascii('zz');
  const c = connected({ clientId: '' }, '20' + len('0000' + len(props) + props) + '0000' + len(props) + props);
  assert.is(c.clientId, 'zz');
  assert.is(c.pollTimeout(), 3_000);
  c.handleTransportDown(100);
  events(c);
  c.handleTimeout(10_000);
  c.pollTransportCommand();
  c.handleTransportUp(10_000);
  assert.ok(sent(c).endsWith('0002' + ascii('zz')), 'CONNECT carries the assigned id');
});

mc('MQTT 5.0 §4.4 QoS 1: queued offline, sent on connect, resent with DUP after reconnect with session present, PUBACK completes', () => {
  const c = client({ cleanStart: false });
  assert.is(c.publish('t', new Uint8Array([0xaa]), 1), MqttError.OK);
  assert.is(c.publish('t', new Uint8Array([0xaa]), 0), MqttError.NOT_CONNECTED);
  c.connect(0);
  c.pollTransportCommand();
  c.handleTransportUp(0);
  sent(c);
  feed(c, 1, '20030000' + '00');
  assert.is(sent(c), '32' + '07' + '000174' + '0001' + '00' + 'aa');
  c.handleTransportDown(2);
  c.handleTimeout(5_002);
  c.pollTransportCommand();
  c.handleTransportUp(5_010);
  sent(c);
  feed(c, 5_011, '20030100' + '00');
  assert.is(sent(c), '3a' + '07' + '000174' + '0001' + '00' + 'aa', 'DUP=1, same Packet Identifier');
  feed(c, 5_020, '40020001');
  const kinds = events(c).map((e) => e.kind);
  assert.ok(kinds.includes('acknowledged'));
  assert.is(c.inflightCount, 0);
});

mc('MQTT 5.0 §4.9 the server Receive Maximum bounds unacknowledged PUBLISHes', () => {
  const c = connected({}, '20' + '06' + '0000' + '03' + '210001');
  c.publish('a', new Uint8Array([1]), 1);
  c.publish('b', new Uint8Array([2]), 1);
  assert.is(sent(c), '32' + '07' + '000161' + '0001' + '00' + '01');
  feed(c, 10, '40020001');
  assert.is(sent(c), '32' + '07' + '000162' + '0002' + '00' + '02');
});

mc('incoming QoS 1 PUBLISH: a message event with its properties, then PUBACK', () => {
  const c = connected();
  const props = '08' + '0001' + ascii('r');
  const body = '000174' + '0009' + len(props) + props + 'beef';
  feed(c, 5, '32' + len(body) + body);
  const [e] = events(c);
  assert.ok(e?.kind === 'message' && e.topic === 't' && e.properties.responseTopic === 'r');
  assert.equal(e?.kind === 'message' ? [...e.payload] : [], [0xbe, 0xef]);
  assert.is(sent(c), '40020009');
});

mc('MQTT 5.0 §3.1.2.11.4 an incoming packet over our Maximum Packet Size: DISCONNECT 0x95 and close', () => {
  const c = connected();
  feed(c, 5, '30' + 'ff01' + '0001');
  assert.is(sent(c), 'e0029500');
  assert.is(c.pollTransportCommand(), TransportCommand.CLOSE);
  const [e] = events(c);
  assert.ok(e?.kind === 'connection-lost' && e.error === MqttError.TOO_LARGE);
});

mc('MQTT 5.0 §4.13 malformed input: DISCONNECT 0x81, connection lost, no throw; random bytes never throw', () => {
  const c = connected();
  feed(c, 5, '4103000a00');
  assert.is(sent(c), 'e0028100');
  assert.ok(events(c).some((e) => e.kind === 'connection-lost'));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (data, v5) => {
    const d = connected({ version: v5 ? MqttVersion.V5 : MqttVersion.V3_1_1 });
    d.handleBytes(1, data, 0, data.length);
    sent(d);
    events(d);
  }), { numRuns: 400 });
});

mc('R-MQTT.10 CONNACK refusal (5.0 reason 0x87): refused event, close, retry scheduled; CONNACK timeout also retries', () => {
  const c = client();
  c.connect(0);
  c.pollTransportCommand();
  c.handleTransportUp(0);
  sent(c);
  feed(c, 1, '20030087' + '00');
  const kinds = events(c).map((e) => e.kind);
  assert.equal(kinds, ['refused', 'connection-lost']);
  assert.is(c.pollTransportCommand(), TransportCommand.CLOSE);
  const t = client();
  t.connect(0);
  t.pollTransportCommand();
  t.handleTimeout(10_000);
  assert.is(t.state, ClientState.WAITING_RETRY);
});

mc('R-MQTT.35 disconnect: DISCONNECT, CLOSE, closed event, no retry; subscribe/unsubscribe report SUBACK/UNSUBACK codes', () => {
  const c = connected();
  assert.is(c.subscribe([{ topicFilter: 'a/#', qos: 1 }]), MqttError.OK);
  assert.is(sent(c), '82' + '09' + '0001' + '00' + '0003612f23' + '01');
  feed(c, 2, '9004000100' + '01');
  c.unsubscribe(['a/#']);
  assert.is(sent(c), 'a2' + '08' + '0002' + '00' + '0003612f23');
  feed(c, 3, 'b00400020000');
  const ev = events(c);
  assert.equal(ev.map((e) => e.kind), ['subscribed', 'unsubscribed']);
  assert.ok(ev[0]?.kind === 'subscribed' && ev[0].reasonCodes[0] === 1);
  c.disconnect(4);
  assert.is(sent(c), 'e000');
  assert.is(c.pollTransportCommand(), TransportCommand.CLOSE);
  assert.equal(events(c).map((e) => e.kind), ['closed']);
  assert.is(c.pollTimeout(), undefined);
  assert.is(c.publish('a/#', new Uint8Array(0), 1), MqttError.BAD_ARGUMENT, 'no wildcards in Topic Names');
});

mc.run();
