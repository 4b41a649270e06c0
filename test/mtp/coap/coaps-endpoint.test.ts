/**
 * CoAP over DTLS end to end: the real agent process (`npm start -- --no-coap --psk …
 * --psk-for … --cert … --controller <eid>=coaps://…`) with test certificates made by
 * openssl (test/dtls/pki.ts), against usp-ctl in PSK and certificate mode, libcoap's
 * `coap-client-openssl` / `coap-client-gnutls` (peers we did not write; the Record is
 * encoded by protobufjs), the agent as DTLS client delivering Notify to coaps
 * controllers (certificate and per-controller PSK), and the negatives: wrong PSK,
 * untrusted certificate, from_id ≠ the Endpoint ID the certificate or PSK names.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { addMsg, type Msg } from '../../../src/usp/index.ts';
import { runCaptured } from '../../../tools/usp-ctl/index.ts';
import { UspController, type NotifyEvent } from '../../../tools/usp-ctl/controller.ts';
import { CONTROLLER_EID, makePki, type Pki } from '../../dtls/pki.ts';
import { PeerProcess, runPeer } from '../../dtls/peer-process.ts';
import { oracleGetRecordFile } from '../../usp/oracle.ts';
import { AGENT_ID, freePort, startAgentProcess, type AgentProcess } from '../../main/agent-process.ts';
import { startCoapsEndpoint, type CoapsEndpointHandle } from '../../../src/mtp/coap/coaps-endpoint.ts';
import { SendOutcome, type UspCoapEvent } from '../../../src/mtp/coap/binding.ts';
import { createNodePlatform } from '../../../src/platform/node/index.ts';
import { LogLevel } from '../../../src/platform/types.ts';

const hex = (s: string): string => Buffer.from(s).toString('hex');
/** libcoap's -k takes the key as text: these keys are ASCII. */
const PSK_KEY = 'tinyusp-psk-key1';
const B_KEY = 'tinyusp-ctl-b-k2';
const CTL = 'self::usp-ctl';
const CTL_B = 'self::ctl-b';

let pki: Pki;
let agent: AgentProcess;
let portA = 0;
let portB = 0;
let portC = 0;
let portD = 0;
const OSSL_KEY = '00112233445566778899aabbccddeeff';

async function ctl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCaptured([...args, '--agent', agent.coapsUri, '--timeout', args.includes('--timeout') ? args[args.indexOf('--timeout') + 1]! : '5000']);
  return { code: r.code, out: r.out.join('\n'), err: r.err.join('\n') };
}

const certArgs = (name: string): string[] => ['--cert', pki.path(name, 'crt'), '--cert-key', pki.path(name, 'key'), '--ca', pki.path('ca', 'crt')];

const libcoap = (bin: string, args: string[]): Promise<string> => runPeer(bin, args, 10_000);
/** A Get Record from `from`, encoded by protobufjs (independent of our codec). */
const protobufjsGet = (msgId: string, from: string): string => oracleGetRecordFile(msgId, from, AGENT_ID);

function getValue(m: Msg): string {
  const r = m.body?.response?.get_resp?.req_path_results?.[0]?.resolved_path_results?.[0]?.result_params ?? {};
  return Object.values(r)[0] ?? '';
}

const t = suite('mtp/coap/coaps-endpoint host agent over DTLS');
t.before(async () => {
  pki = makePki([['sim-agent', AGENT_ID], ['usp-ctl', CTL]]);
  [portA, portB, portC, portD] = [await freePort(), await freePort(), await freePort(), await freePort()];
  agent = await startAgentProcess([
    '--no-coap', '--coaps-port', '0', '--psk', `ctl:${hex(PSK_KEY)}`, '--psk-for', `${CTL_B}=ctl-b:${hex(B_KEY)}`,
    '--cert', pki.path('sim-agent', 'crt'), '--key', pki.path('sim-agent', 'key'), '--ca', pki.path('ca', 'crt'),
    '--controller', `${CTL}=coaps://127.0.0.1:${portA}/usp`, '--controller', `${CTL_B}=coaps://127.0.0.1:${portB}/usp`,
    '--psk-for', `self::ossl=ossl:${OSSL_KEY}`, '--controller', `self::ossl=coaps://127.0.0.1:${portC}/usp`,
    '--controller', `${CONTROLLER_EID}=coaps://127.0.0.1:${portD}/usp`,
    '--coap-ack-timeout', '500',
  ]);
});
t.after(async () => { await agent.stop(); });

