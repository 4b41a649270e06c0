/** R-MQTT.10 connect retry interval per TR-181 ConnectRetryTime/IntervalMultiplier/MaxInterval. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connectRetryDelayMs, DEFAULT_CONNECT_RETRY } from '../../src/mqtt/backoff.ts';

const backoff = suite('mqtt/backoff');

backoff('R-MQTT.10 defaults (5 s, ×2.000): retry n waits within [5·2^(n−1), 5·2^n] s', () => {
  const lows = [1, 2, 3, 4].map((n) => connectRetryDelayMs(n, DEFAULT_CONNECT_RETRY, () => 0));
  const highs = [1, 2, 3, 4].map((n) => connectRetryDelayMs(n, DEFAULT_CONNECT_RETRY, () => 0.999999));
  assert.equal(lows, [5_000, 10_000, 20_000, 40_000]);
  assert.equal(highs, [9_999, 19_999, 39_999, 79_999]);
  assert.is(connectRetryDelayMs(2, DEFAULT_CONNECT_RETRY, () => 0.5), 15_000);
});

backoff('R-MQTT.10 ConnectRetryMaxInterval caps both bounds; huge attempt counts stay finite', () => {
  const cfg = { connectRetryTimeS: 5, connectRetryIntervalMultiplier: 2000, connectRetryMaxIntervalS: 30 };
  assert.is(connectRetryDelayMs(3, cfg, () => 0.5), 25_000);
  assert.is(connectRetryDelayMs(4, cfg, () => 0.5), 30_000);
  assert.is(connectRetryDelayMs(1e9, DEFAULT_CONNECT_RETRY, () => 0), 30_720_000);
});

backoff.run();
