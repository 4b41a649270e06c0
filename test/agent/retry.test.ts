/** Notification retry back-off (R-NOT.1, R-NOT.2). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { retryDelayMs } from '../../src/agent/index.ts';

const retry = suite('agent/retry');

retry('R-NOT.1/R-NOT.2 back-off ranges grow by k/1000 and stop growing at the 10th retry', () => {
  assert.is(retryDelayMs(1, 5, 2000, () => 0), 5000);
  assert.is(retryDelayMs(1, 5, 2000, () => 0.999999), 10000);
  assert.is(retryDelayMs(3, 5, 2000, () => 0), 20000);
  assert.is(retryDelayMs(12, 5, 2000, () => 0), retryDelayMs(10, 5, 2000, () => 0));
});

retry.run();
