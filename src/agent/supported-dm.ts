/**
 * GetSupportedDM and GetSupportedProtocol (TR-369 06-messages, AGENT-REQUIREMENTS §1.9
 * §GSDM, R-GSP.0, §4 item 6).
 *
 * Paths may be supported paths ("{i}", final "{i}." optional) or instantiated paths
 * (which must exist); an object path may leave out its final dot (TP-469 1.99). first_level_only: the object and its immediate child objects,
 * the children without params/commands/events. return_* switch the element lists on.
 * A param/command/event path ignores the flags and reports only that element.
 * writeOnceReadOnly is reported READ_WRITE; value_type, value_change and command_type
 * are always filled. No Obj-r on an object = as if unsupported (R-GSP.0, 7026); params,
 * commands and events without r are left out.
 */
import {
  DmError, PathKind, supportedParamAccess, type CommandNode, type DataModelApi, type EventNode, type ObjectNode, type ParamNode,
} from '../dm/index.ts';
import type {
  GetSupportedDMInit, GetSupportedDMRespInit, GetSupportedDMRespRequestedObjectResultInit, GetSupportedDMRespSupportedObjectResultInit,
  GetSupportedDMRespSupportedParamResultInit, ItemsInit,
} from '../usp/index.ts';
import { PermKind, Right, type AccessView } from './acl.ts';

interface Flags {
  readonly commands: boolean;
  readonly events: boolean;
  readonly params: boolean;
  readonly keys: boolean;
}

const argName = (a: { readonly name: string }): string => a.name;

function commandResult(c: CommandNode): { command_name: string; input_arg_names: string[]; output_arg_names: string[]; command_type: number } {
  return { command_name: c.name, input_arg_names: c.input.map(argName), output_arg_names: c.output.map(argName), command_type: c.async ? 2 : 1 };
}

function eventResult(e: EventNode): { event_name: string; arg_names: string[] } {
  return { event_name: e.name, arg_names: e.args.map(argName) };
}

/**
 * The supported_params of one object, made as the encoder reaches each (generated
 * ItemsInit): this object is also the one param result it hands out, pointed at the next
 * readable param each time, so a list of ~20 params is not ~20 five-slot objects at once
 * (GetSupportedDM of Device., docs/budgets.md). Items are asked for in order, each once,
 * after `length` (ItemsInit). The result's fields are plain properties set by at(), not
 * getters (a function each in flash, #13 item 4).
 */
class ParamItems implements ItemsInit<GetSupportedDMRespSupportedParamResultInit>, GetSupportedDMRespSupportedParamResultInit {
  /** Index in node.params of the next param to look at, and how many were handed out. */
  private next = 0;
  private given = 0;
  param_name = '';
  access = 0;
  value_type = 0;
  value_change = 0;

  constructor(private readonly view: AccessView, private readonly node: ObjectNode) {}

  /** Handed out so far, plus one while a readable param remains (the codec reads it before each item: one ACL check per param). */
  get length(): number {
    const params = this.node.params;
    while (this.next < params.length && !this.view.allows(this.node.path + params[this.next]!.name, PermKind.Param, Right.Read)) this.next++;
    return this.next < params.length ? this.given + 1 : this.given;
  }

  at(): GetSupportedDMRespSupportedParamResultInit {
    const p = this.node.params[this.next++]!;
    this.param_name = p.name;
    this.access = supportedParamAccess(p.access);
    this.value_type = p.type;
    this.value_change = p.valueChange;
    this.given++;
    return this;
  }
}

/**
 * The supported_objs of one requested path, and the one supported object the encoder is
 * at (at(i) points it at each listed schema node in turn: ItemsInit hands out one reused
 * object). Its element lists are built only when the encoder reads them. Building every
 * object's results up front held ~2000 XS slots at once for GetSupportedDM of Device., and
 * one object per listed node ~190 more (docs/budgets.md).
 */
class SupportedObjects implements ItemsInit<GetSupportedDMRespSupportedObjectResultInit>, GetSupportedDMRespSupportedObjectResultInit {
  // `declare`: assigned in the constructor (no undefined first: flash, #13 item 4).
  declare private node: ObjectNode;
  declare private f: Flags;
  supported_obj_path = '';
  access = 0;
  is_multi_instance = false;
  /** ItemsInit: how many objects are listed (a plain property: no getter). */
  declare readonly length: number;

  /** `first` flags for nodes[0] (the requested object), `rest` for the others (first_level_only children). */
  constructor(private readonly view: AccessView, private readonly nodes: readonly ObjectNode[], private readonly first: Flags, private readonly rest: Flags) {
    this.node = nodes[0]!;
    this.f = first;
    this.length = nodes.length;
  }

  at(i: number): GetSupportedDMRespSupportedObjectResultInit {
    const node = this.nodes[i]!;
    this.node = node;
    this.f = i === 0 ? this.first : this.rest;
    this.supported_obj_path = node.path;
    this.access = node.access;
    this.is_multi_instance = node.multi;
    return this;
  }

  get supported_params(): ParamItems | readonly [] {
    return this.f.params ? new ParamItems(this.view, this.node) : [];
  }

  get supported_commands(): ReturnType<typeof commandResult>[] {
    const out: ReturnType<typeof commandResult>[] = [];
    if (!this.f.commands) return out;
    const base = this.node.path;
    for (let i = 0, commands = this.node.commands; i < commands.length; i++) {
      const c = commands[i]!;
      if (this.view.allows(base + c.name, PermKind.CommandEvent, Right.Read)) out.push(commandResult(c));
    }
    return out;
  }

