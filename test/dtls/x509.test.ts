/** X.509 subset and DER/PEM helpers against certificates openssl made at test time. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { base64Decode, ecPrivateKeyFromDer, pemBlocks } from '../../src/dtls/der.ts';
import { CertError, certificateNames, endpointIdOf, parseCertificate, verifyChain, type Certificate } from '../../src/dtls/x509.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { AGENT_EID, CONTROLLER_EID, makePki, type Pki } from './pki.ts';

const crypto = createNodeCrypto();
let pki: Pki;
const cert = (name: string): Certificate => {
  const c = parseCertificate(pemBlocks(readFileSync(pki.path(name, 'crt'), 'utf8'), 'CERTIFICATE')[0]!);
  if (typeof c === 'number') throw new Error(`parse ${name}: ${c}`);
  return c;
};

const t = suite('dtls/x509');
t.before(() => { pki = makePki(); });

t('RFC 4648 §10 base64 vectors (no atob)', () => {
  const cases: Array<[string, string]> = [['', ''], ['Zg==', 'f'], ['Zm8=', 'fo'], ['Zm9v', 'foo'], ['Zm9vYg==', 'foob'], ['Zm9vYmE=', 'fooba'], ['Zm9vYmFy', 'foobar']];
  for (const [b64, text] of cases) assert.is(Buffer.from(base64Decode(b64)!).toString(), text);
  assert.is(base64Decode('Zm9v!'), undefined);
});

t('RFC 5280 §4.1 fields of an openssl certificate: validity, SAN URI, key, CA flag', () => {
  const agent = cert('agent');
  assert.is(endpointIdOf(agent), AGENT_EID);
  assert.not.ok(agent.isCa);
  assert.ok(cert('ca').isCa);
  assert.is(agent.publicKey.length, 65);
  const end = execFileSync('openssl', ['x509', '-in', pki.path('expired', 'crt'), '-noout', '-enddate']).toString();
  assert.match(end, /Jan  1 00:00:00 2021 GMT/);
  assert.is(cert('expired').notAfter, Date.UTC(2021, 0, 1));
  assert.is(cert('expired').notBefore, Date.UTC(2020, 0, 1));
});

t('R-SEC.0a a certificate names an Endpoint ID by SAN URI, or an fqdn:: ID by dNSName (wildcard per R-COAP.15)', () => {
  const c = cert('controller');
  assert.ok(certificateNames(c, CONTROLLER_EID));
  assert.not.ok(certificateNames(c, 'self::controller-2'));
  assert.not.ok(certificateNames(c, 'self::controller'));
  const f = cert('fqdn');
  assert.is(endpointIdOf(f), undefined);
  assert.ok(certificateNames(f, 'fqdn::controller.example.org'));
  assert.ok(certificateNames(f, 'fqdn::Controller.Example.ORG'), 'DNS names compare case-insensitively');
  assert.ok(certificateNames(f, 'fqdn::acs.usp.example.org'));
  assert.not.ok(certificateNames(f, 'fqdn::a.b.usp.example.org'), 'a wildcard matches one label');
  assert.not.ok(certificateNames(f, 'fqdn::other.example.org'));
  assert.not.ok(certificateNames(f, 'self::controller.example.org'));
});

t('RFC 5915 / RFC 5208 EC private keys from SEC1 and PKCS#8 PEM agree', () => {
  const sec1 = ecPrivateKeyFromDer(pemBlocks(readFileSync(pki.path('agent', 'key'), 'utf8'), 'EC PRIVATE KEY')[0]!)!;
  const pk8pem = execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', pki.path('agent', 'key')]).toString();
  const pk8 = ecPrivateKeyFromDer(pemBlocks(pk8pem, 'PRIVATE KEY')[0]!)!;
  assert.equal([...pk8], [...sec1]);
  assert.equal([...crypto.p256PublicKey(sec1)!], [...cert('agent').publicKey], 'the key matches the certificate');
});

t('RFC 5280 §6 chain verification: trusted, unknown CA, expired (only when the clock is known), tampered', () => {
  const anchors = [cert('ca')];
  const now = Date.now();
  assert.is(verifyChain(crypto, [cert('agent')], anchors, now), CertError.Ok);
  assert.is(verifyChain(crypto, [cert('untrusted')], anchors, now), CertError.UnknownCa);
  assert.is(verifyChain(crypto, [cert('untrusted'), cert('other-ca')], anchors, now), CertError.UnknownCa, 'a chain to an untrusted root');
  assert.is(verifyChain(crypto, [cert('expired')], anchors, now), CertError.Expired);
  assert.is(verifyChain(crypto, [cert('expired')], anchors, undefined), CertError.Ok, 'R-MTP.2 dates ignored while unknown');
  const der = cert('agent').der.slice();
  der[der.length - 80] ^= 1; // inside the signed TBS or the signature
  const bad = parseCertificate(der);
  assert.ok(typeof bad === 'number' || verifyChain(crypto, [bad], anchors, now) !== CertError.Ok);
});

t('RFC 5280 malformed and unsupported certificates are codes, not exceptions', () => {
  assert.is(parseCertificate(new Uint8Array([0x30, 0x82, 0xff])), CertError.Malformed);
  const der = cert('agent').der;
  for (let cut = 0; cut < der.length; cut += 7) {
    const r = parseCertificate(der.subarray(0, cut));
    assert.ok(typeof r === 'number', `truncated at ${cut}`);
  }
});

t.run();
