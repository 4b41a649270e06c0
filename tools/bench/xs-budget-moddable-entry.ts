/**
 * Entry for the xs-budget bench's Moddable bundle figure: the Moddable core module
 * (src/main/xs.ts, `tinyusp/core`) plus the DTLS layer and the Moddable crypto port
 * over the SDK's native crypt (src/platform/moddable/crypto.ts; crypt, hmac, ecdsa,
 * curve and ecp stay external: they are the SDK's, linked by the manifest).
 */
export * from '../../src/main/xs.ts';
export * from '../../src/dtls/index.ts';
export { createModdableCrypto } from '../../src/platform/moddable/crypto.ts';
