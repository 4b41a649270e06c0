import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAgentOptions } from '../../src/config/options.ts';
import { ROOT } from '../../tools/build/targets.ts';

const opts = suite('config/options');
const DEF = 'os::000000-sim';

opts('defaults', () => {
  const r = parseAgentOptions([], DEF);
  assert.ok('options' in r);
  if (!('options' in r)) return;
  assert.is(r.options.host, '127.0.0.1');
  assert.is(r.options.coapPort, 5683);
  assert.is(r.options.coapPath, '/usp');
  assert.is(r.options.board, 'sim');
  assert.is(r.options.endpointId, DEF);
});

opts('flags, repeated controllers and --config', () => {
  const cfg = join(mkdtempSync(join(tmpdir(), 'tinyusp-cfg-')), 'agent.json');
  writeFileSync(cfg, JSON.stringify({ 'coap-port': 6000, controller: ['self::ctl=coap://127.0.0.1:5690/usp'] }));
  const r = parseAgentOptions(['--config', cfg, '--coap-port=6001', '--controller', 'self::b=coaps://[::1]/u'], DEF);
  assert.ok('options' in r);
  if (!('options' in r)) return;
  assert.is(r.options.coapPort, 6001);
  assert.equal(r.options.controllers.map((c) => c.endpointId), ['self::ctl', 'self::b']);
});

opts('--coap-path takes the resource with or without its leading "/" (issue #19: "usp-agent" exited 2)', () => {
  for (const given of ['usp-agent', '/usp-agent']) {
    const r = parseAgentOptions(['--coap-path', given], DEF);
    assert.ok('options' in r, given);
    if ('options' in r) assert.is(r.options.coapPath, '/usp-agent');
  }
  for (const bad of ['/', '', 'usp?x=1', 'usp#f']) {
    const r = parseAgentOptions(['--coap-path=' + bad], DEF);
    assert.ok('error' in r && /coap-path/.test(r.error), bad);
  }
});

opts('bad options give a clear error', () => {
  for (const [argv, re] of [
    [['--coap-port', 'x'], /port/], [['--nope', '1'], /unknown option/], [['--endpoint-id', 'bad'], /Endpoint ID/],
    [['--controller', 'self::c=http://x'], /coap/], [['--log-level', 'loud'], /log-level/], [['--host'], /needs a value/],
  ] as Array<[string[], RegExp]>) {
    const r = parseAgentOptions(argv, DEF);
    assert.ok('error' in r, argv.join(' '));
    if ('error' in r) assert.match(r.error, re);
  }
});

opts('the default Endpoint ID may come from the board (a function of --board), which may refuse', () => {
  const r = parseAgentOptions(['--board', 'esp32'], (b) => ({ endpointId: `os::0A1B2C-${b.toUpperCase()}` }));
  assert.ok('options' in r && r.options.endpointId === 'os::0A1B2C-ESP32');
  const e = parseAgentOptions(['--board', 'nope'], (b) => ({ error: `--board ${b}: no such board` }));
  assert.ok('error' in e && /no such board/.test(e.error));
  const t = parseAgentOptions(['--coap-ack-timeout', '5'], DEF);
  assert.ok('error' in t && /coap-ack-timeout/.test(t.error));
});

