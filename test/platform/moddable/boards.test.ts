import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOARDS, copyBoardDescription, findBoard } from '../../../src/platform/moddable/boards.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'boards');
const boards = suite('platform/moddable/boards');

boards('every boards/*.json is in the table, unchanged', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  assert.is(BOARDS.length, files.length);
  for (const f of files) {
    const json = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { name: string };
    assert.equal(copyBoardDescription(findBoard(json.name)!), json, f);
  }
  assert.is(findBoard('no-such-board'), undefined);
});

boards('the table is deeply frozen (it is preloaded into flash on Moddable)', () => {
  const b = findBoard('sim')!;
  assert.ok(Object.isFrozen(BOARDS) && Object.isFrozen(b) && Object.isFrozen(b.capabilities[0]) && Object.isFrozen(b.identity.serialNumber));
});

boards('copyBoardDescription gives a writable copy (preload trap: never JSON.stringify the original on XS)', () => {
  const copy = copyBoardDescription(findBoard('esp32-devkitc')!) as unknown as { name: string; capabilities: Array<{ pin: number }> };
  copy.name = 'changed';
  copy.capabilities[0]!.pin = 99;
  assert.is(findBoard('esp32-devkitc')!.capabilities[0]!.pin, 2);
});

boards.run();
