/**
 * CoAP constants (RFC 7252 §3, §5.9, §5.10, §4.8, §12; RFC 7959 §2.1, §4).
 *
 * Transmission parameters are frozen per endpoint by `createCoapConfig(overrides)`
 * (STYLE.md rule 8: no mutable module globals); the derived times are computed from
 * them with the formulas of RFC 7252 §4.8.2 and documented next to each.
 */

export const COAP_VERSION = 1;

/** Message types (RFC 7252 §3). */
export const CoapType = { Con: 0, Non: 1, Ack: 2, Rst: 3 } as const;
export type CoapType = (typeof CoapType)[keyof typeof CoapType];

/** Code = class << 5 | detail (RFC 7252 §3, "c.dd"). */
export function coapCode(cls: number, detail: number): number {
  return (cls << 5) | detail;
}

/**
 * Method and response codes used here (RFC 7252 §5.8, §5.9, §12.1; RFC 7959 §2.9), as
 * literals (class << 5 | detail, see coapCode) so the XS build inlines them at every use.
 */
export const CoapCode = {
  Empty: 0,
  Get: 1,
  Post: 2,
  Put: 3,
  Delete: 4,
  Created: 65, // 2.01
  Deleted: 66, // 2.02
  Valid: 67, // 2.03
  Changed: 68, // 2.04
  Content: 69, // 2.05
  Continue: 95, // 2.31
  BadRequest: 128, // 4.00
  Unauthorized: 129, // 4.01
  BadOption: 130, // 4.02
  Forbidden: 131, // 4.03
  NotFound: 132, // 4.04
  MethodNotAllowed: 133, // 4.05
  NotAcceptable: 134, // 4.06
  RequestEntityIncomplete: 136, // 4.08
  PreconditionFailed: 140, // 4.12
  RequestEntityTooLarge: 141, // 4.13
  UnsupportedContentFormat: 143, // 4.15
  InternalServerError: 160, // 5.00
  NotImplemented: 161, // 5.01
  ServiceUnavailable: 163, // 5.03
  ProxyingNotSupported: 165, // 5.05
} as const;

/** Option numbers (RFC 7252 §5.10, RFC 7959 §2.1, §4). */
export const CoapOption = {
  IfMatch: 1,
  UriHost: 3,
  ETag: 4,
  IfNoneMatch: 5,
  UriPort: 7,
  LocationPath: 8,
  UriPath: 11,
  ContentFormat: 12,
  MaxAge: 14,
  UriQuery: 15,
  Accept: 17,
  LocationQuery: 20,
  Block2: 23,
  Block1: 27,
  Size2: 28,
  ProxyUri: 35,
  ProxyScheme: 39,
  Size1: 60,
} as const;

/** Content-Format ids (RFC 7252 §12.3). */
export const ContentFormat = { TextPlain: 0, LinkFormat: 40, OctetStream: 42 } as const;

/** RFC 7252 §5.4.1: odd option numbers are critical. */
export function isCriticalOption(num: number): boolean {
  return (num & 1) === 1;
}

/** RFC 7252 §4.6: without path-MTU knowledge a message should fit 1152 bytes (1024 payload + header/options). */
export const MAX_MESSAGE_BYTES = 1152;
/** Largest block size (RFC 7959 §2.2: SZX 6 = 1024). */
export const MAX_SZX = 6;

