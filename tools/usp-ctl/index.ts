/**
 * usp-ctl — a USP Controller on the command line (`npm run ctl -- <command> …`).
 * Talks USP over CoAP to an agent: builds the request Msg, POSTs it with our own CoAP
 * server as reply-to (R-COAP.2), waits for the response Record and prints it. With
 * --mqtt it publishes to the agent's topic through a broker instead (mqtt-transport.ts);
 * with --ws it dials the agent's WebSocket listener, with --ws-listen it waits for the
 * agent to dial it (ws-transport.ts).
 * Exit codes: 0 ok, 1 the agent answered with an error (or none came), 2 bad usage.
 */
import {
  addMsg, deleteMsg, getInstancesMsg, getMsg, getSupportedDmMsg, getSupportedProtocolMsg, operateMsg, setMsg, type MsgInit,
} from '../../src/usp/index.ts';
import { readFileSync } from 'node:fs';
import { MqttVersion } from '../../src/mqtt/index.ts';
import { UspController, type ControllerOptions } from './controller.ts';
import { loadCertificate } from '../../src/config/coaps-credentials.ts';
import type { DtlsCertificateConfig } from '../../src/dtls/index.ts';
import { parsePsk } from '../../src/config/options.ts';
import { utf8Bytes } from '../../src/usp/index.ts';
import { renderMsg, renderNotify } from './format.ts';

export const USAGE = `usage: npm run ctl -- <command> [arguments] [options]
commands:
  get <path…> [--depth N]                          Get parameter values
  set <objpath> <param>=<value>… [--allow-partial] Set parameters of one object (path may use search syntax)
  add <table> [param=value…]                       Add a row (e.g. Device.LocalAgent.Subscription.)
  delete <path…>                                   Delete rows
  operate <command> [arg=value…] [--key K] [--no-resp]
  instances <path…> [--first-level]                GetInstances
  supported <path…> [--first-level] [--no-params] [--no-commands] [--no-events]   GetSupportedDM
  protocol                                         GetSupportedProtocol
  subscribe <NotifType> <ref-list> [--id ID] [--persistent] [--retry]
                                                   Add Device.LocalAgent.Subscription.{i}. with Enable=true
  listen [--count N]                               print notifications as they arrive (answers NotifyResp)
options:
  --agent <coap URI>       the agent (default coap://127.0.0.1:5683/usp; coaps://127.0.0.1:5684/usp with --psk/--cert)
  --agent-id <eid>         the agent's Endpoint ID (default os::0A1B2C-SIM000001, the sim board)
  --endpoint-id <eid>      our Controller Endpoint ID (default self::usp-ctl)
  --port <port>            our CoAP port for replies (default: any; listen: 5685)
  --timeout <ms>           wait this long for a response (default 10000)
  --mqtt <url>             talk MQTT through this broker instead of CoAP: mqtt[s]://[user[:password]@]host[:port]
  --mqtt-topic <topic>     our topic, the "reply to" of our requests (default usp/controller/<endpoint-id>)
  --agent-topic <topic>    the agent's topic (default usp/agent/<agent-id>)
  --mqtt-version <v>       3.1.1 | 5.0 (default 5.0)
  --mqtt-ca <file.pem>     CA certificate(s) for mqtts://
  --ws <url>               talk WebSocket: dial the agent's listener, ws[s]://host:port/path (npm start -- --ws-port)
  --ws-listen <port>       talk WebSocket: wait on this port for the agent's session (the agent started with
                           --controller <endpoint-id>=ws://127.0.0.1:<port>/usp; listen: prints its notifications)
  --ws-ca <file.pem>       wss: CA the agent's certificate chains to (it must name --agent-id)
  --ws-cert <file.pem> --ws-key <file.pem>
                           wss: our certificate (SAN URI urn:bbf:usp:id:<endpoint-id>) and key
  --psk <identity>:<hexkey>  talk coaps (DTLS) with this pre-shared key (the agent's --psk or --psk-for)
  --cert <file.pem> --cert-key <file.pem> --ca <file.pem>
                           talk coaps with our certificate (SAN URI urn:bbf:usp:id:<endpoint-id>), its key,
                           and the CA the agent's certificate must chain to (it must name --agent-id)
  --json                   print the decoded response as JSON
  --help`;

