/**
 * What Set and Add share (TR-369 06-messages "Using allow_partial and required
 * Parameters", AGENT-REQUIREMENTS §1.10, §4 items 1–3): relative parameter paths into
 * single-instance sub-objects, per-parameter writes with permission and agent policy
 * checks, and the whole-message retry that makes unique keys judged after the whole
 * message (§Order) compatible with allow_partial=true.
 *
 * Invariant: each attempt runs in a fresh Transaction; a duplicate-key failure found
 * by validate() marks the owning obj_path failed and the message is re-run without
 * it, so the committed state never contains a half-applied obj_path (R-SET.2a, R-ADD.2a).
 */
import { DmError, type DataModelApi, type ObjectInstance, type ParamNode, type Transaction, type WriteFailure, WriteMode, named } from '../dm/index.ts';
import { errorMsg, type MsgInit } from '../usp/index.ts';
import { PermKind, Right } from './acl.ts';
import { readFor } from './get.ts';
import type { Requester } from './types.ts';

export interface ParamError {
  readonly param: string;
  readonly err_code: number;
  readonly err_msg: string;
}

/** Agent-side rules on top of the schema (Subscription.ReferenceList immutability…): 0 or an error code. */
export interface WritePolicy {
  checkWrite(inst: ObjectInstance, param: ParamNode, value: string, created: boolean): number;
  /** A row was just created by `req` (before its params are written): fill agent-owned values. */
  created(tx: Transaction, row: ObjectInstance, req: Requester): void;
}

export interface WriteSetting {
  readonly param?: string | undefined;
  readonly value?: string | undefined;
  readonly required?: boolean | undefined;
}

export interface ObjectWrite {
  /** A required param failed (R-SET.2, R-ADD.3): the object fails. */
  failed: boolean;
  readonly errs: ParamError[];
  /** Readable params written, with the value read back (R-SET.3); always empty for an Add, which answers none. */
  readonly written: Record<string, string>;
}

const NOTHING_WRITTEN: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Applies `settings` to `inst`; unique keys are required in an Add (§ADD keys). */
export function writeParams(
  tx: Transaction, req: Requester, policy: WritePolicy, inst: ObjectInstance, settings: readonly WriteSetting[],
  mode: WriteMode, model: DataModelApi,
): ObjectWrite {
  // An Add answers no values (R-ADD.6: unique keys only, read after the message): nothing is read back (XS slots at the Add, #13 item 3).
  const readBack = mode !== WriteMode.Add;
  const res: ObjectWrite = { failed: false, errs: [], written: readBack ? {} : NOTHING_WRITTEN };
  const access = req.access;
  for (let i = 0; i < settings.length; i++) { const s = settings[i]!;
    const rel = s.param ?? '';
    const value = s.value ?? '';
    // "Stats.ErrorsSent": the sub-object of `inst` (at) and its param node, if any.
    let at: ObjectInstance | undefined = inst;
    let start = 0;
    for (let dot = rel.indexOf('.'); dot >= 0 && at !== undefined; dot = rel.indexOf('.', start)) {
      at = at.child(rel.slice(start, dot));
      start = dot + 1;
    }
    const p = at === undefined ? undefined : named(at.node.params, rel.slice(start));
    let err = 0;
    let msg = '';
    if (p === undefined) { err = DmError.UnsupportedParameter; msg = `${inst.path}${rel} is not a supported parameter`; }
    else if (!access.allows(at!.path + p.name, PermKind.Param, Right.Write)) {
      err = DmError.PermissionDenied; msg = `no write permission on ${at!.path}${p.name}`;
    } else {
      err = policy.checkWrite(at!, p, value, mode === WriteMode.Add);
      if (err !== 0) msg = `${at!.path}${p.name} cannot be changed`;
      else { err = tx.set(at!, p.name, value, mode); msg = tx.message; }
    }
    if (err !== 0) {
      let keyParam = false; // §ADD keys: a unique key of the created row itself
      if (mode === WriteMode.Add && p !== undefined && at === inst) {
        for (let k = 0, uniqueKeys = inst.node.uniqueKeys; k < uniqueKeys.length && !keyParam; k++) keyParam = uniqueKeys[k]!.params.indexOf(p.name) >= 0;
      }
      res.errs.push({ param: rel, err_code: err, err_msg: msg });
      if (s.required === true || keyParam) res.failed = true;
      continue;
    }
    // The value read back as a Get shows it (readFor): a call, not a closure per obj_path (XS slots at a Set, #13 item 3).
    if (readBack && access.allows(at!.path + p!.name, PermKind.Param, Right.Read)) res.written[rel] = readFor(model, access, at!, p!);
  }
  return res;
}

