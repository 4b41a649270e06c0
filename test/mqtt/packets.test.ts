/** Emitters against the byte examples of the MQTT 3.1.1 and 5.0 specifications. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketWriter } from '../../src/mqtt/packet-writer.ts';
import { emitConnect, emitDisconnect, emitPingreq, emitPuback, emitPublish, emitSubscribe, emitUnsubscribe } from '../../src/mqtt/packets.ts';
import { MqttError, MqttVersion } from '../../src/mqtt/types.ts';

const hex = (w: PacketWriter): string => Buffer.from(w.buf.subarray(w.start, w.end)).toString('hex');
const ascii = (s: string): string => Buffer.from(s).toString('hex');
/** One length byte (< 128) for a hex string. */
const len = (h: string): string => (h.length / 2).toString(16).padStart(2, '0');
const packets = suite('mqtt/packets');

packets('MQTT 3.1.1 §3.1.2 CONNECT variable header example: flags 0xCE, Keep Alive 10', () => {
  const w = new PacketWriter(1024);
  const err = emitConnect(w, MqttVersion.V3_1_1, {
    clientId: 'c', keepAliveS: 10, cleanStart: true, username: 'u', password: new Uint8Array([0x70]),
    will: { topic: 'w', payload: new Uint8Array([0x21]), qos: 1, retain: false },
  });
  assert.is(err, MqttError.OK);
  // Figure 3.6: 00 04 'MQTT' 04 CE 00 0A, then payload: client id, will topic, will message, user name, password.
  const body = '00044d515454' + '04' + 'ce' + '000a' + '000163' + '000177' + '000121' + '000175' + '000170';
  assert.is(hex(w), '10' + len(body) + body);
});

packets('MQTT 5.0 §3.1.2.11 CONNECT example: flags 0xC2, Keep Alive 10, Session Expiry 10', () => {
  const w = new PacketWriter(1024);
  emitConnect(w, MqttVersion.V5, {
    clientId: '', keepAliveS: 10, cleanStart: true, username: 'u', password: new Uint8Array([0x70]),
    properties: { sessionExpiryInterval: 10 },
  });
  // Figure 3-8: 00 04 MQTT 05 C2 00 0A 05 11 00 00 00 0A
  const body = '00044d515454' + '05' + 'c2' + '000a' + '05' + '110000000a' + '0000' + '000175' + '000170';
  assert.is(hex(w), '10' + len(body) + body);
});

packets('MQTT 5.0 §3.1.2.11 CONNECT properties: Receive Maximum, Maximum Packet Size, Topic Alias Maximum, Request Response Information, User Property', () => {
  const w = new PacketWriter(1024);
  emitConnect(w, MqttVersion.V5, {
    clientId: 'a', keepAliveS: 0, cleanStart: false,
    properties: { receiveMaximum: 20, maximumPacketSize: 1024, topicAliasMaximum: 0, requestResponseInformation: 1, userProperties: [['usp-endpoint-id', 'os::x']] },
  });
  // Written in identifier order: 0x19, 0x21, 0x22, 0x26, 0x27.
  const props = '1901' + '210014' + '220000' + '26' + '000f' + ascii('usp-endpoint-id') + '0005' + ascii('os::x') + '2700000400';
  const body = '00044d515454' + '05' + '00' + '0000' + len(props) + props + '000161';
  assert.is(hex(w), '10' + len(body) + body);
});

packets('MQTT 3.1.1 §3.3.2 PUBLISH variable header example: topic a/b, Packet Identifier 10', () => {
  const w = new PacketWriter(1024);
  emitPublish(w, MqttVersion.V3_1_1, { topic: 'a/b', payload: new Uint8Array([1, 2]), qos: 1, retain: false, dup: false, packetId: 10 });
  assert.is(hex(w), '32' + '09' + '0003612f62' + '000a' + '0102');
});

