/**
 * The firmware image header (src/firmware/image.ts) and its signature check
 * (signature.ts): images signed by openssl's EC P-256 key verify with the node and the
 * portable (XS) crypto ports; unsigned, foreign-key and altered ones do not. The reader
 * takes the file in pieces of any size; one bad vector per header error.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { p256PublicKey } from '../../src/config/firmware.ts';
import { createPortableCrypto } from '../../src/dtls/crypto/portable.ts';
import { ImageReader, PORTABLE_HASHES, signatureCheck, type ImageHeader } from '../../src/firmware/index.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { makeImage, makeTestPki } from './image-server.ts';

function read(bytes: Uint8Array, step: number): { reader: ImageReader; payload: number[]; err: string } {
  const payload: number[] = [];
  const reader = new ImageReader((b, s, e) => { for (let i = s; i < e; i++) payload.push(b[i]!); return ''; }, PORTABLE_HASHES);
  let err = '';
  for (let i = 0; i < bytes.length && err === ''; i += step) err = reader.handle(bytes, i, Math.min(bytes.length, i + step));
  return { reader, payload, err };
}

const image = suite('firmware/image');

image('the header splits off and the payload passes through unchanged, in pieces of any size', () => {
  const img = makeImage('tinyusp-fw', '1.2.3', 3000);
  for (const step of [1, 7, 64, 5000]) {
    const r = read(img.bytes, step);
    assert.is(r.err, '');
    assert.ok(r.reader.complete);
    assert.equal([r.reader.header!.name, r.reader.header!.version, r.reader.header!.payloadLength], ['tinyusp-fw', '1.2.3', 3000]);
    assert.equal(new Uint8Array(r.payload), img.bytes.subarray(img.bytes.length - 3000));
    assert.equal(r.reader.payloadDigest(), r.reader.header!.payloadSha256);
  }
});

image('one bad vector per header error: magic, format, lengths, bytes after the end', () => {
  const img = makeImage('n', 'v', 10);
  const bad = (edit: (b: Uint8Array) => void): string => { const b = img.bytes.slice(); edit(b); return read(b, 100).err; };
  assert.match(bad((b) => { b[0] = 0x58; }), /bad magic/);
  assert.match(bad((b) => { b[4] = 9; }), /format 9/);
  assert.match(bad((b) => { b[5] = 0; }), /lengths/);
  const longer = new Uint8Array(img.bytes.length + 1);
  longer.set(img.bytes);
  assert.match(read(longer, 100).err, /after the end/);
});

const sig = suite('firmware/signature');

sig('ECDSA P-256 signatures made with openssl keys verify with the node and the portable crypto; unsigned, foreign and altered do not', () => {
  const pki = makeTestPki();
  const other = makeTestPki();
  const key = p256PublicKey(readFileSync(pki.signPub, 'utf8')) as Uint8Array;
  assert.is(key.length, 65);
  const signed = read(makeImage('fw', '2.0.0', 500, pki.signKey).bytes, 1000).reader.header!;
  const foreign = read(makeImage('fw', '2.0.0', 500, other.signKey).bytes, 1000).reader.header!;
  const unsigned = read(makeImage('fw', '2.0.0', 500).bytes, 1000).reader.header!;
  const altered: ImageHeader = { ...signed, version: '9.9.9', signed: signed.signed.map((b, i) => (i === signed.signed.length - 1 ? b ^ 1 : b)) };
  for (const crypto of [createNodeCrypto(), createPortableCrypto((o) => o.set(randomBytes(o.length)))]) {
    const check = signatureCheck((k, m, d) => crypto.ecdsaP256Verify(k, m, d), key);
    assert.is(check(signed), '', crypto.name);
    assert.match(check(unsigned), /not signed/);
    assert.match(check(foreign), /does not verify/);
    assert.match(check(altered), /does not verify/);
    assert.is(signatureCheck((k, m, d) => crypto.ecdsaP256Verify(k, m, d), null)(unsigned), '', 'no key configured: unsigned accepted');
  }
});

image.run();
sig.run();
