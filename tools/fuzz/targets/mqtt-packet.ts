/**
 * MQTT control packets from a broker (MQTT 3.1.1 §2–3, 5.0 §2–3): framing (Remaining
 * Length), PacketView on both versions, then a connected 5.0 client fed the bytes as a
 * stream (CONNACK handling, PUBLISH delivery, acknowledgements, properties).
 */
import { MqttClient } from '../../../src/mqtt/client.ts';
import { frameLength, PacketView } from '../../../src/mqtt/packet-view.ts';
import { MqttVersion } from '../../../src/mqtt/types.ts';
import { ascii, type FuzzTarget } from '../target.ts';

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));

export default function create(): FuzzTarget {
  const view = new PacketView();
  const out = new Uint8Array(4096);
  let now = 0;
  const fresh = (): MqttClient => {
    const c = new MqttClient({ version: MqttVersion.V5, clientId: 'dev1', keepAliveS: 10, cleanStart: true, maximumPacketSize: 2048, random: () => 0,
      retry: { connectRetryTimeS: 5, connectRetryIntervalMultiplier: 2000, connectRetryMaxIntervalS: 60 } });
    c.connect(now);
    c.pollTransportCommand();
    c.handleTransportUp(now);
    c.pollTransmit(out);
    return c;
  };
  let client = fresh();
  let runs = 0;
  return {
    name: 'mqtt-packet',
    about: 'MQTT packet framing and view (3.1.1 and 5.0), a connected client fed broker bytes',
    files: ['src/mqtt/packet-view.ts', 'src/mqtt/properties.ts', 'src/mqtt/client.ts', 'src/mqtt/utf8.ts'],
    seeds: () => ['2003000000', '20090000062200052a00', '300d00097573702f6167656e740048690a', '3210000474657374000103000000ab',
      '9004000100000', '400200010000', 'b00300010000', 'd000', 'e0020000'].map((h) => hex(h.length % 2 === 1 ? h + '0' : h)),
    dictionary: [Uint8Array.of(0x20), Uint8Array.of(0x30), Uint8Array.of(0x32), Uint8Array.of(0x90), Uint8Array.of(0xe0), Uint8Array.of(0x26), Uint8Array.of(0x08), Uint8Array.of(0x23), ascii('usp/')],
    run(data) {
      for (let p = 0; p < data.length;) {
        const n = frameLength(data, p, data.length);
        if (n < 2 || p + n > data.length) break;
        view.wrap(data, p, p + n, MqttVersion.V5);
        view.wrap(data, p, p + n, MqttVersion.V3_1_1);
        p += n;
      }
      now += 100;
      client.handleBytes(now, data, 0, data.length);
      const due = client.pollTimeout();
      if (due !== undefined && due <= now) client.handleTimeout(now);
      while (client.pollTransmit(out) > 0);
      for (let e = client.pollEvent(); e !== undefined; e = client.pollEvent());
      for (let c = client.pollTransportCommand(); c !== undefined; c = client.pollTransportCommand());
      if ((++runs & 255) === 0) client = fresh(); // the broker closed on it long ago: start over sometimes
    },
  };
}
