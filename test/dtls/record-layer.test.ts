import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordLayer } from '../../src/dtls/record-layer.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { ContentType } from '../../src/dtls/wire.ts';

const crypto = createNodeCrypto();
const KEY = new Uint8Array(16).fill(3);
const IV = new Uint8Array([1, 2, 3, 4]);

function pair(): { tx: RecordLayer; rx: RecordLayer } {
  const tx = new RecordLayer(); const rx = new RecordLayer();
  tx.setWriteKeys(crypto.ccm8(KEY), IV);
  rx.setReadKeys(crypto.ccm8(KEY), IV);
  return { tx, rx };
}

function seal(tx: RecordLayer, text: string, type: number = ContentType.ApplicationData): Uint8Array {
  const p = new Uint8Array(Buffer.from(text));
  const out = new Uint8Array(tx.sealedLength(p.length));
  assert.is(tx.seal(type, p, 0, p.length, out, 0), out.length);
  return out;
}

function open(rx: RecordLayer, d: Uint8Array): string[] {
  const got: string[] = [];
  let off = 0;
  while (off < d.length) {
    const next = rx.next(d, off, d.length);
    if (next < 0) break;
    if (rx.view.type !== 0) got.push(Buffer.from(d.subarray(rx.view.start, rx.view.end)).toString());
    off = next;
  }
  return got;
}

const t = suite('dtls/record-layer');

t('RFC 6347 §4.1 + RFC 6655 §3 a CCM-8 record: 13-byte header, explicit nonce = epoch‖seq, 8-byte tag, opened in place', () => {
  const { tx, rx } = pair();
  const rec = seal(tx, 'hello');
  assert.is(rec.length, 13 + 8 + 5 + 8);
  assert.equal([...rec.subarray(0, 13)], [23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 21]);
  assert.equal([...rec.subarray(13, 21)], [0, 1, 0, 0, 0, 0, 0, 0]);
  assert.equal(open(rx, rec), ['hello']);
  assert.is(rx.view.start, 21, 'plaintext range points into the datagram');
});

t('RFC 6347 §4.1.2.6 a replayed record is dropped', () => {
  const { tx, rx } = pair();
  const rec = seal(tx, 'once');
  assert.equal(open(rx, rec.slice()), ['once']);
  assert.equal(open(rx, rec.slice()), []);
});

t('RFC 6347 §4.1.2.7 a corrupted record is dropped silently and does not move the window', () => {
  const { tx, rx } = pair();
  const rec = seal(tx, 'data');
  const bad = rec.slice(); bad[bad.length - 1] ^= 0x80;
  assert.equal(open(rx, bad), []);
  assert.equal(open(rx, rec.slice()), ['data'], 'the genuine record still arrives');
});

t('RFC 6347 §4.1 records of an unknown epoch and epoch-0 application data are dropped', () => {
  const { tx, rx } = pair();
  const rec = seal(tx, 'x');
  rec[4] = 2; // epoch 2
  assert.equal(open(rx, rec), []);
  const plain = new RecordLayer();
  const e0 = seal(plain, 'clear');
  assert.equal(open(rx, e0), [], 'application data needs keys');
  assert.equal(open(rx, seal(new RecordLayer(), 'hs', ContentType.Handshake)), ['hs'], 'epoch-0 handshake passes');
});

t('RFC 6347 §4.1 several records in one datagram; a truncated tail ends parsing', () => {
  const { tx, rx } = pair();
  const a = seal(tx, 'one'); const b = seal(tx, 'two');
  const d = new Uint8Array(a.length + b.length + 5);
  d.set(a); d.set(b, a.length); d.set([23, 0xfe, 0xfd, 0, 1], a.length + b.length);
  assert.equal(open(rx, d), ['one', 'two']);
});

t('RFC 6347 §4.1 48-bit sequence numbers above 2^32 round-trip', () => {
  const { tx, rx } = pair();
  tx.writeSeq = 0x1234_5678_9abc;
  const rec = seal(tx, 'far');
  assert.equal([...rec.subarray(5, 11)], [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);
  assert.equal(open(rx, rec), ['far']);
  assert.is(rx.view.seq, 0x1234_5678_9abc);
});

t.run();
