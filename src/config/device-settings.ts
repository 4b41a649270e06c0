/**
 * The device agent's settings from a flat key → value record: Moddable's `mc/config`
 * (manifest "config", overridden as key=value on the mcconfig command line), plus the
 * PEM files the app carries as `data` resources (docs/device.md#security-and-mtps-on-the-device).
 * Pure and regex-free (it runs on XS, preloaded with the core); every bad value gives
 * one clear message naming the key.
 *
 * Keys (all optional):
 *   coapPort   plain (NoSec) CoAP port, default 5683     plainCoap  0 turns plain CoAP off
 *   coapsPort  CoAP over DTLS port, default 5684 (coaps runs when a PSK or the certificate is present)
 *   psk        <identity>:<hexkey>  a DTLS PSK any Controller may use
 *   pskFor     <eid>=<identity>:<hexkey>[;…]  PSKs naming one Controller each (R-SEC.0a)
 *   controller <eid>=<coap[s]://host:port/path | ws://host:port/path | mqtt:<topic>>[;…]  provisioned with Full Access
 *   wsPort     WebSocket listener port (R-WS.6); absent or 0: none (a ws:// controller is dialled either way)
 *   mqtt       mqtt[s]://[user[:password]@]host[:port]  also run the MQTT MTP
 *   mqttTopic  the agent's topic (default usp/agent/<endpoint-id>)   mqttVersion 5.0 | 3.1.1 (default 5.0)
 */
import { validateEndpointId, EndpointIdError } from '../usp/endpoint-id.ts';
import { MqttVersion } from '../mtp/mqtt/index.ts';
import type { MqttBrokerSettings } from '../mtp/mqtt/provision.ts';

export interface DevicePsk {
  readonly identity: string;
  readonly key: Uint8Array;
}


export interface DeviceSettings {
  readonly plainCoap: boolean;
  readonly coapPort: number;
  /** CoAP over DTLS; undefined without a PSK or a certificate. */
  readonly coaps: {
    readonly port: number;
    readonly psk: DevicePsk | undefined;
    readonly controllerPsks: readonly (DevicePsk & { readonly endpointId: string })[];
    /** Certificate mode (the three PEM resources are present). */
    readonly certificate: boolean;
  } | undefined;
  readonly controllers: readonly { readonly endpointId: string; readonly uri: string }[];
  readonly mqtt: MqttBrokerSettings | undefined;
  /** WebSocket listener port, 0 = no listener. */
  readonly wsPort: number;
}

export const DEFAULT_COAP_PORT = 5683;
export const DEFAULT_COAPS_PORT = 5684;

type Config = Readonly<Record<string, unknown>>;

function text(c: Config, key: string): string | undefined {
  const v = c[key];
  return v === undefined || v === '' ? undefined : String(v);
}

function portOf(value: string, key: string): number | string {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : `${key}: "${value}" is not a port (0..65535)`;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** `<identity>:<hexkey>` (the key is the last `:` field: 1..64 bytes of hex). */
export function parseDevicePsk(v: string, key: string): DevicePsk | string {
  const colon = v.lastIndexOf(':');
  const hex = v.slice(colon + 1);
  if (colon <= 0 || colon > 128) return `${key} expects <identity>:<hexkey>, got "${v}"`;
  if (hex.length === 0 || hex.length > 128 || hex.length % 2 !== 0) return `${key}: the key must be 1..64 bytes of hex, got "${hex}"`;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const hi = hexDigit(hex.charCodeAt(2 * i)), lo = hexDigit(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return `${key}: the key must be 1..64 bytes of hex, got "${hex}"`;
    bytes[i] = (hi << 4) | lo;
  }
  return { identity: v.slice(0, colon), key: bytes };
}

function hasWildcard(topic: string): boolean {
  return topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0 || topic.indexOf('\u0000') >= 0;
}

/** `<eid>=<coap[s]://…>`, `<eid>=ws://…` or `<eid>=mqtt:<topic>`. */
function parseController(v: string): { endpointId: string; uri: string } | string {
  const eq = v.indexOf('=');
  const endpointId = v.slice(0, eq);
  const uri = v.slice(eq + 1);
  if (eq <= 0 || validateEndpointId(endpointId) !== EndpointIdError.Ok) return `controller expects <endpointId>=<uri>, got "${v}"`;
  if (uri.startsWith('mqtt:')) {
    return uri.length > 5 && !hasWildcard(uri.slice(5)) ? { endpointId, uri } : `controller: "${uri}" needs an MQTT topic without wildcards`;
  }
  // wss:// needs TLS on the device's stream port, which it does not have yet (docs/mtp/websocket.md).
  const scheme = uri.startsWith('coaps://') ? 8 : uri.startsWith('coap://') ? 7 : uri.startsWith('ws://') ? 5 : 0;
  if (scheme === 0 || uri.length === scheme || uri.charAt(scheme) === '/' || uri.indexOf('?') >= 0 || uri.indexOf('#') >= 0) {
    return `controller: "${uri}" is not a coap://, coaps://, ws:// URI or mqtt:<topic>`;
  }
  return { endpointId, uri };
}

/** `mqtt[s]://[user[:password]@]host[:port]` (a trailing "/" allowed). */
export function parseMqttUrl(v: string): Omit<MqttBrokerSettings, 'topic' | 'version'> | string {
  const tls = v.startsWith('mqtts://');
  if (!tls && !v.startsWith('mqtt://')) return `mqtt: "${v}" must start with mqtt:// or mqtts://`;
  let rest = v.slice(tls ? 8 : 7);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0) return `mqtt: "${v}" must be mqtt[s]://[user[:password]@]host[:port]`;
  let username = '', password = '';
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const user = rest.slice(0, at);
    const colon = user.indexOf(':');
    username = colon < 0 ? user : user.slice(0, colon);
    password = colon < 0 ? '' : user.slice(colon + 1);
    rest = rest.slice(at + 1);
  }
  const colon = rest.lastIndexOf(':');
  const host = colon < 0 ? rest : rest.slice(0, colon);
  const port = colon < 0 ? (tls ? 8883 : 1883) : portOf(rest.slice(colon + 1), 'mqtt');
  if (typeof port === 'string') return port;
  if (host === '' || port === 0) return `mqtt: "${v}" needs a host and a port 1..65535`;
  return { host, port, tls, username, password };
}