/** Error.param_errs with full paths (§4 item 1). */
export interface FullParamError { param_path: string; err_code: number; err_msg: string }

export function fullParamErrs(base: string, errs: readonly ParamError[], out: FullParamError[] = []): FullParamError[] {
  for (let i = 0; i < errs.length; i++) { const e = errs[i]!; out.push({ param_path: base + e.param, err_code: e.err_code, err_msg: e.err_msg }); }
  return out;
}

/** The outcome of one obj_path: a message-level failure when failCode ≠ 0 (allow_partial=false → Error). */
export interface PathRun<O> {
  readonly outcome: O;
  readonly failCode: number;
  readonly failMsg: string;
  readonly failErrs: FullParamError[];
}

export interface WriteMessage<O> {
  readonly count: number;
  readonly allowPartial: boolean;
  /** Runs obj_path `i` in `tx`, pushing every instance path it touches into `touched`. */
  run(tx: Transaction, i: number, touched: string[]): PathRun<O>;
  /** The oper_failure of obj_path `i` after a unique-key failure found at the end. */
  failed(i: number, f: WriteFailure): O;
  /** The response once everything is committed. */
  respond(outcomes: O[]): MsgInit;
}

/** One obj_path of a Set or an Add: its path and its parameter settings. */
export interface ObjPathSettings<S extends WriteSetting> {
  readonly obj_path?: string | undefined;
  readonly param_settings?: readonly S[] | undefined;
}

/**
 * What a Set and an Add share as WriteMessages: their obj_paths and who writes them. An
 * object, not three closures over a scope (XS RAM while the state is written, #13 item 3);
 * each message writes an obj_path in its own run (no function field, no frame in between).
 */
export abstract class ObjPathsMessage<S extends WriteSetting, O> implements WriteMessage<O> {
  declare readonly count: number; // assigned in the constructor (no undefined first: flash, #13 item 4)

  constructor(
    protected readonly model: DataModelApi, protected readonly req: Requester, protected readonly policy: WritePolicy,
    protected readonly msgId: string, protected readonly objs: readonly ObjPathSettings<S>[], readonly allowPartial: boolean,
  ) {
    this.count = objs.length;
  }

  abstract run(tx: Transaction, i: number, touched: string[]): PathRun<O>;
  abstract failed(i: number, f: WriteFailure): O;
  abstract respond(outcomes: O[]): MsgInit;
}

/**
 * Set/Add message driver (§Order, R-SET.2a, R-ADD.2a): each obj_path is undone alone
 * when it fails; allow_partial=false turns any failure into an Error with nothing
 * committed; a duplicate key found by validate() fails its owning obj_path and the
 * message is re-run without it (at most `count` re-runs).
 */
export function runWriteMessage<O>(model: DataModelApi, msgId: string, w: WriteMessage<O>): MsgInit {
  let forced: Map<number, O> | null = null; // made at the first re-run only (XS slots at a Set, #13 item 3)
  for (let attempt = 0; attempt <= w.count; attempt++) {
    const tx = model.begin();
    const outcomes: O[] = [];
    const touched: string[][] = [];
    for (let i = 0; i < w.count; i++) {
      const paths: string[] = [];
      touched.push(paths);
      const f = forced?.get(i);
      if (f !== undefined) { outcomes.push(f); continue; }
      const mark = tx.mark();
      const out = w.run(tx, i, paths);
      if (out.failCode !== 0) {
        tx.rollbackTo(mark);
        if (!w.allowPartial) { tx.rollback(); return errorMsg(msgId, out.failCode, out.failMsg, out.failErrs); }
      }
      outcomes.push(out.outcome);
    }
    const failures = tx.validate();
    if (failures.length === 0) {
      tx.commit();
      return w.respond(outcomes);
    }
    tx.rollback();
    const f = failures[0]!;
    let owner = -1; // the obj_path whose touched instances include the failing path
    for (let i = 0; i < touched.length && owner < 0; i++) {
      for (let j = 0, list = touched[i]!; j < list.length; j++) if (f.path.startsWith(list[j]!)) { owner = i; break; }
    }
    if (!w.allowPartial || owner < 0) {
      const errs: FullParamError[] = [];
      for (let i = 0; i < failures.length; i++) { const x = failures[i]!; errs.push({ param_path: x.path, err_code: x.err, err_msg: x.message }); }
      return errorMsg(msgId, f.err, f.message, errs);
    }
    if (forced === null) forced = new Map<number, O>();
    forced.set(owner, w.failed(owner, f));
  }
  return errorMsg(msgId, DmError.InternalError, 'the message did not converge');
}
