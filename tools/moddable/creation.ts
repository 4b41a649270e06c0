/**
 * XS creation values for the simulator check (`npm run test:moddable`): the heap,
 * chunk and stack sizes of an ESP32 board target, read from the SDK's board manifests
 * (`$MODDABLE/build/devices/esp32/targets/<board>/manifest.json`), or given
 * explicitly (`--creation heap=2048,chunk=32K,stack=384`). Pure: the caller reads the
 * files. The check always builds FIXED heaps (incremental 0), as the ESP32 board targets
 * do, so an allocation beyond them fails exactly as it would on the device
 * (docs/device.md#the-simulator-check).
 *
 * Units: heap and stack in XS slots (16 B on the 32-bit ESP32, 32 B on the 64-bit
 * simulator), chunk in bytes, as in a manifest's `creation`.
 */

export interface Creation {
  /** Slot heap, in slots. */
  readonly heap: number;
  /** Chunk heap, in bytes. */
  readonly chunk: number;
  /** JavaScript stack, in slots. */
  readonly stack: number;
  /** One static block for everything (ESP32-C3 targets); the simulator ignores it. */
  readonly static: number;
}

/** Where a creation came from, for the report. */
export interface CreationChoice {
  readonly creation: Creation;
  readonly source: string;
}

/** One board target's manifest: its name (e.g. "m5stack") and text, or why it could not be read. */
export interface BoardManifest {
  readonly board: string;
  readonly text: string;
}

/** The creation 65 of the SDK's 80 ESP32 targets have (the MTP checks' `--creation esp32`). */
export const ESP32_CREATION: Creation = { heap: 4928, chunk: 78848, stack: 512, static: 0 };

/** The RFC 7228 Class 2 aim of issue #13: 32 KiB of slots on ESP32, 32 KiB of chunks, a 384-slot stack. */
export const CLASS2_CREATION: Creation = { heap: 2048, chunk: 32768, stack: 384, static: 0 };

const UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 * 1024, mib: 1024 * 1024 };

/** "78848", "77K", "256KiB", "1M" → bytes; NaN when it is not one of these. */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  if (m === null) return NaN;
  const unit = UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? NaN : Number(m[1]) * unit;
}

/**
 * `--creation heap=4928,chunk=78848,stack=512` (any subset, over `base`), or `class2`.
 * Returns the creation, or a message naming what is wrong.
 */
export function parseCreationOption(text: string, base: Creation): Creation | string {
  if (text.trim().toLowerCase() === 'class2') return CLASS2_CREATION;
  const out = { ...base };
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim().toLowerCase();
    const value = eq < 0 ? NaN : parseSize(part.slice(eq + 1));
    if (key !== 'heap' && key !== 'chunk' && key !== 'stack') return `--creation: unknown key "${key}" (heap=<slots>, chunk=<bytes>, stack=<slots>, or class2)`;
    if (!Number.isInteger(value) || value <= 0) return `--creation: ${key} needs a positive whole number (got "${part}")`;
    out[key] = value;
  }
  return { ...out, static: 0 };
}

interface ManifestCreation {
  static?: number;
  chunk?: { initial?: number; incremental?: number };
  heap?: { initial?: number; incremental?: number };
  stack?: number;
}

/** The creation a board manifest declares, or undefined when it declares none (or is not JSON). */
export function creationOfManifest(text: string): Creation | undefined {
  let json: { creation?: ManifestCreation };
  try {
    json = JSON.parse(text) as { creation?: ManifestCreation };
  } catch {
    return undefined;
  }
  const c = json.creation;
  if (c?.heap?.initial === undefined || c.chunk?.initial === undefined || c.stack === undefined) return undefined;
  return { heap: c.heap.initial, chunk: c.chunk.initial, stack: c.stack, static: c.static ?? 0 };
}

const keyOf = (c: Creation): string => `${c.heap}/${c.chunk}/${c.stack}/${c.static}`;

