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
  /** Where the controller listens: coap://127.0.0.1:5684/usp, mqtt:<its topic> (via the --mqtt broker), or ws[s]://host:port/path (dialed). */
  readonly uri: string;
}

/** The WebSocket MTP (TR-369 "WebSocket Binding"): on with --ws-port or a ws:// / wss:// controller. */
export interface WebSocketOption {
  /** The agent's listener port (0 = any free one), or undefined: no listener. */
  readonly port: number | undefined;
  /** The listener's resource (default /usp). */
  readonly path: string;
  /** KeepAliveInterval seeded on the rows the options make (seconds), or undefined (TR-181 default 60). */
  readonly keepAliveS: number | undefined;
  /** wss: our certificate and key (PEM; the listener needs them), the CA Controllers' certificates chain to. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/** `--mqtt mqtt[s]://[user[:password]@]host[:port]` and its companions (TR-369 "MQTT Binding"). */
export interface MqttOption {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly username: string;
  readonly password: string;
  /** The agent's topic: subscribed to and its "reply to" (default usp/agent/<endpoint-id>). */
  readonly topic: string;
  readonly version: '3.1.1' | '5.0';
  /** PEM file of the CA that signed the broker's certificate (mqtts). */
  readonly caFile: string;
}

/** `--psk <identity>:<hexkey>` / `--psk-for <eid>=<identity>:<hexkey>`. */
export interface PskOption {
  readonly identity: string;
  readonly key: Uint8Array;
}

/** CoAP over DTLS (coaps): on when a PSK or a certificate is given. */
export interface CoapsOption {
  readonly port: number;
  /** A PSK any Controller may use (no Endpoint ID bound to it). */
  readonly psk: PskOption | undefined;
  /** PSKs naming one Controller each: its Records must come from that Endpoint ID. */
  readonly controllerPsks: readonly (PskOption & { readonly endpointId: string })[];
  /** Certificate mode: our chain, our key, the CAs we trust for peers (PEM files). */
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/** Firmware downloads and the A/B switch (docs/firmware.md). */
export interface FirmwareOption {
  /** PEM CA(s) an HTTPS update server's certificate must chain to ('' = Node's root CAs). */
  readonly caFile: string;
  /** PEM EC P-256 public key of the image signer ('' = unsigned images accepted). */
  readonly keyFile: string;
  /** A trial image that hears from no Controller for this long boots back into the old one. */
  readonly healthTimeoutS: number;
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
  /** The MQTT MTP, when --mqtt is given (CoAP runs as well). */
  readonly mqtt?: MqttOption | undefined;
  /** Plain (NoSec) CoAP on coapPort; off with --no-coap. */
  readonly plainCoap: boolean;
  /** CoAP over DTLS, when --psk, --psk-for or --cert is given. */
  readonly coaps?: CoapsOption | undefined;
  readonly firmware: FirmwareOption;
  /** The WebSocket MTP, when --ws-port or a ws:// / wss:// controller is given. */
  readonly websocket?: WebSocketOption | undefined;
}

export const USAGE = `usage: npm start -- [options]
  --endpoint-id <eid>          the agent's USP Endpoint ID (default os::<OUI>-<serial> of the board)
  --host <address>             address to listen on (default 127.0.0.1)
  --coap-port <port>           CoAP UDP port (default 5683)
  --coap-path <path>           the agent's CoAP resource, with or without the leading / (default /usp)
  --coap-ack-timeout <ms>      CoAP ACK_TIMEOUT, first retransmission wait (default 2000)
  --controller <eid>=<uri>     a controller with Full Access, reachable at a coap:// URI, at a
                               ws:// or wss:// URI (the agent dials it) or, with --mqtt, at
                               mqtt:<its topic> (repeatable; without any, the dev controller
                               self::usp-ctl is provisioned, over MQTT with --mqtt)
  --coaps-port <port>          CoAP over DTLS port (default 5684; 0 = any free one); coaps runs when
                               --psk, --psk-for or --cert is given
  --psk <identity>:<hexkey>    a DTLS pre-shared key any controller may use
  --psk-for <eid>=<identity>:<hexkey>
                               a PSK of one controller (its Records must come from <eid>; repeatable)
  --cert <file.pem>            our certificate (chain, leaf first; SAN URI urn:bbf:usp:id:<eid>)
  --key <file.pem>             our EC P-256 private key
  --ca <file.pem>              CA certificate(s) controllers' certificates must chain to
  --no-coap                    no plain (NoSec) CoAP: coaps only (with --psk/--cert) or MQTT only
  --mqtt <url>                 also run the MQTT MTP: mqtt[s]://[user[:password]@]host[:port]
  --mqtt-topic <topic>         the agent's MQTT topic (default usp/agent/<endpoint-id>)
  --mqtt-version <v>           3.1.1 | 5.0 (default 5.0)
  --mqtt-ca <file.pem>         CA certificate(s) for mqtts:// (the broker certificate is verified)
  --firmware-ca <file.pem>     CA certificate(s) of the HTTPS update server (default: Node's root CAs)
  --firmware-key <file.pem>    the image signer's EC P-256 public key: firmware images must be signed
  --firmware-health <s>        a new image that reaches no Controller within this time rolls back (default 600)
  --ws-port <port>             also accept WebSocket sessions from controllers on this TCP port (0 = any)
  --ws-path <path>             the agent's WebSocket resource (default /usp)
  --ws-keep-alive <s>          seconds between WebSocket Pings (KeepAliveInterval, default 60)
  --ws-cert <file.pem>         wss: our certificate (SAN URI urn:bbf:usp:id:<eid>; any key type)
  --ws-key <file.pem>          wss: its private key
  --ws-ca <file.pem>           wss: CA certificate(s) controllers' certificates must chain to
  --state <dir>                persistent state directory (default ~/.tinyusp/<endpoint-id>)
  --board <name>               board description from boards/ (default sim)
  --log-level <level>          error | warn | info | debug (default info)
  --config <file.json>         read these options from a JSON file
  --help                       show this text`;

const MQTT_KEYS = ['mqtt', 'mqtt-topic', 'mqtt-version', 'mqtt-ca'];
const COAPS_KEYS = ['coaps-port', 'psk', 'cert', 'key', 'ca'];
const FIRMWARE_KEYS = ['firmware-ca', 'firmware-key', 'firmware-health'];
const WS_KEYS = ['ws-port', 'ws-path', 'ws-keep-alive', 'ws-cert', 'ws-key', 'ws-ca'];
const KEYS = [...FIRMWARE_KEYS, 'endpoint-id', 'host', 'coap-port', 'coap-path', 'coap-ack-timeout', 'state', 'board', 'log-level', 'no-coap', ...MQTT_KEYS, ...COAPS_KEYS, ...WS_KEYS];
const LEVELS = ['error', 'warn', 'info', 'debug'] as const;

type Raw = Record<string, unknown>;

function parsePort(v: unknown, name: string): number | string {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) return `${name} must be a port number 0..65535, got ${String(v)}`;
  return n;
}


/** --mqtt and companions; undefined without --mqtt. */
function parseMqtt(raw: Raw, endpointId: string): MqttOption | undefined | string {
  if (raw.mqtt === undefined) {
    const stray = MQTT_KEYS.find((k) => raw[k] !== undefined);
    return stray === undefined ? undefined : `--${stray} needs --mqtt <url>`;
  }
  let u: URL;
  try {
    u = new URL(String(raw.mqtt));
  } catch {
    return `--mqtt: "${String(raw.mqtt)}" is not a URL (mqtt://host[:port] or mqtts://…)`;
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') return `--mqtt: "${String(raw.mqtt)}" must start with mqtt:// or mqtts://`;
  if ((u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hostname === '') return `--mqtt: "${String(raw.mqtt)}" must be mqtt[s]://[user[:password]@]host[:port]`;
  const tls = u.protocol === 'mqtts:';
  const port = u.port === '' ? (tls ? 8883 : 1883) : Number(u.port);
  const topic = String(raw['mqtt-topic'] ?? `usp/agent/${endpointId}`);
  if (topic === '' || /[+#\u0000]/.test(topic)) return `--mqtt-topic: "${topic}" must be a topic name without wildcards`;
  const version = String(raw['mqtt-version'] ?? '5.0');
  if (version !== '5.0' && version !== '3.1.1') return `--mqtt-version must be 3.1.1 or 5.0, got "${version}"`;
  const caFile = String(raw['mqtt-ca'] ?? '');
  if (tls && caFile === '') return '--mqtt mqtts://… needs --mqtt-ca <file.pem> (the broker certificate is verified, R-MTP.1)';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return {
    host, port, tls, topic, version, caFile,
    username: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
  };
}

/** `<identity>:<hexkey>` (the key is the last `:`-separated field: 1..64 bytes of hex). */
export function parsePsk(v: string, flag: string): PskOption | string {
  const colon = v.lastIndexOf(':');
  const identity = v.slice(0, colon);
  const hex = v.slice(colon + 1);
  if (colon <= 0 || identity.length > 128) return `${flag} expects <identity>:<hexkey>, got "${v}"`;
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(hex)) return `${flag}: the key must be 1..64 bytes of hex (e.g. openssl rand -hex 16), got "${hex}"`;
  const key = new Uint8Array(hex.length / 2);
  for (let i = 0; i < key.length; i++) key[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { identity, key };
}

/** --coaps-port, --psk, --psk-for, --cert/--key/--ca; undefined when no credential is given. */
function parseCoaps(raw: Raw, pskFor: readonly string[]): CoapsOption | undefined | string {
  const psk = raw.psk === undefined ? undefined : parsePsk(String(raw.psk), '--psk');
  if (typeof psk === 'string') return psk;
  const controllerPsks: (PskOption & { endpointId: string })[] = [];
  for (const v of pskFor) {
    const eq = v.indexOf('=');
    const endpointId = v.slice(0, eq);
    if (eq <= 0 || validateEndpointId(endpointId) !== EndpointIdError.Ok) return `--psk-for expects <endpointId>=<identity>:<hexkey>, got "${v}"`;
    const p = parsePsk(v.slice(eq + 1), '--psk-for');
    if (typeof p === 'string') return p;
    if (controllerPsks.some((q) => q.identity === p.identity) || psk?.identity === p.identity) return `--psk-for: identity "${p.identity}" is given twice`;
    controllerPsks.push({ ...p, endpointId });
  }
  const [certFile, keyFile, caFile] = ['cert', 'key', 'ca'].map((k) => String(raw[k] ?? ''));
  if ((certFile !== '' || keyFile !== '' || caFile !== '') && (certFile === '' || keyFile === '' || caFile === '')) {
    return '--cert, --key and --ca go together (our certificate, its key, the CAs controllers chain to)';
  }
  if (psk === undefined && controllerPsks.length === 0 && certFile === '') {
    return raw['coaps-port'] === undefined ? undefined : '--coaps-port needs DTLS credentials: --psk, --psk-for or --cert/--key/--ca';
  }
  const port = parsePort(raw['coaps-port'] ?? 5684, '--coaps-port');
  if (typeof port === 'string') return port;
  return { port, psk, controllerPsks, certFile, keyFile, caFile };
}

const isWsUri = (uri: string): boolean => uri.startsWith('ws://') || uri.startsWith('wss://');

/** --ws-port and companions; undefined when neither a listener nor a ws:// controller is asked for. */
function parseWebSocket(raw: Raw, controllers: readonly ControllerOption[]): WebSocketOption | undefined | string {
  const dialed = controllers.filter((c) => isWsUri(c.uri));
  const [certFile, keyFile, caFile] = ['ws-cert', 'ws-key', 'ws-ca'].map((k) => String(raw[k] ?? ''));
  if (raw['ws-port'] === undefined && dialed.length === 0) {
    const stray = WS_KEYS.find((k) => raw[k] !== undefined);
    return stray === undefined ? undefined : `--${stray} needs --ws-port or a --controller <eid>=ws[s]://… URI`;
  }
  let port: number | undefined;
  if (raw['ws-port'] !== undefined) {
    const p = parsePort(raw['ws-port'], '--ws-port');
    if (typeof p === 'string') return p;
    port = p;
  }
  const path = String(raw['ws-path'] ?? '/usp');
  if (!path.startsWith('/') || /[?#\s]/.test(path)) return `--ws-path must start with "/" and have no query, got "${path}"`;
  let keepAliveS: number | undefined;
  if (raw['ws-keep-alive'] !== undefined) {
    keepAliveS = Number(raw['ws-keep-alive']);
    if (!Number.isInteger(keepAliveS) || keepAliveS < 1 || keepAliveS > 86400) return `--ws-keep-alive must be 1..86400 seconds, got ${String(raw['ws-keep-alive'])}`;
  }
  if ((certFile === '') !== (keyFile === '')) return '--ws-cert and --ws-key go together';
  if (certFile !== '' && caFile === '') return '--ws-cert needs --ws-ca (the CA controllers\' certificates chain to, R-MTP.1)';
  const wss = dialed.find((c) => c.uri.startsWith('wss://'));
  if (wss !== undefined && caFile === '') return `--controller ${wss.endpointId}=${wss.uri} needs --ws-ca <file.pem> (its certificate is verified, R-MTP.1)`;
  return { port, path, keepAliveS, certFile, keyFile, caFile };
}

function parseController(v: string): ControllerOption | string {
  const eq = v.indexOf('=');
  if (eq <= 0) return `--controller expects <endpointId>=<coap URI>, got "${v}"`;
  const endpointId = v.slice(0, eq);
  const uri = v.slice(eq + 1);
  if (validateEndpointId(endpointId) !== EndpointIdError.Ok) return `--controller: "${endpointId}" is not a valid USP Endpoint ID`;
  if (uri.startsWith('mqtt:')) {
    const topic = uri.slice(5);
    if (topic === '' || /[+#\u0000]/.test(topic)) return `--controller: "${uri}" needs an MQTT topic without wildcards after mqtt:`;
    return { endpointId, uri };
  }
  if (isWsUri(uri)) {
    if (!/^wss?:\/\/[^/?#]+(\/[^#]*)?$/.test(uri)) return `--controller: "${uri}" is not a ws:// or wss:// URI (ws[s]://host[:port]/path)`;
    return { endpointId, uri };
  }
  if (!/^coaps?:\/\/[^/?#]+(\/[^?#]*)?$/.test(uri)) return `--controller: "${uri}" is not a coap://, coaps://, ws://, wss:// URI or mqtt:<topic>`;
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
  const pskFor: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--no-coap') { raw['no-coap'] = true; continue; }
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
        } else if (k === 'psk-for') {
          if (!Array.isArray(v)) return { error: '--config: "psk-for" must be an array of "<eid>=<identity>:<hexkey>" strings' };
          pskFor.push(...v.map(String));
        } else raw[k] = v;
      }
    } else if (key === 'controller') {
      controllers.push(value);
    } else if (key === 'psk-for') {
      pskFor.push(value);
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
  // "usp-agent" and "/usp-agent" name the same resource (TR-181 MTP.{i}.CoAP.Path is stored without the "/").
  const givenPath = String(raw['coap-path'] ?? '/usp');
  const coapPath = givenPath.startsWith('/') ? givenPath : '/' + givenPath;
  if (coapPath === '/' || coapPath.includes('?') || coapPath.includes('#')) {
    return { error: `--coap-path must name a resource ("usp" or "/usp"), without query or fragment, got "${givenPath}"` };
  }
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
  const mqtt = parseMqtt(raw, endpointId);
  if (typeof mqtt === 'string') return { error: mqtt };
  if (mqtt === undefined && parsed.some((c) => c.uri.startsWith('mqtt:'))) return { error: '--controller <eid>=mqtt:<topic> needs --mqtt <url>' };
  const coaps = parseCoaps(raw, pskFor);
  if (typeof coaps === 'string') return { error: coaps };
  const websocket = parseWebSocket(raw, parsed);
  if (typeof websocket === 'string') return { error: websocket };
  const plainCoap = raw['no-coap'] !== true && raw['no-coap'] !== 'true';
  if (!plainCoap && coaps === undefined && mqtt === undefined && websocket === undefined) return { error: '--no-coap leaves no MTP: give --psk/--cert (coaps), --mqtt or --ws-port' };
  if (coaps !== undefined && plainCoap && coaps.port !== 0 && coaps.port === coapPort) return { error: `--coaps-port ${coaps.port} is the CoAP port too` };
  const health = Number(raw['firmware-health'] ?? 600);
  if (!Number.isInteger(health) || health < 1 || health > 86400) return { error: `--firmware-health must be 1..86400 s, got ${String(raw['firmware-health'])}` };
  const firmware: FirmwareOption = { caFile: String(raw['firmware-ca'] ?? ''), keyFile: String(raw['firmware-key'] ?? ''), healthTimeoutS: health };
  return {
    options: {
      firmware,
      endpointId,
      host: String(raw.host ?? '127.0.0.1'),
      coapPort,
      coapPath,
      coapAckTimeoutMs: ackTimeout,
      controllers: parsed,
      stateDir: String(raw.state ?? join(homedir(), '.tinyusp', endpointId.replace(/[^A-Za-z0-9._-]/g, '_'))),
      board,
      logLevel: logLevel as AgentOptions['logLevel'],
      mqtt,
      plainCoap,
      coaps,
      websocket,
    },
  };
}
