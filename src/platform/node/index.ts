/** The host platform: Node.js sockets, clocks, randomness and file storage. */
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LogLevel, type BoardIo, type Logger, type Platform, type TimerHandle } from '../types.ts';
import { createConsoleLogger } from './logger.ts';
import { createNodeCrypto } from './crypto.ts';
import { createFileStore } from './storage.ts';
import { openNodeUdp } from './udp.ts';

export interface NodePlatformOptions {
  /** Directory for persistent state. */
  readonly stateDir: string;
  readonly logger?: Logger;
  readonly logLevel?: LogLevel;
  readonly board?: BoardIo;
}

export function createNodePlatform(options: NodePlatformOptions): Platform {
  const timers = new Map<number, NodeJS.Timeout>();
  let nextTimer = 1;
  return {
    name: 'node',
    now: () => performance.now(),
    wallClock: () => Date.now(),
    randomBytes: (out) => { randomFillSync(out); },
    setTimer(callback, ms): TimerHandle {
      const id = nextTimer++;
      timers.set(id, setTimeout(() => { timers.delete(id); callback(); }, Math.max(0, ms)));
      return { id };
    },
    clearTimer(timer) {
      const t = timers.get(timer.id);
      if (t !== undefined) { clearTimeout(t); timers.delete(timer.id); }
    },
    openUdp: openNodeUdp,
    storage: createFileStore(options.stateDir),
    crypto: createNodeCrypto(),
    log: options.logger ?? createConsoleLogger(options.logLevel ?? LogLevel.Info),
    ...(options.board ? { board: options.board } : {}),
  };
}

export { createFileStore } from './storage.ts';
export { createNodeCrypto } from './crypto.ts';
export { openDtlsUdp, type DtlsUdp, type DtlsUdpOptions } from './dtls-udp.ts';
export { createConsoleLogger, parseLogLevel } from './logger.ts';
