/**
 * #13 The simulator check (`npm run test:moddable`) without the SDK: what CI can prove of
 * it on Node. The creation values an ESP32 board gives (parsed from board-manifest text
 * shaped as the SDK's), `--creation`, the wrapper manifest, where mcconfig puts a build,
 * the reading of the simulator's output (lines as mcsim printed them), the verdict, and
 * the `skipped:` line when $MODDABLE is unset.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { parseCheckArgs } from '../../tools/moddable/check-options.ts';
import { figureLines, verdictLine, type CheckOutcome } from '../../tools/moddable/check-report.ts';
import {
  chooseCreation, CLASS2_CREATION, creationOfManifest, describeCreation, mostCommonCreation, parseCreationOption, parseSize, type BoardManifest,
} from '../../tools/moddable/creation.ts';
import { buildPaths } from '../../tools/moddable/sdk.ts';
import { SimLog } from '../../tools/moddable/sim-log.ts';
import { simWrapperManifest, wrapperManifest } from '../../tools/moddable/wrapper.ts';

const t = suite('tools/moddable check');

const board = (name: string, creation: unknown): BoardManifest => ({ board: name, text: JSON.stringify({ include: [], creation }) });
const FIXED = { static: 0, chunk: { initial: 78848, incremental: 0 }, heap: { initial: 4928, incremental: 0 }, stack: 512 };
const C3 = { static: 94208, chunk: { initial: 1536, incremental: 512 }, heap: { initial: 512, incremental: 64 }, stack: 384 };
const BOARDS = [board('m5stack', FIXED), board('esp32s3', FIXED), board('nodemcu', FIXED), board('esp32c3', C3), { board: 'broken', text: '{ not json' }, board('plain', undefined)];

t('#13 sizes: bytes, K/KiB and M; anything else is NaN', () => {
  assert.is(parseSize('78848'), 78848);
  assert.is(parseSize('256K'), 262144);
  assert.is(parseSize('32KiB'), 32768);
  assert.is(parseSize('1M'), 1048576);
  assert.ok(Number.isNaN(parseSize('12 apples')));
  assert.ok(Number.isNaN(parseSize('-5')));
});

t('#13 a board manifest gives heap (slots), chunk (bytes), stack (slots), static; none or bad JSON gives nothing', () => {
  assert.equal(creationOfManifest(BOARDS[0]!.text), { heap: 4928, chunk: 78848, stack: 512, static: 0 });
  assert.equal(creationOfManifest(BOARDS[3]!.text), { heap: 512, chunk: 1536, stack: 384, static: 94208 });
  assert.is(creationOfManifest('{ not json'), undefined);
  assert.is(creationOfManifest(JSON.stringify({ creation: { stack: 384 } })), undefined);
});

t('#13 default: the creation most ESP32 targets share, and which they are', () => {
  const common = mostCommonCreation(BOARDS)!;
  assert.equal(common.creation, { heap: 4928, chunk: 78848, stack: 512, static: 0 });
  assert.equal(common.boards, ['esp32s3', 'm5stack', 'nodemcu']);
  assert.is(common.of, 4);
  const chosen = chooseCreation({ manifests: BOARDS });
  assert.ok(typeof chosen !== 'string');
  assert.match(chosen.source, /3 of 4 ESP32 targets \(esp32\/m5stack, esp32\/esp32s3, esp32\/nodemcu/);
});

t('#13 --board picks that target (with or without esp32/); a static block or an unknown board is refused with the reason', () => {
  const m5 = chooseCreation({ board: 'esp32/m5stack', manifests: BOARDS });
  assert.ok(typeof m5 !== 'string' && m5.creation.heap === 4928 && m5.source === 'board esp32/m5stack');
  assert.match(String(chooseCreation({ board: 'esp32c3', manifests: BOARDS })), /static block of 94208 B, which the simulator ignores/);
  assert.match(String(chooseCreation({ board: 'nope', manifests: BOARDS })), /no such ESP32 target/);
  assert.match(String(chooseCreation({ board: 'plain', manifests: BOARDS })), /declares no creation/);
  const c3 = chooseCreation({ board: 'esp32c3', creation: 'heap=2048,chunk=32K,stack=384', manifests: BOARDS });
  assert.ok(typeof c3 !== 'string' && c3.creation.static === 0 && c3.source === '--creation heap=2048,chunk=32K,stack=384');
});

t('#13 --creation overrides part or all of the board\'s, class2 is the Class 2 aim, mistakes are named', () => {
  const base = { heap: 4928, chunk: 78848, stack: 512, static: 0 };
  assert.equal(parseCreationOption('heap=16384,chunk=256K', base), { heap: 16384, chunk: 262144, stack: 512, static: 0 });
  assert.equal(parseCreationOption('class2', base), CLASS2_CREATION);
  assert.equal(CLASS2_CREATION, { heap: 2048, chunk: 32768, stack: 384, static: 0 });
  assert.match(String(parseCreationOption('keys=9', base)), /unknown key "keys"/);
  assert.match(String(parseCreationOption('heap=lots', base)), /heap needs a positive whole number/);
  assert.match(String(parseCreationOption('stack=0', base)), /stack needs a positive/);
  assert.is(describeCreation(base), '4 928 slots / 78 848 B chunks / 512-slot stack');
});

t('#13 the wrapper includes the project manifest unchanged, fixes the heaps (incremental 0), keeps the app\'s keys, names the check main', () => {
  const m = wrapperManifest({
    projectManifest: '/repo/manifest.json', checkMain: '/repo/tools/moddable/check/main', creation: { heap: 4928, chunk: 78848, stack: 512, static: 0 },
    projectEsp32Creation: { keys: { initial: 64 }, parser: { buffer: 1024 }, heap: { initial: 4096, incremental: 256 } },
    config: { coapPort: 15683 }, preference: { module: '/repo/tools/moddable/nvs-sim/preference', replaces: '$(MODULES)/files/preference/lin/*' },
  });
  assert.equal((m.include as string[])[0], '/repo/manifest.json');
  assert.ok((m.include as string[]).some((i) => i.endsWith('instrumentation/manifest.json')));
  assert.equal(m.creation, {
    keys: { initial: 64 }, parser: { buffer: 1024 }, static: 0, chunk: { initial: 78848, incremental: 0 }, heap: { initial: 4928, incremental: 0 }, stack: 512, main: 'tinyusp-check',
  });
  assert.equal(m.modules, { 'tinyusp-check': '/repo/tools/moddable/check/main', '~': ['$(MODULES)/files/preference/lin/*'], preference: '/repo/tools/moddable/nvs-sim/preference' });
  assert.equal(m.config, { coapPort: 15683 });
});

t('#13 npm run sim keeps its Preference file out of the /tmp/ every simulator app shares', () => {
  assert.equal(simWrapperManifest('/repo/manifest.json', '/tmp/x/state/'), { include: ['/repo/manifest.json'], config: { file: { root: '/tmp/x/state/' } } });
});

t('#13 mcconfig names the build after the manifest\'s directory (the old test looked in …/debug/moddable/)', () => {
  assert.equal(buildPaths('/o', 'lin', '/work/wt/sim', true), { tmp: '/o/tmp/lin/mc/debug/sim', bin: '/o/bin/lin/mc/debug/sim', makefile: '/o/tmp/lin/mc/debug/sim/makefile' });
  assert.is(buildPaths('/o', 'esp32', '/x/tinyusp', false).tmp, '/o/tmp/esp32/release/tinyusp');
  assert.is(buildPaths('/o', 'esp32/m5stack', '/x/app', true).bin, '/o/bin/esp32/m5stack/debug/app');
});

// Lines as mcsim printed them (SDK 8.2.3, `npm run test:moddable -- --verbose` on main's agent, fixed 4 928-slot heap, 2026-12-05).
const KEY = 'instruments key: Pixels drawn,Frames drawn,Network bytes read,Network bytes written,Network sockets,Timers,Files,Poco display list used,Piu command List used,Chunk used,Chunk available,Slot used,Slot available,Stack used,Stack available,Garbage collections,Keys used,Modules loaded,Parser used,Floating Point,Promises settled';
const SLOT_FAILURE = [
  KEY, 'instruments: 0,0,0,0,0,0,0,0,0,0,78848,896,157664,0,16384,0,0,0,0,0,0',
  'tinyusp-check heap runtime 0 slot=16544 chunk=752 stack=2656 keys=3 gc=3',
  'tinyusp info tinyusp on tinyusp host simulator (board sim), endpoint os::0A1B2C-SIM000001',
  'tinyusp info network ready: 192.0.2.2',
  '# Slot allocation: failed in fixed size heap', 'XS abort: memory full',
  'instruments: 0,0,0,0,0,0,0,0,0,56168,78848,157664,157664,14208,16384,11,4,5,0,125,0',
];

t('#13 the simulator\'s output: heap samples, the runtime\'s instruments, a slot-heap failure and what the heaps held then', () => {
  const log = new SimLog();
  for (const l of SLOT_FAILURE) log.feed(l);
  assert.equal(log.samples, [{ tag: 'runtime', seq: 0, slotBytes: 16544, chunkBytes: 752, stackBytes: 2656, keys: 3, gc: 3 }]);
  assert.is(log.failure?.kind, 'slot-heap');
  assert.equal(log.instrumentsAtFailure, { chunkUsed: 56168, chunkAvailable: 78848, slotUsed: 157664, slotAvailable: 157664, stackUsed: 14208, stackAvailable: 16384 });
  assert.is(log.stackPeakBytes, 14208);
  assert.is(log.readyUris.length, 0);
});

t('#13 chunk-heap and stack failures, the ready line and the NoSec warning are read', () => {
  const chunk = new SimLog();
  for (const l of ['# Chunk allocation: 60336 bytes failed in fixed size heap', 'XS abort: memory full']) chunk.feed(l);
  assert.equal(chunk.failure, { kind: 'chunk-heap', bytes: 60336, evidence: '# Chunk allocation: 60336 bytes failed in fixed size heap → XS abort: memory full' });
  const stack = new SimLog();
  stack.feed('XS abort: JavaScript stack overflow');
  assert.is(stack.failure?.kind, 'stack');
  const other = new SimLog();
  other.feed('XS abort: unhandled exception');
  assert.is(other.failure?.kind, 'abort');
  const ready = new SimLog();
  for (const l of ['tinyusp warn CoAP without DTLS (NoSec): for development and trusted LANs only (D3)', 'tinyusp info tinyusp ready coap://192.0.2.2:15683/usp endpoint os::0A1B2C-SIM000001']) ready.feed(l);
  assert.equal(ready.readyUris, ['coap://192.0.2.2:15683/usp']);
  assert.is(ready.noSecWarnings, 1);
});

const CHOICE = { creation: { heap: 4928, chunk: 78848, stack: 512, static: 0 }, source: 'board esp32/m5stack' };
const sample = (tag: string, seq: number, slots: number, chunk: number, stack: number) => ({ tag, seq, slotBytes: slots * 32, chunkBytes: chunk, stackBytes: stack * 32, keys: 13, gc: 0 });

t('#13 verdict: one FAIL line naming where and why, with the heaps at that moment', () => {
  const log = new SimLog();
  for (const l of SLOT_FAILURE) log.feed(l);
  const o: CheckOutcome = {
    creation: CHOICE, slotBytes: 32, points: [{ label: 'runtime (before the main)', sample: log.samples[0]! }], stackPeakBytes: log.stackPeakBytes, requests: 0,
    failure: { phase: 'fresh boot', simulator: log.failure, message: 'x', instruments: log.instrumentsAtFailure },
  };
  assert.is(verdictLine(o), 'test:moddable: FAIL: memory full at fresh boot (slot heap full: 4 928 slots; the runtime then: slots 4 927/4 927, chunks 56 168/78 848 B, stack 444/512 slots) — 4 928 slots / 78 848 B chunks / 512-slot stack, board esp32/m5stack');
  const lines = figureLines(o);
  assert.match(lines[0]!, /^XS runtime \(before the main\) +517 slots \(8\.1 KiB on ESP32\), 752 B chunks, stack 83 slots, 3 keys$/);
  assert.match(lines.join('\n'), /at the failure \(runtime\) +slots 4 927\/4 927/);
  const stepFailed = verdictLine({ ...o, failure: { phase: 'Set', simulator: null, message: 'USP Error 7004: not writable' } });
  assert.is(stepFailed, 'test:moddable: FAIL at Set: USP Error 7004: not writable — 4 928 slots / 78 848 B chunks / 512-slot stack, board esp32/m5stack');
});

t('#13 verdict: PASS with the peak of the points (live after GC) and the deepest stack', () => {
  const o: CheckOutcome = {
    creation: CHOICE, slotBytes: 32, stackPeakBytes: 620 * 32, requests: 111, failure: null,
    points: [{ label: 'after boot', sample: sample('tick', 3, 3562, 34712, 45) }, { label: 'after the session', sample: sample('tick', 40, 5125, 76944, 158) }],
  };
  assert.is(verdictLine(o), 'test:moddable: PASS — 4 928 slots / 78 848 B chunks / 512-slot stack, board esp32/m5stack: fresh boot, 111 requests, restart with stored state and Boot!; peak 5 125 slots, 76 944 B chunks, stack 620 slots');
  assert.match(figureLines(o).at(-1)!, /^XS peak \(live after GC; stack\) +5 125 slots \(80\.1 KiB on ESP32\), 76 944 B chunks, stack 620 of 512 slots, 13 keys$/);
});

t('#13 options: defaults, ports, display, preference; a typo is named with the usage', () => {
  const d = parseCheckArgs([], '/repo');
  assert.ok(typeof d !== 'string' && d.requests === 100 && d.state.startsWith(d.out) && d.state.endsWith('/'));
  const o = parseCheckArgs(['--creation', 'class2', '--coap-port', '15683', '--controller-port', '15684', '--display', ':12', '--preference', 'sdk', '--state', '/tmp/p'], '/repo');
  assert.ok(typeof o !== 'string');
  assert.equal([o.creation, o.coapPort, o.controllerPort, o.display, o.preference, o.state], ['class2', 15683, 15684, 12, 'sdk', '/tmp/p/']);
  assert.match(String(parseCheckArgs(['--heap', '1'], '/repo')), /unknown option --heap\nusage:/);
  assert.match(String(parseCheckArgs(['--coap-port', 'x'], '/repo')), /--coap-port needs a port number/);
  assert.match(String(parseCheckArgs(['--board'], '/repo')), /--board: needs a value/);
});

t('#13 without $MODDABLE: "skipped: …" and exit 0 (CI has no SDK)', () => {
  const env = { ...process.env };
  delete env.MODDABLE;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tools/moddable/index.ts'), 'test'], { cwd: ROOT, env, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), 'skipped: no Moddable SDK ($MODDABLE unset)');
});

t.run();
