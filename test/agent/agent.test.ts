/** Record-level receive rules and message-level errors (R-E2E.*, R-MSG.*, R-MTP.5, D1). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  emitRecord, encodedRecordLength, getMsg, getSupportedProtocolMsg, notifyMsg, RecordType, utf8Bytes,
} from '../../src/usp/index.ts';
import { MsgT, RecordT } from '../usp/oracle.ts';
import { AGENT_ID, CONTROLLER_ID, createTestAgent, drain, exchange, openRecord, ORIGIN, requestRecord } from './harness.ts';

const rec = suite('agent/record');

function feed(bytes: Uint8Array, origin = ORIGIN) {
  const t = createTestAgent();
  t.agent.handleRecord(1000, bytes, 0, bytes.length, origin);
  return drain(t.agent, 1000);
}

rec('R-E2E.1 a Record for another endpoint is dropped; R-ARC.2 one from our own EID too', () => {
  assert.is(feed(requestRecord(getMsg('1', { param_paths: ['Device.'] }), CONTROLLER_ID, '1.3', 'os::0A1B2C-other')).length, 0);
  assert.is(feed(requestRecord(getMsg('1', { param_paths: ['Device.'] }), AGENT_ID)).length, 0);
});

rec('§Assign an unknown Controller is dropped unless admitted, then it gets the UntrustedRole', () => {
  assert.is(feed(requestRecord(getMsg('1', { param_paths: ['Device.DeviceInfo.SerialNumber'] }), 'proto::stranger')).length, 0);
  const t = createTestAgent({ config: { acceptUnknownControllers: true } });
  const m = exchange(t, getMsg('1', { param_paths: ['Device.DeviceInfo.SerialNumber'] }), 1000, 'proto::stranger');
  assert.is(m.body!.response!.get_resp!.req_path_results[0]!.err_code, 7026);
});

rec('R-SEC.0a a certificate EID different from from_id is not processed', () => {
  assert.is(feed(requestRecord(getMsg('1', { param_paths: ['Device.'] })), { ...ORIGIN, peerEndpointId: 'proto::someone-else' }).length, 0);
});

rec('R-SEC.0 with requireSecure, a Record from an unencrypted channel is not processed', () => {
  const t = createTestAgent({ config: { requireSecure: true } });
  const b = requestRecord(getMsg('1', { param_paths: ['Device.DeviceInfo.SerialNumber'] }));
  t.agent.handleRecord(1000, b, 0, b.length, { ...ORIGIN, secure: false });
  assert.is(drain(t.agent, 1000).length, 0);
  t.agent.handleRecord(1000, b, 0, b.length, ORIGIN);
  assert.is(drain(t.agent, 1000).length, 1);
});

rec('R-E2E.6a session_context while unsupported → DisconnectRecord with reason_code 7106', () => {
  const b = RecordT.encode(RecordT.fromObject({ version: '1.3', to_id: AGENT_ID, from_id: CONTROLLER_ID,
    session_context: { session_id: 1, sequence_id: 1, expected_id: 1, payload: [[1, 2]] } })).finish();
  const out = feed(b);
  assert.is(out.length, 1);
  const r = openRecord(out[0]!.bytes);
  assert.is(r.type, RecordType.Disconnect);
  assert.is(r.reasonCode, 7106);
  assert.is(out[0]!.origin, ORIGIN, 'goes back on the MTP it came from');
});

rec('D1 the response carries the request version when supported, else the highest (1.4)', () => {
  const t = createTestAgent();
  for (const [v, want] of [['1.0', '1.0'], ['1.2', '1.2'], ['1.9', '1.4'], ['2.0', '1.4']] as const) {
    const b = requestRecord(getSupportedProtocolMsg('p', { controller_supported_protocol_versions: '1.3' }), CONTROLLER_ID, v);
    t.agent.handleRecord(1000, b, 0, b.length, ORIGIN);
    const [out] = drain(t.agent, 1000);
    const r = openRecord(out!.bytes);
    assert.is(r.version, want);
    assert.is(r.toId, CONTROLLER_ID);
    assert.is(r.msg!.body!.response!.get_supported_protocol_resp!.agent_supported_protocol_versions, '1.0,1.1,1.2,1.3,1.4');
  }
});

rec('R-ENC.5 an undecodable Request with a readable msg_id gets Error 7004; R-MTP.5 no msg_id → dropped', () => {
  // protobufjs as the independent encoder: a Get whose oneof Request is empty (R-ENC.3).
  const bad = MsgT.encode(MsgT.fromObject({ header: { msg_id: 'bad-1', msg_type: 1 }, body: { request: {} } })).finish();
  const [out] = feed(requestRecord(bad));
  const m = openRecord(out!.bytes).msg!;
  assert.is(m.header!.msg_id, 'bad-1');
  assert.ok(m.body!.error!.err_code === 7004 || m.body!.error!.err_code === 7001);
  assert.is(feed(requestRecord(new Uint8Array([0x0a, 0x00, 0x12, 0x00]))).length, 0);
});

rec('§Unsupported a Notify arriving at the Agent is answered with Error 7001 (R-MSG.1)', () => {
  const [out] = feed(requestRecord(notifyMsg('n1', 'x', true, { obj_deletion: { obj_path: 'Device.X.1.' } })));
  assert.is(openRecord(out!.bytes).msg!.body!.error!.err_code, 7001);
});

rec('R-MSG.4 a duplicate msg_id arriving before the original is answered is ignored', () => {
  const t = createTestAgent();
  const b = requestRecord(getMsg('dup', { param_paths: ['Device.DeviceInfo.SerialNumber'] }));
  t.agent.handleRecord(1000, b, 0, b.length, ORIGIN);
  t.agent.handleRecord(1001, b, 0, b.length, ORIGIN);
  assert.is(drain(t.agent, 1001).length, 1);
  t.agent.handleRecord(1002, b, 0, b.length, ORIGIN);
  assert.is(drain(t.agent, 1002).length, 1, 'after it was answered it is a new request');
});

rec('§1.15 7005 a response larger than the MTP record limit becomes an Error 7005', () => {
  const t = createTestAgent({ config: { limits: { maxRecordBytes: 600 } } });
  const m = exchange(t, getMsg('big', { param_paths: ['Device.'] }));
  assert.is(m.body!.error!.err_code, 7005);
});

rec('R-MSG.0a the request built by protobufjs gets a byte-exact GetResp decodable by protobufjs', () => {
  const t = createTestAgent();
  const msg = MsgT.encode(MsgT.fromObject({ header: { msg_id: 'pj', msg_type: 1 }, body: { request: { get: { param_paths: ['Device.DSL.Line.1.Enable'] } } } })).finish();
  const f = { version: utf8Bytes('1.3'), toId: utf8Bytes(AGENT_ID), fromId: utf8Bytes(CONTROLLER_ID), recordType: RecordType.NoSessionContext, payload: msg };
  const b = new Uint8Array(encodedRecordLength(f));
  emitRecord(b, 0, f);
  t.agent.handleRecord(1000, b, 0, b.length, ORIGIN);
  const [out] = drain(t.agent, 1000);
  const decoded = MsgT.toObject(MsgT.decode(openRecord(out!.bytes).payload), { defaults: false }) as {
    body: { response: { get_resp: { req_path_results: { resolved_path_results: { result_params: Record<string, string> }[] }[] } } } };
  assert.equal(decoded.body.response.get_resp.req_path_results[0]!.resolved_path_results[0]!.result_params, { Enable: 'true' });
});

rec('R-MTP.5 a Record with an invalid version or unknown enum is dropped without a reply (no msg_id can be read)', () => {
  const good = requestRecord(getMsg('1', { param_paths: ['Device.'] }), CONTROLLER_ID, '1.x');
  assert.is(feed(good).length, 0);
  const b = RecordT.encode(RecordT.fromObject({ version: '1.3', to_id: AGENT_ID, from_id: CONTROLLER_ID, payload_security: 1,
    no_session_context: { payload: [1, 2, 3] } })).finish();
  assert.is(feed(b).length, 0);
});

rec.run();