const VALUE_FLAGS = new Set([
  'agent', 'agent-id', 'endpoint-id', 'port', 'timeout', 'depth', 'key', 'id', 'count', 'mqtt', 'mqtt-topic', 'agent-topic', 'mqtt-version', 'mqtt-ca',
  'psk', 'cert', 'cert-key', 'ca', 'ws', 'ws-listen', 'ws-ca', 'ws-cert', 'ws-key',
]);
const BOOL_FLAGS = new Set(['json', 'allow-partial', 'first-level', 'no-params', 'no-commands', 'no-events', 'no-resp', 'persistent', 'retry', 'help']);

interface Parsed {
  readonly command: string;
  readonly args: string[];
  readonly flags: Map<string, string>;
}

function parseArgs(argv: readonly string[]): Parsed | string {
  const args: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') { flags.set('help', 'true'); continue; }
    if (!a.startsWith('--')) { args.push(a); continue; }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (BOOL_FLAGS.has(name)) { flags.set(name, 'true'); continue; }
    if (!VALUE_FLAGS.has(name)) return `unknown option --${name}`;
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined) return `--${name} needs a value`;
    flags.set(name, v);
  }
  const command = args.shift() ?? '';
  return { command, args, flags };
}

function pairs(list: readonly string[], what: string): [string, string][] | string {
  const out: [string, string][] = [];
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq <= 0) return `expected ${what}=<value>, got "${a}"`;
    out.push([a.slice(0, eq), a.slice(eq + 1)]);
  }
  return out;
}

function intFlag(flags: Map<string, string>, name: string, def: number): number | string {
  const v = flags.get(name);
  if (v === undefined) return def;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : `--${name} must be a non-negative integer, got "${v}"`;
}

/** The request Msg for a command, or a usage error. */
export function buildRequest(p: Parsed): ((id: string) => MsgInit) | string {
  const { args, flags } = p;
  const need = (n: number, what: string): string => (args.length < n ? `${p.command} needs ${what}` : '');
  switch (p.command) {
    case 'get': {
      const depth = intFlag(flags, 'depth', 0);
      if (typeof depth === 'string') return depth;
      return need(1, 'at least one path') || ((id) => getMsg(id, { param_paths: args, max_depth: depth }));
    }
    case 'set': {
      const ps = pairs(args.slice(1), '<param>');
      if (typeof ps === 'string') return ps;
      return need(2, '<objpath> <param>=<value>…') || ((id) => setMsg(id, {
        allow_partial: flags.has('allow-partial'),
        update_objs: [{ obj_path: args[0]!, param_settings: ps.map(([param, value]) => ({ param, value, required: true })) }],
      }));
    }
    case 'add': {
      const ps = pairs(args.slice(1), '<param>');
      if (typeof ps === 'string') return ps;
      return need(1, 'a table path') || ((id) => addMsg(id, {
        allow_partial: false, create_objs: [{ obj_path: args[0]!, param_settings: ps.map(([param, value]) => ({ param, value, required: true })) }],
      }));
    }
    case 'delete':
      return need(1, 'at least one path') || ((id) => deleteMsg(id, { allow_partial: false, obj_paths: args }));
    case 'operate': {
      const ps = pairs(args.slice(1), '<arg>');
      if (typeof ps === 'string') return ps;
      return need(1, 'a command path') || ((id) => operateMsg(id, {
        command: args[0]!, command_key: flags.get('key') ?? '', send_resp: !flags.has('no-resp'), input_args: Object.fromEntries(ps),
      }));
    }
    case 'instances':
      return need(1, 'at least one path') || ((id) => getInstancesMsg(id, { obj_paths: args, first_level_only: flags.has('first-level') }));
    case 'supported':
      return need(1, 'at least one path') || ((id) => getSupportedDmMsg(id, {
        obj_paths: args, first_level_only: flags.has('first-level'), return_commands: !flags.has('no-commands'),
        return_events: !flags.has('no-events'), return_params: !flags.has('no-params'), return_unique_key_sets: true,
      }));
    case 'protocol':
      return (id) => getSupportedProtocolMsg(id, { controller_supported_protocol_versions: '1.0,1.1,1.2,1.3,1.4' });
    case 'subscribe': {
      if (args.length !== 2) return 'subscribe needs <NotifType> <ref-list>';
      const params: [string, string][] = [['Enable', 'true'], ['NotifType', args[0]!], ['ReferenceList', args[1]!]];
      if (flags.has('id')) params.push(['ID', flags.get('id')!]);
      if (flags.has('persistent')) params.push(['Persistent', 'true']);
      if (flags.has('retry')) params.push(['NotifRetry', 'true']);
      return (id) => addMsg(id, {
        allow_partial: false,
        create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: params.map(([param, value]) => ({ param, value, required: true })) }],
      });
    }
    case '':
      return 'no command given';
    default:
      return `unknown command "${p.command}"`;
  }
}

