import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayWindow } from '../../src/dtls/replay-window.ts';

const t = suite('dtls/replay-window');

t('RFC 6347 §4.1.2.6 a new sequence number is accepted once; a duplicate is refused', () => {
  const w = new ReplayWindow();
  assert.ok(w.check(0)); w.mark(0);
  assert.not.ok(w.check(0));
  assert.ok(w.check(5)); w.mark(5);
  assert.ok(w.check(3), 'out of order inside the window'); w.mark(3);
  assert.not.ok(w.check(3));
  assert.ok(w.check(4));
});

t('RFC 6347 §4.1.2.6 records older than the 64-record window are refused', () => {
  const w = new ReplayWindow();
  w.mark(100);
  assert.ok(w.check(37), '100-63');
  assert.not.ok(w.check(36), '100-64');
  w.mark(37);
  assert.not.ok(w.check(37));
  w.mark(140); // slide by 40: bit for 100 moves to 40, for 37 out of the window
  assert.not.ok(w.check(100));
  assert.not.ok(w.check(37));
  assert.ok(w.check(99));
});

t('RFC 6347 §4.1.2.6 48-bit sequence numbers and large jumps', () => {
  const w = new ReplayWindow();
  const big = 0xffffffffff00;
  w.mark(big);
  assert.not.ok(w.check(big));
  assert.ok(w.check(big + 1));
  assert.ok(w.check(big - 63));
  w.mark(big + 200);
  assert.not.ok(w.check(big));
  assert.ok(w.check(big + 199));
  for (let s = big + 137; s <= big + 200; s++) w.mark(s);
  for (let s = big + 137; s <= big + 200; s++) assert.not.ok(w.check(s), `seq +${s - big}`);
});

t.run();
