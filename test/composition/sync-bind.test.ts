/**
 * startHostAgent on a platform that binds UDP synchronously, as Moddable's ECMA-419 UDP
 * does (src/platform/moddable/udp.ts calls onReady inside openUdp): the agent starts
 * exactly once — one NoSec warning (D3), one ready callback — and only after its CoAP
 * endpoint exists, so the Boot! Notify of a stored persistent subscription is sent
 * (§Boot!, R-NOT.0). Before the fix the start ran from inside openUdp (Boot! sent through
 * no endpoint) and a second time from the MQTT-only fallback (issue #13).
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startHostAgent, type HostAgent } from '../../src/composition/agent-host.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { createConsoleLogger } from '../../src/platform/node/logger.ts';
import { LogLevel, type Platform } from '../../src/platform/types.ts';
import { addMsg } from '../../src/usp/index.ts';
import { UspController, type NotifyEvent } from '../../tools/usp-ctl/controller.ts';
import { BOARD } from '../dm/example-model.ts';
import { createDeviceSchema, iotCapabilityObjects } from '../../src/dm/index.ts';

const AGENT_ID = 'os::0A1B2C-SYNC1';
const CONTROLLER_ID = 'self::sync';

const freePort = (): Promise<number> => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** The Node platform, but onReady runs inside openUdp with the port asked for (Moddable's order). */
function synchronousBinding(base: Platform): Platform {
  return {
    ...base,
    openUdp(options) {
      // The options' callbacks may be methods of its class (endpoint.ts): inherit them, replace onReady.
      const socket = base.openUdp(Object.assign(Object.create(options) as typeof options, { onReady: () => undefined }));
      options.onReady?.(options.port);
      return socket;
    },
  };
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const t = suite('composition/agent-host with a synchronous UDP bind (Moddable)');

t('D3 §Boot! one start: one NoSec warning, one ready callback, and the stored Boot! subscription is notified', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'tinyusp-syncbind-'));
  const port = await freePort();
  const notifies: NotifyEvent[] = [];
  const ctl = await UspController.open({ agentUri: `coap://127.0.0.1:${port}/usp`, agentId: AGENT_ID, endpointId: CONTROLLER_ID, timeoutMs: 5000 });
  ctl.onNotify = (n) => notifies.push(n);
  const start = (platform: Platform, onReady: (uri: string) => void): HostAgent => startHostAgent({
    platform, endpointId: AGENT_ID, board: BOARD, schema: createDeviceSchema(iotCapabilityObjects(BOARD)), serialNumber: 'SYNC1', softwareVersion: '1.0', host: '127.0.0.1',
    coapPort: port, coapPath: '/usp', controllers: [{ endpointId: CONTROLLER_ID, uri: ctl.uri }], onReady,
  });
  let host: HostAgent | null = null;
  try {
    // First boot on the ordinary (asynchronous) Node binding: store a persistent Boot! subscription.
    let up = false;
    host = start(createNodePlatform({ stateDir, logLevel: LogLevel.Error }), () => { up = true; });
    await until(() => (up ? true : undefined), 'the first boot');
    const add = await ctl.request((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
      { param: 'Enable', value: 'true' }, { param: 'ID', value: 'boot' }, { param: 'NotifType', value: 'Event' },
      { param: 'ReferenceList', value: 'Device.Boot!' }, { param: 'Persistent', value: 'true' }] }] }));
    assert.ok(add.body?.response?.add_resp?.created_obj_results[0]?.oper_status?.oper_success, JSON.stringify(add.body));
    host.close();

    // Second boot, Moddable's order: the socket is bound before startCoapEndpoint returns.
    const lines: string[] = [];
    const readies: string[] = [];
    const platform = synchronousBinding(createNodePlatform({ stateDir, logger: createConsoleLogger(LogLevel.Warn, (l) => lines.push(l)) }));
    host = start(platform, (uri) => readies.push(uri));
    const boot = await until(() => notifies.find((n) => n.notify.event?.event_name === 'Boot!'), 'the Boot! Notify');
    assert.is(boot.notify.subscription_id, 'boot');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(readies, [`coap://127.0.0.1:${port}/usp`], 'ready once');
    assert.is(lines.filter((l) => l.includes('NoSec')).length, 1, `one NoSec warning in:\n${lines.join('\n')}`);
    assert.is(notifies.filter((n) => n.notify.event?.event_name === 'Boot!').length, 1, 'Boot! once');
  } finally {
    host?.close();
    ctl.close();
  }
});

t.run();
