import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  buildCertificate, buildClientHello, buildEcdheParams, buildHelloVerifyRequest, buildServerHello, buildSignedParams,
  frameHandshake, parseCertificateList, parseClientHello, parseEcdheServerKeyExchange, parseHelloVerifyRequest, parseServerHello,
} from '../../src/dtls/handshake-messages.ts';
import { CipherSuite, NamedGroup, SIG_ECDSA_SHA256 } from '../../src/dtls/wire.ts';

const t = suite('dtls/handshake-messages');
const random = Uint8Array.from({ length: 32 }, (_, i) => i);

t('RFC 6347 §4.2.2 handshake header: type, length, message_seq, fragment offset/length', () => {
  assert.equal([...frameHandshake(2, 5, new Uint8Array([9, 9]))], [2, 0, 0, 2, 0, 5, 0, 0, 0, 0, 0, 2, 9, 9]);
});

t('RFC 6347 §4.2.1 ClientHello with cookie, suites and extensions round-trips', () => {
  const cookie = new Uint8Array([1, 2, 3]);
  const ch = parseClientHello(buildClientHello(random, cookie, [CipherSuite.EcdheEcdsaAes128Ccm8], [NamedGroup.Secp256r1, NamedGroup.X25519], true))!;
  assert.is(ch.version, 0xfefd);
  assert.equal([...ch.cookie], [1, 2, 3]);
  assert.equal(ch.suites, [CipherSuite.EcdheEcdsaAes128Ccm8, CipherSuite.EmptyRenegotiationInfoScsv]);
  assert.equal(ch.ext.groups, [23, 29]);
  assert.equal(ch.ext.sigAlgs, [SIG_ECDSA_SHA256]);
  assert.ok(ch.ext.extendedMasterSecret);
  assert.ok(ch.ext.uncompressedOk);
});

t('RFC 6347 §4.2.1 HelloVerifyRequest carries server_version DTLS 1.0 and the cookie', () => {
  const hvr = buildHelloVerifyRequest(new Uint8Array([7, 8]));
  assert.equal([...hvr], [0xfe, 0xff, 2, 7, 8]);
  assert.equal([...parseHelloVerifyRequest(hvr)!], [7, 8]);
});

t('RFC 5246 §7.4.1.3 ServerHello with EMS, renegotiation_info and point formats round-trips', () => {
  const sh = parseServerHello(buildServerHello(random, new Uint8Array(0), CipherSuite.PskAes128Ccm8, true, true, true))!;
  assert.is(sh.suite, CipherSuite.PskAes128Ccm8);
  assert.ok(sh.ext.extendedMasterSecret && sh.ext.renegotiationInfo);
});

t('RFC 8422 §5.4 ServerKeyExchange params and signature round-trip; RFC 5246 §7.4.2 certificate list', () => {
  const params = buildEcdheParams(NamedGroup.X25519, new Uint8Array(32).fill(4));
  const ske = parseEcdheServerKeyExchange(buildSignedParams(params, new Uint8Array([0x30, 1, 2])))!;
  assert.is(ske.group, NamedGroup.X25519);
  assert.is(ske.publicKey.length, 32);
  assert.equal([...ske.params], [...params]);
  assert.equal([...ske.signature], [0x30, 1, 2]);
  const list = parseCertificateList(buildCertificate([new Uint8Array([1]), new Uint8Array([2, 3])]), 4)!;
  assert.equal(list.map((c) => [...c]), [[1], [2, 3]]);
  assert.is(parseCertificateList(buildCertificate([new Uint8Array(1), new Uint8Array(1)]), 1), undefined, 'bounded');
});

t('RFC 5246 §7.4 truncated and inconsistent bodies parse to undefined, never throw', () => {
  const ch = buildClientHello(random, new Uint8Array(0), [CipherSuite.PskAes128Ccm8], [], false);
  // 2 version + 32 random + 1 session + 1 cookie + 2+4 suites + 2 compression: a hello may end there (no extensions)
  const noExtensions = 44;
  for (let cut = 0; cut < ch.length; cut++) {
    const r = parseClientHello(ch.subarray(0, cut));
    if (cut === noExtensions) assert.ok(r !== undefined && r.ext.groups.length === 0);
    else assert.is(r, undefined, `cut ${cut}`);
  }
  const badReneg = buildServerHello(random, new Uint8Array(0), 1, false, true, false);
  badReneg[badReneg.length - 1] = 1; // renegotiated_connection must be empty on the first handshake
  assert.is(parseServerHello(badReneg), undefined);
});

t.run();