t('R-COAP.14 with --no-coap the agent listens on coaps:// only and gives no NoSec warning (D3)', () => {
  assert.match(agent.coapsUri, /^coaps:\/\/127\.0\.0\.1:\d+\/usp$/);
  assert.is(agent.uri, agent.coapsUri);
  assert.not.match(agent.stderr, /NoSec/);
});

t('RFC 6655 usp-ctl set and get over coaps with a PSK (--psk)', async () => {
  const psk = ['--psk', `ctl:${hex(PSK_KEY)}`];
  assert.is((await ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=psk-set', ...psk])).code, 0);
  const r = await ctl(['get', 'Device.DeviceInfo.FriendlyName', ...psk]);
  assert.equal(r, { code: 0, out: 'Device.DeviceInfo.FriendlyName = psk-set', err: '' });
});

t('RFC 7251 usp-ctl set and get over coaps with certificates; MTP and Certificate rows reflect the options (R-MTP.1)', async () => {
  assert.is((await ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=cert-set', ...certArgs('usp-ctl')])).code, 0);
  const r = await ctl(['get', 'Device.DeviceInfo.FriendlyName', 'Device.LocalAgent.MTP.1.Enable', 'Device.LocalAgent.MTP.2.CoAP.',
    'Device.LocalAgent.Certificate.1.', 'Device.LocalAgent.Controller.*.MTP.1.CoAP.EnableEncryption', ...certArgs('usp-ctl')]);
  assert.is(r.code, 0, r.err);
  const serial = execFileSync('openssl', ['x509', '-in', pki.path('sim-agent', 'crt'), '-noout', '-serial']).toString().trim().slice('serial='.length);
  for (const line of [
    'Device.DeviceInfo.FriendlyName = cert-set', 'Device.LocalAgent.MTP.1.Enable = false', 'Device.LocalAgent.MTP.2.CoAP.EnableEncryption = true',
    'Device.LocalAgent.MTP.2.CoAP.Path = usp', 'Device.LocalAgent.Certificate.1.Issuer = CN=ca', 'Device.LocalAgent.Certificate.1.Enable = true',
    `Device.LocalAgent.Certificate.1.SerialNumber = ${serial.replace(/(..)(?=.)/g, '$1:')}`,
    'Device.LocalAgent.Controller.1.MTP.1.CoAP.EnableEncryption = true', 'Device.LocalAgent.Controller.2.MTP.1.CoAP.EnableEncryption = true',
  ]) assert.ok(r.out.split('\n').includes(line), `${line}\n${r.out}`);
});

for (const bin of ['coap-client-openssl', 'coap-client-gnutls']) {
  for (const mode of ['psk', 'cert'] as const) {
    t(`R-COAP.1 + R-COAP.7 ${bin} (${mode}) GETs /.well-known/core and POSTs a protobufjs Record → 2.04; the GetResp comes over coaps to its reply-to`, async () => {
      const creds = mode === 'psk' ? ['-k', PSK_KEY, '-u', 'ctl'] : ['-c', pki.path('usp-ctl', 'crt'), '-j', pki.path('usp-ctl', 'key'), '-R', pki.path('ca', 'crt')];
      const wk = await libcoap(bin, ['-m', 'get', ...creds, '-B', '5', `${agent.coapsUri.replace(/\/usp$/, '')}/.well-known/core`]);
      assert.is(wk, '</usp>;rt="bbf.usp.endpoint";if="bbf.usp.a"');
      const reply = await UspController.open({
        agentUri: agent.coapsUri, agentId: AGENT_ID, endpointId: CTL, timeoutMs: 5000,
        coaps: { credentials: mode === 'psk' ? { psk: { identity: Buffer.from('ctl'), key: Buffer.from(PSK_KEY) } } : { certificate: pki.config('usp-ctl') } },
      });
      try {
        const msgId = `${bin}-${mode}`;
        const answer = reply.expect(msgId);
        const post = await libcoap(bin, ['-m', 'post', '-t', '42', '-f', protobufjsGet(msgId, CTL), ...creds, '-B', '5', `${agent.coapsUri}?reply-to=${reply.uri}`]);
        assert.is(post, '', 'libcoap prints nothing for 2.04');
        assert.is(getValue(await answer), 'SIM000001');
      } finally { reply.close(); }
    });
  }
}

t('R-NOT.1 the agent as DTLS client delivers ValueChange Notify to coaps controllers: certificate (names self::usp-ctl) and per-controller PSK', async () => {
  const got: [string, NotifyEvent][] = [];
  const a = await UspController.open({ agentUri: agent.coapsUri, agentId: AGENT_ID, endpointId: CTL, port: portA, timeoutMs: 5000,
    coaps: { credentials: { certificate: pki.config('usp-ctl') } } });
  const b = await UspController.open({ agentUri: agent.coapsUri, agentId: AGENT_ID, endpointId: CTL_B, port: portB, timeoutMs: 5000,
    coaps: { credentials: { psk: { identity: Buffer.from('ctl-b'), key: Buffer.from(B_KEY) } } } });
  a.onNotify = (n) => got.push(['a', n]);
  b.onNotify = (n) => got.push(['b', n]);
  try {
    for (const [c, id] of [[a, 'vc-a'], [b, 'vc-b']] as const) {
      const r = await c.request((m) => addMsg(m, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
        ['Enable', 'true'], ['NotifType', 'ValueChange'], ['ReferenceList', 'Device.DeviceInfo.FriendlyName'], ['ID', id],
      ].map(([param, value]) => ({ param: param!, value: value!, required: true })) }] }));
      assert.ok(r.body?.response?.add_resp, JSON.stringify(r.body));
    }
    await ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=notified', '--psk', `ctl:${hex(PSK_KEY)}`]);
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const seen = got.map(([who, n]) => `${who} ${n.notify.subscription_id} ${n.notify.value_change?.param_value ?? ''}`).sort();
    assert.equal(seen, ['a vc-a notified', 'b vc-b notified']);
  } finally { a.close(); b.close(); }
});

