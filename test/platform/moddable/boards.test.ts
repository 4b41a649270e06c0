import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS, findBoard } from '../../../src/platform/moddable/boards.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'boards');
const boards = suite('platform/moddable/boards');

boards('every boards/*.json is in the table, unchanged', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  assert.is(BOARDS.length, files.length);
  for (const f of files) {
    const json = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { name: string };
    assert.equal(findBoard(json.name), json, f);
  }
  assert.is(findBoard('no-such-board'), undefined);
});

boards('the table is deeply frozen (it is preloaded into flash on Moddable)', () => {
  const b = findBoard('sim')!;
  assert.ok(Object.isFrozen(BOARDS) && Object.isFrozen(b) && Object.isFrozen(b.capabilities[0]) && Object.isFrozen(b.identity.serialNumber));
});

boards.run();
