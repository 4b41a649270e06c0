/**
 * DTLS 1.2 for CoAP (coaps, RFC 7252 §9; RFC 6347; RFC 7925 profile): the public
 * surface of the layer. Datagrams and time in, datagrams and deadlines out.
 * The pure-JS crypto port is imported from './crypto/portable.ts' directly, so a
 * host with native crypto does not bundle it (tweetnacl is not tree-shakeable).
 */
export { DtlsEndpoint, type DtlsEndpointOptions, type DtlsTransmit } from './endpoint.ts';
export { DtlsAssociation, DtlsState } from './association.ts';
export { createDtlsConfig, certificateConfigFromPem, suitesFor, COAPS_DEFAULT_PORT, type DtlsConfig, type DtlsCertificateConfig, type DtlsPskConfig } from './config.ts';
export { pemBlocks, ecPrivateKeyFromDer, base64Decode } from './der.ts';
export { parseCertificate, endpointIdOf, certificateNames, verifyChain, CertError, USP_EID_URN_PREFIX, type Certificate } from './x509.ts';
export { AlertDescription, CipherSuite, NamedGroup } from './wire.ts';
