/** PeerTable: address+port records found without allocation, bounded with LRU eviction of idle peers. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PeerTable } from '../../src/coap/index.ts';

const peers = suite('coap/peer');

peers('the same address and port give the same record; another port another record', () => {
  const t = new PeerTable(4);
  const a = t.intern('192.0.2.1', 5683, 0)!;
  assert.is(t.intern('192.0.2.1', 5683, 1), a);
  assert.is(t.lookup('192.0.2.1', 5683), a);
  const b = t.intern('192.0.2.1', 5684, 2)!;
  assert.is.not(b, a);
  assert.is(t.lookup('192.0.2.2', 5683), null);
  assert.is(t.size, 2);
});

peers('bounded: the least recently seen idle peer is evicted; busy peers never are', () => {
  const t = new PeerTable(2);
  const a = t.intern('a', 1, 0)!;
  const b = t.intern('b', 1, 5)!;
  a.busy = 1;
  const c = t.intern('c', 1, 10)!;
  assert.ok(c !== null);
  assert.is(t.lookup('b', 1), null, 'b (idle) was evicted');
  assert.is(t.lookup('a', 1), a, 'a (busy) stays');
  c.busy = 1;
  assert.is(t.intern('d', 1, 20), null, 'full of busy peers');
  void b;
});

peers.run();
