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
 *
 * The mqtt keys are read by the parser a build with MQTT passes (parseMqttSettings,
 * mqtt-settings.ts); a build without it (the Moddable coaps build, D14) links none of
 * it and only notes that mqtt= was given, to refuse it with its own error.
 */
import { validateEndpointId, EndpointIdError } from '../usp/endpoint-id.ts';
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
  /** The broker (with a parser for the mqtt keys), undefined without mqtt= or the parser. */
  readonly mqtt: MqttBrokerSettings | undefined;
  /** mqtt= is given (parsed or not). */
  readonly asksMqtt: boolean;
  /** WebSocket listener port, 0 = no listener. */
  readonly wsPort: number;
}

export const DEFAULT_COAP_PORT = 5683;
export const DEFAULT_COAPS_PORT = 5684;

export type Config = Readonly<Record<string, unknown>>;

/** Reads mqtt=, mqttTopic= and mqttVersion= (mqtt-settings.ts parseMqttSettings): the broker, or why not. */
export type MqttSettingsParser = (config: Config, endpointId: string) => MqttBrokerSettings | string;

export function text(c: Config, key: string): string | undefined {
  const v = c[key];
  return v === undefined || v === '' ? undefined : String(v);
}

export function portOf(value: string, key: string): number | string {
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

export function hasWildcard(topic: string): boolean {
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

/** `a;b;c` → the non-empty parts. */
function list(v: string | undefined): string[] {
  return v === undefined ? [] : v.split(';').filter((s) => s !== '');
}

/**
 * Settings from `config` for the agent `endpointId`; `certificate` says whether the
 * three certificate resources (our chain, our key, the CAs) are in the app; `parseMqtt`
 * reads the mqtt keys in a build that runs MQTT (null: mqtt= is only noted, asksMqtt).
 */
export function parseDeviceSettings(config: Config, endpointId: string, certificate: boolean, parseMqtt: MqttSettingsParser | null): DeviceSettings | string {
  const coapPort = portOf(text(config, 'coapPort') ?? String(DEFAULT_COAP_PORT), 'coapPort');
  if (typeof coapPort === 'string') return coapPort;
  const plainText = text(config, 'plainCoap');
  const plainCoap = plainText === undefined || !(plainText === '0' || plainText === 'false');
  const pskText = text(config, 'psk');
  const psk = pskText === undefined ? undefined : parseDevicePsk(pskText, 'psk');
  if (typeof psk === 'string') return psk;
  const controllerPsks: (DevicePsk & { endpointId: string })[] = [];
  const pskFor = list(text(config, 'pskFor'));
  for (let i = 0; i < pskFor.length; i++) {
    const v = pskFor[i]!;
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
  const given = list(text(config, 'controller'));
  for (let i = 0; i < given.length; i++) {
    const c = parseController(given[i]!);
    if (typeof c === 'string') return c;
    if (c.uri.startsWith('coaps:') && !secure) return `controller ${c.uri} needs DTLS credentials: psk, pskFor or the certificate resources`;
    controllers.push(c);
  }
  const asksMqtt = text(config, 'mqtt') !== undefined;
  if (!asksMqtt && controllers.some((c) => c.uri.startsWith('mqtt:'))) return 'controller <eid>=mqtt:<topic> needs mqtt=<url>';
  const mqtt = asksMqtt && parseMqtt !== null ? parseMqtt(config, endpointId) : undefined;
  if (typeof mqtt === 'string') return mqtt;
  const wsPort = portOf(text(config, 'wsPort') ?? '0', 'wsPort');
  if (typeof wsPort === 'string') return wsPort;
  const dialsWs = controllers.some((c) => c.uri.startsWith('ws://'));
  if (!plainCoap && !secure && !asksMqtt && wsPort === 0 && !dialsWs) return 'plainCoap=0 leaves no MTP: give psk/pskFor/the certificate (coaps), mqtt, wsPort or a ws:// controller';
  return {
    plainCoap, coapPort,
    coaps: secure ? { port: coapsPort, psk, controllerPsks, certificate } : undefined,
    controllers, mqtt, asksMqtt, wsPort,
  };
}