/** The creation most ESP32 board targets share, and which boards share it. */
export function mostCommonCreation(manifests: readonly BoardManifest[]): { creation: Creation; boards: string[]; of: number } | undefined {
  const groups = new Map<string, { creation: Creation; boards: string[] }>();
  let of = 0;
  for (const m of manifests) {
    const c = creationOfManifest(m.text);
    if (c === undefined) continue;
    of++;
    const g = groups.get(keyOf(c));
    if (g === undefined) groups.set(keyOf(c), { creation: c, boards: [m.board] });
    else g.boards.push(m.board);
  }
  let best: { creation: Creation; boards: string[] } | undefined;
  for (const g of groups.values()) if (best === undefined || g.boards.length > best.boards.length) best = g;
  return best === undefined ? undefined : { ...best, boards: [...best.boards].sort(), of };
}

/** `esp32/m5stack` or `m5stack` → `m5stack`. */
export function boardName(option: string): string {
  return option.startsWith('esp32/') ? option.slice('esp32/'.length) : option;
}

/**
 * The creation to check: `--board` (that target's manifest), else the most common one;
 * then `--creation` over it. A static block (ESP32-C3 targets) cannot be checked in the
 * simulator, which ignores it, unless `--creation` gives heap, chunk and stack.
 */
export function chooseCreation(o: { board?: string | undefined; creation?: string | undefined; manifests: readonly BoardManifest[] }): CreationChoice | string {
  let base: CreationChoice;
  if (o.board !== undefined) {
    const name = boardName(o.board);
    const m = o.manifests.find((x) => x.board === name);
    if (m === undefined) return `--board ${o.board}: no such ESP32 target in the SDK (build/devices/esp32/targets/${name}/manifest.json)`;
    const c = creationOfManifest(m.text);
    if (c === undefined) return `--board ${o.board}: its manifest declares no creation (heap, chunk, stack)`;
    base = { creation: c, source: `board esp32/${name}` };
  } else {
    const common = mostCommonCreation(o.manifests);
    if (common === undefined) return 'no ESP32 board target with a creation in the SDK (build/devices/esp32/targets/*/manifest.json)';
    const known = ['m5stack', 'esp32s3', 'nodemcu', 'm5stack_core2'].filter((b) => common.boards.includes(b));
    const shown = [...known, ...common.boards.filter((b) => !known.includes(b))].slice(0, 4).map((b) => `esp32/${b}`).join(', ');
    base = { creation: common.creation, source: `the creation of ${common.boards.length} of ${common.of} ESP32 targets (${shown}, …)` };
  }
  if (o.creation !== undefined) {
    const c = parseCreationOption(o.creation, base.creation);
    if (typeof c === 'string') return c;
    const own = o.creation.trim().toLowerCase();
    const all = own === 'class2' || ['heap=', 'chunk=', 'stack='].every((k) => own.includes(k));
    const source = own === 'class2' ? 'the RFC 7228 Class 2 aim (--creation class2)' : all ? `--creation ${o.creation}` : `${base.source}, --creation ${o.creation}`;
    return { creation: c, source };
  }
  if (base.creation.static > 0) {
    return `${base.source} uses one static block of ${base.creation.static} B, which the simulator ignores: give --creation heap=…,chunk=…,stack=…`;
  }
  return base;
}

/** The manifest `creation` for the check: fixed sizes (incremental 0), keys and parser as the app's ESP32 build has them. */
export function fixedCreation(c: Creation, main: string, keysAndParser: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...keysAndParser,
    static: 0,
    chunk: { initial: c.chunk, incremental: 0 },
    heap: { initial: c.heap, incremental: 0 },
    stack: c.stack,
    main,
  };
}

/** "4 928 slots / 78 848 B chunks / 512-slot stack". */
export function describeCreation(c: Creation): string {
  return `${group(c.heap)} slots / ${group(c.chunk)} B chunks / ${group(c.stack)}-slot stack`;
}

/** 78848 → "78 848" (the docs' thin grouping). */
export function group(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
