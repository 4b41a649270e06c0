/**
 * The host's A/B slots (src/platform/node/firmware-slots.ts): each open is a boot. A write
 * cut by a restart reads DownloadFailed; setBoot gives a trial boot; a trial that never
 * confirmed rolls back at the next boot (ActivationFailed + BootFailureLog); a confirmed
 * one stays; the running slot is never written; otadata.json is replaced atomically.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileSlots } from '../../../src/platform/node/firmware-slots.ts';

const slotsSuite = suite('platform/node/firmware-slots');
const factory = { name: 'tinyusp', version: '0.1.0' };
const boot = (dir: string) => openFileSlots({ dir, factory, capacity: 1 << 20, now: () => 'T' });

slotsSuite('factory: slot 0 runs the factory image, slot 1 is empty; the running slot cannot be written', () => {
  const s = boot(mkdtempSync(join(tmpdir(), 'fw-slots-')));
  assert.equal([s.count, s.running, s.next, s.trial, s.updated], [2, 0, 0, false, false]);
  assert.equal([s.info(0).status, s.info(0).version, s.info(1).status], ['Available', '0.1.0', 'NoImage']);
  assert.match(s.begin(0, 10), /cannot be written/);
  assert.match(s.begin(1, 2 << 20), /do not fit/);
});

slotsSuite('a restart during a write leaves DownloadFailed, never a bootable half image', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-slots-'));
  const s = boot(dir);
  assert.is(s.begin(1, 100), '');
  assert.is(s.write(1, 0, new Uint8Array(50), 0, 50), '');
  assert.match(s.setBoot(1), /no complete image/);
  const again = boot(dir);
  assert.equal([again.running, again.info(1).status], [0, 'DownloadFailed']);
});

slotsSuite('R-trial: setBoot → the next boot is a trial; unconfirmed → the boot after rolls back; confirmed → it stays', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-slots-'));
  const s = boot(dir);
  s.begin(1, 4);
  s.write(1, 0, Uint8Array.of(1, 2), 0, 2);
  s.write(1, 2, Uint8Array.of(3, 4), 0, 2);
  assert.is(s.finish(1, 'fw', '2.0.0'), '');
  assert.equal([...readFileSync(join(dir, 'slot1.bin'))], [1, 2, 3, 4]);
  assert.is(s.setBoot(1), '');
  const trial = boot(dir);
  assert.equal([trial.running, trial.trial, trial.updated], [1, true, true]);
  const rolled = boot(dir); // the trial never confirmed
  assert.equal([rolled.running, rolled.trial, rolled.updated, rolled.next], [0, false, false, 0]);
  assert.is(rolled.info(1).status, 'ActivationFailed');
  assert.match(rolled.info(1).bootFailureLog, /^T the image never reported healthy.*rolled back to slot 0/);
  // Once more, confirmed this time.
  rolled.begin(1, 1);
  rolled.write(1, 0, Uint8Array.of(9), 0, 1);
  rolled.finish(1, 'fw', '3.0.0');
  assert.is(rolled.info(1).bootFailureLog, '', 'TR-181: cleared when a new image is installed');
  rolled.setBoot(1);
  const t2 = boot(dir);
  t2.confirm();
  const after = boot(dir);
  assert.equal([after.running, after.trial, after.updated, after.info(1).version], [1, false, false, '3.0.0']);
  assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
});

slotsSuite.run();