  get supported_events(): ReturnType<typeof eventResult>[] {
    const out: ReturnType<typeof eventResult>[] = [];
    if (!this.f.events) return out;
    const base = this.node.path;
    for (let i = 0, events = this.node.events; i < events.length; i++) {
      const e = events[i]!;
      if (this.view.allows(base + e.name, PermKind.CommandEvent, Right.Read)) out.push(eventResult(e));
    }
    return out;
  }

  get unique_key_sets(): { key_names: string[] }[] {
    const out: { key_names: string[] }[] = [];
    if (this.f.keys) for (let i = 0, uniqueKeys = this.node.uniqueKeys; i < uniqueKeys.length; i++) out.push({ key_names: uniqueKeys[i]!.params.slice() });
    return out;
  }
}

function requested(model: DataModelApi, access: AccessView, path: string, gsdm: GetSupportedDMInit): GetSupportedDMRespRequestedObjectResultInit {
  const uri = model.schema.dataModelUri;
  const fail = (code: number, msg: string): GetSupportedDMRespRequestedObjectResultInit =>
    ({ req_obj_path: path, err_code: code, err_msg: msg, data_model_inst_uri: '', supported_objs: [] });
  let at = path;
  let r = model.resolveSupported(at);
  // TP-469 1.99 writes an object path without its final dot ("Device.LocalAgent.Subscription"); the
  // reference agent answers it as the object, so a name that is no element but an object is read so.
  if (r.err !== 0 && !path.endsWith('.') && !path.endsWith(')') && !path.endsWith('!')) {
    const asObject = model.resolveSupported(path + '.');
    if (asObject.err === 0) { r = asObject; at = path + '.'; }
  }
  if (r.err !== 0 || r.node === null) return fail(r.err || DmError.InvalidPath, r.message);
  // An instantiated path (an instance number somewhere: "Device.X.1.") must exist (§GSDM paths).
  let digits = 0; // digits so far in this segment, -1 once it holds anything else
  let instantiated = false;
  for (let i = 0; i <= at.length && !instantiated; i++) {
    const c = i < at.length ? at.charCodeAt(i) : 46;
    if (c === 46) { instantiated = digits > 0; digits = 0; } // "."
    else if (digits >= 0) digits = c >= 48 && c <= 57 ? digits + 1 : -1;
  }
  if (instantiated) {
    const inst = model.resolve(at);
    if (inst.err !== 0) return fail(inst.err, inst.message);
  }
  const node = r.node;
  if (!access.allows(node.path, PermKind.Obj, Right.Read)) return fail(DmError.InvalidPath, `${path} is not in the supported data model`);
  if (r.kind !== PathKind.Object) {
    // The object with only that element (no flags: no other lists).
    const one: GetSupportedDMRespSupportedObjectResultInit = {
      supported_obj_path: node.path, access: node.access, is_multi_instance: node.multi,
      supported_params: [], supported_commands: [], supported_events: [], unique_key_sets: [],
    };
    const el = r.element!;
    if (r.kind === PathKind.Param && access.allows(node.path + el.name, PermKind.Param, Right.Read)) {
      const p = el as ParamNode;
      one.supported_params = [{ param_name: p.name, access: supportedParamAccess(p.access), value_type: p.type, value_change: p.valueChange }];
    }
    else if (r.kind === PathKind.Command && access.allows(node.path + el.name, PermKind.CommandEvent, Right.Read)) one.supported_commands = [commandResult(el as CommandNode)];
    else if (r.kind === PathKind.Event && access.allows(node.path + el.name, PermKind.CommandEvent, Right.Read)) one.supported_events = [eventResult(el as EventNode)];
    else return fail(DmError.InvalidPath, `${path} is not in the supported data model`);
    return { req_obj_path: path, err_code: 0, err_msg: '', data_model_inst_uri: uri, supported_objs: [one] };
  }
  const f: Flags = {
    commands: gsdm.return_commands === true, events: gsdm.return_events === true,
    params: gsdm.return_params === true, keys: gsdm.return_unique_key_sets === true,
  };
  const nodes: ObjectNode[] = [];
  let rest = f;
  if (gsdm.first_level_only === true) {
    nodes.push(node);
    rest = { commands: false, events: false, params: false, keys: f.keys };
    for (let i = 0, objects = node.objects; i < objects.length; i++) { const c = objects[i]!; if (access.allows(c.path, PermKind.Obj, Right.Read)) nodes.push(c); }
  } else { // the object and every object below it, depth-first in schema order; an unreadable object hides its subtree (a loop: no stack per level)
    const todo: ObjectNode[] = [node];
    while (todo.length > 0) {
      const n = todo.pop()!;
      if (!access.allows(n.path, PermKind.Obj, Right.Read)) continue;
      nodes.push(n);
      for (let i = n.objects.length - 1; i >= 0; i--) todo.push(n.objects[i]!);
    }
  }
  return { req_obj_path: path, err_code: 0, err_msg: '', data_model_inst_uri: uri, supported_objs: new SupportedObjects(access, nodes, f, rest) };
}

export function processGetSupportedDm(model: DataModelApi, access: AccessView, gsdm: GetSupportedDMInit): GetSupportedDMRespInit {
  const results: GetSupportedDMRespRequestedObjectResultInit[] = [];
  for (let i = 0, paths = gsdm.obj_paths ?? []; i < paths.length; i++) results.push(requested(model, access, paths[i]!, gsdm));
  return { req_obj_results: results };
}