/** CON GET /.well-known/core, message ID 0x1234, no token (RFC 7252 §3, §6.5). */
const GET_WELL_KNOWN = Buffer.from([0x40, 0x01, 0x12, 0x34, 0xbb, ...Buffer.from('.well-known'), 0x04, ...Buffer.from('core')]);

for (const mode of ['PSK-AES128-CCM8', 'ECDHE-ECDSA-AES128-CCM8'] as const) {
  t(`RFC 7252 §9 openssl s_client -dtls1_2 (${mode}) → the agent: a raw CoAP GET /.well-known/core gets the link format`, async () => {
    const creds = mode.startsWith('PSK') ? ['-psk', hex(PSK_KEY), '-psk_identity', 'ctl']
      : ['-cert', pki.path('usp-ctl', 'crt'), '-key', pki.path('usp-ctl', 'key'), '-CAfile', pki.path('ca', 'crt'), '-verify_return_error'];
    const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${agent.coapsPort}`, '-cipher', mode, ...creds]);
    try {
      await c.waitFor(`Cipher is ${mode}`);
      c.proc.stdin!.write(GET_WELL_KNOWN);
      await c.waitFor('</usp>;rt="bbf.usp.endpoint";if="bbf.usp.a"');
    } finally { c.stop(); }
  });
}

for (const mode of ['PSK-AES128-CCM8', 'ECDHE-ECDSA-AES128-CCM8'] as const) {
  t(`R-MTP.6 the agent as DTLS client → openssl s_server -dtls1_2 (${mode}) as a Controller: the OnBoardRequest Notify arrives`, async () => {
    const psk = mode.startsWith('PSK');
    const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${psk ? portC : portD}`, '-cipher', mode,
      ...(psk ? ['-nocert', '-psk', OSSL_KEY] : ['-cert', pki.path('controller', 'crt'), '-key', pki.path('controller', 'key'),
        '-CAfile', pki.path('ca', 'crt'), '-Verify', '1', '-verify_return_error'])]);
    try {
      await srv.waitFor('ACCEPT');
      const eid = psk ? 'self::ossl' : CONTROLLER_EID;
      const r = await ctl(['operate', `Device.LocalAgent.Controller.[EndpointID=="${eid}"].SendOnBoardRequest()`, '--psk', `ctl:${hex(PSK_KEY)}`]);
      assert.is(r.code, 0, r.out + r.err);
      await srv.waitFor('tinyusp-sim'); // the OnBoardRequest's product_class inside the CoAP POST
      assert.match(srv.out, /SIM000001/);
      assert.match(srv.out, eid);
    } finally { srv.stop(); }
  });
}