opts('npm start: bad options exit with code 2 and say why', () => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const bad = spawnSync(tsx, ['src/main/node.ts', '--coap-port', 'nope'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--coap-port must be a port number/);
  const board = spawnSync(tsx, ['src/main/node.ts', '--board', 'no-such-board'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(board.status, 2);
  assert.match(board.stderr, /--board no-such-board/);
});

opts.run();

const mqttOpts = suite('config/options --mqtt');

mqttOpts('TR-369 MQTT binding options: URL with credentials, topic default, version, mqtt: controllers', () => {
  const r = parseAgentOptions(['--mqtt', 'mqtt://us%40er:p%3Ass@broker.example:1884', '--controller', 'self::c=mqtt:usp/controller/c', '--mqtt-version', '3.1.1'], DEF);
  assert.ok('options' in r, JSON.stringify(r));
  if (!('options' in r)) return;
  assert.equal(r.options.mqtt, {
    host: 'broker.example', port: 1884, tls: false, topic: `usp/agent/${DEF}`, version: '3.1.1', caFile: '', username: 'us@er', password: 'p:ss',
  });
  assert.equal(r.options.controllers, [{ endpointId: 'self::c', uri: 'mqtt:usp/controller/c' }]);
  const t = parseAgentOptions(['--mqtt', 'mqtts://[::1]', '--mqtt-ca', '/etc/ca.pem', '--mqtt-topic', 'a/b'], DEF);
  assert.ok('options' in t && t.options.mqtt?.port === 8883 && t.options.mqtt.tls && t.options.mqtt.host === '::1' && t.options.mqtt.topic === 'a/b');
  const none = parseAgentOptions([], DEF);
  assert.ok('options' in none && none.options.mqtt === undefined);
});

mqttOpts('R-MTP.1 / bad MQTT options give a clear error', () => {
  for (const [argv, re] of [
    [['--mqtt', 'http://x'], /mqtt:\/\//], [['--mqtt', 'mqtts://x'], /--mqtt-ca/], [['--mqtt-topic', 'a'], /needs --mqtt/],
    [['--mqtt', 'mqtt://x', '--mqtt-topic', 'a/#'], /wildcards/], [['--mqtt', 'mqtt://x', '--mqtt-version', '3.1'], /3\.1\.1 or 5\.0/],
    [['--controller', 'self::c=mqtt:t'], /needs --mqtt/], [['--mqtt', 'mqtt://x', '--controller', 'self::c=mqtt:'], /topic/],
    [['--mqtt', 'mqtt://x/path'], /host\[:port\]/],
  ] as Array<[string[], RegExp]>) {
    const r = parseAgentOptions(argv, DEF);
    assert.ok('error' in r, argv.join(' '));
    if ('error' in r) assert.match(r.error, re);
  }
});

mqttOpts.run();

const coapsOpts = suite('config/options coaps');

coapsOpts('RFC 7252 §9 coaps is on with credentials: --psk, repeated --psk-for, --cert/--key/--ca, default port 5684, --no-coap', () => {
  const none = parseAgentOptions([], DEF);
  assert.ok('options' in none && none.options.coaps === undefined && none.options.plainCoap);
  const r = parseAgentOptions(['--psk', 'id:with:colons:00ff', '--psk-for', 'self::a=a-id:0102', '--psk-for', 'self::b=b-id:0a0b0c',
    '--cert', 'c.pem', '--key', 'k.pem', '--ca', 'ca.pem', '--no-coap'], DEF);
  assert.ok('options' in r);
  if (!('options' in r)) return;
  const c = r.options.coaps!;
  assert.is(c.port, 5684);
  assert.is(r.options.plainCoap, false);
  assert.equal([c.psk!.identity, [...c.psk!.key]], ['id:with:colons', [0, 255]]);
  assert.equal(c.controllerPsks.map((p) => [p.endpointId, p.identity, [...p.key]]), [['self::a', 'a-id', [1, 2]], ['self::b', 'b-id', [10, 11, 12]]]);
  assert.equal([c.certFile, c.keyFile, c.caFile], ['c.pem', 'k.pem', 'ca.pem']);
  const cfg = join(mkdtempSync(join(tmpdir(), 'tinyusp-cfg-')), 'agent.json');
  writeFileSync(cfg, JSON.stringify({ 'coaps-port': 0, psk: 'x:aa', 'psk-for': ['self::z=z:bb'], 'no-coap': true }));
  const f = parseAgentOptions(['--config', cfg], DEF);
  assert.ok('options' in f && f.options.coaps?.port === 0 && f.options.coaps.controllerPsks.length === 1 && !f.options.plainCoap);
});

coapsOpts('bad coaps options give a clear error', () => {
  for (const [argv, re] of [
    [['--psk', 'nokey'], /<identity>:<hexkey>/], [['--psk', 'id:xyz'], /hex/], [['--psk', 'id:abc'], /hex/],
    [['--psk-for', 'id:00'], /<endpointId>=/], [['--psk', 'a:00', '--psk-for', 'self::b=a:01'], /twice/],
    [['--cert', 'c.pem'], /go together/], [['--coaps-port', '5684'], /needs DTLS credentials/],
    [['--no-coap'], /no MTP/], [['--psk', 'a:00', '--coaps-port', '5683'], /CoAP port too/],
  ] as Array<[string[], RegExp]>) {
    const r = parseAgentOptions(argv, DEF);
    assert.ok('error' in r, argv.join(' '));
    if ('error' in r) assert.match(r.error, re);
  }
});

coapsOpts.run();

const wsOpts = suite('config/options --ws-port');

wsOpts('TR-369 WebSocket binding options: listener, path, keep-alive, ws:// and wss:// controllers', () => {
  const r = parseAgentOptions(['--ws-port', '0', '--ws-path', '/agent', '--ws-keep-alive', '30', '--controller', 'self::c=ws://127.0.0.1:9000/usp'], DEF);
  assert.ok('options' in r, JSON.stringify(r));
  if (!('options' in r)) return;
  assert.equal(r.options.websocket, { port: 0, path: '/agent', keepAliveS: 30, certFile: '', keyFile: '', caFile: '' });
  assert.equal(r.options.controllers, [{ endpointId: 'self::c', uri: 'ws://127.0.0.1:9000/usp' }]);
  const dialOnly = parseAgentOptions(['--controller', 'self::c=wss://acs.example.org/usp', '--ws-ca', '/ca.pem'], DEF);
  assert.ok('options' in dialOnly && dialOnly.options.websocket?.port === undefined && dialOnly.options.websocket?.caFile === '/ca.pem');
  const noCoap = parseAgentOptions(['--no-coap', '--ws-port', '8443'], DEF);
  assert.ok('options' in noCoap && !noCoap.options.plainCoap, 'WebSocket alone is an MTP');
  const none = parseAgentOptions([], DEF);
  assert.ok('options' in none && none.options.websocket === undefined);
});

wsOpts('R-MTP.1 / bad WebSocket options give a clear error', () => {
  for (const [args, re] of [
    [['--ws-path', '/x'], /needs --ws-port/], [['--ws-port', '70000'], /port number/], [['--ws-port', '1', '--ws-path', 'x'], /start with/],
    [['--ws-port', '1', '--ws-keep-alive', '0'], /1\.\.86400/], [['--controller', 'self::c=wss://h/usp'], /needs --ws-ca/],
    [['--ws-port', '1', '--ws-cert', 'a.pem'], /go together/], [['--ws-port', '1', '--ws-cert', 'a', '--ws-key', 'b'], /needs --ws-ca/],
    [['--controller', 'self::c=ws://'], /ws:\/\/ or wss:\/\//],
  ] as const) {
    const r = parseAgentOptions(args, DEF);
    assert.ok('error' in r && re.test(r.error), `${args.join(' ')} → ${JSON.stringify(r)}`);
  }
});

wsOpts.run();
