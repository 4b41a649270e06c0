/**
 * A rate limit for one kind of log line (issue #16: a burst of dropped responses wrote
 * 519 warnings). Within each window of `windowMs` the first `perWindow` lines pass; the
 * rest are counted, and the first line of a later window is preceded by one summary
 * ("… N more lines about <what> not logged"). Pure: time comes from `now()`, no timer of its own,
 * so a quiet period costs nothing and the count is told when the next line comes.
 */
import { LogLevel, type Logger } from './types.ts';

export class LogLimiter {
  private windowStart = -Infinity;
  private lines = 0;
  /** Lines held back in the current window so far (a field, not a getter: one function less in flash). */
  held = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    /** What the lines are about, for the summary ("responses not sent"). */
    readonly what: string,
    readonly perWindow = 5,
    readonly windowMs = 10_000,
  ) {}

  warn(message: string): void { this.line(LogLevel.Warn, message); }
  info(message: string): void { this.line(LogLevel.Info, message); }
  debug(message: string): void { this.line(LogLevel.Debug, message); }

  private line(level: LogLevel, message: string): void {
    if (level > this.log.level) return; // not printed anyway: costs no clock read
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      if (this.held > 0) this.print(level, `… ${this.held} more lines about ${this.what} not logged in ${Math.round((now - this.windowStart) / 1000)} s`);
      this.windowStart = now;
      this.lines = 0;
      this.held = 0;
    }
    if (this.lines < this.perWindow) { this.lines++; this.print(level, message); } else this.held++;
  }

  private print(level: LogLevel, message: string): void {
    if (level === LogLevel.Warn) this.log.warn(message);
    else if (level === LogLevel.Info) this.log.info(message);
    else this.log.debug(message);
  }
}
