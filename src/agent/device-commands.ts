/**
 * The commands the agent itself implements (TR-181 Device.Reboot(), FactoryReset(),
 * ScheduleTimer(), LocalAgent.Controller.{i}.SendOnBoardRequest(),
 * LocalAgent.Request.{i}.Cancel(); AGENT-REQUIREMENTS §1.11, R-NOT.5, §4 item 13).
 *
 * Reboot()/FactoryReset() persist the CommandKey and Cause for Boot! first, answer,
 * and ask the platform hook to act after `rebootDelayMs` (so the response leaves).
 * ScheduleTimer() completes after DelaySeconds through a Request deadline.
 * SendOnBoardRequest() works for enabled Controllers only (onboarding.ts: OnBoardingComplete=false, restarts).
 */
import { DmError, type CommandOutcome, type DataModelApi } from '../dm/index.ts';
import type { Requests, AsyncCommandHandler } from './requests.ts';

/** The agent itself (no object of closures beside it: XS RAM, #13 item 3). */
export interface CommandHost {
  readonly model: DataModelApi;
  readonly requests: Requests;
  readonly onBoarding: { request(controllerPath: string): number };
  /** Persist Boot! information and schedule the platform action. */
  scheduleRestart(kind: 'reboot' | 'factoryReset', cause: string, commandKey: string): void;
  registerAsyncCommand(path: string, handler: AsyncCommandHandler): number;
}

const OK: CommandOutcome = { err: 0, message: '', output: new Map() };

export function registerDeviceCommands(h: CommandHost): void {
  const m = h.model;
  m.registerCommand('Device.Reboot()', (_m, inv) => {
    h.scheduleRestart('reboot', inv.input.get('Cause') || 'RemoteReboot', inv.commandKey);
    return OK;
  });
  m.registerCommand('Device.FactoryReset()', (_m, inv) => {
    h.scheduleRestart('factoryReset', inv.input.get('Cause') === 'LocalFactoryReset' ? 'LocalFactoryReset' : 'RemoteFactoryReset', inv.commandKey);
    return OK;
  });
  h.registerAsyncCommand('Device.ScheduleTimer()', (inv, requestPath) => {
    const op = h.requests.get(requestPath);
    if (op === undefined) return { err: DmError.CommandFailure, message: 'no request', output: null };
    op.dueAt = m.context.now + Number(inv.input.get('DelaySeconds')) * 1000;
    return null;
  });
  m.registerCommand('Device.LocalAgent.Controller.{i}.SendOnBoardRequest()', (_m, inv) => {
    const err = h.onBoarding.request(inv.target.path);
    return err === 0 ? OK : { err, message: 'the Controller is not enabled', output: null };
  });
  m.registerCommand('Device.LocalAgent.Request.{i}.Cancel()', (_m, inv) => {
    const err = h.requests.cancel(inv.target.path);
    return err === 0 ? OK : { err, message: `${inv.target.path} is not running`, output: null };
  });
}
