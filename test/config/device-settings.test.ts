/**
 * The device agent's settings from mc/config (src/config/device-settings.ts) and what
 * Device.LocalAgent.Certificate.{i}. shows of our certificate without node:crypto
 * (src/config/certificate-info.ts, compared with node:crypto's reading).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseDeviceSettings, type DeviceSettings } from '../../src/config/device-settings.ts';
import { parseMqttSettings, parseMqttUrl } from '../../src/config/mqtt-settings.ts';
import { certificateInfoOf } from '../../src/config/certificate-info.ts';
import { deviceCoapsConfig } from '../../src/config/device-credentials.ts';
import { loadCertificate } from '../../src/config/coaps-credentials.ts';
import { pemBlocks } from '../../src/dtls/der.ts';
import { MqttVersion } from '../../src/mqtt/types.ts';
import { makePki } from '../dtls/pki.ts';

const EID = 'os::0A1B2C-SIM000001';
const settings = suite('config/device-settings');

function ok(c: Record<string, unknown>, cert = false): DeviceSettings {
  const s = parseDeviceSettings(c, EID, cert, parseMqttSettings);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

settings('RFC 7252 §6.1/§6.2 defaults: plain CoAP on 5683, no coaps without credentials, no MQTT', () => {
  const s = ok({});
  assert.equal([s.plainCoap, s.coapPort, s.coaps, s.mqtt, s.controllers], [true, 5683, undefined, undefined, []]);
});

settings('R-SEC.0a psk and pskFor: coaps on 5684 with a global PSK and PSKs bound to Controllers', () => {
  const s = ok({ psk: 'tinyusp:000102030405060708090a0b0c0d0e0f', pskFor: 'self::ctl=ctl-id:AABB;self::two=two:01', coapPort: 25683 });
  assert.is(s.coaps?.port, 5684);
  assert.is(s.coaps?.psk?.identity, 'tinyusp');
  assert.equal(Array.from(s.coaps!.psk!.key.subarray(0, 3)), [0, 1, 2]);
  assert.equal(s.coaps?.controllerPsks.map((p) => [p.endpointId, p.identity, Array.from(p.key)]), [['self::ctl', 'ctl-id', [0xaa, 0xbb]], ['self::two', 'two', [1]]]);
});

settings('certificate resources alone turn coaps on; plainCoap=0 turns NoSec CoAP off (D3)', () => {
  const s = ok({ plainCoap: 0, coapsPort: '25684' }, true);
  assert.equal([s.plainCoap, s.coaps?.port, s.coaps?.certificate, s.coaps?.psk], [false, 25684, true, undefined]);
});

settings('controllers: coap://, coaps:// and mqtt: URIs, several separated by ";"', () => {
  const s = ok({ psk: 'a:01', mqtt: 'mqtt://127.0.0.1:1883', controller: 'self::a=coaps://127.0.0.1:5684/usp;self::b=mqtt:usp/controller/b;self::c=coap://10.0.0.1/usp' });
  assert.equal(s.controllers, [
    { endpointId: 'self::a', uri: 'coaps://127.0.0.1:5684/usp' }, { endpointId: 'self::b', uri: 'mqtt:usp/controller/b' }, { endpointId: 'self::c', uri: 'coap://10.0.0.1/usp' },
  ]);
});

settings('TR-369 MQTT binding: mqtt[s]:// URL with credentials, topic default usp/agent/<eid>, version 5.0 default', () => {
  const s = ok({ mqtt: 'mqtts://user:pa:ss@broker.example:8884/', mqttVersion: '3.1.1' });
  assert.equal(s.mqtt, { host: 'broker.example', port: 8884, tls: true, username: 'user', password: 'pa:ss', topic: `usp/agent/${EID}`, version: MqttVersion.V3_1_1 });
  assert.equal(parseMqttUrl('mqtt://localhost'), { host: 'localhost', port: 1883, tls: false, username: '', password: '' });
  assert.is((parseMqttUrl('mqtts://h') as { port: number }).port, 8883);
});

settings('every bad value is one message naming its key', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ coapPort: 'x' }, 'coapPort'],
    [{ psk: 'nokey' }, 'psk'],
    [{ psk: 'id:0g' }, 'psk'],
    [{ psk: 'id:' }, 'psk'],
    [{ pskFor: 'not an eid=a:01' }, 'pskFor'],
    [{ psk: 'a:01', pskFor: 'self::x=a:02' }, 'given twice'],
    [{ psk: 'a:01', coapsPort: 5683 }, 'CoAP port too'],
    [{ controller: 'self::a=http://x/usp' }, 'controller'],
    [{ controller: 'self::a=coaps://x/usp' }, 'DTLS credentials'],
    [{ controller: 'self::a=mqtt:t' }, 'mqtt=<url>'],
    [{ mqtt: 'http://x' }, 'mqtt'],
    [{ mqtt: 'mqtt://x:99999' }, 'mqtt'],
    [{ mqtt: 'mqtt://x/path' }, 'mqtt'],
    [{ mqtt: 'mqtt://x', mqttTopic: 'a/#' }, 'mqttTopic'],
    [{ mqtt: 'mqtt://x', mqttVersion: '4' }, 'mqttVersion'],
    [{ plainCoap: 'false' }, 'leaves no MTP'],
  ];
  for (const [c, word] of cases) {
    const s = parseDeviceSettings(c, EID, false, parseMqttSettings);
    assert.type(s, 'string', JSON.stringify(c));
    assert.ok((s as string).includes(word), `${JSON.stringify(c)}: ${String(s)}`);
  }
});

settings('D14 without an MQTT parser (the coaps build) mqtt= is noted, not read: the device agent refuses it with the build\'s error', () => {
  const s = parseDeviceSettings({ mqtt: 'not a url', plainCoap: '0', controller: 'self::b=mqtt:usp/controller/b' }, EID, false, null);
  if (typeof s === 'string') throw new Error(s);
  assert.equal([s.asksMqtt, s.mqtt, s.plainCoap], [true, undefined, false]);
  const none = parseDeviceSettings({}, EID, false, null);
  assert.equal(typeof none === 'string' ? none : [none.asksMqtt, none.mqtt], [false, undefined]);
  assert.is(parseDeviceSettings({ controller: 'self::b=mqtt:t' }, EID, false, null), 'controller <eid>=mqtt:<topic> needs mqtt=<url>');
  const full = ok({ mqtt: 'mqtt://broker' });
  assert.equal([full.asksMqtt, full.mqtt?.host], [true, 'broker']);
});

const info = suite('config/certificate-info');

info('RFC 5280 §4.1.2.2/§4.1.2.4 serial and issuer read from DER agree with node:crypto (Device.LocalAgent.Certificate.{i}.)', () => {
  const pki = makePki();
  const node = loadCertificate(pki.path('agent', 'crt'), pki.path('agent', 'key'), pki.path('ca', 'crt'));
  if (typeof node === 'string') throw new Error(node);
  const der = pemBlocks(readFileSync(pki.path('agent', 'crt'), 'utf8'), 'CERTIFICATE')[0]!;
  assert.equal(certificateInfoOf(der), node.info);
  assert.is(certificateInfoOf(der.subarray(0, 40)), undefined);
});

info('R-SEC.0a deviceCoapsConfig: PEM resources → DTLS certificate config, Certificate row info, PSKs as bytes; a certificate naming another Endpoint ID is warned about', () => {
  const pki = makePki([['sim-agent', EID]]);
  const pems = (name: string) => ({
    certificate: readFileSync(pki.path(name, 'crt'), 'utf8'), key: readFileSync(pki.path(name, 'key'), 'utf8'), ca: readFileSync(pki.path('ca', 'crt'), 'utf8'),
  });
  const s = ok({ psk: 'ctl:0102', pskFor: 'self::b=b-id:03' }, true);
  const warnings: string[] = [];
  const c = deviceCoapsConfig(s.coaps!, pems('sim-agent'), EID, (m) => warnings.push(m));
  if (typeof c === 'string') throw new Error(c);
  assert.equal(warnings, []);
  assert.is(c.port, 5684);
  assert.equal(Array.from(c.credentials.psk!.identity), [0x63, 0x74, 0x6c]);
  assert.equal(c.credentials.controllerPsks?.map((p) => [p.endpointId, Array.from(p.key)]), [['self::b', [3]]]);
  assert.is(c.credentials.certificate?.chain.length, 1);
  assert.is(c.credentials.certificate?.privateKey.length, 32);
  assert.is(c.certificates?.[0]?.issuer, 'CN=ca');
  assert.is(c.dtls?.maxPeers, 2);
  const other = deviceCoapsConfig(s.coaps!, pems('agent'), EID, (m) => warnings.push(m));
  assert.type(other, 'object');
  assert.ok(warnings[0]?.includes('names os::00256D-0123456789'), warnings.join());
  assert.type(deviceCoapsConfig(s.coaps!, { ...pems('sim-agent'), key: 'no key here' }, EID, () => undefined), 'string');
  assert.type(deviceCoapsConfig(s.coaps!, { ...pems('sim-agent'), ca: '' }, EID, () => undefined), 'string');
});

settings.run();
info.run();
