/**
 * BoardIo (platform/types.ts) over ECMA-419 `embedded:io/digital` and
 * `embedded:io/analog` (ESP32), built from a board description (boards/*.json).
 * The simulator has neither module: the manifest maps `tinyusp/board-io` to the
 * in-memory sim board there (board-sim.ts), to this file on ESP32.
 *
 * Every capability's pin is opened once, at creation, in the mode its class needs:
 * BinaryControl → Output, BinarySensor → Input (pull from the description) with
 * both edges, Level* → Analog. Levels are electrical; the data model applies
 * `activeLow`. readAnalog scales by the instance's `resolution` to 0..1.
 * A pin the SDK already holds (M5Stack targets monitor their buttons in
 * setup/target) throws "in use"; `heldInputs` then supplies that input instead.
 */
import Analog from 'embedded:io/analog';
import Digital from 'embedded:io/digital';
import type { BoardDescription } from '../board.ts';
import type { BoardIo } from '../types.ts';

/** An input someone else already opened: M5Button (`read()`, `onChanged`). */
export interface HeldInput {
  read(): number;
  onChanged?: () => void;
}

export interface BoardIoOptions {
  readonly description: BoardDescription;
  /** Inputs already held by the SDK's setup code, by pin. */
  readonly heldInputs?: ReadonlyMap<number, HeldInput>;
  readonly onProblem?: (message: string) => void;
}

interface DigitalPin { read(): number; write?(v: 0 | 1): void }

export function createBoardIo(options: BoardIoOptions): BoardIo {
  const digital = new Map<number, DigitalPin>();
  const analog = new Map<number, Analog>();
  const watchers = new Map<number, Array<(pin: number, value: boolean) => void>>();
  const notify = (pin: number): void => {
    const p = digital.get(pin);
    if (p === undefined) return;
    const value = p.read() === 1;
    for (const w of watchers.get(pin) ?? []) w(pin, value);
  };
  for (const c of options.description.capabilities) {
    const pin = c.pin;
    try {
      if (c.class === 'BinaryControl') {
        const out = new Digital({ pin, mode: Digital.Output });
        out.write(0);
        digital.set(pin, out);
      } else if (c.class === 'BinarySensor') {
        const mode = c.pull === 'up' ? Digital.InputPullUp : c.pull === 'down' ? Digital.InputPullDown : Digital.Input;
        digital.set(pin, new Digital({ pin, mode, edge: Digital.Rising | Digital.Falling, onReadable: () => notify(pin) }));
      } else {
        analog.set(pin, new Analog({ pin }));
      }
    } catch (e) {
      const held = options.heldInputs?.get(pin);
      if (held !== undefined && c.class === 'BinarySensor') {
        held.onChanged = () => notify(pin);
        digital.set(pin, held);
      } else {
        options.onProblem?.(`board ${options.description.name}: pin ${pin} (${c.name}) unavailable: ${String(e)}`);
      }
    }
  }
  return {
    readDigital: (pin) => digital.get(pin)?.read() === 1,
    writeDigital(pin, value) {
      digital.get(pin)?.write?.(value ? 1 : 0);
    },
    readAnalog(pin) {
      const a = analog.get(pin);
      if (a === undefined) return 0;
      return a.read() / (2 ** a.resolution - 1);
    },
    watchDigital(pin, onChange) {
      const list = watchers.get(pin) ?? [];
      list.push(onChange);
      watchers.set(pin, list);
    },
  };
}
