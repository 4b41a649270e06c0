/**
 * usp-ctl over WebSocket in both directions against the real agent process: `--ws`
 * dials the agent's listener (R-WS.6), `--ws-listen` is the server the agent dials
 * (R-WS.5) — Get, Set, a Subscription and its Notify through `listen`.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { main as uspCtl } from '../../tools/usp-ctl/index.ts';
import { startAgentProcess, type AgentProcess } from '../main/agent-process.ts';

function freeTcpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0)); });
  });
}

async function ctl(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await uspCtl(args, (l) => out.push(l), (l) => out.push(l));
  return { code, out };
}

async function stop(a: AgentProcess): Promise<void> {
  await a.stop();
  rmSync(a.stateDir, { recursive: true, force: true });
}

const t = suite('tools/usp-ctl over WebSocket');

t('R-WS.6 usp-ctl --ws dials the agent\'s listener: get, set', async () => {
  const agent = await startAgentProcess(['--ws-port', '0']);
  try {
    const until = Date.now() + 10000;
    let m: RegExpExecArray | null;
    while ((m = /tinyusp ws listening (ws:\/\/\S+)/.exec(agent.stdout)) === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const url = m![1]!;
    const set = await ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=via-ws', '--ws', url]);
    assert.is(set.code, 0, set.out.join('\n'));
    const get = await ctl(['get', 'Device.DeviceInfo.FriendlyName', '--ws', url]);
    assert.equal(get.out, ['Device.DeviceInfo.FriendlyName = via-ws']);
    const bad = await ctl(['get', 'Device.', '--ws', url, '--endpoint-id', 'self::stranger']);
    assert.is(bad.code, 1);
    assert.ok(bad.out.some((l) => l.includes('HTTP 403')), bad.out.join('\n'));
  } finally {
    await stop(agent);
  }
});

t('R-WS.5 usp-ctl --ws-listen is the server the agent dials: set, subscribe, then listen prints the Notify', async () => {
  const port = await freeTcpPort();
  const me = 'Device.LocalAgent.Controller.[EndpointID=="self::usp-ctl"].MTP.[Protocol=="WebSocket"].WebSocket.';
  const wsFlags = ['--ws-listen', String(port), '--timeout', '15000'];
  // R-WS.19: m = 1 s, so the agent dials again soon after each usp-ctl run ends its session.
  const first = ctl(['set', me, 'SessionRetryMinimumWaitInterval=1', ...wsFlags]);
  const agent = await startAgentProcess(['--controller', `self::usp-ctl=ws://127.0.0.1:${port}/usp`, '--controller', 'self::other=coap://127.0.0.1:5685/usp']);
  try {
    const set = await first;
    assert.is(set.code, 0, set.out.join('\n'));
    const get = await ctl(['get', 'Device.DeviceInfo.SerialNumber', ...wsFlags]);
    assert.equal(get.out, ['Device.DeviceInfo.SerialNumber = SIM000001']);
    const sub = await ctl(['subscribe', 'ValueChange', 'Device.DeviceInfo.FriendlyName', '--id', 'ws-listen', ...wsFlags]);
    assert.is(sub.code, 0, sub.out.join('\n'));
    // `listen` prints "usp-ctl listening on …" once the agent's session is up.
    const heardLines: string[] = [];
    const listening = uspCtl(['listen', '--count', '1', ...wsFlags], (l) => heardLines.push(l), (l) => heardLines.push(l));
    const until = Date.now() + 10000;
    while (!heardLines.some((l) => l.startsWith('usp-ctl listening on'))) {
      if (Date.now() > until) throw new Error('the agent did not dial listen');
      await new Promise((w) => setTimeout(w, 20));
    }
    const other = ['--agent', agent.uri, '--endpoint-id', 'self::other'];
    const change = await ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=notified-over-ws', ...other]);
    assert.is(change.code, 0, change.out.join('\n'));
    assert.is(await listening, 0, heardLines.join('\n'));
    assert.ok(heardLines.some((l) => l.includes('notified-over-ws')), heardLines.join('\n'));
  } finally {
    await stop(agent);
  }
});

t.run();
