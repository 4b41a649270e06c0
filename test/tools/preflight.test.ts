/**
 * #12 "Set-up that holds on a fresh machine": `npm test` starts with a preflight that
 * names every missing tool and the command that installs it, then exits at once —
 * never a stack trace from a spawn. Checked the way a new user meets it: the CLI run
 * with the packages' tools absent from PATH, then present; and the broker helper
 * without mosquitto reports a clear error instead of an unhandled 'error' event.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { COMMANDS_OF, formatReport, packageList, preflight } from '../../tools/preflight/index.ts';
import { MOSQUITTO_MISSING, startMosquitto } from '../../tools/mosquitto/index.ts';

const pre = suite('tools/preflight');

/** A PATH holding only node (and what `env` needs), as on a machine without the Debian packages. */
function bareBin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-bare-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  return dir;
}

pre('every package of debian-packages.txt names the commands the tests run from it', () => {
  for (const pkg of packageList()) assert.ok(COMMANDS_OF[pkg] !== undefined, `${pkg} has no commands`);
});

pre('packages present (this machine, as CI installs them): nothing to report', () => {
  const r = preflight();
  assert.equal(r.missing, [], formatReport(r));
  assert.equal(r.problems, []);
});

pre('packages absent: one line per missing tool and the one apt-get command that installs them, exit 1, no stack trace', () => {
  const bin = bareBin();
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/preflight/index.ts')], {
      cwd: ROOT, env: { PATH: bin, HOME: process.env.HOME ?? '/tmp' }, encoding: 'utf8', timeout: 30_000,
    });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, 'npm test needs tools this machine does not have:');
    assert.match(r.stderr, /protoc\s+\(Debian package protobuf-compiler\)/);
    assert.match(r.stderr, /coap-client-notls, coap-client-openssl, coap-client-gnutls\s+\(Debian package libcoap3-bin\)/);
    assert.match(r.stderr, /^ {2}sudo apt-get install -y \S.*protobuf-compiler libcoap3-bin/m);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

pre('the report for a machine with nothing installed names every package of the list', () => {
  const r = preflight({ PATH: '/nonexistent' }, packageList(), []);
  assert.equal(r.missing.map((m) => m.pkg), packageList());
  assert.match(formatReport(r), `sudo apt-get install -y ${packageList().join(' ')}`);
});

pre('the MQTT test broker without mosquitto: a clear error, not an unhandled spawn error', async () => {
  const path = process.env.PATH;
  process.env.PATH = dirname(process.execPath); // spawn resolves the binary through PATH
  try {
    await startMosquitto();
    assert.unreachable('started without mosquitto');
  } catch (e) {
    assert.is((e as Error).message, MOSQUITTO_MISSING);
  } finally {
    process.env.PATH = path;
  }
});

pre.run();
