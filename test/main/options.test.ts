import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAgentOptions } from '../../src/main/options.ts';
import { ROOT } from '../../tools/build/targets.ts';

const opts = suite('main/options');
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
