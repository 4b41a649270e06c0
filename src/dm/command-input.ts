/**
 * Operate input arguments (TR-369 R-OPR.5/6/7): a missing mandatory argument or a value
 * outside its type is 7027, unknown arguments are ignored, missing optional ones take
 * their defaults. Values come back in canonical form.
 */
import { DmError } from './errors.ts';
import type { CommandInputCheck } from './model-types.ts';
import type { CommandNode } from './schema.ts';
import { checkValue } from './types/value.ts';

export function checkCommandInput(command: CommandNode, input: ReadonlyMap<string, string>): CommandInputCheck {
  const out = new Map<string, string>();
  for (const arg of command.input) {
    const v = input.get(arg.name);
    if (v === undefined) {
      if (arg.mandatory) return { err: DmError.InvalidCommandArguments, message: `missing mandatory argument ${arg.name}`, input: out };
      out.set(arg.name, arg.defaultValue);
      continue;
    }
    const r = checkValue(arg, v);
    if (r.err !== 0) return { err: DmError.InvalidCommandArguments, message: `${arg.name}: ${r.message}`, input: out };
    out.set(arg.name, r.value);
  }
  return { err: DmError.Ok, message: '', input: out };
}
