/**
 * DTLS handshake messages (RFC 6347 §4.2, RFC 5246 §7.4) and X.509 (the subset R-MTP.1–3
 * needs). Byte 0 picks: 0 the message parsers, 1 a certificate (DER), 2 the handshake
 * reassembler (12-byte fragment headers), 3 a fresh server association fed the rest as its
 * peer's records after a valid ClientHello, 4 a fresh client association fed the rest as
 * the server's flight.
 */
import { DtlsAssociation, type AssociationHost } from '../../../src/dtls/association.ts';
import { startClient } from '../../../src/dtls/client-flow.ts';
import { createDtlsConfig } from '../../../src/dtls/config.ts';
import {
  buildCertificate, buildEcdheParams, buildHelloVerifyRequest, buildServerHello, buildSignedParams, parseCertificateList, parseClientHello,
  parseDigitallySigned, parseEcdheServerKeyExchange, parseHelloVerifyRequest, parseServerHello, parseVec,
} from '../../../src/dtls/handshake-messages.ts';
import { HandshakeReassembler } from '../../../src/dtls/reassembly.ts';
import { certificateNames, endpointIdOf, parseCertificate } from '../../../src/dtls/x509.ts';
import { CipherSuite, NamedGroup } from '../../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../../src/platform/node/crypto.ts';
import type { FuzzTarget } from '../target.ts';
import { clientHello } from './dtls-record.ts';

const crypto = createNodeCrypto();
const PSK = new Uint8Array(16).fill(1);
const serverConfig = createDtlsConfig({ pskForIdentity: () => PSK });
const clientConfig = createDtlsConfig({ psk: { identity: Uint8Array.of(0x61), key: PSK } });
const host: AssociationHost = { transmit: () => {}, connected: () => {}, data: () => {}, closed: () => {}, mayRetransmit: () => true };
const with0 = (mode: number, b: Uint8Array): Uint8Array => Uint8Array.of(mode, ...b);

export default function create(): FuzzTarget {
  const hello = clientHello(new Uint8Array(0));
  return {
    name: 'dtls-handshake',
    about: 'DTLS handshake message parsers, reassembly, both handshake state machines, X.509',
    files: ['src/dtls/handshake-messages.ts', 'src/dtls/reassembly.ts', 'src/dtls/x509.ts', 'src/dtls/der.ts', 'src/dtls/server-flow.ts',
      'src/dtls/client-flow.ts', 'src/dtls/association.ts'],
    seeds: () => [
      with0(0, hello.subarray(25)), with0(0, buildServerHello(new Uint8Array(32), new Uint8Array(0), CipherSuite.PskAes128Ccm8, true, true, false)),
      with0(0, buildHelloVerifyRequest(new Uint8Array(16))), with0(0, buildCertificate([Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)])),
      with0(0, buildSignedParams(buildEcdheParams(NamedGroup.Secp256r1, new Uint8Array(65).fill(4)), Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01))),
      with0(1, Uint8Array.of(0x30, 0x0a, 0x30, 0x03, 0x02, 0x01, 0x02, 0x30, 0x00, 0x03, 0x01, 0x00)),
      with0(2, Uint8Array.of(1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4)),
      with0(3, hello.subarray(0, 0)), with0(4, Uint8Array.of()),
    ],
    run(data) {
      if (data.length === 0) return;
      const b = data.subarray(1);
      switch (data[0]! % 5) {
        case 0:
          parseClientHello(b); parseServerHello(b); parseHelloVerifyRequest(b); parseCertificateList(b, 8192);
          parseEcdheServerKeyExchange(b); parseDigitallySigned(b); parseVec(b, 1); parseVec(b, 2);
          return;
        case 1: {
          const c = parseCertificate(b);
          if (typeof c !== 'number') { endpointIdOf(c); certificateNames(c, 'self::x'); }
          return;
        }
        case 2: {
          const r = new HandshakeReassembler(2048);
          for (let p = 0; p + 12 <= b.length;) {
            const fragLen = Math.min((b[p + 9]! << 16) | (b[p + 10]! << 8) | b[p + 11]!, b.length - p - 12);
            r.add(b[p]!, (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!, (b[p + 4]! << 8) | b[p + 5]!, (b[p + 6]! << 16) | (b[p + 7]! << 8) | b[p + 8]!, fragLen, b, p + 12);
            for (let m = r.poll(); m !== undefined; m = r.poll());
            p += 12 + fragLen;
          }
          return;
        }
        case 3: {
          const a = new DtlsAssociation('10.0.0.1', 4000, serverConfig, crypto, host, false);
          a.reasm.reset(0);
          a.handleDatagram(0, hello, 0, hello.length);
          a.handleDatagram(1, b, 0, b.length);
          a.handleTimeout(2000);
          return;
        }
        default: {
          const a = new DtlsAssociation('10.0.0.2', 5684, clientConfig, crypto, host, true);
          startClient(a, 0);
          a.handleDatagram(1, b, 0, b.length);
          a.handleTimeout(2000);
        }
      }
    },
  };
}