/** `a;b;c` → the non-empty parts. */
function list(v: string | undefined): string[] {
  return v === undefined ? [] : v.split(';').filter((s) => s !== '');
}

/**
 * Settings from `config` for the agent `endpointId`; `certificate` says whether the
 * three certificate resources (our chain, our key, the CAs) are in the app.
 */
export function parseDeviceSettings(config: Config, endpointId: string, certificate: boolean): DeviceSettings | string {
  const coapPort = portOf(text(config, 'coapPort') ?? String(DEFAULT_COAP_PORT), 'coapPort');
  if (typeof coapPort === 'string') return coapPort;
  const plainText = text(config, 'plainCoap');
  const plainCoap = plainText === undefined || !(plainText === '0' || plainText === 'false');
  const pskText = text(config, 'psk');
  const psk = pskText === undefined ? undefined : parseDevicePsk(pskText, 'psk');
  if (typeof psk === 'string') return psk;
  const controllerPsks: (DevicePsk & { endpointId: string })[] = [];
  for (const v of list(text(config, 'pskFor'))) {
    const eq = v.indexOf('=');
    const eid = v.slice(0, eq);
    if (eq <= 0 || validateEndpointId(eid) !== EndpointIdError.Ok) return `pskFor expects <endpointId>=<identity>:<hexkey>, got "${v}"`;
    const p = parseDevicePsk(v.slice(eq + 1), 'pskFor');
    if (typeof p === 'string') return p;
    if (psk?.identity === p.identity || controllerPsks.some((q) => q.identity === p.identity)) return `pskFor: identity "${p.identity}" is given twice`;
    controllerPsks.push({ identity: p.identity, key: p.key, endpointId: eid });
  }
  const secure = psk !== undefined || controllerPsks.length > 0 || certificate;
  const coapsPort = portOf(text(config, 'coapsPort') ?? String(DEFAULT_COAPS_PORT), 'coapsPort');
  if (typeof coapsPort === 'string') return coapsPort;
  if (secure && plainCoap && coapsPort !== 0 && coapsPort === coapPort) return `coapsPort ${coapsPort} is the CoAP port too`;
  const controllers: { endpointId: string; uri: string }[] = [];
  for (const v of list(text(config, 'controller'))) {
    const c = parseController(v);
    if (typeof c === 'string') return c;
    if (c.uri.startsWith('coaps:') && !secure) return `controller ${c.uri} needs DTLS credentials: psk, pskFor or the certificate resources`;
    controllers.push(c);
  }
  let mqtt: MqttBrokerSettings | undefined;
  const mqttText = text(config, 'mqtt');
  if (mqttText !== undefined) {
    const url = parseMqttUrl(mqttText);
    if (typeof url === 'string') return url;
    const topic = text(config, 'mqttTopic') ?? `usp/agent/${endpointId}`;
    if (hasWildcard(topic)) return `mqttTopic: "${topic}" must be a topic name without wildcards`;
    const version = text(config, 'mqttVersion') ?? '5.0';
    if (version !== '5.0' && version !== '3.1.1') return `mqttVersion must be 3.1.1 or 5.0, got "${version}"`;
    mqtt = { ...url, topic, version: version === '5.0' ? MqttVersion.V5 : MqttVersion.V3_1_1 };
  } else if (controllers.some((c) => c.uri.startsWith('mqtt:'))) return 'controller <eid>=mqtt:<topic> needs mqtt=<url>';
  const wsPort = portOf(text(config, 'wsPort') ?? '0', 'wsPort');
  if (typeof wsPort === 'string') return wsPort;
  const dialsWs = controllers.some((c) => c.uri.startsWith('ws://'));
  if (!plainCoap && !secure && mqtt === undefined && wsPort === 0 && !dialsWs) return 'plainCoap=0 leaves no MTP: give psk/pskFor/the certificate (coaps), mqtt, wsPort or a ws:// controller';
  return {
    plainCoap, coapPort,
    coaps: secure ? { port: coapsPort, psk, controllerPsks, certificate } : undefined,
    controllers, mqtt, wsPort,
  };
}
