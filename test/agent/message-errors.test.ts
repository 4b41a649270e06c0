/**
 * What the agent answers to Msgs it cannot process (issue #16: some were dropped without
 * a word): R-MTP.5 / R-ENC.5 an Error whenever the msg_id could be read, R-ENC.2 unknown
 * enumeration values reported, texts that name the limit hit; TR-106 string parameters
 * refuse control characters. Msgs are written byte by byte (protobuf wire format) so
 * that what no encoder would produce can be sent.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Msg } from '../../src/usp/index.ts';
import { createTestAgent, drain, exchange, openRecord, ORIGIN, requestRecord, valueOf, type TestAgent } from './harness.ts';
import { bytes, field, getBody, header, setBody } from './raw-msg.ts';

const te = new TextEncoder();

/** The one answer to `msg` (raw Msg bytes), or null when the agent said nothing. */
function answer(t: TestAgent, msg: Uint8Array): Msg | null {
  const rec = requestRecord(msg);
  t.agent.handleRecord(1000, rec, 0, rec.length, ORIGIN);
  const out = drain(t.agent, 1000).filter((x) => x.handle === 0);
  return out.length === 0 ? null : openRecord(out[0]!.bytes).msg!;
}
function error(m: Msg | null): { code: number; text: string; id: string } {
  const e = m?.body?.error;
  return { code: e?.err_code ?? -1, text: e?.err_msg ?? JSON.stringify(m), id: m?.header?.msg_id ?? '' };
}

const t = suite('agent/message-errors');

t('R-MTP.5 / R-MSG.7 a Msg with a msg_id and no body gets Error 7004 (was dropped)', () => {
  const e = error(answer(createTestAgent(), bytes(header(field(1, 'no-body'), field(2, 1)))));
  assert.equal([e.code, e.id], [7004, 'no-body']);
  assert.match(e.text, /no body/);
});

t('R-ENC.2 an unknown msg_type value is reported: Error 7004, whether msg_id comes before or after it (was dropped)', () => {
  const tt = createTestAgent();
  for (const h of [header(field(1, 'u1'), field(2, 99)), header(field(2, 99), field(1, 'u2'))]) {
    const e = error(answer(tt, bytes(h, getBody('Device.DeviceInfo.'))));
    assert.is(e.code, 7004, e.text);
    assert.match(e.text, /enumeration/);
  }
});

t('R-MSG.10 kept: a known msg_type that disagrees with the body is answered by the body\'s type', () => {
  const m = answer(createTestAgent(), bytes(header(field(1, 'mismatch'), field(2, 2 /* GET_RESP */)), getBody('Device.DeviceInfo.ProductClass')));
  assert.ok(m?.body?.response?.get_resp, JSON.stringify(m));
});

t('§Unknown kept: an unknown field beside a known request is skipped and the request answered', () => {
  const m = answer(createTestAgent(), bytes(header(field(1, 'extra'), field(2, 1), field(15, 'future')), getBody('Device.DeviceInfo.ProductClass'), field(9, 7)));
  assert.ok(m?.body?.response?.get_resp, JSON.stringify(m));
});

t('06-messages 7005 says which limit a too large message hit (was "cannot decode the message")', () => {
  const e = error(answer(createTestAgent(), bytes(header(field(1, 'big'), field(2, 1)), getBody('Device.' + 'x'.repeat(5000)))));
  assert.is(e.code, 7005);
  assert.match(e.text, /exceeds this agent's limits .*4096/);
  assert.not.match(e.text, /cannot decode/);
});

t('proto3 strings are UTF-8: a value that is not is refused with 7004 and stored nowhere (was stored as U+FFFD)', () => {
  const tt = createTestAgent();
  const before = valueOf(tt, 'Device.DeviceInfo.FriendlyName');
  const e = error(answer(tt, bytes(header(field(1, 'bad-utf8'), field(2, 4)), setBody(Uint8Array.of(0x41, 0xc3, 0x28, 0xff)))));
  assert.is(e.code, 7004);
  assert.match(e.text, /UTF-8/);
  assert.is(valueOf(tt, 'Device.DeviceInfo.FriendlyName'), before);
});

t('TR-106 App. I.4 / XML 1.0 §2.2 control characters are refused in a string parameter; tab, LF and non-ASCII are kept', () => {
  const tt = createTestAgent();
  for (const bad of ['a\u0000b', 'bell\u0007', 'esc\u001b[2J', 'del\u007f', 'c1\u0085']) {
    const m = answer(tt, bytes(header(field(1, 'ctl'), field(2, 4)), setBody(te.encode(bad))));
    const r = m?.body?.error ?? m?.body?.response?.set_resp;
    assert.ok(m?.body?.error !== undefined, `${JSON.stringify(bad)} refused: ${JSON.stringify(r)}`);
  }
  for (const good of ['tab\there', 'zürich ✓ 🌍']) {
    const m = exchange(tt, bytes(header(field(1, 'ok'), field(2, 4)), setBody(te.encode(good))));
    assert.ok(m.body?.response?.set_resp, JSON.stringify(m));
    assert.is(valueOf(tt, 'Device.DeviceInfo.FriendlyName'), good);
  }
});

t.run();
