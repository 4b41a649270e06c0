/**
 * Where the Linux Espruino binary is: `$ESPRUINO` (docs/espruino.md says how to build
 * one with the ESP32's 16 383-variable store). CI has none: every Espruino script and
 * test then prints ESPRUINO_SKIPPED and stops.
 */
import { existsSync } from 'node:fs';

export const ESPRUINO_SKIPPED =
  'skipped: $ESPRUINO is not set — build a Linux Espruino 2v29 with the ESP32 variable store ' +
  '(docs/espruino.md#a-linux-espruino-with-the-esp32-store) and set ESPRUINO=<path to bin/espruino>';

/** The binary named by $ESPRUINO; undefined when unset; throws when set but missing. */
export function espruinoBinary(): string | undefined {
  const bin = process.env.ESPRUINO;
  if (bin === undefined || bin === '') return undefined;
  if (!existsSync(bin)) throw new Error(`$ESPRUINO names ${bin}, which does not exist`);
  return bin;
}
