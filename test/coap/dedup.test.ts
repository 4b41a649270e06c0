/** DedupTable (RFC 7252 §4.5): per-peer Message IDs for a lifetime, a bounded ring, cached responses. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DedupTable, RESPONSE_CACHE_BYTES } from '../../src/coap/dedup.ts';
import { CoapPeer } from '../../src/coap/index.ts';

const dedup = suite('coap/dedup');
const a = new CoapPeer('a', 1);
const b = new CoapPeer('b', 1);

dedup('RFC 7252 §4.5 a Message ID is a duplicate only from the same peer and within its lifetime', () => {
  const t = new DedupTable(4);
  t.insert(a, 7, 0, 1000);
  assert.ok(t.find(a, 7, 999) !== null);
  assert.is(t.find(b, 7, 10), null);
  assert.is(t.find(a, 8, 10), null);
  assert.is(t.find(a, 7, 1000), null, 'expired');
});

dedup('RFC 7252 §4.5 bounded: the oldest entry is overwritten when the ring is full', () => {
  const t = new DedupTable(2);
  t.insert(a, 1, 0, 1000);
  t.insert(a, 2, 1, 1000);
  t.insert(a, 3, 2, 1000);
  assert.is(t.find(a, 1, 3), null);
  assert.ok(t.find(a, 2, 3) !== null && t.find(a, 3, 3) !== null);
});

dedup('RFC 7252 §4.5 responses up to RESPONSE_CACHE_BYTES are cached for replay, larger ones are not', () => {
  const t = new DedupTable(1);
  const e = t.insert(a, 1, 0, 1000);
  DedupTable.cache(e, Uint8Array.of(9, 8, 7, 6), 1, 3);
  assert.equal([...e.store.subarray(e.offset, e.offset + e.responseLength)], [8, 7]);
  DedupTable.cache(e, new Uint8Array(RESPONSE_CACHE_BYTES + 1), 0, RESPONSE_CACHE_BYTES + 1);
  assert.is(e.responseLength, -1);
});

dedup.run();
