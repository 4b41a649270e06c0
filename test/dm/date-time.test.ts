/** TR-106 §3.2.1 dateTime without the Date object: civil-calendar conversion both ways. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDateTime, parseDateTime } from '../../src/dm/types/date-time.ts';

const dateTime = suite('dm/types date-time');

dateTime('§Types dateTime: epoch round trip and civil calendar edges (no Date object in core)', () => {
  assert.is(formatDateTime(0), '1970-01-01T00:00:00Z');
  assert.is(formatDateTime(951782400000), '2000-02-29T00:00:00Z');
  assert.is(formatDateTime(Date.UTC(2021, 5, 6, 8, 0, 0)), '2021-06-06T08:00:00Z');
  for (const ms of [0, 86399000, 951782400000, 4102444800000, 1e12 + 7000]) {
    assert.is(parseDateTime(formatDateTime(ms)) * 1000, Math.floor(ms / 1000) * 1000);
    assert.is(formatDateTime(ms), new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z'), 'agrees with the platform Date');
  }
  assert.is(parseDateTime('2021-06-06T10:00:00+02:00'), parseDateTime('2021-06-06T08:00:00Z'));
});

dateTime.run();
