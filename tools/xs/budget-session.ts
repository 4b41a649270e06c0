/**
 * The heap budget of the whole agent inside the XS engine (xsnap-worker), shared by the
 * CI guard (test/xs/budget.xs.test.ts) and `npm run bench -- xs-budget`: the start:xs
 * bundle (src/main/xs-agent.ts) on the xs-host bridge — real UDP and a real state
 * directory — with the sim board's schema built ahead (flash on Moddable), driven by the
 * project's Controller over CoAP through the session the Moddable check runs:
 *
 *   boot (fresh) → Get, Set, Add of a persistent ValueChange subscription (FriendlyName
 *   and the LED's Value) and of a persistent Boot! subscription, Set with its Notify,
 *   Add + Delete, Operate Toggle() with its Notify, GetSupportedDM of Device., then a
 *   mixed session (Get / Set / GetSupportedDM in turn) → a new machine on the same
 *   state (the restart): Boot! to the stored subscription, a few Sets with their Notify.
 *
 * Slot counts are deterministic (XS slots are 16 B on a 32-bit ESP32). Figures exclude
 * the bundle's code and the schema (both preloaded into flash on Moddable):
 * - boot / reboot: live slots after a full GC once the agent answered its first request;
 * - after: live slots after the session;
 * - peak: per event, the live slots before it plus every slot it allocates (each crank
 *   starts from a collected heap and xsnap does not collect within one): an upper bound
 *   of what one event needs at once.
 * xsnap has no stack meter: the stack is measured in the Moddable simulator (test:moddable).
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../../src/config/host-setup.ts';
import type { XsAgentConfig } from '../../src/main/xs-agent.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { createConsoleLogger } from '../../src/platform/node/logger.ts';
import { LogLevel } from '../../src/platform/types.ts';
import { createXsHostBridge } from '../../src/platform/xs-host/host.ts';
import { addMsg, deleteMsg, getMsg, getSupportedDmMsg, operateMsg, setMsg, type Msg, type MsgInit } from '../../src/usp/index.ts';
import { ROOT } from '../build/targets.ts';
import { UspController } from '../usp-ctl/controller.ts';
import { bundleForXs } from './bundle.ts';
import { XsWorker } from './worker.ts';

const AGENT_ID = 'os::0A1B2C-SIM000001';
const CONTROLLER_ID = 'self::budget';

export interface BudgetFigures {
  /** Slots of the loaded bundle (flash when preloaded). */
  readonly code: number;
  /** Slots of the sim board's schema (flash: tinyusp/schemas is preloaded). */
  readonly schema: number;
  readonly boot: number;
  readonly peak: number;
  readonly after: number;
  readonly reboot: number;
  readonly rebootPeak: number;
  /** Requests answered with something other than a response. */
  readonly failures: number;
  /** Notify kinds received, in order ("value_change", "event"…). */
  readonly notifies: readonly string[];
}

