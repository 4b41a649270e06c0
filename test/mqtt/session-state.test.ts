/** Client Session State: Packet Identifiers (MQTT 5.0 §2.2.1), the inflight window and Receive Maximum (§4.9). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketWriter } from '../../src/mqtt/packet-writer.ts';
import { SessionState } from '../../src/mqtt/session-state.ts';
import { MqttError, MqttVersion } from '../../src/mqtt/types.ts';

const session = suite('mqtt/session-state');

session('MQTT 5.0 §2.2.1 Packet Identifiers are non-zero, skip those in use and wrap after 65535', () => {
  const s = new SessionState(4);
  assert.is(s.add('t', new Uint8Array(1), false, undefined), MqttError.OK);
  assert.is(s.allocatePacketId(), 2);
  s.expect(3, { unsubscribe: false, topicFilters: ['a'] });
  assert.is(s.allocatePacketId(), 4);
  for (let i = 5; i <= 65_535; i++) s.allocatePacketId();
  assert.is(s.allocatePacketId(), 2, 'wrapped past 0, skipped 1 (inflight)');
  assert.is(s.allocatePacketId(), 4, 'skipped 3 (SUBSCRIBE pending)');
  assert.equal(s.answer(3), { unsubscribe: false, topicFilters: ['a'] });
  assert.is(s.answer(3), undefined);
});

session('the inflight window is bounded; the Receive Maximum paces sending; a PUBLISH over the server Maximum Packet Size is dropped', () => {
  const s = new SessionState(2);
  s.add('a', new Uint8Array(1), false, undefined);
  s.add('b', new Uint8Array(1), false, undefined);
  assert.is(s.add('c', new Uint8Array(1), false, undefined), MqttError.INFLIGHT_FULL);
  s.receiveMaximum = 1;
  const w = new PacketWriter(1024);
  s.flush(w, MqttVersion.V3_1_1);
  assert.is(w.packets, 1);
  assert.ok(s.acknowledge(1));
  assert.not.ok(s.acknowledge(1));
  s.flush(w, MqttVersion.V3_1_1);
  assert.is(w.packets, 2);
  s.acknowledge(2);
  s.add('big', new Uint8Array(100), false, undefined);
  s.maximumPacketSize = 50;
  assert.is(s.flush(w, MqttVersion.V3_1_1), MqttError.TOO_LARGE);
  assert.is(s.inflightCount, 0);
});

session.run();
