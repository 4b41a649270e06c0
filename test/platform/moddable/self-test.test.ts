import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSelfTest } from '../../../src/platform/moddable/self-test.ts';
import { createNodePlatform } from '../../../src/platform/node/index.ts';
import { createConsoleLogger } from '../../../src/platform/node/logger.ts';
import { LogLevel } from '../../../src/platform/types.ts';

const selfTest = suite('platform/moddable/self-test');

selfTest('the platform self-test (run on devices with selfTest=1) passes on the Node platform with real UDP and files', async () => {
  const lines: string[] = [];
  const platform = createNodePlatform({
    stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-st-')),
    logger: createConsoleLogger(LogLevel.Info, (l) => lines.push(l)),
  });
  const port = 20000 + Math.floor(Math.random() * 20000);
  const failed = await new Promise<number>((resolve) => runSelfTest(platform, port, resolve));
  assert.is(failed, 0, lines.join('\n'));
  for (const part of ['storage', 'random', 'timer', 'udp']) assert.ok(lines.some((l) => l.includes(`self-test ${part} ok`)), part);
  assert.ok(lines.some((l) => l.includes('self-test boots 1')));
});

selfTest.run();
