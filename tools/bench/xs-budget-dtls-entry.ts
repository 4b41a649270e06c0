/**
 * XS entry for the xs-budget bench's bundle figure with DTLS and the portable crypto
 * port: the start:xs agent (src/main/xs-agent.ts) plus the coaps endpoint that
 * startHostAgent is given when coaps runs (mtp/coap/coaps-endpoint.ts), the DTLS layer's public surface and the
 * portable crypto port (dtls/crypto/portable.ts: @noble/curves P-256, tweetnacl X25519),
 * which an XS agent without native crypto would pass in as platform.crypto.
 */
export * from '../../src/main/xs-agent.ts';
export * from '../../src/dtls/index.ts';
export { startCoapsEndpoint } from '../../src/mtp/coap/coaps-endpoint.ts';
export { createPortableCrypto } from '../../src/dtls/crypto/portable.ts';
