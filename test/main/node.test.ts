/**
 * The host agent process (`npm start` = src/main/node.ts) against peers we did not
 * write: the npm `coap` package as a Controller (Record built and read with
 * protobufjs from proto/*.proto, reply-to pointing at an npm-coap server), libcoap's
 * `coap-client-notls` (GET /.well-known/core, POST of a Record → 2.04); and its
 * lifecycle: SIGTERM exits 0 with the state written, a restart keeps objects and
 * instance numbers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import coap from 'coap';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, deleteMsg, getInstancesMsg } from '../../src/usp/index.ts';
import { UspController } from '../../tools/usp-ctl/controller.ts';
import { MsgT, RecordT } from '../usp/oracle.ts';
import { AGENT_ID, startAgentProcess, tempStateDir, type AgentProcess } from './agent-process.ts';

/** A Get Record from the dev controller, encoded by protobufjs (independent of our codec). */
function protobufjsGetRecord(msgId: string, path: string): Uint8Array {
  const msg = MsgT.encode(MsgT.fromObject({
    header: { msg_id: msgId, msg_type: 1 }, body: { request: { get: { param_paths: [path] } } },
  })).finish();
  return RecordT.encode(RecordT.fromObject({
    version: '1.3', to_id: AGENT_ID, from_id: 'self::usp-ctl', no_session_context: { payload: msg },
  })).finish();
}

function coapClient(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('coap-client-notls', args, { timeout: 10_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: (stdout + stderr).trim() });
    });
  });
}

let agent: AgentProcess;
const peers = suite('main/node host agent with independent peers');
peers.before(async () => { agent = await startAgentProcess(); });
peers.after(async () => { await agent.stop(); });

peers('D3 the agent prints one ready line with its coap:// URI and warns that it runs without DTLS', () => {
  assert.match(agent.uri, /^coap:\/\/127\.0\.0\.1:\d+\/usp$/);
  assert.match(agent.stderr, /NoSec/);
  assert.match(agent.stderr, /dev controller self::usp-ctl/);
});

