/**
 * On-boarding a Controller (TR-369 R-NOT.5/6; TR-181 Device.LocalAgent.Controller.{i}.
 * SendOnBoardRequest(), OnBoardingComplete, OnBoardingRestartTime; TP-469 1.60, 1.101–1.103).
 *
 * SendOnBoardRequest() sets OnBoardingComplete=false and queues an OnBoardRequest (retried
 * like any Notify until its NotifyResp). OnBoardingComplete belongs to the Controller: the
 * NotifyResp does not set it true (TR-181: "SHOULD be set to true by the Controller when it
 * is done with its onboarding procedure"). While it stays false and OnBoardingRestartTime
 * is > 0, a new OnBoardRequest goes out that many seconds after the NotifyResp of the
 * previous one; setting OnBoardingComplete=true (or 0, or disabling/deleting the
 * Controller) stops it, judged when the restart falls due.
 *
 * Invariant: both tables are bounded (by the notify queue's capacity); deadlines are
 * monotonic ms, the state is not persisted (a restart forgets pending restarts).
 */
import { DmError, WriteMode, type DataModelApi } from '../dm/index.ts';
import { readParam } from './get.ts';

export class OnBoarding {
  /** msg_id → Controller row path of OnBoardRequests waiting for their NotifyResp. */
  private readonly waiting = new Map<string, string>();
  /** Controller row path → when its next OnBoardRequest is due (OnBoardingRestartTime). */
  private readonly restarts = new Map<string, number>();

  /**
   * @param send (the Notifier; an object, not a closure: XS RAM) queues one OnBoardRequest to the Controller row: its msg_id, or a USP error code
   * @param capacity bound on each table (the notify queue's)
   */
  constructor(
    private readonly model: DataModelApi,
    private readonly send: { onBoardRequest(controllerPath: string): string | number },
    private readonly capacity: number,
  ) {}

  /** SendOnBoardRequest(): OnBoardingComplete=false, then the OnBoardRequest. 0 or a USP error code. */
  request(controllerPath: string): number {
    const c = this.model.instanceAt(controllerPath);
    if (c === undefined || readParam(this.model, c, 'Enable') !== 'true') return DmError.CommandFailure; // enabled Controllers only, nothing changed
    const tx = this.model.begin();
    tx.set(c, 'OnBoardingComplete', 'false', WriteMode.Agent);
    tx.commit();
    this.restarts.delete(controllerPath);
    const sent = this.send.onBoardRequest(controllerPath);
    if (typeof sent === 'number') return sent;
    if (this.waiting.size >= this.capacity) this.waiting.clear();
    this.waiting.set(sent, controllerPath);
    return 0;
  }

  /** A NotifyResp matched Notify `msgId` at `now`: if it was an OnBoardRequest, arm its restart. */
  acknowledged(msgId: string, now: number): void {
    const path = this.waiting.get(msgId);
    if (path === undefined) return;
    this.waiting.delete(msgId);
    const seconds = this.restartSeconds(path);
    if (seconds <= 0) return;
    if (this.restarts.size >= this.capacity && !this.restarts.has(path)) return;
    this.restarts.set(path, now + seconds * 1000);
  }

  /** OnBoardingRestartTime of a Controller still on-boarding (enabled, OnBoardingComplete=false), else 0. */
  private restartSeconds(path: string): number {
    const c = this.model.instanceAt(path);
    if (c === undefined || readParam(this.model, c, 'Enable') !== 'true' || readParam(this.model, c, 'OnBoardingComplete') !== 'false') return 0;
    return Number(readParam(this.model, c, 'OnBoardingRestartTime')) || 0;
  }

  /** Sends the OnBoardRequests that fell due (still wanted) at `now`. */
  handleTimeout(now: number): void {
    // Keys, each value read: no [key, value] array per entry. request() deletes from the Map, never adds: iterating it live is exact.
    for (const path of this.restarts.keys()) {
      if (this.restarts.get(path)! > now) continue;
      this.restarts.delete(path);
      if (this.restartSeconds(path) > 0) this.request(path);
    }
  }

  pollTimeout(): number {
    let t = Infinity;
    for (const due of this.restarts.values()) if (due < t) t = due;
    return t;
  }

  /** After a factory reset: nothing is pending. */
  clear(): void {
    this.waiting.clear();
    this.restarts.clear();
  }
}
