/**
 * BoardIo (platform/types.ts) over Espruino's pin functions, built from a board
 * description (boards/*.json): `digitalRead`/`digitalWrite`, `analogRead` (already
 * 0..1 of full scale) and `setWatch` for inputs (both edges, debounced), the calls
 * the ESP32 Espruino build exposes (ESP32 pins are plain numbers: D2 is 2).
 *
 * Each capability's pin gets its mode once, at creation: BinaryControl → output
 * (driven low), BinarySensor → input with the described pull, Level* → analog.
 * Levels are electrical; the data model applies `activeLow`, as on Moddable.
 */
import type { BoardDescription } from '../board.ts';
import type { BoardIo } from '../types.ts';

/** Contact bounce is ignored for this long (ms). */
const DEBOUNCE_MS = 25;

export function createEspruinoBoardIo(description: BoardDescription, onProblem?: (message: string) => void): BoardIo {
  const caps = description.capabilities;
  for (let i = 0; i < caps.length; i++) {
    const c = caps[i]!;
    try {
      if (c.class === 'BinaryControl') {
        pinMode(c.pin, 'output');
        digitalWrite(c.pin, 0);
      } else if (c.class === 'BinarySensor') {
        pinMode(c.pin, c.pull === 'up' ? 'input_pullup' : c.pull === 'down' ? 'input_pulldown' : 'input');
      } else {
        pinMode(c.pin, 'analog');
      }
    } catch (e) {
      if (onProblem !== undefined) onProblem('board ' + description.name + ': pin ' + c.pin + ' (' + c.name + ') unavailable: ' + String(e));
    }
  }
  return {
    readDigital: (pin) => digitalRead(pin) === 1,
    writeDigital(pin, value) {
      digitalWrite(pin, value ? 1 : 0);
    },
    readAnalog: (pin) => analogRead(pin),
    watchDigital(pin, onChange) {
      setWatch((e) => { onChange(pin, e.state); }, pin, { repeat: true, edge: 'both', debounce: DEBOUNCE_MS });
    },
  };
}
