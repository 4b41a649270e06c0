/**
 * The host agent process (`npm start`) against a hostile peer on the same network
 * (issue #16), loopback only: one datagram whose answer cannot be sent, and a stored
 * Controller address that cannot be reached, must not stop the agent; a real
 * Controller keeps getting answers. Names that fail to resolve fail inside the C
 * library (hostile-peer.ts: UNRESOLVABLE_HOST), so no DNS query leaves the machine.
 */
import { formatStoredState, parseStoredState } from '../dm/stored-state.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, getMsg, setMsg, type Msg } from '../../src/usp/index.ts';
import { UspController } from '../../tools/usp-ctl/controller.ts';
import { AGENT_ID, freePort, startAgentProcess, tempStateDir, type AgentProcess } from './agent-process.ts';
import { getRecord, HostilePeer, sleep, UNRESOLVABLE_HOST, uspPost } from './hostile-peer.ts';

const GHOST = 'self::ghost';
const GHOST_URI = `coap://${UNRESOLVABLE_HOST}:5683/usp`;

function friendlyName(m: Msg): string {
  const r = m.body?.response?.get_resp?.req_path_results[0];
  return r?.resolved_path_results[0]?.result_params['FriendlyName'] ?? `no GetResp: ${JSON.stringify(m)}`;
}

async function stillServes(agent: AgentProcess, ctl: UspController): Promise<void> {
  assert.is(agent.proc.exitCode, null, `the agent exited:\n${agent.stderr}`);
  const m = await ctl.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.FriendlyName'] }));
  assert.type(friendlyName(m), 'string');
}

const t = suite('main/hostile: a send that fails is per destination');

t('§hardening-1 a Record whose reply-to does not resolve is answered into the void; the agent keeps serving (Node)', async () => {
  const ctlPort = await freePort();
  const agent = await startAgentProcess(['--controller', `self::usp-ctl=coap://127.0.0.1:${ctlPort}/usp`, '--controller', `${GHOST}=${GHOST_URI}`]);
  const ctl = await UspController.open({ agentUri: agent.uri, agentId: AGENT_ID, endpointId: 'self::usp-ctl', port: ctlPort, timeoutMs: 5000 });
  const peer = await HostilePeer.open();
  try {
    // From the provisioned Controller's Endpoint ID, with its provisioned host as reply-to (so the
    // NoSec reply-to rule lets it through): the response's send fails in name resolution.
    await peer.send(uspPost({ mid: 1, replyTo: GHOST_URI, body: getRecord(GHOST, AGENT_ID, 'spoof-1') }), agent.port);
    await sleep(300);
    await stillServes(agent, ctl);
  } finally {
    peer.close();
    ctl.close();
    await agent.stop();
  }
});

