/**
 * MQTT connect retry interval (R-MQTT.10, R-MQTT.33), following TR-181
 * `Device.MQTT.Client.{i}.ConnectRetryTime` (m, seconds, default 5),
 * `ConnectRetryIntervalMultiplier` (k, thousandths, default 2000) and
 * `ConnectRetryMaxInterval` (seconds, default 30720): the n-th retry (n ≥ 1) waits a
 * uniformly random time in [m·(k/1000)^(n−1), m·(k/1000)^n] seconds, both bounds
 * capped at the maximum interval. Deterministic given the random source.
 */

export interface ConnectRetryConfig {
  /** ConnectRetryTime, seconds (1..65535). */
  readonly connectRetryTimeS: number;
  /** ConnectRetryIntervalMultiplier, thousandths (1000..65535). */
  readonly connectRetryIntervalMultiplier: number;
  /** ConnectRetryMaxInterval, seconds. */
  readonly connectRetryMaxIntervalS: number;
}

export const DEFAULT_CONNECT_RETRY: ConnectRetryConfig = Object.freeze({
  connectRetryTimeS: 5,
  connectRetryIntervalMultiplier: 2000,
  connectRetryMaxIntervalS: 30720,
});

/** Wait before retry number `attempt` (1-based), in ms; `random` returns [0, 1). */
export function connectRetryDelayMs(attempt: number, config: ConnectRetryConfig, random: () => number): number {
  const k = config.connectRetryIntervalMultiplier / 1000;
  const max = config.connectRetryMaxIntervalS;
  const n = Math.max(1, Math.min(attempt, 64));
  // espruino-subset: a delay in seconds (not bytes of a codec): Math.pow's rounding does not matter
  const low = Math.min(max, config.connectRetryTimeS * Math.pow(k, n - 1)); // espruino-subset: see above
  const high = Math.min(max, config.connectRetryTimeS * Math.pow(k, n)); // espruino-subset: see above
  return Math.floor((low + (high - low) * random()) * 1000);
}
