/**
 * Asynchronous operations and Device.LocalAgent.Request.{i}. (TR-369 "Operate",
 * R-OPR.0, R-OPR.2, R-OPR.3, §Cancel, AGENT-REQUIREMENTS §1.11, §4 item 12).
 *
 * Each async command invocation gets its own Request row (Status Requested → Active →
 * Success/Error, or Canceling → Canceled), created by the agent (WriteMode.Agent) and
 * deleted once the OperationComplete notification has been produced. Operations never
 * survive a reboot (the table is volatile). Timers of operations (ScheduleTimer) are
 * absolute deadlines here. Bounded: at most `capacity` operations (7005 beyond).
 */
import { DmError, WriteMode, type CommandInvocation, type CommandOutcome, type DataModelApi } from '../dm/index.ts';

export const REQUEST_TABLE = 'Device.LocalAgent.Request.';

/** Starts an async command: returns its outcome when already done, or null while it runs. */
export type AsyncCommandHandler = (inv: CommandInvocation, requestPath: string) => CommandOutcome | null;

export interface Operation {
  readonly requestPath: string;
  /** The object the command ran on ("Device.") and its name ("ScheduleTimer()"). */
  readonly objPath: string;
  readonly commandName: string;
  readonly commandKey: string;
  readonly originator: string;
  /** Deadline of a timer-driven operation, Infinity otherwise. */
  dueAt: number;
  /** Outcome delivered when the timer fires. */
  timerOutcome: CommandOutcome | null;
  /** Called when a Controller cancels it (R-OPR.3: only then). */
  onCancel: (() => void) | null;
}

/** Produces the OperationComplete notification of a finished operation. */
/** Where finished operations go (the Notifier: OperationComplete); an object, not a closure (XS RAM, issue #13). */
export interface CompletionSink {
  operationComplete(op: Operation, outcome: CommandOutcome): void;
}

export class Requests {
  private readonly ops = new Map<string, Operation>();

  constructor(private readonly model: DataModelApi, readonly capacity: number, private readonly sink: CompletionSink) {}

  get size(): number { return this.ops.size; }

  get(requestPath: string): Operation | undefined { return this.ops.get(requestPath); }

  /** Creates the Request row; returns the operation, or an error code (7005 when full). */
  create(inv: CommandInvocation, originator: string): Operation | number {
    if (this.ops.size >= this.capacity) return DmError.ResourcesExceeded;
    const table = this.model.tableAt(REQUEST_TABLE);
    if (table === undefined) return DmError.InternalError;
    const tx = this.model.begin();
    const row = tx.add(table, WriteMode.Agent);
    if (row === null) { const e = tx.err; tx.rollback(); return e; }
    tx.set(row, 'Originator', originator, WriteMode.Agent);
    tx.set(row, 'Command', inv.path, WriteMode.Agent);
    tx.set(row, 'CommandKey', inv.commandKey, WriteMode.Agent);
    tx.set(row, 'Status', 'Requested', WriteMode.Agent);
    const err = tx.commit();
    if (err !== 0) { tx.rollback(); return err; }
    const op: Operation = {
      requestPath: row.path, objPath: inv.target.path, commandName: inv.command.name, commandKey: inv.commandKey,
      originator, dueAt: Infinity, timerOutcome: null, onCancel: null,
    };
    this.ops.set(row.path, op);
    return op;
  }

  setStatus(op: Operation, status: string): void {
    const row = this.model.instanceAt(op.requestPath);
    if (row === undefined) return;
    const tx = this.model.begin();
    tx.set(row, 'Status', status, WriteMode.Agent);
    tx.commit();
  }

  /** Finishes an operation: final Status, OperationComplete, row removed (R-OPR.0). */
  complete(requestPath: string, outcome: CommandOutcome): boolean {
    const op = this.ops.get(requestPath);
    if (op === undefined) return false;
    this.ops.delete(requestPath);
    this.setStatus(op, outcome.err === DmError.CommandCanceled ? 'Canceled' : outcome.err === 0 ? 'Success' : 'Error');
    this.sink.operationComplete(op, outcome);
    const row = this.model.instanceAt(requestPath);
    if (row !== undefined) {
      const tx = this.model.begin();
      tx.deleteInstance(row, WriteMode.Agent);
      tx.commit();
    }
    return true;
  }

  /** Request.{i}.Cancel() (§Cancel): Canceling → Canceled, OperationComplete with 7023. */
  cancel(requestPath: string): number {
    const op = this.ops.get(requestPath);
    if (op === undefined) return DmError.CommandFailure;
    this.setStatus(op, 'Canceling');
    if (op.onCancel !== null) op.onCancel();
    this.complete(requestPath, { err: DmError.CommandCanceled, message: 'canceled by Request.Cancel()', output: null });
    return 0;
  }

  /** Forgets every operation (the model was reset: their rows are gone, R-OPR §Persistence). */
  clear(): void {
    this.ops.clear();
  }

  /** Fires due timers (ScheduleTimer and other timed operations). */
  handleTimeout(now: number): void {
    for (const op of this.ops.values()) { // complete() deletes from the Map, never adds: iterating it live is exact
      if (op.dueAt <= now) this.complete(op.requestPath, op.timerOutcome ?? { err: 0, message: '', output: new Map() });
    }
  }

  pollTimeout(): number {
    let t = Infinity;
    for (const op of this.ops.values()) if (op.dueAt < t) t = op.dueAt;
    return t;
  }
}
