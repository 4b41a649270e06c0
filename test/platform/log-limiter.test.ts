/** LogLimiter (issue #16: one burst of dropped responses wrote 519 warnings). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LogLimiter } from '../../src/platform/log-limiter.ts';
import { LogLevel, type Logger } from '../../src/platform/types.ts';

function recorder(level: LogLevel): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (l: string) => (m: string) => { lines.push(`${l} ${m}`); };
  return { level, lines, error: at('E'), warn: at('W'), info: at('I'), debug: at('D') };
}

const t = suite('platform/log-limiter');

t('issue #16 a burst of 519 lines prints 5, then one summary when the next window opens', () => {
  const log = recorder(LogLevel.Info);
  let now = 0;
  const l = new LogLimiter(log, () => now, 'responses not sent', 5, 10_000);
  for (let i = 0; i < 519; i++) { now = i; l.warn(`drop ${i}`); }
  assert.equal(log.lines, ['W drop 0', 'W drop 1', 'W drop 2', 'W drop 3', 'W drop 4']);
  assert.is(l.held, 514);
  now = 20_000;
  l.warn('later');
  assert.equal(log.lines.slice(5), ['W … 514 more lines about responses not sent not logged in 20 s', 'W later']);
});

t('lines below the logger level cost nothing and are not counted', () => {
  const log = recorder(LogLevel.Warn);
  let reads = 0;
  const l = new LogLimiter(log, () => { reads++; return 0; }, 'x');
  for (let i = 0; i < 100; i++) l.debug('d');
  assert.is(reads, 0);
  assert.is(log.lines.length, 0);
});

t.run();
