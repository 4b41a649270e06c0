/**
 * Interop of the agent dialing Controllers over WebSocket (R-WS.5) with a server we did
 * not write: the npm `ws` WebSocketServer speaking protobufjs Records
 * (ws-controller.ts), against the real `npm start -- --controller <eid>=ws://…` agent
 * process. TP-469 chapter 7 tests by number; the retry waits are measured against the
 * R-WS.19 formula.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { AGENT_ID, startAgentProcess, type AgentProcess } from '../../main/agent-process.ts';
import { main as uspCtl } from '../../../tools/usp-ctl/index.ts';
import { sessionRetryRangeS } from '../../../src/mtp/websocket/retry.ts';
import { startTestServer } from './ws-server.ts';

const CTL = 'self::ws-controller';

async function agentWith(args: string[]): Promise<AgentProcess> {
  return startAgentProcess(args);
}

async function stop(a: AgentProcess): Promise<void> {
  await a.stop();
  rmSync(a.stateDir, { recursive: true, force: true });
}

const dial = suite('mtp/websocket dialer (agent ⇄ ws server)');

dial('R-WS.5 TP-469 7.1/7.10/7.11: the agent dials with eid in the query, sends a WebSocketConnectRecord, serves requests and notifies', async () => {
  const srv = await startTestServer(CTL, AGENT_ID);
  const agent = await agentWith(['--controller', `${CTL}=ws://127.0.0.1:${srv.port}/usp`]);
  try {
    const c = await srv.next();
    assert.is(srv.urls[0], '/usp?eid=os%3A%3A0A1B2C-SIM000001', 'R-WS.10b/10c the Endpoint ID percent-encoded as opaque data');
    assert.is(c.ws.protocol, 'v1.usp');
    await c.until(() => c.records.length > 0);
    assert.ok(c.records[0]!.websocketConnect !== undefined, 'R-MTP.6 / TP-469 7.10');
    assert.equal([c.records[0]!.fromId, c.records[0]!.toId], [AGENT_ID, CTL]);
    const get = await c.request('GET', 'get', { paramPaths: ['Device.DeviceInfo.SerialNumber'] });
    assert.ok(JSON.stringify(get).includes('SIM000001'), 'TP-469 7.1 GetResponse over the agent\'s session');
    await c.request('ADD', 'add', { createObjs: [{ objPath: 'Device.LocalAgent.Subscription.', paramSettings: [
      { param: 'Enable', value: 'true', required: true }, { param: 'ID', value: 'dial-vc', required: true },
      { param: 'NotifType', value: 'ValueChange', required: true }, { param: 'ReferenceList', value: 'Device.DeviceInfo.FriendlyName', required: true },
    ] }] });
    await c.request('SET', 'set', { updateObjs: [{ objPath: 'Device.DeviceInfo.', paramSettings: [{ param: 'FriendlyName', value: 'dialed', required: true }] }] });
    await c.until(() => c.notifies.length > 0);
    assert.ok(JSON.stringify(c.notifies[0]).includes('dialed'));
    const rows = await c.request('GET', 'get', { paramPaths: ['Device.LocalAgent.Controller.1.MTP.1.WebSocket.'] });
    const text = JSON.stringify(rows);
    for (const want of [`"Host":"127.0.0.1"`, `"Port":"${srv.port}"`, '"Path":"usp"', '"EnableEncryption":"false"', '"CurrentRetryCount":"0"',
      '"SessionRetryMinimumWaitInterval":"5"', '"SessionRetryIntervalMultiplier":"2000"', '"KeepAliveInterval":"60"']) {
      assert.ok(text.includes(want), `${want} in ${text}`);
    }
  } finally {
    await stop(agent);
    await srv.close();
  }
});

dial('TP-469 7.8 R-WS.19/20: after the TCP connection drops, retries wait m..m·k then m·k..m·k² (m=1 s, k=2000), the count resets once up', async () => {
  const srv = await startTestServer(CTL, AGENT_ID);
  const agent = await agentWith(['--controller', `${CTL}=ws://127.0.0.1:${srv.port}/usp`, '--controller', 'self::usp-ctl=coap://127.0.0.1:5685/usp']);
  try {
    const c = await srv.next();
    const path = `Device.LocalAgent.Controller.[EndpointID=="${CTL}"].MTP.[Protocol=="WebSocket"].WebSocket.`;
    const set = await c.request('SET', 'set', { updateObjs: [{ objPath: path, paramSettings: [{ param: 'SessionRetryMinimumWaitInterval', value: '1', required: true }] }] });
    assert.ok(JSON.stringify(set).includes('updatedInstResults'), JSON.stringify(set));
    await new Promise((r) => setTimeout(r, 100)); // the agent applies it after the SetResp
    srv.accepting = false;
    const dropped = performance.now();
    c.ws.terminate(); // TP-469 7.8 step 2: the TCP connection ends without a Close frame
    const until = Date.now() + 8000;
    while (srv.attempts.length < 3 && Date.now() < until) {
      if (srv.attempts.length === 2) srv.accepting = true; // step 4: the second retry is accepted
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.is(srv.attempts.length, 3, `attempts: ${srv.attempts.length}`);
    const first = srv.attempts[1]! - dropped;
    const second = srv.attempts[2]! - srv.attempts[1]!;
    const [l1, h1] = sessionRetryRangeS(1, { minimumWaitS: 1, intervalMultiplier: 2000 });
    const [l2, h2] = sessionRetryRangeS(2, { minimumWaitS: 1, intervalMultiplier: 2000 });
    assert.equal([l1, h1, l2, h2], [1, 2, 2, 4]);
    // Timers may fire a little late, never early; the refused attempt itself takes a few ms.
    assert.ok(first >= l1 * 1000 - 5 && first <= h1 * 1000 + 250, `retry #1 after ${first.toFixed(0)} ms, R-WS.19 says ${l1}-${h1} s`);
    assert.ok(second >= l2 * 1000 - 5 && second <= h2 * 1000 + 250, `retry #2 after ${second.toFixed(0)} ms, R-WS.19 says ${l2}-${h2} s`);
    console.log(`  measured: retry #1 ${first.toFixed(0)} ms (R-WS.19: ${l1 * 1000}-${h1 * 1000}), retry #2 ${second.toFixed(0)} ms (${l2 * 1000}-${h2 * 1000})`);
    const again = await srv.next();
    const got = await again.request('GET', 'get', { paramPaths: [`${path}CurrentRetryCount`] });
    assert.ok(JSON.stringify(got).includes('"CurrentRetryCount":"0"'), `R-WS.20 reset once up: ${JSON.stringify(got)}`);
  } finally {
    await stop(agent);
    await srv.close();
  }
});

dial('R-WS.19 CurrentRetryCount counts the retries while the Controller refuses (read over CoAP by usp-ctl)', async () => {
  const srv = await startTestServer(CTL, AGENT_ID);
  srv.accepting = false;
  const agent = await agentWith(['--controller', `${CTL}=ws://127.0.0.1:${srv.port}/usp`, '--controller', 'self::usp-ctl=coap://127.0.0.1:5685/usp']);
  try {
    const until = Date.now() + 3000;
    while (srv.attempts.length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    const out: string[] = [];
    const code = await uspCtl(['get', 'Device.LocalAgent.Controller.*.MTP.*.WebSocket.CurrentRetryCount', '--agent', agent.uri, '--timeout', '3000'], (l) => out.push(l), (l) => out.push(l));
    assert.is(code, 0, out.join('\n'));
    assert.ok(out.some((l) => /WebSocket\.CurrentRetryCount = 1$/.test(l)), out.join('\n'));
  } finally {
    await stop(agent);
    await srv.close();
  }
});

dial('R-WS.19 a Controller server restart: connection refused while it is down, the agent is back within the retry bounds (m=1 s, k=2000)', async () => {
  const srv = await startTestServer(CTL, AGENT_ID);
  const port = srv.port;
  const agent = await agentWith(['--controller', `${CTL}=ws://127.0.0.1:${port}/usp`]);
  try {
    const c = await srv.next();
    const path = `Device.LocalAgent.Controller.[EndpointID=="${CTL}"].MTP.[Protocol=="WebSocket"].WebSocket.`;
    await c.request('SET', 'set', { updateObjs: [{ objPath: path, paramSettings: [{ param: 'SessionRetryMinimumWaitInterval', value: '1', required: true }] }] });
    await new Promise((r) => setTimeout(r, 100));
    const down = performance.now();
    await srv.close(); // the process goes away: sessions dropped, the port refuses connections
    await new Promise((r) => setTimeout(r, 2600)); // retry #1 (1-2 s) meets a closed port
    const again = await startTestServer(CTL, AGENT_ID, undefined, port);
    try {
      const back = await again.next(8000);
      const t = performance.now() - down;
      // Retry #1 at 1-2 s fails; retry #2 waits 2-4 s more: back between 3 and 6 s (timers never fire early; a little late is allowed).
      assert.ok(t >= 3000 && t <= 6300, `back after ${t.toFixed(0)} ms; R-WS.19 says 3000-6000`);
      console.log(`  measured: the agent was back ${t.toFixed(0)} ms after the server went down (R-WS.19: 3000-6000)`);
      const get = await back.request('GET', 'get', { paramPaths: [`${path}CurrentRetryCount`] });
      assert.ok(JSON.stringify(get).includes('"CurrentRetryCount":"0"'), 'R-WS.20');
    } finally {
      await again.close();
    }
  } finally {
    await stop(agent);
  }
});

dial.run();
