/**
 * XS bundle entry: DTLS handshakes in memory (test/dtls/xs/handshake-entry.ts) with the
 * Moddable crypto port over the SDK stand-ins on both sides, plus the stand-ins' count
 * of native operations (for the xs-budget bench's device estimate).
 */
export { handshake, sealRecords, receiveRecords, fromHex, toHex } from '../../../dtls/xs/handshake-entry.ts';
export { crypto, nativeCounts, resetNativeCounts } from './crypto-entry.ts';
