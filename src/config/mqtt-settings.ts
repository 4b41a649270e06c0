/**
 * The mqtt keys of the device agent's settings (device-settings.ts), for a build that
 * runs the MQTT MTP (the Moddable full build passes parseMqttSettings with its MQTT
 * extra; the coaps build links none of this, D14):
 *   mqtt       mqtt[s]://[user[:password]@]host[:port]  also run the MQTT MTP
 *   mqttTopic  the agent's topic (default usp/agent/<endpoint-id>)   mqttVersion 5.0 | 3.1.1 (default 5.0)
 */
import { MqttVersion } from '../mtp/mqtt/index.ts';
import type { MqttBrokerSettings } from '../mtp/mqtt/provision.ts';
import { hasWildcard, portOf, text, type Config } from './device-settings.ts';

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

/** The broker of `config.mqtt` with the agent's topic and MQTT version, or why not. */
export function parseMqttSettings(config: Config, endpointId: string): MqttBrokerSettings | string {
  const url = parseMqttUrl(text(config, 'mqtt') ?? '');
  if (typeof url === 'string') return url;
  const topic = text(config, 'mqttTopic') ?? `usp/agent/${endpointId}`;
  if (hasWildcard(topic)) return `mqttTopic: "${topic}" must be a topic name without wildcards`;
  const version = text(config, 'mqttVersion') ?? '5.0';
  if (version !== '5.0' && version !== '3.1.1') return `mqttVersion must be 3.1.1 or 5.0, got "${version}"`;
  return { ...url, topic, version: version === '5.0' ? MqttVersion.V5 : MqttVersion.V3_1_1 };
}
