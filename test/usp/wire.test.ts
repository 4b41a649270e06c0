import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { bytesEqual, utf8Bytes, varintLength, WireError, WireReader, writeFixed32, writeVarint } from '../../src/usp/wire.ts';

const wire = suite('usp/wire');

/** protobufjs' Long (from the `long` package it bundles), typed for what is used here. */
interface LongLike { toNumber(): number }
const LongCtor = protobuf.util.Long as unknown as { fromString(s: string, unsigned: boolean): LongLike };

function reader(bytes: number[] | Uint8Array): WireReader {
  const r = new WireReader();
  const b = Uint8Array.from(bytes);
  r.reset(b, 0, b.length);
  return r;
}

wire('protobuf Encoding §Base 128 varints: 64-bit values as hi/lo halves, agreeing with protobufjs', () => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (v) => {
    const bytes = protobuf.Writer.create().uint64(LongCtor.fromString(v.toString(), true) as unknown as number).finish();
    const r = reader(bytes);
    assert.ok(r.varint());
    assert.is(BigInt(r.hi) * 2n ** 32n + BigInt(r.lo), v);
    assert.is(r.pos, bytes.length);
  }), { numRuns: 300 });
});

wire('varints: truncated, 11 bytes, and a 10th byte above 1 are errors', () => {
  let r = reader([0x80, 0x80]);
  assert.not.ok(r.varint());
  assert.is(r.error, WireError.Truncated);
  r = reader([...Array(10).fill(0xff), 0x01]);
  assert.not.ok(r.varint());
  assert.is(r.error, WireError.VarintTooLong);
  r = reader([...Array(9).fill(0xff), 0x02]);
  assert.not.ok(r.varint());
  assert.is(r.error, WireError.VarintTooLong);
  r = reader([...Array(9).fill(0xff), 0x01]);
  assert.ok(r.varint());
  assert.equal([r.hi, r.lo, r.hi < 0x200000], [0xffffffff, 0xffffffff, false]); // beyond 2^53 − 1
});

wire('writeVarint / varintLength round-trip every safe integer through protobufjs', () => {
  fc.assert(fc.property(fc.maxSafeNat(), (v) => {
    const out = new Uint8Array(10);
    const n = writeVarint(out, 0, v);
    assert.is(n, varintLength(v));
    assert.is((protobuf.Reader.create(out.subarray(0, n)).uint64() as unknown as LongLike).toNumber(), v);
    const r = reader(out.subarray(0, n));
    assert.ok(r.varint());
    assert.is(r.hi * 4294967296 + r.lo, v);
  }), { numRuns: 300 });
});

wire('fixed32 little-endian both ways', () => {
  const out = new Uint8Array(4);
  writeFixed32(out, 0, 7106);
  assert.equal([...out], [0xc2, 0x1b, 0, 0]);
  assert.is(reader([0xff, 0xff, 0xff, 0xff]).fixed32(), 0xffffffff);
  const r = reader([1, 2, 3]);
  assert.is(r.fixed32(), -1);
  assert.is(r.error, WireError.Truncated);
});

wire('protobuf Encoding §Groups: nested groups are skipped; unmatched or too deep fail', () => {
  // field 1 SGROUP { field 2 SGROUP { field 3 varint } EGROUP } EGROUP, then field 4 varint
  const r = reader([0x0b, 0x13, 0x18, 0x05, 0x14, 0x0c, 0x20, 0x07]);
  assert.ok(r.skip(r.tag()));
  assert.is(r.tag(), 0x20);
  const deep = reader([...Array(40).fill(0x0b)]);
  assert.not.ok(deep.skip(deep.tag()));
  assert.is(deep.error, WireError.BadTag);
  const open = reader([0x0b, 0x08, 0x01]);
  assert.not.ok(open.skip(open.tag()));
  assert.is(open.error, WireError.Truncated);
});

wire('tags: field 0 and wire types 6/7 are bad; lengths past the end are caught', () => {
  assert.is(reader([0x00]).tag(), -1);
  assert.is(reader([0x0e]).tag(), -1);
  const r = reader([0x05, 1, 2]);
  assert.is(r.length(), -1);
  assert.is(r.error, WireError.LengthPastEnd);
});

wire('RFC 3629 utf8Bytes equals TextEncoder, bytesEqual compares in place', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
    assert.equal([...utf8Bytes(s)], [...new TextEncoder().encode(s)]);
  }), { numRuns: 300 });
  const a = Uint8Array.from([9, 1, 2, 3, 9]);
  assert.ok(bytesEqual(a, 1, 3, Uint8Array.from([1, 2, 3])));
  assert.not.ok(bytesEqual(a, 1, 3, Uint8Array.from([1, 2, 4])));
  assert.not.ok(bytesEqual(a, 1, 2, Uint8Array.from([1, 2, 3])));
});

wire.run();