peers('R-COAP.2a an npm-coap controller POSTs a protobufjs Record; the GetResp comes to its npm-coap server (decoded by protobufjs)', async () => {
  const got: { url: string; payload: Buffer; format: unknown }[] = [];
  let arrived: () => void = () => undefined;
  const done = new Promise<void>((r) => { arrived = r; });
  const server = coap.createServer((req, res) => {
    got.push({ url: req.url, payload: req.payload, format: req.headers['Content-Format'] });
    res.code = '2.04';
    res.end();
    arrived();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const serverPort = (server as unknown as { _sock: { address(): { port: number } } })._sock.address().port;
  try {
    const code = await new Promise<string>((resolve, reject) => {
      const req = coap.request({
        hostname: '127.0.0.1', port: agent.port, pathname: '/usp', method: 'POST',
        query: `reply-to=coap://127.0.0.1:${serverPort}/ctl`, options: { 'Content-Format': 'application/octet-stream' },
      });
      req.on('response', (res) => resolve(res.code));
      req.on('error', reject);
      req.write(Buffer.from(protobufjsGetRecord('npm-1', 'Device.DeviceInfo.Manufacturer')));
      req.end();
    });
    assert.is(code, '2.04', 'R-COAP.7');
    await done;
    assert.is(got[0]!.url.split('?')[0], '/ctl');
    assert.match(got[0]!.url, /reply-to=coap:\/\/127\.0\.0\.1:\d+\/usp/, 'R-COAP.2: the agent names its own USP resource');
    assert.is(got[0]!.format, 'application/octet-stream');
    const rec = RecordT.toObject(RecordT.decode(got[0]!.payload), { defaults: true }) as { to_id: string; from_id: string; version: string; no_session_context: { payload: Uint8Array } };
    assert.equal([rec.to_id, rec.from_id, rec.version], ['self::usp-ctl', AGENT_ID, '1.3']);
    const msg = MsgT.toObject(MsgT.decode(rec.no_session_context.payload), { defaults: true }) as {
      header: { msg_id: string; msg_type: number };
      body: { response: { get_resp: { req_path_results: { resolved_path_results: { resolved_path: string; result_params: Record<string, string> }[] }[] } } };
    };
    assert.equal(msg.header, { msg_id: 'npm-1', msg_type: 2 });
    const rp = msg.body.response.get_resp.req_path_results[0]!.resolved_path_results[0]!;
    assert.equal([rp.resolved_path, rp.result_params], ['Device.DeviceInfo.', { Manufacturer: 'tinyusp project' }]);
  } finally {
    server.close();
  }
});

peers('R-COAP.1 libcoap coap-client GETs /.well-known/core; R-COAP.7 its POST of a USP Record gets 2.04', async () => {
  const wk = await coapClient(['-m', 'get', `coap://127.0.0.1:${agent.port}/.well-known/core`]);
  assert.equal(wk, { code: 0, out: '</usp>;rt="bbf.usp.endpoint";if="bbf.usp.a"' });
  const file = join(mkdtempSync(join(tmpdir(), 'tinyusp-rec-')), 'get.bin');
  writeFileSync(file, protobufjsGetRecord('lib-1', 'Device.DeviceInfo.'));
  const post = await coapClient(['-m', 'post', '-t', '42', '-f', file, `${agent.uri}?reply-to=coap://127.0.0.1:9/ctl`]);
  assert.equal(post, { code: 0, out: '' }, 'libcoap prints nothing for 2.04');
  const bad = await coapClient(['-m', 'post', '-t', '0', '-e', 'x', `${agent.uri}?reply-to=coap://127.0.0.1:9/ctl`]);
  assert.match(bad.out, /4\.15/, 'R-COAP.12');
});

const life = suite('main/node lifecycle');

life('R-ARC.8 SIGTERM exits 0 with the state written; after a restart a created object and the instance numbers survive', async () => {
  const dir = tempStateDir();
  const first = await startAgentProcess([], dir);
  const open = (a: AgentProcess) => UspController.open({ agentUri: a.uri, agentId: AGENT_ID, endpointId: 'self::usp-ctl', timeoutMs: 5000 });
  let c = await open(first);
  const created: string[] = [];
  for (const id of ['a', 'b']) {
    const m = await c.request((msgId) => addMsg(msgId, { create_objs: [{ obj_path: 'Device.LocalAgent.Controller.', param_settings: [{ param: 'EndpointID', value: `self::${id}`, required: true }] }] }));
    created.push(m.body!.response!.add_resp!.created_obj_results[0]!.oper_status!.oper_success!.instantiated_path);
  }
  await c.request((msgId) => deleteMsg(msgId, { obj_paths: [created[1]!] }));
  c.close();
  assert.is(await first.stop('SIGTERM'), 0);
  assert.match(first.stderr, /SIGTERM: shutting down/);

  const second = await startAgentProcess([], dir);
  try {
    c = await open(second);
    const inst = await c.request((msgId) => getInstancesMsg(msgId, { obj_paths: ['Device.LocalAgent.Controller.'], first_level_only: true }));
    const paths = inst.body!.response!.get_instances_resp!.req_path_results[0]!.curr_insts.map((i) => `${i.instantiated_obj_path} ${i.unique_keys.EndpointID}`);
    assert.ok(paths.includes(`${created[0]} self::a`), paths.join(', '));
    assert.not.ok(paths.some((p) => p.startsWith(created[1]!)));
    const m = await c.request((msgId) => addMsg(msgId, { create_objs: [{ obj_path: 'Device.LocalAgent.Controller.', param_settings: [{ param: 'EndpointID', value: 'self::c', required: true }] }] }));
    const next = m.body!.response!.add_resp!.created_obj_results[0]!.oper_status!.oper_success!.instantiated_path;
    const n = (p: string) => Number(p.split('.').at(-2));
    assert.is(n(next), n(created[1]!) + 1, 'R-ARC.8: a deleted instance number is not reused after a restart');
    c.close();
  } finally {
    assert.is(await second.stop('SIGINT'), 0);
  }
});

peers('a second agent on the same port exits 1 and says the port is taken', async () => {
  const second = startAgentProcess(['--coap-port', String(agent.port)]);
  const e = await second.then(() => null, (err: Error) => err);
  assert.ok(e !== null, 'the second agent must not become ready');
  assert.match(e!.message, /exited \(1\)/);
  assert.match(e!.message, /cannot listen on 127\.0\.0\.1:\d+: bind EADDRINUSE/);
});

peers.run();
life.run();