/** main() with its output captured (tests and the simulator checks run usp-ctl in-process). */
export async function runCaptured(argv: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []; const err: string[] = [];
  const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

export async function main(argv: readonly string[], out: (line: string) => void = console.log, errOut: (line: string) => void = console.error): Promise<number> {
  const p = parseArgs(argv);
  if (typeof p !== 'string' && p.flags.has('help')) { out(USAGE); return 0; }
  const listen = typeof p !== 'string' && p.command === 'listen';
  const build = typeof p === 'string' ? p : listen ? null : buildRequest(p);
  if (typeof p === 'string' || typeof build === 'string') { errOut(`usp-ctl: ${typeof p === 'string' ? p : build}\n\n${USAGE}`); return 2; }
  const port = intFlag(p.flags, 'port', listen ? 5685 : 0);
  const timeoutMs = intFlag(p.flags, 'timeout', 10000);
  const count = intFlag(p.flags, 'count', 0);
  for (const v of [port, timeoutMs, count]) if (typeof v === 'string') { errOut(`usp-ctl: ${v}`); return 2; }
  const json = p.flags.has('json');
  let ctl: UspController;
  try {
    const agentId = p.flags.get('agent-id') ?? 'os::0A1B2C-SIM000001';
    const endpointId = p.flags.get('endpoint-id') ?? 'self::usp-ctl';
    const coaps = coapsOptions(p.flags);
    ctl = await UspController.open({
      agentUri: p.flags.get('agent') ?? (coaps !== undefined ? 'coaps://127.0.0.1:5684/usp' : 'coap://127.0.0.1:5683/usp'), agentId,
      endpointId, port: port as number, timeoutMs: (p.flags.has('ws-listen') && listen ? 3_600_000 : timeoutMs) as number,
      mqtt: mqttOptions(p.flags, agentId, endpointId), coaps, ws: wsOptions(p.flags),
    });
  } catch (e) {
    errOut(`usp-ctl: ${(e as Error).message}`);
    return 1;
  }
  try {
    if (build === null) return await listenLoop(ctl, count as number, json, out, errOut);
    if (p.command === 'operate' && p.flags.has('no-resp')) {
      const h = ctl.send(build(ctl.nextMsgId()));
      await new Promise((r) => setTimeout(r, 200)); // let CoAP deliver it before we close
      return h > 0 ? 0 : 1;
    }
    const msg = await ctl.request(build);
    const r = renderMsg(msg);
    if (json) out(JSON.stringify(msg.body, null, 2));
    else for (const l of r.lines) out(l);
    return r.failed ? 1 : 0;
  } catch (e) {
    errOut(`usp-ctl: ${(e as Error).message}`);
    return 1;
  } finally {
    ctl.close();
  }
}

/** --psk or --cert/--cert-key/--ca (undefined: plain CoAP; --key is operate's CommandKey). Throws on bad values or unreadable files. */
function coapsOptions(flags: Map<string, string>): ControllerOptions['coaps'] {
  const psk = flags.get('psk');
  const [cert, key, ca] = ['cert', 'cert-key', 'ca'].map((k) => flags.get(k));
  if (psk === undefined && cert === undefined && key === undefined && ca === undefined) return undefined;
  const credentials: { psk?: { identity: Uint8Array; key: Uint8Array }; certificate?: DtlsCertificateConfig } = {};
  if (psk !== undefined) {
    const p = parsePsk(psk, '--psk');
    if (typeof p === 'string') throw new Error(p);
    credentials.psk = { identity: utf8Bytes(p.identity), key: p.key };
  }
  if (cert !== undefined || ca !== undefined) credentials.certificate = certificateOf(cert, key, ca);
  return { credentials };
}

function certificateOf(cert: string | undefined, key: string | undefined, ca: string | undefined): DtlsCertificateConfig {
  if (cert === undefined || key === undefined || ca === undefined) throw new Error('--cert, --cert-key and --ca go together');
  const c = loadCertificate(cert, key, ca);
  if (typeof c === 'string') throw new Error(c);
  return c.config;
}

/** --ws / --ws-listen and the wss files (undefined: not WebSocket). Throws on bad values or unreadable files. */
function wsOptions(flags: Map<string, string>): ControllerOptions['ws'] {
  const url = flags.get('ws');
  const listen = flags.get('ws-listen');
  if (url === undefined && listen === undefined) {
    if (['ws-ca', 'ws-cert', 'ws-key'].some((k) => flags.has(k))) throw new Error('--ws-ca/--ws-cert/--ws-key need --ws or --ws-listen');
    return undefined;
  }
  if (url !== undefined && listen !== undefined) throw new Error('--ws and --ws-listen are the two directions: give one');
  const port = listen === undefined ? undefined : Number(listen);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--ws-listen must be a port number, got "${listen}"`);
  const [ca, cert, key] = ['ws-ca', 'ws-cert', 'ws-key'].map((k) => flags.get(k));
  if ((cert === undefined) !== (key === undefined)) throw new Error('--ws-cert and --ws-key go together');
  if (cert !== undefined && ca === undefined) throw new Error('--ws-cert needs --ws-ca');
  const tls = ca === undefined ? undefined : {
    ca: readFileSync(ca, 'utf8'), ...(cert !== undefined ? { cert: readFileSync(cert, 'utf8'), key: readFileSync(key!, 'utf8') } : {}),
  };
  return { url, listenPort: port, tls };
}

/** --mqtt and companions (undefined: CoAP). Throws on a bad --mqtt-version or unreadable --mqtt-ca. */
function mqttOptions(flags: Map<string, string>, agentId: string, endpointId: string): ControllerOptions['mqtt'] {
  const url = flags.get('mqtt');
  if (url === undefined) return undefined;
  const v = flags.get('mqtt-version') ?? '5.0';
  if (v !== '5.0' && v !== '3.1.1') throw new Error(`--mqtt-version must be 3.1.1 or 5.0, got "${v}"`);
  const caFile = flags.get('mqtt-ca');
  return {
    url, topic: flags.get('mqtt-topic') ?? `usp/controller/${endpointId}`, agentTopic: flags.get('agent-topic') ?? `usp/agent/${agentId}`,
    version: v === '5.0' ? MqttVersion.V5 : MqttVersion.V3_1_1, ...(caFile !== undefined ? { ca: readFileSync(caFile, 'utf8') } : {}),
  };
}

function listenLoop(ctl: UspController, count: number, json: boolean, out: (l: string) => void, errOut: (l: string) => void): Promise<number> {
  errOut(`usp-ctl listening on ${ctl.uri} as ${ctl.endpointId}`);
  return new Promise((resolve) => {
    let seen = 0;
    ctl.onNotify = (n) => {
      out(json ? JSON.stringify({ from: n.fromId, msg_id: n.msgId, notify: n.notify }) : renderNotify(n.notify));
      if (count > 0 && ++seen >= count) setTimeout(() => resolve(0), 100); // let the NotifyResp go out
    };
    process.once('SIGINT', () => resolve(0));
    process.once('SIGTERM', () => resolve(0));
  });
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').slice(-3).join('/'))) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
}