t('§hardening-2 a stored Controller MTP that does not resolve + a persistent Boot! subscription: every start survives (no boot loop)', async () => {
  const ctlPort = await freePort();
  const state = tempStateDir();
  // usp-ctl's requests are answered at their reply-to; its notifications go to its MTP, which does not resolve.
  const args = ['--controller', `self::usp-ctl=${GHOST_URI}`];
  let agent = await startAgentProcess(args, state);
  let ctl = await UspController.open({ agentUri: agent.uri, agentId: AGENT_ID, endpointId: 'self::usp-ctl', port: ctlPort, timeoutMs: 5000 });
  try {
    const sub = (type: string, ref: string) => ctl.request((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
      ['Enable', 'true'], ['NotifType', type], ['ReferenceList', ref], ['Persistent', 'true'],
    ].map(([param, value]) => ({ param: param!, value: value!, required: true })) }] }));
    for (const [type, ref] of [['Event', 'Device.Boot!'], ['ValueChange', 'Device.DeviceInfo.FriendlyName']] as const) {
      const a = await sub(type, ref);
      assert.ok(a.body?.response?.add_resp?.created_obj_results[0]?.oper_status?.oper_success, JSON.stringify(a));
    }
    // A ValueChange to the unreachable Controller: its Notify cannot be sent.
    await ctl.request((id) => setMsg(id, { update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'x', required: true }] }] }));
    await sleep(300);
    await stillServes(agent, ctl);
    assert.is(await agent.stop(), 0);
    ctl.close();
    // Every later start sends Boot! to it first.
    for (let i = 0; i < 1; i++) {
      agent = await startAgentProcess(args, state);
      ctl = await UspController.open({ agentUri: agent.uri, agentId: AGENT_ID, endpointId: 'self::usp-ctl', port: ctlPort, timeoutMs: 5000 });
      await sleep(300);
      await stillServes(agent, ctl);
      assert.is(await agent.stop(), 0);
      ctl.close();
    }
    // The same with hostile values written straight into the stored state; usp-ctl is not named on the
    // command line now (provisioning would rewrite its row), self::other checks that the agent serves.
    const file = join(state, 'dm.kv');
    const doc = parseStoredState(readFileSync(file, 'utf8'));
    const coap = doc.o.find(([p]) => p === 'Device.LocalAgent.Controller.1.MTP.1.CoAP.')!;
    const otherPort = await freePort();
    for (const [port, host] of [['0', UNRESOLVABLE_HOST], ['70000', '::1'], ['5683', '[::1']]) {
      coap[1] = ['Host', host!, 'Port', port!, 'Path', 'usp\u0000?#', 'EnableEncryption', 'false'];
      writeFileSync(file, formatStoredState(doc));
      agent = await startAgentProcess(['--controller', `self::other=coap://127.0.0.1:${otherPort}/usp`], state);
      ctl = await UspController.open({ agentUri: agent.uri, agentId: AGENT_ID, endpointId: 'self::other', port: otherPort, timeoutMs: 5000 });
      await sleep(200);
      await stillServes(agent, ctl);
      assert.is(await agent.stop(), 0);
      ctl.close();
    }
  } finally {
    ctl.close();
    await agent.stop();
  }
});

const reflect = suite('main/hostile: NoSec reflection');

reflect('§hardening-5 a spoofed known Endpoint ID with another host as reply-to gets 4.03; nothing reaches that host', async () => {
  const agent = await startAgentProcess();
  const attacker = await HostilePeer.open('127.0.0.2', true);
  const victim = await HostilePeer.open('127.0.0.3');
  try {
    for (let i = 0; i < 20; i++) {
      await attacker.send(uspPost({ mid: i, replyTo: `coap://127.0.0.3:${victim.port}/usp`, body: getRecord('self::usp-ctl', AGENT_ID, `r-${i}`, 'Device.') }), agent.port);
    }
    await sleep(500);
    assert.is(victim.received, 0, 'not one datagram to the reply-to host');
    assert.is(attacker.datagrams.length, 20);
    assert.ok(attacker.datagrams.every((d) => d[1] === 0x83), 'every answer is a piggybacked 4.03 (0x83)');
  } finally {
    attacker.close();
    victim.close();
    await agent.stop();
  }
});

reflect('§hardening-5 reflection to the source address is bounded: 60 spoofed Gets of Device. (121 → 1 082-byte answers) get 8 answered at once, the rest 5.03', async () => {
  const agent = await startAgentProcess();
  const attacker = await HostilePeer.open('127.0.0.2', true);
  const victims = await Promise.all(Array.from({ length: 10 }, () => HostilePeer.open('127.0.0.2'))); // same host, ports that never answer
  try {
    let sent = 0;
    for (let i = 0; i < 60; i++) {
      const d = uspPost({ mid: i, replyTo: `coap://127.0.0.2:${victims[i % 10]!.port}/usp`, body: getRecord('self::usp-ctl', AGENT_ID, `a-${i}`, 'Device.') });
      sent += d.length;
      await attacker.send(d, agent.port);
    }
    await sleep(1000);
    // 8 at once (burst) + 4/s for the ~1 s the burst and the wait took; first transmissions only so far.
    const received = victims.reduce((n, v) => n + v.received, 0);
    assert.ok(received >= 8 && received <= 14, `${received} datagrams to the victim`);
    const unavailable = attacker.datagrams.filter((d) => d[1] === 0xa3).length;
    assert.ok(unavailable >= 46, `${unavailable} × 5.03`);
    assert.ok(sent > 0);
  } finally {
    attacker.close();
    for (const v of victims) v.close();
    await agent.stop();
  }
});

t.run();
reflect.run();