export interface CoapConfig {
  /** RFC 7252 §4.8 ACK_TIMEOUT, ms (default 2 s). */
  readonly ackTimeoutMs: number;
  /** RFC 7252 §4.8 ACK_RANDOM_FACTOR (default 1.5). */
  readonly ackRandomFactor: number;
  /** RFC 7252 §4.8 MAX_RETRANSMIT (default 4). */
  readonly maxRetransmit: number;
  /** RFC 7252 §4.8 NSTART: outstanding CON requests per peer (only 1 is supported). */
  readonly nstart: 1;
  /** RFC 7252 §4.8.2 MAX_LATENCY, ms (default 100 s). */
  readonly maxLatencyMs: number;
  /** RFC 7252 §4.8.2 PROCESSING_DELAY, ms (default = ACK_TIMEOUT). */
  readonly processingDelayMs: number;
  /** Block size exponent we send and ask for (RFC 7959 §2.2: size = 2^(SZX+4)); default 6 = 1024 B. */
  readonly preferredSzx: number;
  /** Largest request body reassembled from Block1 transfers (4.13 beyond, RFC 7959 §2.9.3). */
  readonly maxBodyBytes: number;
  /** Concurrent outgoing exchanges (all peers). */
  readonly maxExchanges: number;
  /** Requests queued behind NSTART per endpoint (all peers). */
  readonly maxQueuedRequests: number;
  /** Message-ID deduplication entries (RFC 7252 §4.5); oldest are evicted first. */
  readonly dedupEntries: number;
  /** Concurrent Block1 reassemblies (one per peer at a time). */
  readonly maxReassemblies: number;
  /** Known peers (address+port). */
  readonly maxPeers: number;
  /** Requests whose answer is deferred to a separate response (RFC 7252 §5.2.2). */
  readonly maxDeferred: number;
}

export const DEFAULT_COAP_CONFIG: CoapConfig = Object.freeze({
  ackTimeoutMs: 2000,
  ackRandomFactor: 1.5,
  maxRetransmit: 4,
  nstart: 1,
  maxLatencyMs: 100_000,
  processingDelayMs: 2000,
  preferredSzx: 6,
  maxBodyBytes: 65_536,
  maxExchanges: 8,
  maxQueuedRequests: 16,
  dedupEntries: 32,
  maxReassemblies: 2,
  maxPeers: 16,
  maxDeferred: 4,
});

/** Frozen configuration; throws on a bad value (programmer error at construction, STYLE.md rule 5). */
export function createCoapConfig(overrides: Partial<CoapConfig> = {}): CoapConfig {
  const c: CoapConfig = { ...DEFAULT_COAP_CONFIG, ...overrides };
  if (!(c.ackTimeoutMs > 0) || !(c.ackRandomFactor >= 1) || !(c.maxRetransmit >= 0)) throw new RangeError('bad CoAP transmission parameters');
  if (c.nstart !== 1) throw new RangeError('NSTART must be 1');
  if (!(c.preferredSzx >= 0 && c.preferredSzx <= MAX_SZX)) throw new RangeError('preferredSzx must be 0..6');
  if (!(c.maxExchanges >= 1 && c.dedupEntries >= 1 && c.maxPeers >= 1 && c.maxReassemblies >= 1)) throw new RangeError('CoAP table sizes must be ≥ 1');
  return Object.freeze(c);
}

/** RFC 7252 §4.8.2 MAX_TRANSMIT_SPAN = ACK_TIMEOUT × (2^MAX_RETRANSMIT − 1) × ACK_RANDOM_FACTOR (default 45 s). */
export function maxTransmitSpanMs(c: CoapConfig): number {
  return c.ackTimeoutMs * ((1 << c.maxRetransmit) - 1) * c.ackRandomFactor;
}
/** RFC 7252 §4.8.2 MAX_TRANSMIT_WAIT = ACK_TIMEOUT × (2^(MAX_RETRANSMIT + 1) − 1) × ACK_RANDOM_FACTOR (default 93 s). */
export function maxTransmitWaitMs(c: CoapConfig): number {
  return c.ackTimeoutMs * ((2 << c.maxRetransmit) - 1) * c.ackRandomFactor;
}
/** RFC 7252 §4.8.2 EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2 × MAX_LATENCY + PROCESSING_DELAY (default 247 s). */
export function exchangeLifetimeMs(c: CoapConfig): number {
  return maxTransmitSpanMs(c) + 2 * c.maxLatencyMs + c.processingDelayMs;
}
/** RFC 7252 §4.8.2 NON_LIFETIME = MAX_TRANSMIT_SPAN + MAX_LATENCY (default 145 s). */
export function nonLifetimeMs(c: CoapConfig): number {
  return maxTransmitSpanMs(c) + c.maxLatencyMs;
}

/**
 * The empty buffer every not-yet-used byte field starts with: an XS typed array costs 7
 * heap slots even when empty, and a CoAP endpoint had a dozen of them (docs/budgets.md).
 * Never written (it has no bytes); replaced when a field needs room.
 */
export const NO_BYTES: Uint8Array = new Uint8Array(0);
