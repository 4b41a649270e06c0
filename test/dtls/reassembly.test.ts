import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FragmentResult, HandshakeReassembler, MAX_AHEAD } from '../../src/dtls/reassembly.ts';

const t = suite('dtls/reassembly');
const body = Uint8Array.from({ length: 100 }, (_, i) => i);

t('RFC 6347 §4.2.3 overlapping fragments in any order make one message', () => {
  const r = new HandshakeReassembler(1000);
  r.reset(3);
  assert.is(r.add(11, 100, 3, 60, 40, body, 60), FragmentResult.Accepted);
  assert.is(r.poll(), undefined);
  assert.is(r.add(11, 100, 3, 0, 30, body, 0), FragmentResult.Accepted);
  assert.is(r.add(11, 100, 3, 20, 50, body, 20), FragmentResult.Accepted);
  const m = r.poll()!;
  assert.is(m.seq, 3);
  assert.equal([...m.body], [...body]);
  assert.is(r.next, 4);
});

t('RFC 6347 §4.2.2 messages come out in message_seq order; older ones are reported as retransmissions', () => {
  const r = new HandshakeReassembler(1000);
  assert.is(r.add(14, 0, 1, 0, 0, body, 0), FragmentResult.Accepted);
  assert.is(r.poll(), undefined, 'waits for seq 0');
  r.add(2, 10, 0, 0, 10, body, 0);
  assert.is(r.poll()!.type, 2);
  assert.is(r.poll()!.type, 14);
  assert.is(r.add(2, 10, 0, 0, 10, body, 0), FragmentResult.Old);
});

t('bounded: too far ahead, too large, inconsistent or out-of-range fragments are dropped', () => {
  const r = new HandshakeReassembler(50);
  assert.is(r.add(1, 10, MAX_AHEAD + 1, 0, 10, body, 0), FragmentResult.Dropped);
  assert.is(r.add(1, 51, 0, 0, 10, body, 0), FragmentResult.Dropped);
  assert.is(r.add(1, 10, 0, 5, 10, body, 0), FragmentResult.Dropped);
  assert.is(r.add(1, 10, 0, 0, 5, body, 0), FragmentResult.Accepted);
  assert.is(r.add(2, 10, 0, 5, 5, body, 5), FragmentResult.Dropped, 'type changed');
  assert.is(r.poll(), undefined);
});

t.run();
