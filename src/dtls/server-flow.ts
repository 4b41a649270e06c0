/**
 * The server side of the DTLS 1.2 handshake (RFC 6347 §4.2, RFC 5246 §7.3), flights
 * 4 and 6 of RFC 6347 Figure 1 (the cookie exchange, flights 1–3, is stateless in
 * `endpoint.ts`). Suites: ECDHE_ECDSA_WITH_AES_128_CCM_8 with a CertificateRequest
 * (R-MTP.1), PSK_WITH_AES_128_CCM_8 when configured.
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { DtlsAssociation, type AssociationHost } from './association.ts';
import type { DtlsConfig } from './config.ts';
import {
  buildCertificate, buildCertificateRequest, buildEcdheParams, buildServerHello, buildSignedParams,
  parseClientHello, parseDigitallySigned, parseVec, type ClientHelloFields,
} from './handshake-messages.ts';
import { finishedVerifyData, masterSecret, pskPremaster, trafficKeys, type TrafficKeys } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { bytesEqual } from './der.ts';
import { AlertDescription, CipherSuite, DTLS_1_2, HandshakeType, NamedGroup, NO_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

const Await = { ClientHello: 0, Certificate: 1, KeyExchange: 2, CertificateVerify: 3, ChangeCipherSpec: 4, Finished: 5, Done: 6 } as const;
type Await = (typeof Await)[keyof typeof Await];

export class DtlsServerAssociation extends DtlsAssociation {
  readonly isClient = false;
  private awaiting: Await = Await.ClientHello;
  /** The client random of the hello being served (tells retransmissions from new hellos). */
  clientRandom: Uint8Array = new Uint8Array(32);
  private serverRandom: Uint8Array = new Uint8Array(32);
  private ems = false;
  private group = 0;
  private ephemeral: { privateKey: Uint8Array; publicKey: Uint8Array } | undefined;
  private master: Uint8Array = NO_BYTES;
  private keys: TrafficKeys | undefined;

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

  private chooseSuite(hello: ClientHelloFields): number {
    const c = this.config;
    for (const s of c.cipherSuites) {
      if (hello.suites.indexOf(s) < 0) continue;
      if (s === CipherSuite.PskAes128Ccm8 && c.pskForIdentity !== undefined) return s;
      if (s === CipherSuite.EcdheEcdsaAes128Ccm8 && c.certificate !== undefined && hello.ext.uncompressedOk &&
          (hello.ext.sigAlgs.length === 0 || hello.ext.sigAlgs.indexOf(SIG_ECDSA_SHA256) >= 0)) {
        const offered = hello.ext.groups.length > 0 ? hello.ext.groups : [NamedGroup.Secp256r1];
        const g = c.groups.find((x) => offered.indexOf(x) >= 0);
        if (g !== undefined) { this.group = g; return s; }
      }
    }
    return 0;
  }

  protected handleChangeCipherSpec(): void {
    if (this.awaiting !== Await.ChangeCipherSpec || this.keys === undefined) return;
    this.rl.setReadKeys(this.crypto.ccm8(this.keys.clientKey), this.keys.clientIv);
    this.awaiting = Await.Finished;
  }

  protected handleMessage(now: number, type: number, body: Uint8Array, full: Uint8Array): void {
    if (type === HandshakeType.ClientHello && this.awaiting === Await.ClientHello) { this.onClientHello(now, body, full); return; }
    if (type === HandshakeType.Certificate && this.awaiting === Await.Certificate) {
      if (this.acceptPeerCertificates(body, full)) this.awaiting = Await.KeyExchange;
      return;
    }
    if (type === HandshakeType.ClientKeyExchange && this.awaiting === Await.KeyExchange) { this.onKeyExchange(body, full); return; }
    if (type === HandshakeType.CertificateVerify && this.awaiting === Await.CertificateVerify) {
      const sig = parseDigitallySigned(body);
      if (sig === undefined || sig.sigAlg !== SIG_ECDSA_SHA256 ||
          !this.crypto.ecdsaP256Verify(this.peerCertificate!.publicKey, this.transcriptBytes(), sig.signature)) {
        this.close(AlertDescription.DecryptError); return;
      }
      this.transcript.push(full);
      this.awaiting = Await.ChangeCipherSpec;
      return;
    }
    if (type === HandshakeType.Finished && this.awaiting === Await.Finished) {
      const expect = finishedVerifyData(this.crypto, this.master, true, this.transcriptHash());
      if (!bytesEqual(expect, body)) { this.close(AlertDescription.DecryptError); return; }
      this.transcript.push(full);
      const k = this.keys!;
      this.rl.setWriteKeys(this.crypto.ccm8(k.serverKey), k.serverIv);
      const ccs = this.changeCipherSpec();
      const fin = this.message(HandshakeType.Finished, finishedVerifyData(this.crypto, this.master, false, this.transcriptHash()), 1);
      this.awaiting = Await.Done;
      this.sendFlight(now, [ccs, fin], false);
      this.established();
      return;
    }
    this.close(AlertDescription.UnexpectedMessage);
  }

  protected forgetSecrets(): void {
    this.ephemeral?.privateKey.fill(0);
    this.ephemeral = undefined;
    if (this.master.length > 0) this.master.fill(0);
    this.master = NO_BYTES;
    this.keys = undefined;
    this.serverRandom = NO_BYTES; // handshake only; the client random stays (a retransmitted hello is recognised by it)
  }

  private onClientHello(now: number, body: Uint8Array, full: Uint8Array): void {
    const hello = parseClientHello(body);
    if (hello === undefined) { this.close(AlertDescription.DecodeError); return; }
    // DTLS versions count down: 0xfeff (1.0) is older than 0xfefd (1.2) (RFC 6347 §4.1)
    if (hello.version > DTLS_1_2) { this.close(AlertDescription.ProtocolVersion); return; }
    const suite = this.chooseSuite(hello);
    if (suite === 0) { this.close(AlertDescription.HandshakeFailure); return; }
    this.cipherSuite = suite;
    this.clientRandom = hello.random.slice();
    this.crypto.randomBytes(this.serverRandom);
    this.ems = hello.ext.extendedMasterSecret;
    const reneg = hello.ext.renegotiationInfo || hello.suites.indexOf(CipherSuite.EmptyRenegotiationInfoScsv) >= 0;
    // A stateless server's message_seq continues from the ClientHello's (RFC 6347 §4.2.2).
    this.sendSeq = this.reasm.next - 1;
    this.transcript = [full];
    const ecc = suite === CipherSuite.EcdheEcdsaAes128Ccm8;
    if (ecc) this.ecdheGroup = this.group;
    const flight = [this.message(HandshakeType.ServerHello, buildServerHello(this.serverRandom, NO_BYTES, suite, this.ems, reneg, ecc))];
    if (ecc) {
      const cert = this.config.certificate!;
      flight.push(this.message(HandshakeType.Certificate, buildCertificate(cert.chain)));
      this.ephemeral = this.group === NamedGroup.X25519 ? this.crypto.x25519Keygen() : this.crypto.p256Keygen();
      const params = buildEcdheParams(this.group, this.ephemeral.publicKey);
      const sig = this.crypto.ecdsaP256Sign(cert.privateKey, concatBytes(this.clientRandom, this.serverRandom, params));
      flight.push(this.message(HandshakeType.ServerKeyExchange, buildSignedParams(params, sig)));
      if (this.config.requireClientCertificate) flight.push(this.message(HandshakeType.CertificateRequest, buildCertificateRequest()));
      this.awaiting = this.config.requireClientCertificate ? Await.Certificate : Await.KeyExchange;
    } else {
      this.awaiting = Await.KeyExchange;
    }
    flight.push(this.message(HandshakeType.ServerHelloDone, NO_BYTES));
    this.sendFlight(now, flight, true);
  }

  private onKeyExchange(body: Uint8Array, full: Uint8Array): void {
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
        : this.group === NamedGroup.X25519 ? this.crypto.x25519SharedSecret(e.privateKey, point)
          : this.crypto.p256SharedSecret(e.privateKey, point);
      if (premaster === undefined) { this.close(AlertDescription.IllegalParameter); return; }
    }
    this.transcript.push(full);
    this.master = masterSecret(this.crypto, premaster, this.clientRandom, this.serverRandom, this.ems ? this.transcriptHash() : undefined);
    this.keys = trafficKeys(this.crypto, this.master, this.clientRandom, this.serverRandom);
    this.awaiting = this.peerCertificate !== undefined ? Await.CertificateVerify : Await.ChangeCipherSpec;
  }
}