t('R-SEC.0a negatives: wrong PSK, untrusted certificate, from_id ≠ certificate EID, from_id ≠ PSK controller → nothing processed', async () => {
  const fail = ['--timeout', '1500'];
  const set = (v: string): string[] => ['set', 'Device.DeviceInfo.', `FriendlyName=${v}`];
  const [wrongPsk, untrusted, certOther, pskOther] = await Promise.all([
    ctl([...set('wrong-psk'), '--psk', `ctl:${hex('not-the-right-k!')}`, ...fail]),
    ctl([...set('untrusted'), ...certArgs('untrusted'), ...fail]),
    ctl([...set('cert-other'), ...certArgs('usp-ctl'), '--endpoint-id', CTL_B, ...fail]),
    ctl([...set('psk-other'), '--psk', `ctl-b:${hex(B_KEY)}`, '--endpoint-id', CTL, ...fail]),
  ]);
  for (const r of [wrongPsk, untrusted, certOther, pskOther]) assert.is(r.code, 1, r.out);
  assert.match(untrusted.err, /DTLS with .* failed: UnknownCa/, 'the agent refuses the chain with an alert');
  const now = await ctl(['get', 'Device.DeviceInfo.FriendlyName', '--psk', `ctl:${hex(PSK_KEY)}`]);
  assert.not.match(now.out, /wrong-psk|untrusted|cert-other|psk-other/);
});

t.run();

const inproc = suite('mtp/coap/coaps-endpoint in process');

inproc('R-COAP.9 + RFC 6347 §4.2.8 after the peer restarted, Records reach it again (a timed-out send drops the stale association)', async () => {
  const platform = createNodePlatform({ stateDir: mkdtempSync(join(tmpdir(), 'tinyusp-coaps-')), logLevel: LogLevel.Error });
  const psk = { identity: new Uint8Array([0x61]), key: new Uint8Array(16).fill(3) };
  const open = (port: number, events: UspCoapEvent[]): Promise<CoapsEndpointHandle> => new Promise((resolve, reject) => {
    const h = startCoapsEndpoint({
      platform, port, address: '127.0.0.1', crypto: platform.crypto!, credentials: { psk }, dtls: { initialRetransmitMs: 200 },
      binding: { replyTo: (p) => `coaps://127.0.0.1:${p}/usp`, validateRecord: () => true, coap: { ackTimeoutMs: 100, maxRetransmit: 1 } },
      onEvent: (e) => events.push(e), onReady: () => resolve(h), onError: reject,
    });
  });
  const sent: UspCoapEvent[] = []; const gotB: UspCoapEvent[] = []; const gotB2: UspCoapEvent[] = [];
  const a = await open(0, sent);
  let b = await open(0, gotB);
  const uri = `coaps://127.0.0.1:${b.port}/usp`;
  const until = async (f: () => boolean): Promise<void> => { for (let i = 0; i < 300 && !f(); i++) await new Promise((r) => setTimeout(r, 10)); };
  try {
    a.sendRecord(uri, new Uint8Array([1, 2, 3]));
    await until(() => sent.length === 1);
    assert.equal([gotB.length, sent.map((e) => e.kind === 'sent' && e.outcome)], [1, [SendOutcome.Delivered]]);
    const port = b.port;
    b.close();
    await new Promise((r) => setTimeout(r, 50));
    b = await open(port, gotB2);
    for (let i = 0; i < 3 && gotB2.length === 0; i++) {
      const n = sent.length;
      a.sendRecord(uri, new Uint8Array([4, 5, 6]));
      await until(() => sent.length > n);
    }
    assert.is(gotB2.length, 1, 'the restarted peer got the Record');
    assert.is((sent.at(-1) as { outcome: number }).outcome, SendOutcome.Delivered);
  } finally { a.close(); b.close(); }
});

inproc.run();
