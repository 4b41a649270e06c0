import { LogLevel, type Logger } from '../types.ts';

const NAMES = ['error', 'warn', 'info', 'debug'] as const;

export function parseLogLevel(name: string): LogLevel | undefined {
  const i = (NAMES as readonly string[]).indexOf(name);
  return i < 0 ? undefined : (i as LogLevel);
}

/** Logs to stderr, one line per event, so stdout stays for the agent's own output (the `ready` line). */
export function createConsoleLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const at = (l: LogLevel) => (message: string) => {
    if (l <= level) write(`${new Date().toISOString()} ${NAMES[l]} ${message}`);
  };
  return {
    level,
    error: at(LogLevel.Error),
    warn: at(LogLevel.Warn),
    info: at(LogLevel.Info),
    debug: at(LogLevel.Debug),
  };
}
