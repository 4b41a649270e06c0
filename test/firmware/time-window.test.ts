/**
 * Activate() TimeWindow.{i}. (TR-181 tr-181-2-usp.xml): parsing and validation (order,
 * overlap, at most 5), when the agent switches (Immediately/AnyTime at Start, never in a
 * ConfirmationNeeded window, Infinity when every window is over), and the "{i}" command
 * arguments the data model checks per instance (src/dm/command-input.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDeviceSchema, DmError, named, type CommandNode } from '../../src/dm/index.ts';
import { checkCommandInput } from '../../src/dm/command-input.ts';
import { nextActivation, parseTimeWindows, type TimeWindow } from '../../src/firmware/index.ts';

const tw = suite('firmware/time-window');
const args = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

tw('TR-181 TimeWindow: windows in order, End before Start and overlaps refused, at most 5', () => {
  const w = parseTimeWindows(args({
    'TimeWindow.2.Start': '100', 'TimeWindow.2.End': '200', 'TimeWindow.2.Mode': 'AnyTime',
    'TimeWindow.1.Start': '0', 'TimeWindow.1.End': '50', 'TimeWindow.1.Mode': 'ConfirmationNeeded',
  })) as TimeWindow[];
  assert.equal(w.map((x) => [x.start, x.end, x.mode]), [[0, 50, 'ConfirmationNeeded'], [100, 200, 'AnyTime']]);
  assert.match(parseTimeWindows(args({ 'TimeWindow.1.Start': '9', 'TimeWindow.1.End': '5', 'TimeWindow.1.Mode': 'AnyTime' })) as string, /End is before Start/);
  assert.match(parseTimeWindows(args({
    'TimeWindow.1.Start': '0', 'TimeWindow.1.End': '50', 'TimeWindow.1.Mode': 'AnyTime',
    'TimeWindow.2.Start': '40', 'TimeWindow.2.End': '60', 'TimeWindow.2.Mode': 'AnyTime',
  })) as string, /overlaps/);
  const six: Record<string, string> = {};
  for (let i = 1; i <= 6; i++) Object.assign(six, { [`TimeWindow.${i}.Start`]: String(i * 10), [`TimeWindow.${i}.End`]: String(i * 10 + 5), [`TimeWindow.${i}.Mode`]: 'AnyTime' });
  assert.match(parseTimeWindows(args(six)) as string, /at most 5/);
  // when: the ConfirmationNeeded window is skipped, the AnyTime one opens at +100 s; after +200 s nothing is left
  assert.is(nextActivation(1000, w, 1000), 1000 + 100_000);
  assert.is(nextActivation(1000, w, 1000 + 150_000), 1000 + 150_000);
  assert.is(nextActivation(1000, w, 1000 + 200_001), Infinity);
  assert.is(nextActivation(1000, [], 5), 5, 'no window: at once');
});

tw('R-OPR.5 "{i}" input arguments: each TimeWindow instance checked on its own; a missing mandatory one is 7027', () => {
  const fi = createDeviceSchema().objects.find((o) => o.path === 'Device.DeviceInfo.FirmwareImage.{i}.')!;
  const activate = named(fi.commands, 'Activate()') as CommandNode;
  const ok = checkCommandInput(activate, args({ 'TimeWindow.1.Start': '1', 'TimeWindow.1.End': '100', 'TimeWindow.1.Mode': 'Immediately', Unknown: 'x' }));
  assert.is(ok.err, 0, ok.message);
  assert.equal([...ok.input.keys()].sort(), ['TimeWindow.1.End', 'TimeWindow.1.Mode', 'TimeWindow.1.Start']);
  const missing = checkCommandInput(activate, args({ 'TimeWindow.1.Start': '1', 'TimeWindow.1.Mode': 'AnyTime' }));
  assert.equal([missing.err, missing.message], [DmError.InvalidCommandArguments, 'missing mandatory argument TimeWindow.1.End']);
  const badMode = checkCommandInput(activate, args({ 'TimeWindow.1.Start': '1', 'TimeWindow.1.End': '2', 'TimeWindow.1.Mode': 'Sometimes' }));
  assert.is(badMode.err, DmError.InvalidCommandArguments);
  const badRetries = checkCommandInput(activate, args({ 'TimeWindow.1.Start': '1', 'TimeWindow.1.End': '2', 'TimeWindow.1.Mode': 'AnyTime', 'TimeWindow.1.MaxRetries': '11' }));
  assert.is(badRetries.err, DmError.InvalidCommandArguments);
});

tw.run();
