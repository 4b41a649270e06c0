/**
 * The server side of the DTLS 1.2 handshake (RFC 6347 §4.2, RFC 5246 §7.3), flights
 * 4 and 6 of RFC 6347 Figure 1 (the cookie exchange, flights 1–3, is stateless in
 * `endpoint.ts`; the peer's Certificate and Finished and our last flight are handled in
 * `association.ts`, the same for both sides). Suites: ECDHE_ECDSA_WITH_AES_128_CCM_8
 * with a CertificateRequest (R-MTP.1), PSK_WITH_AES_128_CCM_8 when configured.
 */
import { Await, type DtlsAssociation } from './association.ts';
import {
  buildCertificate, CERTIFICATE_REQUEST, buildEcdheParams, buildServerHello, buildSignedParams,
  parseClientHello, parseDigitallySigned, parseVec,
} from './handshake-messages.ts';
import { pskPremaster } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { AlertDescription, CipherSuite, DTLS_1_2, HandshakeType, NamedGroup, NO_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

function onClientHello(a: DtlsAssociation, now: number, body: Uint8Array, full: Uint8Array): void {
  const hello = parseClientHello(body);
  if (hello === undefined) { a.close(AlertDescription.DecodeError); return; }
  // DTLS versions count down: 0xfeff (1.0) is older than 0xfefd (1.2) (RFC 6347 §4.1)
  if (hello.version > DTLS_1_2) { a.close(AlertDescription.ProtocolVersion); return; }
  // Our most preferred suite the client offers and we can serve: ECDHE_ECDSA needs our
  // certificate, uncompressed points, ecdsa_secp256r1_sha256 and a group in common
  // (secp256r1 when the client lists none, RFC 8422 §4).
  const c = a.config; const ext = hello.ext;
  let suite = 0;
  for (let i = 0; i < c.cipherSuites.length && suite === 0; i++) {
    const s = c.cipherSuites[i]!;
    if (hello.suites.indexOf(s) < 0) continue;
    if (s === CipherSuite.PskAes128Ccm8 && c.pskForIdentity !== undefined) suite = s;
    else if (s === CipherSuite.EcdheEcdsaAes128Ccm8 && c.certificate !== undefined && ext.uncompressedOk &&
        (ext.sigAlgs.length === 0 || ext.sigAlgs.indexOf(SIG_ECDSA_SHA256) >= 0)) {
      for (let j = 0; j < c.groups.length && suite === 0; j++) {
        const g = c.groups[j]!;
        if (ext.groups.length > 0 ? ext.groups.indexOf(g) >= 0 : g === NamedGroup.Secp256r1) { a.ecdheGroup = g; suite = s; }
      }
    }
  }
  if (suite === 0) { a.close(AlertDescription.HandshakeFailure); return; }
  a.cipherSuite = suite;
  a.clientRandom = hello.random.slice();
  a.crypto.randomBytes(a.serverRandom);
  // Our record numbering continues from the hello's record (in the view while it is
  // handled) so that it never repeats the stateless HelloVerifyRequest's (RFC 6347 §4.2.1).
  a.rl.writeSeq = a.rl.view.seq;
  a.ems = ext.extendedMasterSecret;
  const reneg = ext.renegotiationInfo || hello.suites.indexOf(CipherSuite.EmptyRenegotiationInfoScsv) >= 0;
  // A stateless server's message_seq continues from the ClientHello's (RFC 6347 §4.2.2).
  a.sendSeq = a.reasm.next - 1;
  a.transcript = [full];
  const ecc = suite === CipherSuite.EcdheEcdsaAes128Ccm8;
  const flight = [a.message(HandshakeType.ServerHello, buildServerHello(a.serverRandom, NO_BYTES, suite, a.ems, reneg, ecc))];
  a.awaiting = Await.KeyExchange;
  if (ecc) {
    const cert = c.certificate!;
    flight.push(a.message(HandshakeType.Certificate, buildCertificate(cert.chain)));
    const e = a.ecdheGroup === NamedGroup.X25519 ? a.crypto.x25519Keygen() : a.crypto.p256Keygen();
    a.ephemeral = e;
    const params = buildEcdheParams(a.ecdheGroup, e.publicKey);
    const sig = a.crypto.ecdsaP256Sign(cert.privateKey, concatBytes([a.clientRandom, a.serverRandom, params]));
    flight.push(a.message(HandshakeType.ServerKeyExchange, buildSignedParams(params, sig)));
    if (c.requireClientCertificate) {
      flight.push(a.message(HandshakeType.CertificateRequest, CERTIFICATE_REQUEST));
      a.awaiting = Await.Certificate;
    }
  }
  flight.push(a.message(HandshakeType.ServerHelloDone, NO_BYTES));
  a.sendFlight(now, flight, true);
}

/** One handshake message of the client's flights, in order (association.ts handles Certificate and Finished). */
export function serverMessage(a: DtlsAssociation, now: number, type: number, body: Uint8Array, full: Uint8Array): void {
  const at = a.awaiting;
  if (type === HandshakeType.ClientHello && at === Await.Hello) { onClientHello(a, now, body, full); return; }
  if (type === HandshakeType.ClientKeyExchange && at === Await.KeyExchange) {
    let premaster: Uint8Array | undefined;
    if (a.cipherSuite === CipherSuite.PskAes128Ccm8) {
      const identity = parseVec(body, 2);
      if (identity === undefined) { a.close(AlertDescription.DecodeError); return; }
      const psk = a.config.pskForIdentity!(identity);
      if (psk === undefined) { a.close(AlertDescription.UnknownPskIdentity); return; }
      a.pskIdentity = identity.slice();
      premaster = pskPremaster(psk);
    } else {
      const point = parseVec(body, 1);
      const e = a.ephemeral!;
      premaster = point === undefined ? undefined
        : a.ecdheGroup === NamedGroup.X25519 ? a.crypto.x25519SharedSecret(e.privateKey, point)
          : a.crypto.p256SharedSecret(e.privateKey, point);
      if (premaster === undefined) { a.close(AlertDescription.IllegalParameter); return; }
    }
    a.transcript.push(full);
    a.deriveKeys(premaster);
    a.awaiting = a.peerCertificate !== undefined ? Await.CertificateVerify : Await.ChangeCipherSpec;
    return;
  }
  if (type === HandshakeType.CertificateVerify && at === Await.CertificateVerify) {
    const sig = parseDigitallySigned(body);
    if (sig === undefined || sig.sigAlg !== SIG_ECDSA_SHA256 ||
        !a.crypto.ecdsaP256Verify(a.peerCertificate!.publicKey, concatBytes(a.transcript), sig.signature)) {
      a.close(AlertDescription.DecryptError); return;
    }
    a.transcript.push(full);
    a.awaiting = Await.ChangeCipherSpec;
    return;
  }
  a.close(AlertDescription.UnexpectedMessage);
}
