/**
 * The MQTT client and USP binding inside the real XS engine: a scripted MQTT 5.0
 * session (CONNECT, CONNACK, SUBSCRIBE, SUBACK, Connect Record, a received Record)
 * produces the same bytes and events in XS as on Node.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import * as mqtt from '../../src/mtp/mqtt/index.ts';

/** One scripted session; `m` is the module (Node import or the XS bundle's namespace). */
const SCRIPT = `(m) => {
  const hex = (u) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');
  const bytes = (h) => { const u = new Uint8Array(h.length / 2); for (let i = 0; i < u.length; i++) u[i] = parseInt(h.substr(i * 2, 2), 16); return u; };
  const b = new m.UspMqttBinding({
    endpointId: 'os::00256D-xs', publishQoS: 1,
    client: { version: m.MqttVersion.V5, clientId: '', keepAliveS: 30, cleanStart: true, maximumPacketSize: 2048, random: () => 0.5 },
    subscriptions: [{ topicFilter: 'usp/xs/#', qos: 1 }], responseTopicConfigured: 'usp/xs/in',
    controllers: [{ endpointId: 'self::c', topic: 'usp/c' }],
  });
  const out = new Uint8Array(4096);
  const log = [];
  const step = (label) => {
    const n = b.pollTransmit(out);
    const ev = [];
    for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent()) ev.push(e.kind === 'record' ? e.kind + ':' + e.replyTopic + ':' + hex(e.bytes) : e.kind);
    log.push(label + ' ' + hex(out.subarray(0, n)) + ' ' + ev.join(',') + ' ' + b.pollTimeout());
  };
  const feed = (now, h) => { const u = bytes(h); b.handleBytes(now, u, 0, u.length); };
  b.start(0); b.pollTransportCommand(); b.handleTransportUp(0); step('connect');
  feed(1, '2003000000'); step('connack');
  feed(2, '900400010001'); step('suback');
  feed(3, '40020002'); step('puback');
  feed(4, '3016000975' + '73702f78732f696e' + '08' + '08000575' + '73702f63' + 'abcd'); step('publish');
  b.handleTimeout(40000); step('ping');
  b.stop(41000, 0, 'bye'); step('stop');
  return log;
}`;

const xs = suite('xs/mqtt');
let worker: XsWorker;
xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/mtp/mqtt/index.ts')), 'tinyusp');
});
xs.after(() => worker?.close());

xs('R-MQTT.1 the MQTT 5.0 binding runs in XS byte-for-byte as on Node', async () => {
  const onNode = (new Function('return ' + SCRIPT)() as (m: unknown) => string[])(mqtt);
  const { value } = await worker.call<string[]>(`(${SCRIPT})(tinyusp)`);
  assert.equal(value, onNode);
  assert.ok(onNode[0]!.startsWith('connect 10'), 'CONNECT sent');
  assert.ok(onNode.some((l) => l.includes('record:usp/c:abcd')), JSON.stringify(onNode));
  assert.ok(onNode.some((l) => l.startsWith('ping c000')), 'PINGREQ at the keep-alive deadline');
});

xs.run();
