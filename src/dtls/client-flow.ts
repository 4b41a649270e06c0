/**
 * The client side of the DTLS 1.2 handshake (RFC 6347 §4.2, Figure 1): ClientHello,
 * the cookie round (HelloVerifyRequest), the server's flight, then Certificate (when
 * asked, R-COAP.16) / ClientKeyExchange / CertificateVerify / ChangeCipherSpec /
 * Finished, and the server's ChangeCipherSpec + Finished.
 */
import type { CryptoPort } from '../platform/crypto.ts';
import { DtlsAssociation, type AssociationHost } from './association.ts';
import type { DtlsConfig } from './config.ts';
import {
  buildCertificate, buildClientHello, buildVec, parseEcdheServerKeyExchange, parseHelloVerifyRequest,
  parseServerHello,
} from './handshake-messages.ts';
import { finishedVerifyData, masterSecret, pskPremaster, trafficKeys, type TrafficKeys } from './key-schedule.ts';
import { concatBytes } from './crypto/prf.ts';
import { bytesEqual } from './der.ts';
import { AlertDescription, ByteWriter, CipherSuite, DTLS_1_2, HandshakeType, NamedGroup, NO_BYTES, SIG_ECDSA_SHA256 } from './wire.ts';

const Await = { ServerHello: 0, Certificate: 1, KeyExchange: 2, HelloDone: 3, ChangeCipherSpec: 4, Finished: 5, Done: 6 } as const;
type Await = (typeof Await)[keyof typeof Await];

export class DtlsClientAssociation extends DtlsAssociation {
  readonly isClient = true;
  /** HelloVerifyRequests answered (0 when the server skipped the cookie round). */
  cookieRounds = 0;
  private awaiting: Await = Await.ServerHello;
  private clientRandom: Uint8Array = new Uint8Array(32);
  private serverRandom: Uint8Array = new Uint8Array(32);
  private hello: Uint8Array = NO_BYTES;
  private ems = false;
  private certRequested = false;
  private premaster: Uint8Array | undefined;
  private ephemeralPublic: Uint8Array | undefined;
  private master: Uint8Array = NO_BYTES;
  private keys: TrafficKeys | undefined;

  // Written out: esbuild would otherwise generate super(...arguments), which the Espruino
  // build cannot lower without compiling every class (docs/espruino.md#the-subset).
  constructor(address: string, port: number, config: DtlsConfig, crypto: CryptoPort, host: AssociationHost) {
    super(address, port, config, crypto, host);
  }

  /** Sends the first ClientHello (no cookie). */
  start(now: number): void {
    this.crypto.randomBytes(this.clientRandom);
    this.sendHello(now, NO_BYTES);
  }

  private sendHello(now: number, cookie: Uint8Array): void {
    this.transcript = [];
    this.hello = this.message(HandshakeType.ClientHello,
      buildClientHello(this.clientRandom, cookie, this.config.cipherSuites, this.config.groups, this.config.certificate !== undefined)).bytes;
    this.sendFlight(now, [{ type: 22, bytes: this.hello, epoch: 0 }], true);
  }

  protected handleChangeCipherSpec(): void {
    if (this.awaiting !== Await.ChangeCipherSpec || this.keys === undefined) return;
    this.rl.setReadKeys(this.crypto.ccm8(this.keys.serverKey), this.keys.serverIv);
    this.awaiting = Await.Finished;
  }

