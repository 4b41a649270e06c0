/**
 * `tinyusp/boards`: every board description (boards/*.json) as one frozen table, a
 * separate XS module so manifest.json can preload it into flash (no RAM at run time).
 * Preload trap (MODDABLE.md): objects built at preload are read-only in XS and
 * `JSON.stringify` on them throws "read only value". The agent only reads a
 * description's strings and numbers (device context, factory default), so it keeps the
 * preloaded one: a RAM copy cost the simulator's sim board 39 XS slots (#13 item 3).
 * test/platform/moddable/boards.test.ts checks that every file in boards/ is listed.
 */
import type { BoardDescription } from '../board.ts';
import esp32DevkitC from '../../../boards/esp32-devkitc.json' with { type: 'json' };
import m5stackFire from '../../../boards/m5stack-fire.json' with { type: 'json' };
import sim from '../../../boards/sim.json' with { type: 'json' };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// The JSON files are checked against BoardDescription's rules by test/platform/board-rules.test.ts.
export const BOARDS: readonly BoardDescription[] = deepFreeze([sim, esp32DevkitC, m5stackFire] as unknown as BoardDescription[]);

export function findBoard(name: string): BoardDescription | undefined {
  for (const b of BOARDS) if (b.name === name) return b;
  return undefined;
}
