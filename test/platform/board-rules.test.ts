import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBoardDescription } from '../../src/platform/board-rules.ts';

const BOARDS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'boards');
const files = readdirSync(BOARDS).filter((f) => f.endsWith('.json'));
const load = (f: string): Record<string, unknown> => JSON.parse(readFileSync(join(BOARDS, f), 'utf8')) as Record<string, unknown>;

const boards = suite('boards/*.json');

boards('§IoT-table the required boards exist: sim, esp32-devkitc and an M5Stack board', () => {
  assert.ok(files.includes('sim.json'));
  assert.ok(files.includes('esp32-devkitc.json'));
  assert.ok(files.some((f) => f.startsWith('m5stack-')));
});

for (const f of files) {
  boards(`§IoT-type R-ARC.3 ${f}: OUI, classes, Type/Unit enumerations, unique pins`, () => {
    const b = load(f);
    assert.equal(checkBoardDescription(b), []);
    assert.is(b.name, f.slice(0, -'.json'.length), 'name matches the file name');
    assert.ok((b.capabilities as unknown[]).length > 0);
  });
}

boards('every board except sim names its mcconfig platform', () => {
  for (const f of files) {
    const m = load(f).moddable as { platform?: string } | undefined;
    if (f === 'sim.json') assert.is(m, undefined);
    else assert.ok(typeof m?.platform === 'string' && m.platform.startsWith('esp32'), f);
  }
});

const rules = suite('platform/board-rules');
const base = () => load('sim.json') as { identity: Record<string, unknown>; capabilities: Array<Record<string, unknown>>; moddable?: unknown };
const problemsWith = (mutate: (b: ReturnType<typeof base>) => void): string[] => {
  const b = base();
  mutate(b);
  return checkBoardDescription(b);
};

rules('R-ARC.3 the BBF OUI 00256D and malformed OUIs are rejected', () => {
  assert.match(problemsWith((b) => { b.identity.manufacturerOUI = '00256D'; }).join(), /R-ARC.3/);
  assert.match(problemsWith((b) => { b.identity.manufacturerOUI = '0a1b2c'; }).join(), /6 upper-case hex/);
  assert.match(problemsWith((b) => { b.identity.manufacturerOUI = '0A1B2'; }).join(), /6 upper-case hex/);
});

rules('§IoT-type a Type outside the class enumeration is rejected; X_<OUI>_ extensions pass', () => {
  assert.match(problemsWith((b) => { b.capabilities[0]!.type = 'Light'; }).join(), /BinaryControl.Type/);
  assert.match(problemsWith((b) => { b.capabilities[1]!.type = 'Switch'; }).join(), /BinarySensor.Type/);
  assert.equal(problemsWith((b) => { b.capabilities[0]!.type = 'X_example.com_Dimmer'; }), []);
});

rules('§IoT-type Level* need a unit from IoTUnitType (metric) and min <= max', () => {
  assert.match(problemsWith((b) => { b.capabilities[2]!.unit = 'Cel'; }).join(), /IoTUnitType/);
  assert.match(problemsWith((b) => { b.capabilities[2]!.unit = undefined; }).join(), /IoTUnitType/);
  assert.match(problemsWith((b) => { b.capabilities[2]!.min = 200; }).join(), /min <= max/);
  assert.match(problemsWith((b) => { b.capabilities[0]!.unit = 'degC'; }).join(), /only for Level/);
});

rules('§IoT-table unknown class, duplicate pin and duplicate name are rejected', () => {
  assert.match(problemsWith((b) => { b.capabilities[0]!.class = 'Dimmer'; }).join(), /class unknown/);
  assert.match(problemsWith((b) => { b.capabilities[1]!.pin = 2; }).join(), /pin 2 used twice/);
  assert.match(problemsWith((b) => { b.capabilities[1]!.name = 'LED'; }).join(), /LED used twice/);
});

rules('ESP32 GPIO 34-39 are input-only: a control there is rejected', () => {
  const p = problemsWith((b) => { b.moddable = { platform: 'esp32' }; b.capabilities[0]!.pin = 35; });
  assert.match(p.join(), /input-only/);
  assert.equal(problemsWith((b) => { b.capabilities[0]!.pin = 35; }), [], 'the host sim has no such limit');
});

rules('not an object / missing parts give messages, never a throw', () => {
  assert.equal(checkBoardDescription(null), ['board description is not an object']);
  assert.ok(checkBoardDescription({}).length >= 2);
});

boards.run();
rules.run();
