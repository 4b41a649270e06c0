/** TransmitQueue: the bounded ring of outgoing datagrams (src/coap/transmit.ts). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CoapPeer } from '../../src/coap/index.ts';
import { TransmitQueue } from '../../src/coap/transmit.ts';

const transmit = suite('coap/transmit');
const p = new CoapPeer('a', 1);

function send(q: TransmitQueue, byte: number): Uint8Array | null {
  const buf = q.reserve();
  if (buf === null) return null;
  buf[0] = byte;
  q.commit(p, 1);
  return buf;
}

transmit('bounded ring: datagrams leave in order, the one past the bound is dropped and counted', () => {
  const q = new TransmitQueue(2);
  send(q, 1);
  send(q, 2);
  assert.is(send(q, 3), null);
  assert.is(q.dropped, 1);
  const out = new Uint8Array(4);
  assert.is(q.poll(out)!.length, 1);
  assert.is(out[0], 1);
  send(q, 4);
  q.poll(out);
  assert.is(out[0], 2);
  q.poll(out);
  assert.is(out[0], 4);
  assert.is(q.poll(out), null);
});

transmit('DESIGN "Bounded everything": one datagram at a time reuses one buffer (a buffer per slot only at the depth reached)', () => {
  const q = new TransmitQueue(8);
  const out = new Uint8Array(4);
  const first = send(q, 1);
  q.poll(out);
  for (let i = 0; i < 20; i++) {
    assert.is(send(q, i), first, `datagram ${i} reuses the first buffer`);
    q.poll(out);
    assert.is(out[0], i);
  }
  const a = send(q, 1);
  const b = send(q, 2);
  assert.is(a, first);
  assert.is.not(b, first, 'two waiting at once: a second buffer');
});

transmit.run();
