/**
 * XS entry for the xs-budget bench's bundle figures with DTLS: the start:xs agent
 * (src/main/xs-agent.ts) plus the DTLS layer's public surface (src/dtls/index.ts) and
 * the portable crypto port, i.e. what an XS agent with coaps links. The composition of
 * the two (coaps in startHostAgent) lives on its own branch; this entry only sizes them.
 */
export * from '../../src/main/xs-agent.ts';
export * from '../../src/dtls/index.ts';
export { createPortableCrypto } from '../../src/dtls/crypto/portable.ts';
