/**
 * usp-ctl, the controller CLI, against the real host agent process over UDP: every
 * command, subscribe + listen (a Set on a subscribed parameter is printed as a
 * ValueChange), a large GetSupportedDM response sent block-wise, and a lossy relay
 * (drops and duplicates, seeded) between the controller and the agent.
 */
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CoapMessageView, CoapOption } from '../../src/coap/index.ts';
import { getMsg, getSupportedDmMsg, setMsg } from '../../src/usp/index.ts';
import { ROOT } from '../../tools/build/targets.ts';
import { UspController } from '../../tools/usp-ctl/controller.ts';
import { main } from '../../tools/usp-ctl/index.ts';
import { AGENT_ID, freePort, startAgentProcess, UdpRelay, type AgentProcess } from '../main/agent-process.ts';

let agent: AgentProcess;
let listenPort = 0;

async function ctl(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, '--agent', agent.uri, '--timeout', '5000'], (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

const cli = suite('tools/usp-ctl against the host agent');

cli.before(async () => {
  listenPort = await freePort();
  agent = await startAgentProcess(['--controller', `self::usp-ctl=coap://127.0.0.1:${listenPort}/usp`, '--coap-ack-timeout', '100']);
});
cli.after(async () => { await agent.stop(); });

cli('R-COAP.2a npm run ctl -- get Device.DeviceInfo. (a separate process) prints the board identity', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/usp-ctl/index.ts', 'get', 'Device.DeviceInfo.', '--agent', agent.uri], { cwd: ROOT });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  assert.is(code, 0);
  assert.match(out, /^Device\.DeviceInfo\.Manufacturer = tinyusp project$/m);
  assert.match(out, /^Device\.DeviceInfo\.SerialNumber = SIM000001$/m);
});

cli('R-GET.1 get with --json; an unknown path prints 7026 and exits 1', async () => {
  const j = await ctl('get', 'Device.DeviceInfo.ModelName', '--json');
  assert.is(j.code, 0);
  const body = JSON.parse(j.out.join('\n')) as { response: { get_resp: { req_path_results: { resolved_path_results: { result_params: Record<string, string> }[] }[] } } };
  assert.is(body.response.get_resp.req_path_results[0]!.resolved_path_results[0]!.result_params.ModelName, 'tinyusp host simulator');
  const bad = await ctl('get', 'Device.NoSuchThing.');
  assert.is(bad.code, 1);
  assert.match(bad.out.join('\n'), /error 7026/);
});

cli('R-SET/R-ADD/R-DEL set, add, instances and delete change the model', async () => {
  const s = await ctl('set', 'Device.DeviceInfo.', 'ProvisioningCode=abc');
  assert.equal([s.code, s.out], [0, ['Device.DeviceInfo.ProvisioningCode = abc']]);
  const a = await ctl('add', 'Device.LocalAgent.Controller.', 'EndpointID=self::other');
  assert.is(a.code, 0);
  const path = /^created (Device\.LocalAgent\.Controller\.\d+\.)$/.exec(a.out[0]!)?.[1];
  assert.ok(path !== undefined, a.out.join('\n'));
  const i = await ctl('instances', 'Device.LocalAgent.Controller.', '--first-level');
  assert.ok(i.out.some((l) => l.startsWith(path!) && l.includes('EndpointID=self::other')), i.out.join('\n'));
  const d = await ctl('delete', path!);
  assert.equal([d.code, d.out], [0, [`deleted ${path}`]]);
  const g = await ctl('get', path!);
  assert.is(g.code, 1);
  const ro = await ctl('set', 'Device.DeviceInfo.', 'Manufacturer=x');
  assert.is(ro.code, 1, 'a read-only parameter is refused');
});

cli('R-GSP.1 protocol; R-GSDM supported lists objects, parameters and commands', async () => {
  const p = await ctl('protocol');
  assert.equal(p.out, ['agent supports USP 1.0,1.1,1.2,1.3,1.4']);
  const s = await ctl('supported', 'Device.LocalAgent.Controller.{i}.', '--first-level');
  assert.is(s.code, 0);
  assert.ok(s.out.includes('Device.LocalAgent.Controller.{i}.  add-delete, multi-instance'), s.out.join('\n'));
  assert.ok(s.out.some((l) => l.startsWith('  SendOnBoardRequest()')));
  assert.ok(s.out.some((l) => l === '  EndpointID  string, read-write'), s.out.join('\n'));
});

cli('R-NOT subscribe ValueChange + listen: a Set on the subscribed parameter is printed; operate SendOnBoardRequest() → OnBoardRequest', async () => {
  const lines: string[] = [];
  const listening = main(['listen', '--port', String(listenPort), '--count', '2', '--endpoint-id', 'self::usp-ctl'], (l) => lines.push(l), () => undefined);
  const sub = await ctl('subscribe', 'ValueChange', 'Device.DeviceInfo.FriendlyName', '--id', 'vc-test');
  assert.is(sub.code, 0, sub.out.join('\n'));
  assert.ok(sub.out.includes('  ID = vc-test'), sub.out.join('\n'));
  assert.is((await ctl('set', 'Device.DeviceInfo.', 'FriendlyName=kitchen')).code, 0);
  const op = await ctl('operate', 'Device.LocalAgent.Controller.1.SendOnBoardRequest()');
  assert.equal([op.code, op.out], [0, ['Device.LocalAgent.Controller.1.SendOnBoardRequest(): done']]);
  assert.is(await listening, 0);
  assert.ok(lines.includes('[vc-test] ValueChange Device.DeviceInfo.FriendlyName = kitchen'), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('[] OnBoardRequest oui=0A1B2C product_class=tinyusp-sim serial=SIM000001')), lines.join('\n'));
});

