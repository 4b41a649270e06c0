/**
 * Host agent options: flags, or a JSON `--config` file with the same keys
 * (flags given after --config override it). Parsing never exits; it returns an
 * error string and the entry point exits with code 2.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { validateEndpointId, EndpointIdError } from '../usp/endpoint-id.ts';

export interface ControllerOption {
  readonly endpointId: string;
  /** Where the controller listens, e.g. coap://127.0.0.1:5684/usp. */
  readonly uri: string;
}

export interface AgentOptions {
  readonly endpointId: string;
  readonly host: string;
  readonly coapPort: number;
  readonly coapPath: string;
  /** CoAP ACK_TIMEOUT (RFC 7252 §4.8); shorter on fast links and in tests. */
  readonly coapAckTimeoutMs: number;
  readonly controllers: readonly ControllerOption[];
  readonly stateDir: string;
  readonly board: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export const USAGE = `usage: npm start -- [options]
  --endpoint-id <eid>          the agent's USP Endpoint ID (default os::<OUI>-<serial> of the board)
  --host <address>             address to listen on (default 127.0.0.1)
  --coap-port <port>           CoAP UDP port (default 5683)
  --coap-path <path>           the agent's CoAP resource (default /usp)
  --coap-ack-timeout <ms>      CoAP ACK_TIMEOUT, first retransmission wait (default 2000)
  --controller <eid>=<uri>     a controller with Full Access, reachable at a coap:// URI (repeatable;
                               without any, the dev controller self::usp-ctl is provisioned)
  --state <dir>                persistent state directory (default ~/.tinyusp/<endpoint-id>)
  --board <name>               board description from boards/ (default sim)
  --log-level <level>          error | warn | info | debug (default info)
  --config <file.json>         read these options from a JSON file
  --help                       show this text`;

const KEYS = ['endpoint-id', 'host', 'coap-port', 'coap-path', 'coap-ack-timeout', 'state', 'board', 'log-level'];
const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

type Raw = Record<string, unknown>;

function parsePort(v: unknown, name: string): number | string {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) return `${name} must be a port number 0..65535, got ${String(v)}`;
  return n;
}

function parseController(v: string): ControllerOption | string {
  const eq = v.indexOf('=');
  if (eq <= 0) return `--controller expects <endpointId>=<coap URI>, got "${v}"`;
  const endpointId = v.slice(0, eq);
  const uri = v.slice(eq + 1);
  if (validateEndpointId(endpointId) !== EndpointIdError.Ok) return `--controller: "${endpointId}" is not a valid USP Endpoint ID`;
  if (!/^coaps?:\/\/[^/?#]+(\/[^?#]*)?$/.test(uri)) return `--controller: "${uri}" is not a coap:// or coaps:// URI`;
  return { endpointId, uri };
}

/**
 * `defaultEndpointId` is the ID to use without --endpoint-id: a string, or a function of
 * the board name (the host derives os::<OUI>-<serial> from boards/<name>.json) that may
 * return an error message instead.
 */
export function parseAgentOptions(
  argv: readonly string[], defaultEndpointId: string | ((board: string) => { endpointId: string } | { error: string }),
): { options: AgentOptions } | { error: string } | { help: true } {
  const raw: Raw = {};
  const controllers: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (!arg.startsWith('--')) return { error: `unexpected argument "${arg}"` };
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) return { error: `${arg} needs a value` };
    if (key === 'config') {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(value, 'utf8'));
      } catch (e) {
        return { error: `--config ${value}: ${(e as Error).message}` };
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return { error: `--config ${value}: expected a JSON object` };
      for (const [k, v] of Object.entries(json as Raw)) {
        if (k === 'controller' || k === 'controllers') {
          if (!Array.isArray(v)) return { error: `--config: "${k}" must be an array of "<eid>=<uri>" strings` };
          controllers.push(...v.map(String));
        } else raw[k] = v;
      }
    } else if (key === 'controller') {
      controllers.push(value);
    } else if (KEYS.includes(key)) {
      raw[key] = value;
    } else {
      return { error: `unknown option --${key}` };
    }
  }
  for (const k of Object.keys(raw)) {
    if (!KEYS.includes(k)) return { error: `--config: unknown key "${k}"` };
  }
  const board = String(raw.board ?? 'sim');
  if (!/^[a-z0-9-]+$/.test(board)) return { error: `--board: "${board}" is not a board name` };
  let endpointId: string;
  if (raw['endpoint-id'] !== undefined) endpointId = String(raw['endpoint-id']);
  else if (typeof defaultEndpointId === 'string') endpointId = defaultEndpointId;
  else {
    const d = defaultEndpointId(board);
    if ('error' in d) return d;
    endpointId = d.endpointId;
  }
  if (validateEndpointId(endpointId) !== EndpointIdError.Ok) return { error: `--endpoint-id: "${endpointId}" is not a valid USP Endpoint ID (TR-369 R-ARC.2a)` };
  const coapPort = parsePort(raw['coap-port'] ?? 5683, '--coap-port');
  if (typeof coapPort === 'string') return { error: coapPort };
  const coapPath = String(raw['coap-path'] ?? '/usp');
  if (!coapPath.startsWith('/') || coapPath.includes('?')) return { error: `--coap-path must start with "/" and have no query, got "${coapPath}"` };
  const ackTimeout = Number(raw['coap-ack-timeout'] ?? 2000);
  if (!Number.isInteger(ackTimeout) || ackTimeout < 10 || ackTimeout > 60000) return { error: `--coap-ack-timeout must be 10..60000 ms, got ${String(raw['coap-ack-timeout'])}` };
  const logLevel = String(raw['log-level'] ?? 'info');
  if (!(LEVELS as readonly string[]).includes(logLevel)) return { error: `--log-level must be one of ${LEVELS.join(', ')}` };
  const parsed: ControllerOption[] = [];
  for (const c of controllers) {
    const r = parseController(c);
    if (typeof r === 'string') return { error: r };
    parsed.push(r);
  }
  return {
    options: {
      endpointId,
      host: String(raw.host ?? '127.0.0.1'),
      coapPort,
      coapPath,
      coapAckTimeoutMs: ackTimeout,
      controllers: parsed,
      stateDir: String(raw.state ?? join(homedir(), '.tinyusp', endpointId.replace(/[^A-Za-z0-9._-]/g, '_'))),
      board,
      logLevel: logLevel as AgentOptions['logLevel'],
    },
  };
}
