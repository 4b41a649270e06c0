/**
 * What the XS linker (xsl) puts in flash, read from the `mc.xs.c` it writes (pure, so it
 * is tested on Node without the SDK). xsl writes the preloaded machine as C data
 * (SDK xs/tools/xslSlot.c, xslBase.c):
 * - `#define mxHeapCount N`: the preloaded heap, N slots (16 B each on the 32-bit ESP32);
 *   `mxStackCount`, `mxKeysCount` (keys: names of properties, permanent), `mxAliasCount`
 *   (preloaded objects that get a RAM alias when written), `mxScriptsCount` (modules);
 * - `.kind = XS_CODE_X_KIND … .code = { (txByte*)"\x..\x.."`: bytecode of preloaded
 *   functions, one `\xHH` per byte (fxWriteCData);
 * - `static const txU1 gxCodeN[size] = {`: bytecode of modules that are not preloaded;
 * - `.kind = XS_STRING_X_KIND … .string = "…"` and `XS_KEY_X_KIND … .key = { "…"`: string
 *   and key text (fxWriteCString: `\\`, `\"`, printable ASCII, `\xHH""` for the rest),
 *   each with its NUL;
 * - `.arrayBuffer = { (txByte*)"\x.."`: bytes of preloaded ArrayBuffers.
 */

export interface XsLinkFigures {
  readonly heapSlots: number;
  readonly stackSlots: number;
  readonly keys: number;
  readonly aliases: number;
  readonly modules: number;
  /** Bytecode of preloaded functions. */
  readonly preloadedCodeBytes: number;
  /** Bytecode of modules loaded at run time (still in flash). */
  readonly moduleCodeBytes: number;
  /** String and key text, NULs included. */
  readonly stringBytes: number;
  readonly dataBytes: number;
}

export const ESP32_SLOT_BYTES = 16;

/** Bytes of a C string literal body as fxWriteCString / fxWriteCData write it (from just after the opening quote). */
export function cLiteralBytes(text: string, start: number): { bytes: number; end: number } {
  let bytes = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // `\xHH""` joins two literals: keep going only when a quote follows at once.
      if (text[i + 1] === '"') { i += 2; continue; }
      return { bytes, end: i };
    }
    if (c === '\\') {
      i += text[i + 1] === 'x' ? 4 : 2;
    } else {
      i++;
    }
    bytes++;
  }
  return { bytes, end: i };
}

function literalAfter(line: string, marker: string): number {
  const at = line.indexOf(marker);
  return at < 0 ? 0 : cLiteralBytes(line, at + marker.length).bytes;
}

const define = (text: string, name: string): number => Number(new RegExp(`#define ${name} (\\d+)`).exec(text)?.[1] ?? 0);

export function parseXsLink(text: string): XsLinkFigures {
  let preloadedCodeBytes = 0;
  let moduleCodeBytes = 0;
  let stringBytes = 0;
  let dataBytes = 0;
  const seenCode = new Set<string>();
  for (const line of text.split('\n')) {
    const array = /^static const txU1 gxCode(\d+)\[(\d+)\] = \{/.exec(line);
    if (array !== null) {
      if (!seenCode.has(array[1]!)) moduleCodeBytes += Number(array[2]);
      seenCode.add(array[1]!);
      continue;
    }
    if (line.includes('.kind = XS_CODE_X_KIND')) preloadedCodeBytes += literalAfter(line, '.code = { (txByte*)"');
    else if (line.includes('.kind = XS_STRING_X_KIND')) stringBytes += literalAfter(line, '.string = "') + 1;
    else if (line.includes('.kind = XS_KEY_X_KIND')) stringBytes += literalAfter(line, '.key = { "') + 1;
    else if (line.includes('.kind = XS_ARRAY_BUFFER_KIND')) dataBytes += literalAfter(line, '.arrayBuffer = { (txByte*)"');
  }
  return {
    heapSlots: define(text, 'mxHeapCount'), stackSlots: define(text, 'mxStackCount'), keys: define(text, 'mxKeysCount'),
    aliases: define(text, 'mxAliasCount'), modules: define(text, 'mxScriptsCount'),
    preloadedCodeBytes, moduleCodeBytes, stringBytes, dataBytes,
  };
}

/** Flash the JavaScript side takes on ESP32: preloaded slots at 16 B + bytecode + strings/keys + data. */
export function flashBytes(f: XsLinkFigures): number {
  return (f.heapSlots + f.stackSlots) * ESP32_SLOT_BYTES + f.preloadedCodeBytes + f.moduleCodeBytes + f.stringBytes + f.dataBytes;
}

/** The app's figures minus an empty app's (same SDK modules, same strip). */
export function difference(app: XsLinkFigures, empty: XsLinkFigures): XsLinkFigures {
  const out = {} as Record<keyof XsLinkFigures, number>;
  for (const k of Object.keys(app) as (keyof XsLinkFigures)[]) out[k] = app[k] - empty[k];
  return out;
}
