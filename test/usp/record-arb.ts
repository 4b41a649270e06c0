/**
 * fast-check arbitrary of valid USP Records of every record_type (§Record, R-ENC.3),
 * as a protobufjs plain object plus the equivalent RecordFields for record-emit.ts.
 */
import fc from 'fast-check';
import { RecordType } from '../../src/usp/record-view.ts';
import type { RecordFields } from '../../src/usp/record-emit.ts';
import { utf8Bytes } from '../../src/usp/wire.ts';

export interface RecordCase {
  obj: Record<string, unknown>;
  fields: RecordFields;
}

const id = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' });
const text = fc.string({ maxLength: 30, unit: 'grapheme' });
const bytes = (min: number) => fc.uint8Array({ minLength: min, maxLength: 120 });
const u64 = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));

const body = fc.oneof(
  bytes(1).map((payload) => ({ type: RecordType.NoSessionContext, obj: { no_session_context: { payload } }, f: { payload } })),
  fc.record({ s: u64, q: u64, e: u64, r: u64, a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 3 }), p: bytes(0), x: fc.array(bytes(0), { maxLength: 2 }) })
    .map(({ s, q, e, r, a, b, p, x }) => ({
      type: RecordType.SessionContext,
      obj: { session_context: { session_id: s, sequence_id: q, expected_id: e, retransmit_id: r, payload_sar_state: a, payloadrec_sar_state: b, payload: [p, ...x] } },
      f: { payload: p, session: { sessionId: s, sequenceId: q, expectedId: e, retransmitId: r, payloadSarState: a, payloadrecSarState: b, extraSegments: x } },
    })),
  fc.constant({ type: RecordType.WebSocketConnect, obj: { websocket_connect: {} }, f: {} }),
  fc.constant({ type: RecordType.UdsConnect, obj: { uds_connect: {} }, f: {} }),
  fc.tuple(fc.integer({ min: 0, max: 1 }), text).map(([v, t]) => ({ type: RecordType.MqttConnect, obj: { mqtt_connect: { version: v, subscribed_topic: t } }, f: { connectVersion: v, subscribed: utf8Bytes(t) } })),
  text.map((t) => ({ type: RecordType.StompConnect, obj: { stomp_connect: { version: 0, subscribed_destination: t } }, f: { connectVersion: 0, subscribed: utf8Bytes(t) } })),
  fc.tuple(text, fc.integer({ min: 0, max: 0xffffffff })).map(([t, c]) => ({ type: RecordType.Disconnect, obj: { disconnect: { reason: t, reason_code: c } }, f: { reason: utf8Bytes(t), reasonCode: c } })),
);

export const arbRecord: fc.Arbitrary<RecordCase> = fc.record({
  major: fc.integer({ min: 0, max: 99 }), minor: fc.integer({ min: 0, max: 99 }),
  to: id, from: id, mac: bytes(0), cert: bytes(0), body,
}).map(({ major, minor, to, from, mac, cert, body: b }) => {
  const version = `${major}.${minor}`;
  const obj: Record<string, unknown> = { version, to_id: to, from_id: from, ...b.obj };
  if (mac.length) obj.mac_signature = mac;
  if (cert.length) obj.sender_cert = cert;
  // R-E2E.41: TLS12 only inside a session context.
  const security = b.type === RecordType.SessionContext && mac.length % 2 ? 1 : 0;
  if (security) obj.payload_security = security;
  const fields: RecordFields = {
    version: utf8Bytes(version), toId: utf8Bytes(to), fromId: utf8Bytes(from), payloadSecurity: security,
    macSignature: mac, senderCert: cert, recordType: b.type, ...b.f,
  };
  return { obj, fields };
});
