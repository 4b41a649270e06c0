/**
 * The server side of the DTLS 1.2 handshake (RFC 6347 §4.2, RFC 5246 §7.3), flights
 * 4 and 6 of RFC 6347 Figure 1 (the cookie exchange, flights 1–3, is stateless in
 * `endpoint.ts`; the peer's Certificate and Finished and our last flight are handled in
 * `association.ts`, the same for both sides). Suites: ECDHE_ECDSA_WITH_AES_128_CCM_8
 * with a CertificateRequest (R-MTP.1), PSK_WITH_AES_128_CCM_8 when configured.
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { Await, DtlsAssociation, type AssociationHost } from './association.ts';
import type { DtlsConfig } from './config.ts';
import {
  buildCertificate, CERTIFICATE_REQUEST, buildEcdheParams, buildServerHello, buildSignedParams,
  parseClientHello, parseDigitallySigned, parseVec,
} from './handshake-messages.ts';
import { pskPremaster } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { AlertDescription, CipherSuite, DTLS_1_2, HandshakeType, NamedGroup, NO_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

export class DtlsServerAssociation extends DtlsAssociation {
  readonly isClient = false;

  // Written out: esbuild would otherwise generate super(...arguments), which the Espruino
  // build cannot lower without compiling every class (docs/espruino.md#the-subset).
  constructor(address: string, port: number, config: DtlsConfig, crypto: CryptoPort, host: AssociationHost) {
    super(address, port, config, crypto, host);
  }

  /**
   * `helloSeq` is the message_seq of the ClientHello that carried a valid cookie and
   * `recordSeq` its record sequence number: our record numbering continues from it so
   * that it never repeats the stateless HelloVerifyRequest's (RFC 6347 §4.2.1).
   */
  start(helloSeq: number, recordSeq: number): void {
    this.reasm.reset(helloSeq);
    this.rl.writeSeq = recordSeq;
  }

  protected handleMessage(now: number, type: number, body: Uint8Array, full: Uint8Array): void {
    const a = this.awaiting;
    if (type === HandshakeType.ClientHello && a === Await.Hello) { this.onClientHello(now, body, full); return; }
    if (type === HandshakeType.ClientKeyExchange && a === Await.KeyExchange) {
      let premaster: Uint8Array | undefined;
      if (this.cipherSuite === CipherSuite.PskAes128Ccm8) {
        const identity = parseVec(body, 2);
        if (identity === undefined) { this.close(AlertDescription.DecodeError); return; }
        const psk = this.config.pskForIdentity!(identity);
        if (psk === undefined) { this.close(AlertDescription.UnknownPskIdentity); return; }
        this.pskIdentity = identity.slice();
        premaster = pskPremaster(psk);
      } else {
        const point = parseVec(body, 1);
        const e = this.ephemeral!;
        premaster = point === undefined ? undefined
          : this.ecdheGroup === NamedGroup.X25519 ? this.crypto.x25519SharedSecret(e.privateKey, point)
            : this.crypto.p256SharedSecret(e.privateKey, point);
        if (premaster === undefined) { this.close(AlertDescription.IllegalParameter); return; }
      }
      this.transcript.push(full);
      this.deriveKeys(premaster);
      this.awaiting = this.peerCertificate !== undefined ? Await.CertificateVerify : Await.ChangeCipherSpec;
      return;
    }
    if (type === HandshakeType.CertificateVerify && a === Await.CertificateVerify) {
      const sig = parseDigitallySigned(body);
      if (sig === undefined || sig.sigAlg !== SIG_ECDSA_SHA256 ||
          !this.crypto.ecdsaP256Verify(this.peerCertificate!.publicKey, concatBytes(this.transcript), sig.signature)) {
        this.close(AlertDescription.DecryptError); return;
      }
      this.transcript.push(full);
      this.awaiting = Await.ChangeCipherSpec;
      return;
    }
    this.close(AlertDescription.UnexpectedMessage);
  }

  private onClientHello(now: number, body: Uint8Array, full: Uint8Array): void {
    const hello = parseClientHello(body);
    if (hello === undefined) { this.close(AlertDescription.DecodeError); return; }
    // DTLS versions count down: 0xfeff (1.0) is older than 0xfefd (1.2) (RFC 6347 §4.1)
    if (hello.version > DTLS_1_2) { this.close(AlertDescription.ProtocolVersion); return; }
    // Our most preferred suite the client offers and we can serve: ECDHE_ECDSA needs our
    // certificate, uncompressed points, ecdsa_secp256r1_sha256 and a group in common
    // (secp256r1 when the client lists none, RFC 8422 §4).
    const c = this.config; const ext = hello.ext;
    let suite = 0;
    for (let i = 0; i < c.cipherSuites.length && suite === 0; i++) {
      const s = c.cipherSuites[i]!;
      if (hello.suites.indexOf(s) < 0) continue;
      if (s === CipherSuite.PskAes128Ccm8 && c.pskForIdentity !== undefined) suite = s;
      else if (s === CipherSuite.EcdheEcdsaAes128Ccm8 && c.certificate !== undefined && ext.uncompressedOk &&
          (ext.sigAlgs.length === 0 || ext.sigAlgs.indexOf(SIG_ECDSA_SHA256) >= 0)) {
        for (let j = 0; j < c.groups.length && suite === 0; j++) {
          const g = c.groups[j]!;
          if (ext.groups.length > 0 ? ext.groups.indexOf(g) >= 0 : g === NamedGroup.Secp256r1) { this.ecdheGroup = g; suite = s; }
        }
      }
    }
    if (suite === 0) { this.close(AlertDescription.HandshakeFailure); return; }
    this.cipherSuite = suite;
    this.clientRandom = hello.random.slice();
    this.crypto.randomBytes(this.serverRandom);
    this.ems = ext.extendedMasterSecret;
    const reneg = ext.renegotiationInfo || hello.suites.indexOf(CipherSuite.EmptyRenegotiationInfoScsv) >= 0;
    // A stateless server's message_seq continues from the ClientHello's (RFC 6347 §4.2.2).
    this.sendSeq = this.reasm.next - 1;
    this.transcript = [full];
    const ecc = suite === CipherSuite.EcdheEcdsaAes128Ccm8;
    const flight = [this.message(HandshakeType.ServerHello, buildServerHello(this.serverRandom, NO_BYTES, suite, this.ems, reneg, ecc))];
    this.awaiting = Await.KeyExchange;
    if (ecc) {
      const cert = c.certificate!;
      flight.push(this.message(HandshakeType.Certificate, buildCertificate(cert.chain)));
      const e = this.ecdheGroup === NamedGroup.X25519 ? this.crypto.x25519Keygen() : this.crypto.p256Keygen();
      this.ephemeral = e;
      const params = buildEcdheParams(this.ecdheGroup, e.publicKey);
      const sig = this.crypto.ecdsaP256Sign(cert.privateKey, concatBytes([this.clientRandom, this.serverRandom, params]));
      flight.push(this.message(HandshakeType.ServerKeyExchange, buildSignedParams(params, sig)));
      if (c.requireClientCertificate) {
        flight.push(this.message(HandshakeType.CertificateRequest, CERTIFICATE_REQUEST));
        this.awaiting = Await.Certificate;
      }
    }
    flight.push(this.message(HandshakeType.ServerHelloDone, NO_BYTES));
    this.sendFlight(now, flight, true);
  }
}
