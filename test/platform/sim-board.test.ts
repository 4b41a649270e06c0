import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardDescription } from '../../src/platform/board.ts';
import { applySimBoardCommand, createSimBoard } from '../../src/platform/sim-board.ts';

const SIM = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../boards/sim.json'), 'utf8')) as BoardDescription;
const pinOf = (name: string): number => SIM.capabilities.find((c) => c.name === name)!.pin;

const sim = suite('platform/sim-board');

sim('§BinarySensor pressing the active-low button drives its pin low and notifies watchers once per change', () => {
  const board = createSimBoard(SIM);
  const pin = pinOf('Button');
  const seen: Array<[number, boolean]> = [];
  board.watchDigital(pin, (p, v) => seen.push([p, v]));
  assert.is(board.readDigital(pin), true, 'released = high (pull-up)');
  board.press('Button', true);
  board.press('Button', true);
  assert.is(board.readDigital(pin), false);
  board.press('Button', false);
  assert.equal(seen, [[pin, false], [pin, true]]);
});

sim('§BinaryControl writing the LED pin reads back', () => {
  const board = createSimBoard(SIM);
  const led = pinOf('LED');
  assert.is(board.readDigital(led), false);
  board.writeDigital(led, true);
  assert.is(board.readDigital(led), true);
});

sim('§LevelSensor setLevel maps the unit range onto 0..1 of full scale, clamped', () => {
  const board = createSimBoard(SIM);
  const pin = pinOf('Temperature'); // -40..125 degC
  board.setLevel('Temperature', 42.5);
  assert.ok(Math.abs(board.readAnalog(pin) - 0.5) < 1e-12);
  board.setLevel('Temperature', 1000);
  assert.is(board.readAnalog(pin), 1);
  board.setAnalog(pin, -3);
  assert.is(board.readAnalog(pin), 0);
});

sim('console commands: press/release/set, and a message for bad input', () => {
  const board = createSimBoard(SIM);
  assert.is(applySimBoardCommand(board, 'press Button'), '');
  assert.is(board.readDigital(pinOf('Button')), false);
  assert.is(applySimBoardCommand(board, 'release Button'), '');
  assert.is(applySimBoardCommand(board, 'set Temperature -40'), '');
  assert.is(board.readAnalog(pinOf('Temperature')), 0);
  assert.match(applySimBoardCommand(board, 'press Nope'), /no capability Nope/);
  assert.match(applySimBoardCommand(board, 'press LED'), /not a BinarySensor/);
  assert.match(applySimBoardCommand(board, 'set Temperature hot'), /not a number/);
  assert.match(applySimBoardCommand(board, 'dance'), /usage/);
});

sim.run();
