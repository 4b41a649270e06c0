/**
 * #13 Flash figures from the ESP32 JavaScript link: reading the `mc.xs.c` xsl writes
 * (SDK xs/tools/xslSlot.c, xslBase.c fxWriteCData / fxWriteCString), without the SDK.
 * The lines are cut from the mc.xs.c of this app (SDK 8.2.3, `-p esp32`); the string
 * with escapes is written the way fxWriteCString writes one.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cLiteralBytes, difference, flashBytes, parseXsLink } from '../../tools/moddable/xs-link.ts';
import { wrapperDir } from '../../tools/moddable/wrapper.ts';

const t = suite('tools/moddable ESP32 link');

const MC_XS_C = [
  '#define mxAliasCount 526',
  '#define mxHeapCount 29688',
  '#define mxStackCount 163',
  '#define mxKeysCount 2845',
  '#define mxScriptsCount 37',
  'static const txU1 gxCode1[429];',
  'static const txU1 gxCode1[429] = {',
  'static const txU1 gxCode10[9855] = {',
  '/* 23426 */\t{ (txSlot*)&gxHeap[23427], {.ID = XS_NO_ID, .flag = 0x8b, .kind = XS_CODE_X_KIND}, .value = { .code = { (txByte*)(gxNoCode), NULL } } },',
  '/* 24959 */\t{ (txSlot*)&gxHeap[24954], {.ID = xsID_pollTransmit, .flag = 0x8b, .kind = XS_CODE_X_KIND}, .value = { .code = { (txByte*)"\\x0c\\x00\\xd6\\x60\\xee\\x09\\x42\\x60\\x8a\\x01\\x28\\xaf\\x00\\xbb\\x44\\x00", NULL } } },',
  '/* 0135 */\t{ NULL, {.ID = 12 /* Symbol.toStringTag */, .flag = 0x8e, .kind = XS_STRING_X_KIND}, .value = { .string = "Math" } },',
  '/* 0136 */\t{ NULL, {.ID = XS_NO_ID, .flag = 0x8e, .kind = XS_STRING_X_KIND}, .value = { .string = "say \\"\\xc2""\\xb0""C\\\\" } },',
  '/* 21119 */\t{ (txSlot*)&gxHeap[21117], {.ID = 513, .flag = 0x87, .kind = XS_KEY_X_KIND}, .value = { .key = { "getOrInsertComputed", 0x334dc86 } }},',
  '/* 25102 */\t{ (txSlot*)&gxHeap[25101], {.ID = 0, .flag = 0x8b, .kind = XS_ARRAY_BUFFER_KIND}, .value = { .arrayBuffer = { (txByte*)"\\x01", NULL } } },',
].join('\n');

t('#13 a C literal as xsl writes it: \\xHH is one byte, \\" and \\\\ are one, "" joins', () => {
  const line = '"say \\"\\xc2""\\xb0""C\\\\" } }';
  assert.equal(cLiteralBytes(line, 1), { bytes: 9, end: line.indexOf('" }') });
  assert.is(cLiteralBytes('"\\x0c\\x00"', 1).bytes, 2);
});

t('#13 mc.xs.c: preloaded slots, keys, aliases, modules; bytecode of preloaded and other modules; string/key text with NULs', () => {
  const f = parseXsLink(MC_XS_C);
  assert.equal(f, {
    heapSlots: 29688, stackSlots: 163, keys: 2845, aliases: 526, modules: 37,
    preloadedCodeBytes: 16, moduleCodeBytes: 429 + 9855, stringBytes: (4 + 1) + (9 + 1) + (19 + 1), dataBytes: 1,
  });
  assert.is(flashBytes(f), (29688 + 163) * 16 + 16 + 429 + 9855 + 35 + 1);
});

t('#13 the app adds = app − empty app, figure by figure', () => {
  const app = parseXsLink(MC_XS_C);
  const empty = { ...app, heapSlots: 3212, stackSlots: 163, preloadedCodeBytes: 4, moduleCodeBytes: 0, stringBytes: 10, dataBytes: 0, keys: 775, aliases: 45, modules: 20 };
  const d = difference(app, empty);
  assert.equal([d.heapSlots, d.stackSlots, d.preloadedCodeBytes, d.moduleCodeBytes, d.keys], [26476, 0, 12, 10284, 2070]);
  assert.is(flashBytes(d), flashBytes(app) - flashBytes(empty));
});

t('#13 the two simulator Preferences build in two directories (make would keep the other\'s preference.xsb)', () => {
  assert.is.not(wrapperDir('nvs'), wrapperDir('sdk'));
});

t.run();