packets('MQTT 5.0 §3.3.2.3 PUBLISH with Content Type, Response Topic, Correlation Data; DUP and RETAIN flags', () => {
  const w = new PacketWriter(1024);
  emitPublish(w, MqttVersion.V5, {
    topic: 't', payload: new Uint8Array([9]), qos: 1, retain: true, dup: true, packetId: 1,
    properties: { contentType: 'usp.msg', responseTopic: 'r', correlationData: new Uint8Array([7]) },
  });
  const props = '03' + '0007' + ascii('usp.msg') + '08' + '000172' + '09' + '000107';
  const body = '000174' + '0001' + len(props) + props + '09';
  assert.is(hex(w), '3b' + len(body) + body);
});

packets('MQTT 5.0 §3.4.2.1 PUBACK omits Reason Code 0; 3.1.1 §3.4 PUBACK is 40 02', () => {
  const w = new PacketWriter(64);
  emitPuback(w, MqttVersion.V5, 10);
  emitPuback(w, MqttVersion.V5, 10, 0x99);
  emitPuback(w, MqttVersion.V3_1_1, 10);
  assert.is(hex(w), '4002000a' + '4003000a99' + '4002000a');
});

packets('MQTT 3.1.1 §3.8.3 SUBSCRIBE payload example; fixed header flags 0010 (§3.8.1)', () => {
  const w = new PacketWriter(1024);
  emitSubscribe(w, MqttVersion.V3_1_1, 10, [{ topicFilter: 'a/b', qos: 1 }, { topicFilter: 'c/d', qos: 0 }]);
  assert.is(hex(w), '82' + '0e' + '000a' + '0003612f6201' + '0003632f6400');
  const w5 = new PacketWriter(1024);
  emitSubscribe(w5, MqttVersion.V5, 10, [{ topicFilter: 'a/b', qos: 1 }]);
  assert.is(hex(w5), '82' + '09' + '000a' + '00' + '0003612f6201');
  assert.is(emitSubscribe(w5, MqttVersion.V5, 11, []), MqttError.BAD_ARGUMENT);
});

packets('MQTT 3.1.1 §3.10 UNSUBSCRIBE, §3.12 PINGREQ, §3.14 DISCONNECT; 5.0 DISCONNECT with reason', () => {
  const w = new PacketWriter(1024);
  emitUnsubscribe(w, MqttVersion.V3_1_1, 2, ['a/b']);
  emitPingreq(w);
  emitDisconnect(w, MqttVersion.V3_1_1);
  emitDisconnect(w, MqttVersion.V5);
  emitDisconnect(w, MqttVersion.V5, 0x81);
  assert.is(hex(w), 'a2070002' + '0003612f62' + 'c000' + 'e000' + 'e000' + 'e0028100');
});

packets('MQTT 5.0 §1.5.5 Remaining Length takes 2 bytes from 128, 3 from 16384', () => {
  for (const [size, header] of [[127, '7f'], [128, '8001'], [16_383, 'ff7f'], [16_384, '808001']] as const) {
    const w = new PacketWriter(1 << 20);
    emitPublish(w, MqttVersion.V3_1_1, { topic: 't', payload: new Uint8Array(size - 3), qos: 0, retain: false, dup: false, packetId: 0 });
    assert.is(hex(w).slice(2, 2 + header.length), header, `remaining ${size}`);
    assert.is(w.end - w.start, 1 + header.length / 2 + size);
  }
});

packets('bounded transmit queue: a packet that does not fit is rolled back whole; the server Maximum Packet Size is honoured', () => {
  const w = new PacketWriter(64);
  assert.is(emitPublish(w, MqttVersion.V3_1_1, { topic: 't', payload: new Uint8Array(100), qos: 0, retain: false, dup: false, packetId: 0 }), MqttError.TX_FULL);
  assert.is(w.pending, 0);
  emitPingreq(w);
  assert.is(emitPublish(w, MqttVersion.V5, { topic: 't', payload: new Uint8Array(20), qos: 0, retain: false, dup: false, packetId: 0 }, 16), MqttError.TOO_LARGE);
  assert.is(hex(w), 'c000');
  const out = new Uint8Array(1);
  assert.is(w.read(out), 1);
  assert.is(w.read(out), 1);
  assert.is(w.read(out), 0);
});

packets.run();
