/**
 * Two USP-over-CoAP endpoints on a simulated link (STYLE.md §2, quinn's `Pair`): virtual
 * time, 10 ms latency and a seeded fault injector that drops and duplicates datagrams.
 * Records — one large enough for Block1 — still arrive exactly once and every send
 * reports Delivered: RFC 7252 §4.2 retransmission + §4.5 deduplication at work.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UspCoapBinding, SendOutcome, type UspCoapEvent } from '../../../src/mtp/coap/binding.ts';
import { seededRandom } from '../../coap/fixtures.ts';
import { uspRecord, validateRecord } from '../record-fixture.ts';

interface Node { address: string; binding: UspCoapBinding; events: UspCoapEvent[] }
interface InFlight { at: number; from: string; to: Node; bytes: Uint8Array }

function pair(seed: number) {
  const mk = (address: string): Node => ({
    address,
    binding: new UspCoapBinding(seededRandom(seed * 31 + address.length).fill, { replyTo: `coap://${address}:5683/usp`, validateRecord }),
    events: [],
  });
  return { a: mk('10.0.0.1'), b: mk('10.0.0.22') };
}

/** Runs until both sides are idle; fails on livelock (more than `maxSteps`). */
function drive(nodes: Node[], faults: { drop: number; dup: number; seed: number }, maxSteps = 20_000) {
  const rnd = seededRandom(faults.seed);
  const chance = () => rnd.next() / 0x100000000;
  const wire: InFlight[] = [];
  const out = new Uint8Array(1500);
  let now = 0;
  let stats = { sent: 0, dropped: 0, duplicated: 0 };
  const flush = () => {
    for (const n of nodes) {
      for (let t = n.binding.pollTransmit(out); t !== null; t = n.binding.pollTransmit(out)) {
        const to = nodes.find((x) => x.address === t.peer!.address)!;
        stats.sent++;
        if (chance() < faults.drop) { stats.dropped++; continue; }
        const copies = chance() < faults.dup ? 2 : 1;
        if (copies === 2) stats.duplicated++;
        for (let c = 0; c < copies; c++) wire.push({ at: now + 10 + c * 3, from: n.address, to, bytes: out.slice(0, t.length) });
      }
      for (let e = n.binding.pollEvent(); e !== null; e = n.binding.pollEvent()) n.events.push(e);
    }
  };
  flush();
  for (let step = 0; step < maxSteps; step++) {
    wire.sort((x, y) => x.at - y.at);
    const nextWire = wire.length > 0 ? wire[0]!.at : Infinity;
    const nextTimer = Math.min(...nodes.map((n) => n.binding.pollTimeout()));
    const next = Math.min(nextWire, nextTimer);
    if (next === Infinity) return { now, stats };
    now = Math.max(now, next);
    if (nextWire <= nextTimer) {
      const d = wire.shift()!;
      const peer = d.to.binding.peers.intern(d.from, 5683, now)!;
      d.to.binding.handleDatagram(now, d.bytes, 0, d.bytes.length, peer);
    } else {
      for (const n of nodes) if (n.binding.pollTimeout() <= now) n.binding.handleTimeout(now);
    }
    flush();
  }
  throw new Error('livelock: link still busy after maxSteps');
}

const link = suite('mtp/coap/link');

for (const seed of [1, 2, 3, 4, 5]) {
  link(`RFC 7252 §4.2/§4.5 seed ${seed}: 10 % drops and 20 % duplicates, three Records (one Block1) arrive once each`, () => {
    const { a, b } = pair(seed);
    const records = [uspRecord(30), uspRecord(5000), uspRecord(200)];
    const handles = records.map((r) => a.binding.sendRecord(0, 'coap://10.0.0.22:5683/usp', r));
    const { stats } = drive([a, b], { drop: 0.1, dup: 0.2, seed });
    assert.ok(stats.dropped > 0 && stats.duplicated > 0, 'the fault injector did act');
    const got = b.events.filter((e) => e.kind === 'record');
    assert.equal(got.map((e) => e.kind === 'record' && e.bytes), records, 'each Record once, in order (NSTART = 1)');
    assert.equal(got.map((e) => e.kind === 'record' && e.replyTo), records.map(() => 'coap://10.0.0.1:5683/usp'));
    assert.equal(a.events, handles.map((handle) => ({ kind: 'sent', handle, outcome: SendOutcome.Delivered, code: 0x44 })));
  });
}

link('R-COAP.9 a link that drops everything ends in Timeout after MAX_TRANSMIT_WAIT, not before', () => {
  const { a, b } = pair(9);
  const h = a.binding.sendRecord(0, 'coap://10.0.0.22:5683/usp', uspRecord(10));
  const { now, stats } = drive([a, b], { drop: 1, dup: 0, seed: 9 });
  assert.is(stats.sent, 5);
  assert.ok(now >= 62_000 && now < 93_000, `gave up at ${now} ms`);
  assert.equal(a.events, [{ kind: 'sent', handle: h, outcome: SendOutcome.Timeout, code: 0 }]);
});

link.run();
