/**
 * A simulated board (BoardIo of platform/types.ts; pure code, shared by the host and the Moddable simulator): in-memory pins built
 * from a board description (boards/*.json), with a way for tests and the CLI to press
 * buttons and set analog inputs.
 *
 * Like the Moddable BoardIo, `readDigital`/`writeDigital` carry the electrical level;
 * the data-model layer applies `activeLow`. `press(name)` does that inversion for the
 * caller, so `press('Button', true)` on an active-low input drives the pin low.
 * Watchers fire only on a change of level, synchronously, as a GPIO interrupt would.
 */
import type { BoardDescription, IoTCapabilityDescription } from './board.ts';
import type { BoardIo } from './types.ts';

export interface SimBoard extends BoardIo {
  /** Presses (true) or releases (false) the digital input named `name`. */
  press(name: string, pressed: boolean): void;
  /** Sets the analog input named `name` to `value` in its unit (clamped to min..max). */
  setLevel(name: string, value: number): void;
  /** Sets an analog pin directly, 0..1 of full scale (clamped). */
  setAnalog(pin: number, fraction: number): void;
}

export function createSimBoard(description: BoardDescription): SimBoard {
  const levels = new Map<number, boolean>();
  const analog = new Map<number, number>();
  const watchers = new Map<number, Array<(pin: number, value: boolean) => void>>();
  const byName = new Map<string, IoTCapabilityDescription>();
  for (const c of description.capabilities) {
    byName.set(c.name, c);
    // Inputs rest released (high when active-low), outputs start off.
    if (c.class === 'BinarySensor') levels.set(c.pin, c.activeLow === true);
    else if (c.class === 'BinaryControl') levels.set(c.pin, false);
    else analog.set(c.pin, 0);
  }
  const capability = (name: string): IoTCapabilityDescription => {
    const c = byName.get(name);
    if (c === undefined) throw new RangeError(`board ${description.name} has no capability ${name}`);
    return c;
  };
  const drive = (pin: number, value: boolean): void => {
    if (levels.get(pin) === value) return;
    levels.set(pin, value);
    for (const w of watchers.get(pin) ?? []) w(pin, value);
  };
  return {
    readDigital: (pin) => levels.get(pin) ?? false,
    writeDigital: (pin, value) => { drive(pin, value); },
    readAnalog: (pin) => analog.get(pin) ?? 0,
    watchDigital(pin, onChange) {
      const list = watchers.get(pin) ?? [];
      list.push(onChange);
      watchers.set(pin, list);
    },
    press(name, pressed) {
      const c = capability(name);
      if (c.class !== 'BinarySensor') throw new RangeError(`${name} is a ${c.class}, not a BinarySensor`);
      drive(c.pin, c.activeLow === true ? !pressed : pressed);
    },
    setLevel(name, value) {
      const c = capability(name);
      const min = c.min ?? 0;
      const max = c.max ?? 1;
      if (max <= min) throw new RangeError(`${name} has no range`);
      analog.set(c.pin, Math.min(1, Math.max(0, (value - min) / (max - min))));
    },
    setAnalog(pin, fraction) {
      analog.set(pin, Math.min(1, Math.max(0, fraction)));
    },
  };
}

/**
 * One line of the simulator's console: `press <name>`, `release <name>` or
 * `set <name> <value>`. Returns '' when applied, else a message for the user.
 */
export function applySimBoardCommand(board: SimBoard, line: string): string {
  const words = line.trim().split(/\s+/);
  const [verb, name, arg] = words;
  try {
    if ((verb === 'press' || verb === 'release') && name !== undefined && words.length === 2) {
      board.press(name, verb === 'press');
      return '';
    }
    if (verb === 'set' && name !== undefined && arg !== undefined && words.length === 3) {
      const v = Number(arg);
      if (!Number.isFinite(v)) return `not a number: ${arg}`;
      board.setLevel(name, v);
      return '';
    }
  } catch (e) {
    return (e as Error).message;
  }
  return 'usage: press <name> | release <name> | set <name> <value>';
}
