/**
 * Path resolution against the instantiated model and the schema (TR-369 §"Path Names",
 * §"Using Instance Identifiers", §"Reference Following", §4 item 4).
 *
 * The schema node is walked alongside the matched instances, so a path is checked
 * against the supported DM even when a search matches nothing (7026 for an unknown
 * name, never a silent empty result). Addressing an absent instance by number is 7016;
 * a search or wildcard matching nothing is success with no objects (R-ARC.9/10).
 */
import { DmError } from './errors.ts';
import { ObjectInstance, type Table } from './instances.ts';
import { type ParsedPath, PathKind, type ResolvedPath, SegmentKind, type SupportedPath } from './path-types.ts';
import { parsePath } from './path-parser.ts';
import { type CommandNode, type EventNode, NONE, type ObjectNode, type ParamNode, named } from './schema.ts';
import { checkTerms, matchesTerms, type SearchContext } from './search.ts';
import { splitList } from './types/value.ts';

function failure(err: number, message: string, kind: PathKind = PathKind.Object): ResolvedPath {
  return { err, message, kind, search: false, node: null, objects: NONE, tables: NONE, element: null };
}

function findElement(node: ObjectNode, kind: PathKind, name: string): ParamNode | CommandNode | EventNode | undefined {
  if (kind === PathKind.Param) return named(node.params, name);
  if (kind === PathKind.Command) return named(node.commands, name);
  return named(node.events, name);
}

/** Resolves a parsed instantiated path from the root instance. */
export function resolveParsed(ctx: SearchContext, root: ObjectInstance, parsed: ParsedPath): ResolvedPath {
  if (parsed.err !== 0) return failure(parsed.err, parsed.message, parsed.kind);
  const segs = parsed.segments;
  const first = segs[0]!;
  if (first.name !== root.node.name) return failure(DmError.InvalidPath, `unknown root ${first.name}`);
  let node = root.node;
  let objects: ObjectInstance[] = [root];
  let tables: Table[] | null = null;
  const elementSegs = parsed.kind === PathKind.Object ? segs.length : segs.length - 1;
  for (let i = 1; i < elementSegs; i++) {
    const seg = segs[i]!;
    if (seg.kind === SegmentKind.Name) {
      if (tables !== null) return failure(DmError.InvalidPath, `${node.path} is a table: expected an instance before ${seg.name}`);
      if (seg.follow !== null) {
        const p = named(node.params, seg.name);
        if (p === undefined || p.reference === null) return failure(DmError.InvalidPath, `${seg.name} is not a reference parameter of ${node.path}`);
        const target = ctx.objectNodeAt(p.reference.targetParent);
        if (target === undefined) return failure(DmError.InvalidPath, `${seg.name} references no object`);
        const next: ObjectInstance[] = [];
        for (let o = 0; o < objects.length; o++) {
          const items = splitList(ctx.read(objects[o]!, p));
          for (let k = 0; k < items.length; k++) {
            if (seg.follow.item > 0 && k !== seg.follow.item - 1) continue;
            const t = ctx.referenced(items[k]!);
            if (t !== undefined && next.indexOf(t) < 0) next.push(t);
          }
        }
        node = target;
        objects = next;
        continue;
      }
      const child = named(node.objects, seg.name);
      if (child === undefined) return failure(DmError.InvalidPath, `no object ${seg.name} in ${node.path}`);
      const at = node.objects.indexOf(child);
      node = child;
      if (child.multi) {
        tables = [];
        for (let o = 0; o < objects.length; o++) tables.push(objects[o]!.sub[at] as Table);
      } else {
        const next: ObjectInstance[] = [];
        // A discriminated sub-object (IoTCapability.{i}.<Class>.) may be absent from a row.
        for (let o = 0; o < objects.length; o++) {
          const c = objects[o]!.sub[at];
          if (c instanceof ObjectInstance) next.push(c);
          else if (!parsed.search) return failure(DmError.ObjectDoesNotExist, `no object ${objects[o]!.path}${seg.name}.`);
        }
        objects = next;
      }
      continue;
    }
    if (tables === null) return failure(DmError.InvalidPath, `${node.path} is not a table`);
    const next: ObjectInstance[] = [];
    if (seg.kind === SegmentKind.SupportedInstance) return failure(DmError.InvalidPathSyntax, '{i} is only valid in supported-DM paths');
    if (seg.kind === SegmentKind.Search) {
      const check = checkTerms(ctx, node, seg.terms!);
      if (check.err !== 0) return failure(check.err, check.message);
    }
    for (let k = 0; k < tables.length; k++) {
      const t = tables[k]!;
      if (seg.kind === SegmentKind.Instance) {
        const row = t.row(seg.number);
        if (row !== undefined) next.push(row);
        else if (!parsed.search) return failure(DmError.ObjectDoesNotExist, `no instance ${t.path}${seg.number}.`);
        continue;
      }
      // Wildcard, or search: every row (that matches).
      for (let r = 0; r < t.rows.length; r++) if (seg.terms === null || matchesTerms(ctx, t.rows[r]!, seg.terms)) next.push(t.rows[r]!);
    }
    objects = next;
    tables = null;
  }
  if (parsed.kind === PathKind.Object) {
    if (tables !== null) {
      // A path ending at a table name: its rows are the objects.
      objects = [];
      for (let k = 0; k < tables.length; k++) for (let r = 0; r < tables[k]!.rows.length; r++) objects.push(tables[k]!.rows[r]!);
    }
    return { err: 0, message: '', kind: PathKind.Object, search: parsed.search, node, objects, tables: tables ?? NONE, element: null };
  }
  const name = segs[segs.length - 1]!.name;
  if (tables !== null) return failure(DmError.InvalidPath, `${node.path} is a table: expected an instance before ${name}`, parsed.kind);
  const element = findElement(node, parsed.kind, name);
  if (element === undefined) return failure(DmError.InvalidPath, `no ${name} in ${node.path}`, parsed.kind);
  return { err: 0, message: '', kind: parsed.kind, search: parsed.search, node, objects, tables: NONE, element };
}

/** Resolves a supported-DM path: "{i}", instance numbers or nothing after a table name (§4 item 6). */
export function resolveSupportedPath(root: ObjectNode, path: string): SupportedPath {
  const parsed = parsePath(path, true);
  // A failed ResolvedPath is a failed SupportedPath too (node and element null).
  if (parsed.err !== 0) return failure(parsed.err, parsed.message, parsed.kind);
  const segs = parsed.segments;
  if (segs[0]!.name !== root.name) return failure(DmError.InvalidPath, `unknown root ${segs[0]!.name}`, parsed.kind);
  let node = root;
  let pendingTable = false;
  const end = parsed.kind === PathKind.Object ? segs.length : segs.length - 1;
  for (let i = 1; i < end; i++) {
    const seg = segs[i]!;
    if (seg.kind !== SegmentKind.Name) {
      if (!pendingTable) return failure(DmError.InvalidPath, `${node.path} is not a table`, parsed.kind);
      pendingTable = false;
      continue;
    }
    const child = named(node.objects, seg.name);
    if (child === undefined) return failure(DmError.InvalidPath, `no object ${seg.name} in ${node.path}`, parsed.kind);
    node = child;
    pendingTable = child.multi;
  }
  if (parsed.kind === PathKind.Object) return { err: 0, message: '', kind: parsed.kind, node, element: null };
  const name = segs[segs.length - 1]!.name;
  const element = findElement(node, parsed.kind, name);
  if (element === undefined) return failure(DmError.InvalidPath, `no ${name} in ${node.path}`, parsed.kind);
  return { err: 0, message: '', kind: parsed.kind, node, element };
}
