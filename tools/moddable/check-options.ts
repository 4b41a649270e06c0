/**
 * Options of `npm run test:moddable -- [options]` (pure, tested on Node).
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBuildName, type BuildName } from './builds.ts';

export interface CheckOptions {
  /** ESP32 target whose creation to check (`m5stack`, `esp32/m5stack`); default: the most common one. */
  readonly board?: string | undefined;
  /** `heap=…,chunk=…,stack=…` over the board's, or `class2`. */
  readonly creation?: string | undefined;
  /** The agent's CoAP port in the simulator (default: a free one). */
  readonly coapPort?: number | undefined;
  /** The check's Controller port (default: a free one). */
  readonly controllerPort?: number | undefined;
  /** X display number for our Xvfb (default: one Xvfb picks). */
  readonly display?: number | undefined;
  /** Build directory, kept between runs so a rebuild only relinks. */
  readonly out: string;
  /** The simulator's Preference root (config file.root), emptied at the start. */
  readonly state: string;
  /** Requests of the mixed session. */
  readonly requests: number;
  /** `nvs`: Preference outside the XS heap, as ESP32's NVS (tools/moddable/nvs-sim); `sdk`: the SDK's simulator Preference (a JSON file cached in the XS heap). */
  readonly preference: 'nvs' | 'sdk';
  /** Also echo the heap samples and the runtime's `instruments:` lines. */
  readonly verbose: boolean;
  /** Find the smallest fixed value of this resource the check passes with (check-search.ts). */
  readonly search?: 'heap' | 'chunk' | 'stack' | undefined;
  /** Which app to build (builds.ts): `full` (manifest.json) or `coaps` (CoAP + DTLS). */
  readonly build: BuildName;
}

export const CHECK_USAGE = `usage: npm run test:moddable -- [--build full|coaps] [--board <esp32 target>] [--creation heap=<slots>,chunk=<bytes>,stack=<slots> | --creation class2]
       [--search heap|chunk|stack] [--requests <n>] [--preference nvs|sdk] [--coap-port <n>] [--controller-port <n>] [--display <n>]
       [--out <dir>] [--state <dir>] [--verbose]`;

/** The default build directory: one per checkout, so worktrees do not share builds. */
export function defaultOut(root: string): string {
  return join(tmpdir(), `tinyusp-moddable-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`);
}

function port(name: string, v: string): number | string {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : `${name} needs a port number (got "${v}")`;
}

/** argv after `test` → options, or a message (with the usage) saying what is wrong. */
export function parseCheckArgs(argv: readonly string[], root: string): CheckOptions | string {
  const o: { -readonly [K in keyof CheckOptions]: CheckOptions[K] } = {
    out: defaultOut(root), state: '', requests: 100, preference: 'nvs', verbose: false, build: 'full',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--verbose') { o.verbose = true; continue; }
    const v = argv[i + 1];
    if (!a.startsWith('--') || v === undefined) return `${a}: ${a.startsWith('--') ? 'needs a value' : 'unknown argument'}\n${CHECK_USAGE}`;
    i++;
    switch (a) {
      case '--board': o.board = v; break;
      case '--build': {
        const b = parseBuildName(v);
        if (b !== 'full' && b !== 'coaps') return b;
        o.build = b;
        break;
      }
      case '--creation': o.creation = v; break;
      case '--out': o.out = v; break;
      case '--state': o.state = v; break;
      case '--coap-port': case '--controller-port': case '--display': {
        const n = a === '--display' ? (/^:?\d+$/.test(v) ? Number(v.replace(':', '')) : `--display needs a number (got "${v}")`) : port(a, v);
        if (typeof n === 'string') return n;
        if (a === '--coap-port') o.coapPort = n; else if (a === '--controller-port') o.controllerPort = n; else o.display = n;
        break;
      }
      case '--requests': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) return `--requests needs a whole number (got "${v}")`;
        o.requests = n;
        break;
      }
      case '--search':
        if (v !== 'heap' && v !== 'chunk' && v !== 'stack') return `--search is heap, chunk or stack (got "${v}")`;
        o.search = v;
        break;
      case '--preference':
        if (v !== 'nvs' && v !== 'sdk') return `--preference is nvs or sdk (got "${v}")`;
        o.preference = v;
        break;
      default: return `unknown option ${a}\n${CHECK_USAGE}`;
    }
  }
  if (o.state === '') o.state = join(o.out, 'state');
  if (!o.state.endsWith('/')) o.state += '/';
  return o;
}
