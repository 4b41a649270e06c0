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
} from '../usp/index.ts';
import { PermKind, Right, type AccessView } from './acl.ts';

interface Flags {
  readonly commands: boolean;
  readonly events: boolean;
  readonly params: boolean;
  readonly keys: boolean;
}

const NO_FLAGS: Flags = { commands: false, events: false, params: false, keys: false };

function paramResult(p: ParamNode): { param_name: string; access: number; value_type: number; value_change: number } {
  return { param_name: p.name, access: supportedParamAccess(p.access), value_type: p.type, value_change: p.valueChange };
}

function commandResult(c: CommandNode): { command_name: string; input_arg_names: string[]; output_arg_names: string[]; command_type: number } {
  return { command_name: c.name, input_arg_names: c.input.map((a) => a.name), output_arg_names: c.output.map((a) => a.name), command_type: c.async ? 2 : 1 };
}

function eventResult(e: EventNode): { event_name: string; arg_names: string[] } {
  return { event_name: e.name, arg_names: e.args.map((a) => a.name) };
}

/**
 * One supported object of the response, its element lists built only when the encoder
 * reads them: a response lists many objects, and building every object's param, command
 * and event results up front held ~2000 XS slots at once for GetSupportedDM of Device.
 * (docs/budgets.md). The encoder reads each list twice (presence, then items): built twice.
 */
class SupportedObject implements GetSupportedDMRespSupportedObjectResultInit {
  constructor(private readonly view: AccessView, private readonly node: ObjectNode, private readonly f: Flags) {}

  get supported_obj_path(): string { return this.node.path; }
  get access(): number { return this.node.access; }
  get is_multi_instance(): boolean { return this.node.multi; }

  get supported_params(): ReturnType<typeof paramResult>[] {
    const out: ReturnType<typeof paramResult>[] = [];
    if (!this.f.params) return out;
    const base = this.node.path;
    for (const p of this.node.params) if (this.view.allows(base + p.name, PermKind.Param, Right.Read)) out.push(paramResult(p));
    return out;
  }

  get supported_commands(): ReturnType<typeof commandResult>[] {
    const out: ReturnType<typeof commandResult>[] = [];
    if (!this.f.commands) return out;
    const base = this.node.path;
    for (const c of this.node.commands) if (this.view.allows(base + c.name, PermKind.CommandEvent, Right.Read)) out.push(commandResult(c));
    return out;
  }

  get supported_events(): ReturnType<typeof eventResult>[] {
    const out: ReturnType<typeof eventResult>[] = [];
    if (!this.f.events) return out;
    const base = this.node.path;
    for (const e of this.node.events) if (this.view.allows(base + e.name, PermKind.CommandEvent, Right.Read)) out.push(eventResult(e));
    return out;
  }

  get unique_key_sets(): { key_names: string[] }[] {
    const out: { key_names: string[] }[] = [];
    if (this.f.keys) for (const k of this.node.uniqueKeys) out.push({ key_names: k.params.slice() });
    return out;
  }
}

function objectResult(access: AccessView, node: ObjectNode, f: Flags): GetSupportedDMRespSupportedObjectResultInit {
  const v = new SupportedObject(access, node, f);
  return {
    supported_obj_path: v.supported_obj_path, access: v.access, is_multi_instance: v.is_multi_instance,
    supported_params: v.supported_params, supported_commands: v.supported_commands, supported_events: v.supported_events,
    unique_key_sets: v.unique_key_sets,
  };
}

function readable(access: AccessView, node: ObjectNode): boolean {
  return access.allows(node.path, PermKind.Obj, Right.Read);
}

/** `root` and every object below it, depth-first in schema order; an unreadable object hides its subtree. A loop: no stack per level. */
function addTree(access: AccessView, root: ObjectNode, f: Flags, out: GetSupportedDMRespSupportedObjectResultInit[]): void {
  const todo: ObjectNode[] = [root];
  while (todo.length > 0) {
    const node = todo.pop()!;
    if (!readable(access, node)) continue;
    out.push(new SupportedObject(access, node, f));
    for (let i = node.objects.length - 1; i >= 0; i--) todo.push(node.objects[i]!);
  }
}

/** An instantiated path names an instance number somewhere ("Device.X.1."). */
function hasInstanceNumber(path: string): boolean {
  for (const seg of path.split('.')) {
    if (seg.length === 0) continue;
    let digits = true;
    for (let i = 0; i < seg.length; i++) { const c = seg.charCodeAt(i); if (c < 48 || c > 57) { digits = false; break; } }
    if (digits) return true;
  }
  return false;
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
  if (hasInstanceNumber(at)) { // an instantiated path must exist (§GSDM paths)
    const inst = model.resolve(at);
    if (inst.err !== 0) return fail(inst.err, inst.message);
  }
  const node = r.node;
  if (!readable(access, node)) return fail(DmError.InvalidPath, `${path} is not in the supported data model`);
  const out: GetSupportedDMRespSupportedObjectResultInit[] = [];
  if (r.kind !== PathKind.Object) {
    const one = objectResult(access, node, NO_FLAGS);
    const el = r.element!;
    if (r.kind === PathKind.Param && access.allows(node.path + el.name, PermKind.Param, Right.Read)) one.supported_params = [paramResult(el as ParamNode)];
    else if (r.kind === PathKind.Command && access.allows(node.path + el.name, PermKind.CommandEvent, Right.Read)) one.supported_commands = [commandResult(el as CommandNode)];
    else if (r.kind === PathKind.Event && access.allows(node.path + el.name, PermKind.CommandEvent, Right.Read)) one.supported_events = [eventResult(el as EventNode)];
    else return fail(DmError.InvalidPath, `${path} is not in the supported data model`);
    out.push(one);
    return { req_obj_path: path, err_code: 0, err_msg: '', data_model_inst_uri: uri, supported_objs: out };
  }
  const f: Flags = {
    commands: gsdm.return_commands === true, events: gsdm.return_events === true,
    params: gsdm.return_params === true, keys: gsdm.return_unique_key_sets === true,
  };
  if (gsdm.first_level_only === true) {
    out.push(new SupportedObject(access, node, f));
    const childFlags = { ...NO_FLAGS, keys: f.keys };
    for (const c of node.objects) if (readable(access, c)) out.push(new SupportedObject(access, c, childFlags));
  } else addTree(access, node, f, out);
  return { req_obj_path: path, err_code: 0, err_msg: '', data_model_inst_uri: uri, supported_objs: out };
}

export function processGetSupportedDm(model: DataModelApi, access: AccessView, gsdm: GetSupportedDMInit): GetSupportedDMRespInit {
  return { req_obj_results: (gsdm.obj_paths ?? []).map((p) => requested(model, access, p, gsdm)) };
}
