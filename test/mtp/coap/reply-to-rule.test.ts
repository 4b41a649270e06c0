/**
 * The NoSec reply-to rule of an Agent's CoAP binding (issue #16, reflection and
 * starvation): a reply-to host must be the datagram's source address or the sender's
 * provisioned Controller host; Records whose answer would go to a destination that
 * never answered us are rate-limited per source and in all.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CoapCode, CoapOption, CoapPeer, CoapType } from '../../../src/coap/index.ts';
import { UspCoapBinding, type UspCoapConfig, type UspCoapEvent } from '../../../src/mtp/coap/binding.ts';
import { checkCoapUri, hostIs, UriTarget } from '../../../src/mtp/coap/uri.ts';
import { utf8Bytes } from '../../../src/encoding/utf8.ts';
import { constantRandom, msg, parse } from '../../coap/fixtures.ts';
import { uspRecord, validateRecord } from '../record-fixture.ts';

const out = new Uint8Array(1500);
function agent(extra: Partial<UspCoapConfig> = {}): UspCoapBinding {
  return new UspCoapBinding(constantRandom(0), { replyTo: 'coap://192.0.2.9:5683/usp', validateRecord, checkReplyTo: true, ...extra });
}
function codes(b: UspCoapBinding): number[] {
  const list = [];
  for (let t = b.pollTransmit(out); t !== null; t = b.pollTransmit(out)) list.push(parse(out.slice(0, t.length)).code);
  return list;
}
function records(b: UspCoapBinding): UspCoapEvent[] {
  const list: UspCoapEvent[] = [];
  for (let e = b.pollEvent(); e !== null; e = b.pollEvent()) list.push(e);
  return list;
}
function post(mid: number, replyTo: string): Uint8Array {
  return msg({ type: CoapType.Con, code: CoapCode.Post, mid, token: [mid & 0xff],
    options: [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.UriQuery, `reply-to=${replyTo}`]], payload: uspRecord() });
}
const feed = (b: UspCoapBinding, p: CoapPeer, m: Uint8Array, now: number) => b.handleDatagram(now, m, 0, m.length, p);

const rule = suite('mtp/coap/binding: NoSec reply-to host');

rule('issue #16 a reply-to whose host is not the source address gets 4.03 and reaches no one', () => {
  const b = agent();
  feed(b, new CoapPeer('192.0.2.1', 40000), post(1, 'coap://198.51.100.7:5683/usp'), 0);
  assert.equal(codes(b), [CoapCode.Forbidden]);
  assert.equal(records(b), []);
});

rule('issue #16 the source address as reply-to host is taken (another port is fine: the Controller listens elsewhere)', () => {
  const b = agent();
  feed(b, new CoapPeer('192.0.2.1', 40000), post(1, 'coap://192.0.2.1:5683/usp'), 0);
  assert.equal(codes(b), [CoapCode.Changed]);
  assert.is(records(b).length, 1);
});

rule('issue #16 another host is taken when admitReplyTo says it is the sender\'s provisioned Controller host', () => {
  const asked: string[] = [];
  const b = agent({ admitReplyTo: (host) => { asked.push(host); return host === 'fd00::7'; } });
  feed(b, new CoapPeer('192.0.2.1', 40000), post(1, 'coap://[fd00::7]:5683/usp'), 0);
  feed(b, new CoapPeer('192.0.2.1', 40000), post(2, 'coap://controller.example:5683/usp'), 0);
  assert.equal(codes(b), [CoapCode.Changed, CoapCode.Forbidden]);
  assert.equal(asked, ['fd00::7', 'controller.example']);
});

rule('a Controller\'s binding (checkReplyTo off) keeps taking any reply-to, as before', () => {
  const b = agent({ checkReplyTo: false });
  feed(b, new CoapPeer('192.0.2.1', 40000), post(1, 'coap://198.51.100.7:5683/usp'), 0);
  assert.equal(codes(b), [CoapCode.Changed]);
});

rule('checkCoapUri/hostIs read host and port in place (IPv6 brackets off, IPv4-mapped sources match)', () => {
  const t = new UriTarget();
  const u = utf8Bytes('coap://[FD00::7]:61616/usp');
  assert.ok(checkCoapUri(u, 0, u.length, t) >= 0);
  assert.is(t.port, 61616);
  assert.ok(hostIs(u, t.hostStart, t.hostEnd, 'fd00::7'));
  const v = utf8Bytes('coaps://10.0.0.1/usp');
  assert.ok(checkCoapUri(v, 0, v.length, t) >= 0);
  assert.is(t.port, 5684);
  assert.ok(hostIs(v, t.hostStart, t.hostEnd, '::ffff:10.0.0.1'));
  assert.not.ok(hostIs(v, t.hostStart, t.hostEnd, '10.0.0.11'));
});

const rate = suite('mtp/coap/binding: NoSec rate per source');

rule.run();

rate('issue #16 Records to be answered to a destination that never answered: 8 at once per source, then 4/s (5.03 beyond)', () => {
  const b = agent({ maxPendingRecords: 100 });
  const src = new CoapPeer('192.0.2.1', 40000);
  const got: number[] = [];
  for (let i = 0; i < 9; i++) { feed(b, src, post(i, `coap://192.0.2.1:${50000 + i}/usp`), 0); got.push(...codes(b)); }
  assert.equal(got, [...new Array<number>(8).fill(CoapCode.Changed), CoapCode.ServiceUnavailable]);
  feed(b, src, post(20, 'coap://192.0.2.1:50020/usp'), 250);
  assert.equal(codes(b), [CoapCode.Changed], 'one token back after 250 ms');
  assert.is(b.sourceLimit.refused, 1);
});

rate('issue #16 all sources together: 32 at once, then 16/s; a source that answered us is never limited', () => {
  const b = agent({ maxPendingRecords: 1000 });
  const answered = b.peers.intern('192.0.2.200', 5683, 0)!;
  answered.answered = true;
  let ok = 0;
  for (let s = 0; s < 10; s++) {
    const src = new CoapPeer(`192.0.2.${s + 1}`, 40000);
    for (let i = 0; i < 8; i++) {
      feed(b, src, post(s * 8 + i, `coap://192.0.2.${s + 1}:${50000 + i}/usp`), 0);
      ok += codes(b).filter((c) => c === CoapCode.Changed).length;
      records(b);
    }
  }
  assert.is(ok, 32);
  const real = new CoapPeer('192.0.2.200', 40000);
  const got = new Set<number>();
  for (let i = 0; i < 50; i++) { feed(b, real, post(1000 + i, 'coap://192.0.2.200:5683/usp'), 0); for (const c of codes(b)) got.add(c); records(b); }
  assert.equal(got, new Set([CoapCode.Changed]), 'the answering Controller is not slowed down');
});

rate('issue #16 a host where some peer answered is trusted: a Controller\'s next run from a new port is not limited (usp-ctl opens one per command)', () => {
  const b = agent({ maxPendingRecords: 1000 });
  b.peers.intern('192.0.2.1', 40000, 0)!.answered = true;
  const got = new Set<number>();
  for (let i = 0; i < 40; i++) { feed(b, new CoapPeer('192.0.2.1', 41000 + i), post(i, `coap://192.0.2.1:${41000 + i}/usp`), 0); for (const c of codes(b)) got.add(c); records(b); }
  assert.equal(got, new Set([CoapCode.Changed]));
});

rate('issue #16 destinations that never answered hold at most half the peer table: further Records to them are not sent', () => {
  const b = agent();
  const rec = uspRecord();
  const sent: number[] = [];
  for (let i = 0; i < 12; i++) sent.push(b.sendRecord(0, `coap://192.0.2.50:${50000 + i}/usp`, rec));
  assert.equal(sent.map((h) => h > 0), [...new Array<boolean>(8).fill(true), false, false, false, false]);
  b.peers.intern('192.0.2.9', 5683, 0)!.answered = true;
  assert.ok(b.sendRecord(0, 'coap://192.0.2.9:5683/usp', rec) > 0, 'a Controller that answers is still reached');
});

rate.run();
