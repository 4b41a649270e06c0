/** Decoding and framing of server packets (MQTT 3.1.1 §3, 5.0 §3, §4.13 Malformed Packets). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BAD_LENGTH, frameLength, NEED_MORE, PacketView } from '../../src/mqtt/packet-view.ts';
import { PacketWriter } from '../../src/mqtt/packet-writer.ts';
import { emitPublish } from '../../src/mqtt/packets.ts';
import { MqttError, MqttVersion, PacketType } from '../../src/mqtt/types.ts';

const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const ascii = (s: string): string => Buffer.from(s).toString('hex');
const len = (h: string): string => (h.length / 2).toString(16).padStart(2, '0');
function decode(h: string, version: MqttVersion = MqttVersion.V5): { err: MqttError; v: PacketView } {
  const b = bytes(h);
  const v = new PacketView();
  return { err: v.wrap(b, 0, b.length, version), v };
}
const view = suite('mqtt/packet-view');

view('MQTT 3.1.1 §2.2.3 Remaining Length table: frameLength over 1–4 byte lengths, partial headers', () => {
  assert.is(frameLength(bytes('c000'), 0, 2), 2);
  assert.is(frameLength(bytes('307f'), 0, 2), 129);
  assert.is(frameLength(bytes('308001'), 0, 3), 131);
  assert.is(frameLength(bytes('30ffff7f'), 0, 4), 4 + 2_097_151);
  assert.is(frameLength(bytes('30ffffff7f'), 0, 5), 5 + 268_435_455);
  assert.is(frameLength(bytes('30'), 0, 1), NEED_MORE);
  assert.is(frameLength(bytes('3080'), 0, 2), NEED_MORE);
  assert.is(frameLength(bytes('30ffffffff01'), 0, 6), BAD_LENGTH, '5-byte Variable Byte Integer is malformed (5.0 §1.5.5)');
});

view('MQTT 3.1.1 §3.2 CONNACK 20 02 00 00 accepted; return code 5 refused; session present', () => {
  let r = decode('20020000', MqttVersion.V3_1_1);
  assert.is(r.err, MqttError.OK);
  assert.is(r.v.type, PacketType.CONNACK);
  assert.is(r.v.reasonCode, 0);
  r = decode('20020105', MqttVersion.V3_1_1);
  assert.is(r.v.reasonCode, 5);
  assert.ok(r.v.sessionPresent);
  assert.is(decode('20020200', MqttVersion.V3_1_1).err, MqttError.MALFORMED, '§3.2.2.1 reserved ack flags');
});

view('MQTT 5.0 §3.2.2.3 CONNACK properties: Assigned Client Identifier, Response Information, Server Keep Alive, Receive Maximum, Maximum Packet Size, User Property', () => {
  const props = '12' + '0003' + ascii('abc') + '1a' + '0004' + ascii('r/ab') + '13003c' + '210005' + '2700001000'
    + '26' + '000f' + ascii('subscribe-topic') + '0003' + ascii('s/#') + '1f' + '0002' + ascii('ok');
  const body = '0000' + len(props) + props;
  const { err, v } = decode('20' + len(body) + body);
  assert.is(err, MqttError.OK);
  assert.equal(v.properties, {
    assignedClientIdentifier: 'abc', responseInformation: 'r/ab', serverKeepAlive: 60, receiveMaximum: 5,
    maximumPacketSize: 4096, userProperties: [['subscribe-topic', 's/#']], reasonString: 'ok',
  });
});

view('MQTT 5.0 §2.2.2.2 repeated single-valued property is a Protocol Error; unknown identifier and truncation are Malformed', () => {
  assert.is(decode('2007' + '0000' + '05' + '210005' + '21').err, MqttError.MALFORMED);
  assert.is(decode('2009' + '0000' + '06' + '210005' + '210006').err, MqttError.PROTOCOL);
  assert.is(decode('2005' + '0000' + '02' + '7f00').err, MqttError.MALFORMED);
  assert.is(decode('2004' + '0000' + '05').err, MqttError.MALFORMED);
});

view('MQTT 3.1.1 §3.9.3 SUBACK example: codes 0, 1, 2, 0x80; 5.0 SUBACK with empty properties', () => {
  let r = decode('9006000a00010280', MqttVersion.V3_1_1);
  assert.is(r.err, MqttError.OK);
  assert.is(r.v.packetId, 10);
  assert.equal(r.v.reasonCodes, [0, 1, 2, 0x80]);
  r = decode('9004000a0001');
  assert.equal(r.v.reasonCodes, [1]);
  assert.is(decode('9002000a', MqttVersion.V3_1_1).err, MqttError.MALFORMED, 'SUBACK needs a payload');
});

view('PUBACK/UNSUBACK/PINGRESP/DISCONNECT: 3.1.1 and 5.0 forms', () => {
  assert.is(decode('4002000a', MqttVersion.V3_1_1).v.packetId, 10);
  assert.is(decode('4003000a10').v.reasonCode, 0x10);
  assert.is(decode('b002000a', MqttVersion.V3_1_1).err, MqttError.OK);
  assert.equal(decode('b004000a0000').v.reasonCodes, [0]);
  assert.is(decode('d000').err, MqttError.OK);
  assert.is(decode('d001' + '00').err, MqttError.MALFORMED);
  assert.is(decode('e0028e00').v.reasonCode, 0x8e);
  assert.is(decode('e000', MqttVersion.V3_1_1).err, MqttError.PROTOCOL, '3.1.1 servers never send DISCONNECT');
  assert.is(decode('4102000a').err, MqttError.MALFORMED, 'reserved flags');
});

view('PUBLISH round trip 5.0 (Response Topic, Content Type, User Property) and 3.1.1; payload stays an offset pair', () => {
  const w = new PacketWriter(4096);
  emitPublish(w, MqttVersion.V5, {
    topic: 'usp/agent', payload: new Uint8Array([1, 2, 3]), qos: 1, retain: false, dup: false, packetId: 77,
    properties: { contentType: 'usp.msg', responseTopic: 'usp/ctrl', userProperties: [['k', 'v']] },
  });
  const v = new PacketView();
  assert.is(v.wrap(w.buf, w.start, w.end, MqttVersion.V5), MqttError.OK);
  assert.is(v.topic, 'usp/agent');
  assert.is(v.packetId, 77);
  assert.is(v.qos, 1);
  assert.equal(v.properties, { contentType: 'usp.msg', responseTopic: 'usp/ctrl', userProperties: [['k', 'v']] });
  assert.equal([...w.buf.subarray(v.payloadStart, v.payloadEnd)], [1, 2, 3]);
  const r = decode('3007' + '0003612f62' + 'abcd', MqttVersion.V3_1_1);
  assert.is(r.err, MqttError.OK);
  assert.is(r.v.topic, 'a/b');
  assert.is(r.v.payloadEnd - r.v.payloadStart, 2);
});

view('MQTT 5.0 §4.13 malformed PUBLISH: QoS 3, Packet Identifier 0, ill-formed UTF-8 topic, length mismatch; QoS 2 and Topic Alias are Protocol Errors', () => {
  assert.is(decode('3607' + '0001' + '61' + '0001' + '00').err, MqttError.MALFORMED);
  assert.is(decode('3205' + '000161' + '0000', MqttVersion.V3_1_1).err, MqttError.MALFORMED);
  assert.is(decode('3004' + '0002c328', MqttVersion.V3_1_1).err, MqttError.MALFORMED);
  assert.is(decode('3005' + '0002c3a9', MqttVersion.V3_1_1).err, MqttError.MALFORMED, 'remaining length beyond the bytes');
  assert.is(decode('3406' + '000161' + '0001' + '00').err, MqttError.PROTOCOL);
  assert.is(decode('3007' + '000161' + '03' + '230001').err, MqttError.PROTOCOL);
  assert.is(decode('1000').err, MqttError.PROTOCOL, 'CONNECT from a server');
  assert.is(decode('0000').err, MqttError.MALFORMED, 'packet type 0 is reserved');
});

view.run();