  protected handleMessage(now: number, type: number, body: Uint8Array, full: Uint8Array): void {
    const a = this.awaiting;
    if (type === HandshakeType.HelloRequest) return; // ignored during a handshake (RFC 5246 §7.4.1.1)
    if (type === HandshakeType.HelloVerifyRequest && a === Await.ServerHello) {
      const cookie = parseHelloVerifyRequest(body);
      if (cookie === undefined) { this.close(AlertDescription.DecodeError); return; }
      this.rl.resetEpoch0Window();
      this.cookieRounds++;
      this.sendHello(now, cookie); // not part of the transcript (RFC 6347 §4.2.1)
      return;
    }
    if (type === HandshakeType.ServerHello && a === Await.ServerHello) { this.onServerHello(body, full); return; }
    const ecc = this.cipherSuite === CipherSuite.EcdheEcdsaAes128Ccm8;
    if (type === HandshakeType.Certificate && a === Await.Certificate) {
      if (this.acceptPeerCertificates(body, full)) this.awaiting = Await.KeyExchange;
      return;
    }
    if (type === HandshakeType.ServerKeyExchange && (a === Await.KeyExchange || (!ecc && a === Await.HelloDone))) {
      this.transcript.push(full);
      if (ecc && !this.onServerKeyExchange(body)) return;
      this.awaiting = Await.HelloDone; // PSK: an identity hint we do not use (RFC 4279 §2)
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
    if (type === HandshakeType.Finished && a === Await.Finished) {
      const expect = finishedVerifyData(this.crypto, this.master, false, this.transcriptHash());
      if (!bytesEqual(expect, body)) { this.close(AlertDescription.DecryptError); return; }
      this.transcript.push(full);
      this.awaiting = Await.Done;
      this.established();
      return;
    }
    this.close(AlertDescription.UnexpectedMessage);
  }

  protected forgetSecrets(): void {
    this.premaster?.fill(0);
    this.premaster = undefined;
    if (this.master.length > 0) this.master.fill(0);
    this.master = NO_BYTES;
    this.keys = undefined;
    this.hello = NO_BYTES;
    this.clientRandom = NO_BYTES; // handshake only (a client is never sent a ClientHello to recognise)
    this.serverRandom = NO_BYTES;
    this.ephemeralPublic = undefined;
  }

  private onServerHello(body: Uint8Array, full: Uint8Array): void {
    const sh = parseServerHello(body);
    if (sh === undefined) { this.close(AlertDescription.DecodeError); return; }
    if (sh.version !== DTLS_1_2) { this.close(AlertDescription.ProtocolVersion); return; }
    if (this.config.cipherSuites.indexOf(sh.suite) < 0) { this.close(AlertDescription.IllegalParameter); return; }
    this.cipherSuite = sh.suite;
    this.serverRandom = sh.random.slice();
    this.ems = sh.ext.extendedMasterSecret;
    this.transcript = [this.hello, full];
    this.awaiting = sh.suite === CipherSuite.EcdheEcdsaAes128Ccm8 ? Await.Certificate : Await.HelloDone;
    if (sh.suite === CipherSuite.PskAes128Ccm8 && this.config.psk === undefined) this.close(AlertDescription.HandshakeFailure);
  }

  private onServerKeyExchange(body: Uint8Array): boolean {
    const ske = parseEcdheServerKeyExchange(body);
    if (ske === undefined) { this.close(AlertDescription.DecodeError); return false; }
    if (ske.sigAlg !== SIG_ECDSA_SHA256 || !this.crypto.ecdsaP256Verify(this.peerCertificate!.publicKey,
      concatBytes(this.clientRandom, this.serverRandom, ske.params), ske.signature)) {
      this.close(AlertDescription.DecryptError); return false;
    }
    if (this.config.groups.indexOf(ske.group) < 0) { this.close(AlertDescription.IllegalParameter); return false; }
    this.ecdheGroup = ske.group;
    const mine = ske.group === NamedGroup.X25519 ? this.crypto.x25519Keygen() : this.crypto.p256Keygen();
    this.premaster = ske.group === NamedGroup.X25519
      ? this.crypto.x25519SharedSecret(mine.privateKey, ske.publicKey)
      : this.crypto.p256SharedSecret(mine.privateKey, ske.publicKey);
    mine.privateKey.fill(0); // used once (ECDHE)
    if (this.premaster === undefined) { this.close(AlertDescription.IllegalParameter); return false; }
    this.ephemeralPublic = mine.publicKey;
    return true;
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
      flight.push(this.message(HandshakeType.ClientKeyExchange, buildVec(1, this.ephemeralPublic!)));
    }
    this.master = masterSecret(this.crypto, this.premaster!, this.clientRandom, this.serverRandom, this.ems ? this.transcriptHash() : undefined);
    this.keys = trafficKeys(this.crypto, this.master, this.clientRandom, this.serverRandom);
    if (signed) {
      const sig = this.crypto.ecdsaP256Sign(cert!.privateKey, this.transcriptBytes());
      const w = new ByteWriter();
      w.u16(SIG_ECDSA_SHA256).u16(sig.length).bytes(sig);
      flight.push(this.message(HandshakeType.CertificateVerify, w.done()));
    }
    flight.push(this.changeCipherSpec());
    this.rl.setWriteKeys(this.crypto.ccm8(this.keys.clientKey), this.keys.clientIv);
    flight.push(this.message(HandshakeType.Finished, finishedVerifyData(this.crypto, this.master, true, this.transcriptHash()), 1));
    this.awaiting = Await.ChangeCipherSpec;
    this.sendFlight(now, flight, true);
  }
}
