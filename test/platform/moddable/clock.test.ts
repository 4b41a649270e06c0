import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMonotonicClock, WALL_CLOCK_VALID_AFTER_MS, wallClockFrom } from '../../../src/platform/moddable/clock.ts';

const clock = suite('platform/moddable/clock');

clock('STYLE §6 now() never goes back: the 32-bit Time.ticks wrap is unwrapped', () => {
  const ticks = [2 ** 32 - 30, 2 ** 32 - 10, 5, 100];
  let i = 0;
  const now = createMonotonicClock(() => ticks[i]!);
  const seen: number[] = [];
  for (i = 1; i < ticks.length; i++) seen.push(now());
  assert.equal(seen, [20, 35, 130]); // +20, +15 across the wrap, +95
});

clock('STYLE §6 a signed 32-bit tick counter wrapping to negative also unwraps', () => {
  const ticks = [2 ** 31 - 5, -(2 ** 31) + 5];
  let i = 0;
  const now = createMonotonicClock(() => ticks[i]!);
  i = 1;
  assert.is(now(), 10);
});

clock('R-MTP.2 wall clock is unknown until SNTP set a plausible date', () => {
  assert.is(wallClockFrom(1000), undefined, 'ESP32 boots near 1970');
  assert.is(wallClockFrom(WALL_CLOCK_VALID_AFTER_MS), undefined);
  assert.is(wallClockFrom(1795620884215), 1795620884215);
});

clock.run();
