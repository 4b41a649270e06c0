/**
 * The client side of the DTLS 1.2 handshake (RFC 6347 §4.2, Figure 1): ClientHello,
 * the cookie round (HelloVerifyRequest), the server's flight, then Certificate (when
 * asked, R-COAP.16) / ClientKeyExchange / CertificateVerify / ChangeCipherSpec /
 * Finished, and the server's ChangeCipherSpec + Finished (the peer's Certificate and
 * Finished are handled in `association.ts`, the same for both sides).
 */
import { Await, type DtlsAssociation } from './association.ts';
import {
  buildCertificate, buildClientHello, buildSignedParams, buildVec, parseEcdheServerKeyExchange, parseHelloVerifyRequest,
  parseServerHello,
} from './handshake-messages.ts';
import { pskPremaster } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { AlertDescription, CipherSuite, DTLS_1_2, HandshakeType, NamedGroup, NO_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

/**
 * Sends a ClientHello: the first (a fresh random, no cookie), or again with the
 * server's cookie, which is not part of the transcript (RFC 6347 §4.2.1).
 */
export function startClient(a: DtlsAssociation, now: number, cookie: Uint8Array = NO_BYTES): void {
  if (a.cookieRounds === 0) a.crypto.randomBytes(a.clientRandom);
  a.transcript = [];
  const c = a.config;
  a.sendFlight(now, [a.message(HandshakeType.ClientHello,
    buildClientHello(a.clientRandom, cookie, c.cipherSuites, c.groups, c.certificate !== undefined))], true);
}

function sendKeyExchangeFlight(a: DtlsAssociation, now: number): void {
  const flight = [];
  const cert = a.config.certificate;
  let signed = false;
  if (a.certRequested) {
    // An empty list when we have no certificate; the server decides (RFC 5246 §7.4.6).
    flight.push(a.message(HandshakeType.Certificate, buildCertificate(cert !== undefined ? cert.chain : [])));
    signed = cert !== undefined;
  }
  if (a.cipherSuite === CipherSuite.PskAes128Ccm8) {
    const psk = a.config.psk!;
    a.pskIdentity = psk.identity;
    a.premaster = pskPremaster(psk.key);
    flight.push(a.message(HandshakeType.ClientKeyExchange, buildVec(2, psk.identity)));
  } else {
    flight.push(a.message(HandshakeType.ClientKeyExchange, buildVec(1, a.ephemeral!.publicKey)));
  }
  a.deriveKeys(a.premaster!);
  if (signed) {
    const sig = a.crypto.ecdsaP256Sign(cert!.privateKey, concatBytes(a.transcript));
    flight.push(a.message(HandshakeType.CertificateVerify, buildSignedParams(NO_BYTES, sig)));
  }
  a.awaiting = Await.ChangeCipherSpec;
  a.sendFlight(now, flight.concat(a.ourFinished()), true);
}

/** One handshake message of the server's flights, in order (association.ts handles Certificate and Finished). */
export function clientMessage(a: DtlsAssociation, now: number, type: number, body: Uint8Array, full: Uint8Array): void {
  const at = a.awaiting;
  if (type === HandshakeType.HelloRequest) return; // ignored during a handshake (RFC 5246 §7.4.1.1)
  if (type === HandshakeType.HelloVerifyRequest && at === Await.Hello) {
    const cookie = parseHelloVerifyRequest(body);
    if (cookie === undefined) { a.close(AlertDescription.DecodeError); return; }
    a.rl.window0.reset(); // the server numbers its records afresh (RFC 6347 §4.2.1)
    a.cookieRounds++;
    startClient(a, now, cookie);
    return;
  }
  if (type === HandshakeType.ServerHello && at === Await.Hello) {
    const sh = parseServerHello(body);
    if (sh === undefined) { a.close(AlertDescription.DecodeError); return; }
    if (sh.version !== DTLS_1_2) { a.close(AlertDescription.ProtocolVersion); return; }
    if (a.config.cipherSuites.indexOf(sh.suite) < 0) { a.close(AlertDescription.IllegalParameter); return; }
    a.cipherSuite = sh.suite;
    a.serverRandom = sh.random.slice();
    a.ems = sh.ext.extendedMasterSecret;
    a.transcript.push(full); // after our (last) ClientHello
    a.awaiting = sh.suite === CipherSuite.EcdheEcdsaAes128Ccm8 ? Await.Certificate : Await.HelloDone;
    if (sh.suite === CipherSuite.PskAes128Ccm8 && a.config.psk === undefined) a.close(AlertDescription.HandshakeFailure);
    return;
  }
  const ecc = a.cipherSuite === CipherSuite.EcdheEcdsaAes128Ccm8;
  if (type === HandshakeType.ServerKeyExchange && (at === Await.KeyExchange || (!ecc && at === Await.HelloDone))) {
    a.transcript.push(full);
    // PSK: an identity hint we do not use (RFC 4279 §2). ECDHE: the server's signed
    // ephemeral key (RFC 8422 §5.4) and our own, used once.
    if (ecc) {
      const ske = parseEcdheServerKeyExchange(body);
      if (ske === undefined) { a.close(AlertDescription.DecodeError); return; }
      if (ske.sigAlg !== SIG_ECDSA_SHA256 || !a.crypto.ecdsaP256Verify(a.peerCertificate!.publicKey,
        concatBytes([a.clientRandom, a.serverRandom, ske.params]), ske.signature)) {
        a.close(AlertDescription.DecryptError); return;
      }
      if (a.config.groups.indexOf(ske.group) < 0) { a.close(AlertDescription.IllegalParameter); return; }
      a.ecdheGroup = ske.group;
      const x25519 = ske.group === NamedGroup.X25519;
      const mine = x25519 ? a.crypto.x25519Keygen() : a.crypto.p256Keygen();
      a.premaster = x25519
        ? a.crypto.x25519SharedSecret(mine.privateKey, ske.publicKey)
        : a.crypto.p256SharedSecret(mine.privateKey, ske.publicKey);
      mine.privateKey.fill(0);
      if (a.premaster === undefined) { a.close(AlertDescription.IllegalParameter); return; }
      a.ephemeral = mine;
    }
    a.awaiting = Await.HelloDone;
    return;
  }
  if (type === HandshakeType.CertificateRequest && ecc && at === Await.HelloDone) {
    a.transcript.push(full);
    a.certRequested = true;
    return;
  }
  if (type === HandshakeType.ServerHelloDone && at === Await.HelloDone) {
    a.transcript.push(full);
    sendKeyExchangeFlight(a, now);
    return;
  }
  a.close(AlertDescription.UnexpectedMessage);
}
