/**
 * Operate input arguments (TR-369 R-OPR.5/6/7): a missing mandatory argument or a value
 * outside its type is 7027, unknown arguments are ignored, missing optional ones take
 * their defaults. Values come back in canonical form.
 *
 * Arguments inside an input object table (TR-181 Activate() "TimeWindow.{i}.Start") are
 * declared with "{i}" in their name and arrive with instance numbers ("TimeWindow.1.Start");
 * each instance present is checked on its own (its mandatory arguments must all be
 * there) and returned under its numbered name. Optional ones get no default per instance.
 */
import { DmError } from './errors.ts';
import type { CommandInputCheck } from './model-types.ts';
import type { CommandNode, ParamNode } from './schema.ts';
import { checkValue } from './types/value.ts';

const MAX_INPUT_INSTANCES = 16;

function checkTemplated(arg: ParamNode, input: ReadonlyMap<string, string>, out: Map<string, string>, seen: Map<string, string[]>): string {
  const at = arg.name.indexOf('.{i}.');
  const prefix = arg.name.slice(0, at + 1);
  const suffix = arg.name.slice(at + 4);
  let numbers = seen.get(prefix);
  if (numbers === undefined) {
    numbers = [];
    for (const k of input.keys()) {
      if (!k.startsWith(prefix)) continue;
      const dot = k.indexOf('.', prefix.length);
      const n = dot < 0 ? '' : k.slice(prefix.length, dot);
      if (/^[1-9][0-9]{0,4}$/.test(n) && numbers.indexOf(n) < 0 && numbers.push(n) > MAX_INPUT_INSTANCES) break; // past the bound: stop
    }
    if (numbers.length > MAX_INPUT_INSTANCES) return `more than ${MAX_INPUT_INSTANCES} ${prefix}{i}. instances`;
    seen.set(prefix, numbers);
  }
  for (let i = 0; i < numbers.length; i++) {
    const key = prefix + numbers[i]! + suffix;
    const v = input.get(key);
    if (v === undefined) {
      if (arg.mandatory) return `missing mandatory argument ${key}`;
      continue;
    }
    const r = checkValue(arg, v);
    if (r.err !== 0) return `${key}: ${r.message}`;
    out.set(key, r.value);
  }
  return '';
}

export function checkCommandInput(command: CommandNode, input: ReadonlyMap<string, string>): CommandInputCheck {
  const out = new Map<string, string>();
  let seen: Map<string, string[]> | null = null;
  const args = command.input;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.name.indexOf('.{i}.') > 0) {
      if (seen === null) seen = new Map();
      const why = checkTemplated(arg, input, out, seen);
      if (why !== '') return { err: DmError.InvalidCommandArguments, message: why, input: out };
      continue;
    }
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
