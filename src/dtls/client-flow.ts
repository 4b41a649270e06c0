/**
 * The client side of the DTLS 1.2 handshake (RFC 6347 §4.2, Figure 1): ClientHello,
 * the cookie round (HelloVerifyRequest), the server's flight, then Certificate (when
 * asked, R-COAP.16) / ClientKeyExchange / CertificateVerify / ChangeCipherSpec /
 * Finished, and the server's ChangeCipherSpec + Finished (the peer's Certificate and
 * Finished are handled in `association.ts`, the same for both sides).
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { Await, DtlsAssociation, type AssociationHost } from './association.ts';
import type { DtlsConfig } from './config.ts';
import {
  buildCertificate, buildClientHello, buildSignedParams, buildVec, parseEcdheServerKeyExchange, parseHelloVerifyRequest,
  parseServerHello,
} from './handshake-messages.ts';
import { pskPremaster } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { AlertDescription, CipherSuite, DTLS_1_2, HandshakeType, NamedGroup, NO_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

export class DtlsClientAssociation extends DtlsAssociation {
  readonly isClient = true;
  /** HelloVerifyRequests answered (0 when the server skipped the cookie round). */
  cookieRounds = 0;
  private certRequested = false;

  // Written out: esbuild would otherwise generate super(...arguments), which the Espruino
  // build cannot lower without compiling every class (docs/espruino.md#the-subset).
  constructor(address: string, port: number, config: DtlsConfig, crypto: CryptoPort, host: AssociationHost) {
    super(address, port, config, crypto, host);
  }

  /**
   * Sends a ClientHello: the first (a fresh random, no cookie), or again with the
   * server's cookie, which is not part of the transcript (RFC 6347 §4.2.1).
   */
  start(now: number, cookie: Uint8Array = NO_BYTES): void {
    if (this.cookieRounds === 0) this.crypto.randomBytes(this.clientRandom);
    this.transcript = [];
    const c = this.config;
    this.sendFlight(now, [this.message(HandshakeType.ClientHello,
      buildClientHello(this.clientRandom, cookie, c.cipherSuites, c.groups, c.certificate !== undefined))], true);
  }

  protected handleMessage(now: number, type: number, body: Uint8Array, full: Uint8Array): void {
    const a = this.awaiting;
    if (type === HandshakeType.HelloRequest) return; // ignored during a handshake (RFC 5246 §7.4.1.1)
    if (type === HandshakeType.HelloVerifyRequest && a === Await.Hello) {
      const cookie = parseHelloVerifyRequest(body);
      if (cookie === undefined) { this.close(AlertDescription.DecodeError); return; }
      this.rl.window0.reset(); // the server numbers its records afresh (RFC 6347 §4.2.1)
      this.cookieRounds++;
      this.start(now, cookie);
      return;
    }
    if (type === HandshakeType.ServerHello && a === Await.Hello) {
      const sh = parseServerHello(body);
      if (sh === undefined) { this.close(AlertDescription.DecodeError); return; }
      if (sh.version !== DTLS_1_2) { this.close(AlertDescription.ProtocolVersion); return; }
      if (this.config.cipherSuites.indexOf(sh.suite) < 0) { this.close(AlertDescription.IllegalParameter); return; }
      this.cipherSuite = sh.suite;
      this.serverRandom = sh.random.slice();
      this.ems = sh.ext.extendedMasterSecret;
      this.transcript.push(full); // after our (last) ClientHello
      this.awaiting = sh.suite === CipherSuite.EcdheEcdsaAes128Ccm8 ? Await.Certificate : Await.HelloDone;
      if (sh.suite === CipherSuite.PskAes128Ccm8 && this.config.psk === undefined) this.close(AlertDescription.HandshakeFailure);
      return;
    }
    const ecc = this.cipherSuite === CipherSuite.EcdheEcdsaAes128Ccm8;
    if (type === HandshakeType.ServerKeyExchange && (a === Await.KeyExchange || (!ecc && a === Await.HelloDone))) {
      this.transcript.push(full);
      // PSK: an identity hint we do not use (RFC 4279 §2). ECDHE: the server's signed
      // ephemeral key (RFC 8422 §5.4) and our own, used once.
      if (ecc) {
        const ske = parseEcdheServerKeyExchange(body);
        if (ske === undefined) { this.close(AlertDescription.DecodeError); return; }
        if (ske.sigAlg !== SIG_ECDSA_SHA256 || !this.crypto.ecdsaP256Verify(this.peerCertificate!.publicKey,
          concatBytes([this.clientRandom, this.serverRandom, ske.params]), ske.signature)) {
          this.close(AlertDescription.DecryptError); return;
        }
        if (this.config.groups.indexOf(ske.group) < 0) { this.close(AlertDescription.IllegalParameter); return; }
        this.ecdheGroup = ske.group;
        const x25519 = ske.group === NamedGroup.X25519;
        const mine = x25519 ? this.crypto.x25519Keygen() : this.crypto.p256Keygen();
        this.premaster = x25519
          ? this.crypto.x25519SharedSecret(mine.privateKey, ske.publicKey)
          : this.crypto.p256SharedSecret(mine.privateKey, ske.publicKey);
        mine.privateKey.fill(0);
        if (this.premaster === undefined) { this.close(AlertDescription.IllegalParameter); return; }
        this.ephemeral = mine;
      }
      this.awaiting = Await.HelloDone;
      return;
    }
    if (type === HandshakeType.CertificateRequest && ecc && a === Await.HelloDone) {
      this.transcript.push(full);
      this.certRequested = true;
      return;
    }
    if (type === HandshakeType.ServerHelloDone && a === Await.HelloDone) {
      this.transcript.push(full);
      this.sendKeyExchangeFlight(now);
      return;
    }
    this.close(AlertDescription.UnexpectedMessage);
  }

  private sendKeyExchangeFlight(now: number): void {
    const flight = [];
    const cert = this.config.certificate;
    let signed = false;
    if (this.certRequested) {
      // An empty list when we have no certificate; the server decides (RFC 5246 §7.4.6).
      flight.push(this.message(HandshakeType.Certificate, buildCertificate(cert !== undefined ? cert.chain : [])));
      signed = cert !== undefined;
    }
    if (this.cipherSuite === CipherSuite.PskAes128Ccm8) {
      const psk = this.config.psk!;
      this.pskIdentity = psk.identity;
      this.premaster = pskPremaster(psk.key);
      flight.push(this.message(HandshakeType.ClientKeyExchange, buildVec(2, psk.identity)));
    } else {
      flight.push(this.message(HandshakeType.ClientKeyExchange, buildVec(1, this.ephemeral!.publicKey)));
    }
    this.deriveKeys(this.premaster!);
    if (signed) {
      const sig = this.crypto.ecdsaP256Sign(cert!.privateKey, concatBytes(this.transcript));
      flight.push(this.message(HandshakeType.CertificateVerify, buildSignedParams(NO_BYTES, sig)));
    }
    this.awaiting = Await.ChangeCipherSpec;
    this.sendFlight(now, flight.concat(this.ourFinished()), true);
  }
}
