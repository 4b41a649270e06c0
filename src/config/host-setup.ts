/**
 * What both host entries (`npm start` → node.ts, `npm run start:xs` → xs-launcher.ts)
 * work out on Node before an agent starts: the command-line options (options.ts), the
 * board description (boards/<name>.json), the serial number (fixed or the host's MAC),
 * the software version (package.json) and the dev controller used without --controller.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardDescription } from '../platform/board.ts';
import { parseAgentOptions, type AgentOptions } from './options.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The controller CLI's defaults (tools/usp-ctl): Endpoint ID and `listen` port. */
export const DEV_CONTROLLER = { endpointId: 'self::usp-ctl', uri: 'coap://127.0.0.1:5685/usp' } as const;

export function loadBoard(name: string): BoardDescription | string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'boards', `${name}.json`), 'utf8')) as BoardDescription;
  } catch (e) {
    return `--board ${name}: ${(e as Error).message}`;
  }
}

/** Fixed serial, or the first non-internal MAC address (hex, no separators). */
export function serialOf(board: BoardDescription): string {
  const s = board.identity.serialNumber;
  if (s.source === 'fixed') return s.value;
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal && i.mac !== '00:00:00:00:00:00') return i.mac.replaceAll(':', '').toUpperCase();
  }
  return '000000000000';
}

/** For a wildcard --host: the first non-internal IPv4 address, so remote controllers can reach our reply-to. */
export function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) if (!i.internal && i.family === 'IPv4') return i.address;
  }
  return undefined;
}

export function softwareVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** Options plus the board they name; without --endpoint-id the ID is os::<OUI>-<serial> of that board. */
export function parseHostOptions(argv: readonly string[]): { options: AgentOptions; board: BoardDescription } | { error: string } | { help: true } {
  let board: BoardDescription | undefined;
  const parsed = parseAgentOptions(argv, (name) => {
    const b = loadBoard(name);
    if (typeof b === 'string') return { error: b };
    board = b;
    return { endpointId: `os::${b.identity.manufacturerOUI}-${serialOf(b)}` };
  });
  if (!('options' in parsed)) return parsed;
  if (board === undefined) {
    const b = loadBoard(parsed.options.board);
    if (typeof b === 'string') return { error: b };
    board = b;
  }
  return { options: parsed.options, board };
}

/**
 * Calls `onLine` with each line typed on stdin (the sim board console: `press Button`).
 * A job started in the background of an interactive shell must not be stopped by
 * SIGTTIN when it reads the terminal: with a handler installed the read fails instead,
 * and the console is simply off.
 */
export function readConsoleLines(onLine: (line: string) => void): void {
  process.on('SIGTTIN', () => undefined);
  process.stdin.on('error', () => undefined);
  createInterface({ input: process.stdin }).on('line', (line) => { if (line.trim() !== '') onLine(line); });
}