export interface BudgetSessionOptions {
  /** The Moddable limits (CLASS2_PROFILE) rather than the host's. */
  readonly class2: boolean;
  /** Requests of the mixed session (default 100). */
  readonly requests?: number;
  /** A bundle of src/main/xs-agent.ts already built (default: built here). */
  readonly bundlePath?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function until(probe: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One machine: the agent booted in XS over `stateDir`, with a per-event peak meter. */
class Machine {
  peak = 0;
  /** Evaluations running in XS (events are handled one crank at a time). */
  busy = 0;
  private measuring = false;
  private ready = '';
  private constructor(readonly worker: XsWorker, private readonly bridge: ReturnType<typeof createXsHostBridge>) {}

  static async boot(bundle: string, stateDir: string, config: XsAgentConfig, board: string): Promise<{ m: Machine; code: number; schema: number; loaded: number }> {
    const platform = createNodePlatform({ stateDir, logger: createConsoleLogger(LogLevel.Error, () => undefined) });
    const bridge = createXsHostBridge({ platform, onError: (e) => console.error(e) });
    let machine: Machine | null = null;
    const worker = XsWorker.start({
      onCommand: (req) => bridge.handleCommand(req),
      onPrint: (t) => { if (machine !== null && t.includes('tinyusp ready')) machine.ready = t.trim(); },
    });
    machine = new Machine(worker, bridge);
    const empty = await worker.heapAfterGc();
    await worker.loadBundle(bundle, 'tinyusp');
    const code = await worker.heapAfterGc();
    await worker.evaluate(`tinyusp.preloadSchema(${JSON.stringify(board)})`);
    const loaded = await worker.heapAfterGc();
    const m = machine;
    bridge.attach(async (js) => {
      m.busy++;
      try {
        const r = await worker.evaluate(m.measuring ? `gc(); ${js}` : js);
        if (m.measuring) m.peak = Math.max(m.peak, r.meter.currentHeapCount);
        return r;
      } finally {
        m.busy--;
      }
    });
    await worker.evaluate(`tinyusp.start(${JSON.stringify(JSON.stringify(config))})`);
    await until(() => m.ready !== '', 10000, 'the agent in XS');
    return { m, code: code - empty, schema: loaded - code, loaded };
  }

  measure(on: boolean): void { this.measuring = on; }

  /**
   * Resolves once XS has been idle for a while: the next request then starts a crank of
   * its own. (XS reads datagrams that arrive while it runs within the same crank, and
   * xsnap collects nothing within a crank, so back-to-back requests would add up.)
   */
  async idle(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      await new Promise((r) => setTimeout(r, 2));
      quiet = this.busy === 0 ? quiet + 1 : 0;
    }
  }

  close(): void {
    this.bridge.close();
    this.worker.close();
  }
}

/** Boots the agent in XS, runs the session, restarts it on the stored state; returns the figures. */
export async function runBudgetSession(o: BudgetSessionOptions): Promise<BudgetFigures> {
  const board = loadBoard('sim');
  if (typeof board === 'string') throw new Error(board);
  const boardJson = JSON.stringify(board);
  const bundle = o.bundlePath ?? await bundleForXs(join(ROOT, 'src/main/xs-agent.ts'));
  const stateDir = join(mkdtempSync(join(tmpdir(), 'tinyusp-budget-')), 'state');
  const notifies: string[] = [];
  const ctl = await UspController.open({ agentUri: '', agentId: AGENT_ID, endpointId: CONTROLLER_ID, timeoutMs: 5000 });
  ctl.onNotify = (n) => { notifies.push(n.notify.notification ?? ''); };
  const port = await freePort();
  const config: XsAgentConfig = {
    endpointId: AGENT_ID, board, serialNumber: 'SIM000001', softwareVersion: '0.1.0', host: '127.0.0.1', coapPort: port,
    coapPath: '/usp', controllers: [{ endpointId: CONTROLLER_ID, uri: ctl.uri }], logLevel: LogLevel.Error, class2: o.class2,
  };
  (ctl as unknown as { o: { agentUri: string } }).o.agentUri = `coap://127.0.0.1:${port}/usp`;
  let failures = 0;
  let current: Machine | null = null;
  const ask = async (build: (id: string) => MsgInit): Promise<Msg> => {
    await current?.idle();
    const m = await ctl.request(build);
    if (m.body?.msg_body !== 'response') failures++;
    return m;
  };
  const settle = async (): Promise<void> => { // a Notify and its NotifyResp
    await new Promise((r) => setTimeout(r, 50));
    await current?.idle();
  };
  const friendlyName = (v: string) => (id: string) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: v }] }] });
  const subscription = (sid: string, type: string, refs: string) => (id: string) => addMsg(id, {
    allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
      { param: 'ID', value: sid, required: true }, { param: 'NotifType', value: type, required: true }, { param: 'ReferenceList', value: refs, required: true },
      { param: 'Persistent', value: 'true', required: true }, { param: 'NotifRetry', value: 'true', required: true }, { param: 'Enable', value: 'true', required: true }] }],
  });
  let first: Awaited<ReturnType<typeof Machine.boot>> | null = null;
  let second: Awaited<ReturnType<typeof Machine.boot>> | null = null;
  try {
    first = await Machine.boot(bundle, stateDir, config, boardJson);
    const m = first.m;
    current = m;
    await ask((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.'] })); // lazily built buffers count as boot state
    const boot = (await m.worker.heapAfterGc()) - first.loaded;
    m.measure(true);
    await ask(friendlyName('budget 0'));
    await ask(subscription('vc', 'ValueChange', 'Device.DeviceInfo.FriendlyName,Device.IoTCapability.1.BinaryControl.Value'));
    await ask(subscription('boot', 'Event', 'Device.Boot!'));
    await ask(friendlyName('budget 1'));
    await settle();
    const added = await ask((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [{ param: 'ID', value: 'tmp', required: true }] }] }));
    const path = added.body?.response?.add_resp?.created_obj_results[0]?.oper_status?.oper_success?.instantiated_path ?? 'Device.LocalAgent.Subscription.99.';
    await ask((id) => deleteMsg(id, { allow_partial: false, obj_paths: [path] }));
    await ask((id) => operateMsg(id, { command: 'Device.IoTCapability.1.BinaryControl.Toggle()', command_key: 'budget', send_resp: true }));
    await settle();
    await ask((id) => getSupportedDmMsg(id, { obj_paths: ['Device.'], return_commands: true, return_events: true, return_params: true }));
    const requests = o.requests ?? 100;
    for (let i = 0; i < requests; i++) {
      await ask(i % 3 === 0 ? (id) => getMsg(id, { param_paths: ['Device.DeviceInfo.', 'Device.IoTCapability.'] })
        : i % 3 === 1 ? friendlyName(`mixed ${i}`)
          : (id) => getSupportedDmMsg(id, { obj_paths: ['Device.LocalAgent.'], return_commands: true, return_events: true, return_params: true }));
    }
    await settle();
    m.measure(false);
    const after = (await m.worker.heapAfterGc()) - first.loaded;
    const peak = m.peak - first.loaded;
    await m.worker.evaluate('tinyusp.stop()');
    m.close();
    first = null;
    second = await Machine.boot(bundle, stateDir, config, boardJson);
    const r = second.m;
    current = r;
    await settle(); // Boot! to the stored subscription
    await ask((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.FriendlyName'] }));
    const reboot = (await r.worker.heapAfterGc()) - second.loaded;
    r.measure(true);
    for (let i = 0; i < 10; i++) await ask(friendlyName(`after restart ${i}`));
    await settle();
    r.measure(false);
    return {
      code: second.code, schema: second.schema, boot, peak, after, reboot, rebootPeak: r.peak - second.loaded, failures, notifies,
    };
  } finally {
    ctl.close();
    first?.m.close();
    second?.m.close();
  }
}