cli('R-NOT Boot!: operate Device.Reboot() restarts the agent, which sends Boot! (Cause RemoteReboot, the CommandKey) to a persistent subscription', async () => {
  const lines: string[] = [];
  const listening = main(['listen', '--port', String(listenPort), '--count', '1'], (l) => lines.push(l), () => undefined);
  assert.is((await ctl('subscribe', 'Event', 'Device.Boot!', '--id', 'boot', '--persistent')).code, 0);
  const op = await ctl('operate', 'Device.Reboot()', '--key', 'k1');
  assert.is(op.code, 0, op.out.join('\n'));
  assert.is(await listening, 0);
  assert.match(lines[0]!, /^\[boot\] Event Device\.Boot! Cause=RemoteReboot CommandKey=k1 FirmwareUpdated=false/);
  assert.match(agent.stderr, /Reboot\(\): restarting the agent/);
  const g = await ctl('get', 'Device.DeviceInfo.ProvisioningCode');
  assert.is(g.out[0], 'Device.DeviceInfo.ProvisioningCode = abc', `the restarted agent answers, state kept: ${g.err.join(' ')}`);
});

cli('usage errors exit 2', async () => {
  assert.is((await ctl('frobnicate')).code, 2);
  assert.is((await ctl('set', 'Device.DeviceInfo.', 'novalue')).code, 2);
});

/** A controller whose traffic both ways passes relays (agent-bound and controller-bound). */
async function relayedController(o: { drop?: number; duplicate?: number; seed?: number; onToController?: (d: Buffer) => void }) {
  const port = await freePort();
  const toAgent = await new UdpRelay(agent.port, { drop: o.drop, duplicate: o.duplicate, seed: o.seed }).open();
  const toCtl = await new UdpRelay(port, {
    drop: o.drop, duplicate: o.duplicate, seed: (o.seed ?? 7) + 1,
    inspect: (d, towardsTarget) => { if (towardsTarget) o.onToController?.(d); },
  }).open();
  const c = await UspController.open({
    agentUri: `coap://127.0.0.1:${toAgent.port}/usp`, agentId: AGENT_ID, endpointId: 'self::usp-ctl', port, timeoutMs: 15_000,
    replyTo: () => `coap://127.0.0.1:${toCtl.port}/usp`, ackTimeoutMs: 100,
  });
  return { c, toAgent, toCtl, close() { c.close(); toAgent.close(); toCtl.close(); } };
}

const wire = suite('tools/usp-ctl over relays');
wire.before(async () => { agent = await startAgentProcess(['--coap-ack-timeout', '100']); });
wire.after(async () => { await agent.stop(); });

wire('R-COAP.5 a GetSupportedDM of Device. with parameters (tens of kB) comes back block-wise (Block1 POST to the reply-to)', async () => {
  const view = new CoapMessageView();
  let block1 = 0;
  const r = await relayedController({
    onToController(d) {
      const u = new Uint8Array(d.buffer, d.byteOffset, d.length);
      if (view.wrap(u, 0, u.length) === 0 && view.findOption(CoapOption.Block1) >= 0) block1++;
    },
  });
  try {
    const m = await r.c.request((id) => getSupportedDmMsg(id, { obj_paths: ['Device.'], return_params: true, return_commands: true, return_events: true }));
    const objs = m.body?.response?.get_supported_dm_resp?.req_obj_results[0]?.supported_objs ?? [];
    assert.ok(objs.length > 10, `${objs.length} supported objects`);
    assert.ok(objs.some((o) => o.supported_obj_path === 'Device.DeviceInfo.' && o.supported_params.some((p) => p.param_name === 'Manufacturer')));
    assert.ok(block1 >= 3, `${block1} Block1 datagrams towards the controller`);
  } finally {
    r.close();
  }
});

wire('RFC 7252 §4.2/§4.5 with 20 % of datagrams dropped and 20 % duplicated both ways, every request is answered once', async () => {
  const r = await relayedController({ drop: 0.2, duplicate: 0.2, seed: 11 });
  try {
    const set = await r.c.request((id) => setMsg(id, { update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'ProvisioningCode', value: 'lossy', required: true }] }] }));
    assert.is(set.body?.response?.resp_type, 'set_resp');
    for (let i = 0; i < 8; i++) {
      const m = await r.c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.ProvisioningCode'] }));
      assert.is(m.body?.response?.get_resp?.req_path_results[0]?.resolved_path_results[0]?.result_params.ProvisioningCode, 'lossy');
    }
    assert.ok(r.toAgent.dropped + r.toCtl.dropped > 0 && r.toAgent.duplicated + r.toCtl.duplicated > 0,
      `dropped ${r.toAgent.dropped}+${r.toCtl.dropped}, duplicated ${r.toAgent.duplicated}+${r.toCtl.duplicated}`);
  } finally {
    r.close();
  }
});

cli.run();
wire.run();
