/**
 * Hostile input never throws out of the DTLS layer and never grows state without
 * bound (AGENT rules "errors are values"): recorded handshakes are replayed with one
 * datagram mutated (bit flips, truncation, length fields) at every step, from a seeded
 * generator; every endpoint call must return normally.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Pair, SERVER_ADDR } from './link.ts';
import { createDtlsConfig, type DtlsConfig } from '../../src/dtls/config.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { makePki } from './pki.ts';

const crypto = createNodeCrypto();

/** xorshift32, seeded: failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

function mutate(d: Uint8Array, r: () => number): Uint8Array {
  const out = d.slice();
  switch (r() % 4) {
    case 0: out[r() % out.length] ^= 1 << (r() % 8); return out;
    case 1: return out.subarray(0, r() % out.length);
    case 2: { const i = r() % out.length; out[i] = 0xff; if (i + 1 < out.length) out[i + 1] = 0xff; return out; }
    default: { for (let k = 0; k < 4; k++) out[r() % out.length] = r() & 0xff; return out; }
  }
}

function fuzz(cc: DtlsConfig, sc: DtlsConfig, runs: number, seed: number): number {
  const r = rng(seed);
  let connected = 0;
  for (let run = 0; run < runs; run++) {
    const p = new Pair(cc, sc, crypto);
    let n = 0; const target = r() % 8;
    p.transform = (_from, d) => (n++ === target ? mutate(d, r) : d);
    const a = p.client.connect(0, SERVER_ADDR, 5684);
    p.drive(200_000);
    if (a.state === 1) connected++;
    assert.ok(p.server.associationCount <= 1);
  }
  return connected;
}

const t = suite('dtls/fuzz');

t('RFC 6347 §4.1.2.7 mutated PSK handshakes never throw; most recover by retransmission', () => {
  const key = new Uint8Array(16).fill(1);
  const ok = fuzz(createDtlsConfig({ psk: { identity: new Uint8Array([7]), key } }), createDtlsConfig({ pskForIdentity: () => key }), 400, 0x1234);
  assert.ok(ok > 200, `connected ${ok}/400`);
});

t('RFC 6347 §4.1.2.7 mutated certificate handshakes never throw', () => {
  const pki = makePki();
  const ok = fuzz(createDtlsConfig({ certificate: pki.config('controller') }), createDtlsConfig({ certificate: pki.config('agent') }), 150, 0xbeef);
  assert.ok(ok > 50, `connected ${ok}/150`);
});

t.run();
