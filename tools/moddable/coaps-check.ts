/**
 * `npm run test:moddable:coaps`: CoAP over DTLS on the Moddable app, in the simulator,
 * against peers we did not write (issue #14; docs/device.md#security-and-mtps-on-the-device).
 *
 * The app is built through the check's wrapper (mtp-sim.ts) with a PSK (`psk`), PSKs
 * bound to Controllers (`pskFor`), Controllers at coaps:// URIs and its certificate, key
 * and CA as `data` resources (usp-agent-cert.pem…, made by openssl: test/dtls/pki.ts).
 * Steps: the platform self-test with every crypto vector of the native-crypt port
 * (selfTest=1: FIPS 180-2, RFC 4231, FIPS 197, RFC 3610, SP 800-38C, RFC 7748, CAVS CDH,
 * RFC 6979; a build of its own), then usp-ctl over coaps (PSK and certificate), libcoap's coap-client-openssl / -gnutls (PSK and certificate: GET
 * /.well-known/core, POST of a protobufjs Record answered over coaps), `openssl s_client
 * -dtls1_2` (both suites), the agent as DTLS client delivering OnBoardRequest to `openssl
 * s_server` (both suites) and a ValueChange Notify to usp-ctl, and the refusals (wrong
 * PSK, untrusted certificate). Prints each DTLS handshake time the agent logs and the
 * live XS heap (after Debug.gc()) around them; ends with one verdict line.
 *
 *   npm run test:moddable:coaps -- [--creation esp32|class2|heap=…,chunk=…,stack=…] [--display <n>] [--out <dir>] [--verbose]
 *
 * Without $MODDABLE it prints "skipped: …" and exits 0.
 */
import { join } from 'node:path';
import { buildAll } from '../build/index.ts';
import { addMsg, getMsg, operateMsg, setMsg, type Msg } from '../../src/usp/index.ts';
import { UspController, type NotifyEvent } from '../usp-ctl/controller.ts';
import { CONTROLLER_EID, makePki, type Pki } from '../../test/dtls/pki.ts';
import { PeerProcess, runPeer } from '../../test/dtls/peer-process.ts';
import { oracleGetRecordFile } from '../../test/usp/oracle.ts';
import { describeCreation } from './creation.ts';
import { ctl, mtpCheckUsage, parseMtpCheckArgs } from './mtp-check-options.ts';
import { baselineHeap, buildMtpApp, freeUdpPort, heapDelta, heapText, percentiles, SimRun, Steps } from './mtp-sim.ts';
import type { HeapSample } from './sim-log.ts';
import { findSdk, type Sdk } from './sdk.ts';
import { VirtualDisplay } from './simulator.ts';

/** The parts src/platform/moddable/crypto-self-test.ts reports, in order: each must say ok. */
const CRYPTO_PARTS = ['sha256', 'hmac', 'aes', 'ccm8', 'x25519', 'p256-ecdh', 'ecdsa', 'ecdsa-sec1', 'keygen'];

const AGENT_ID = 'os::0A1B2C-SIM000001';
const CTL = 'self::usp-ctl';
const CTL_B = 'self::ctl-b';
const OSSL = 'self::ossl';
/** libcoap's -k takes the key as text: ASCII keys. */
const PSK_KEY = 'tinyusp-psk-key1';
const B_KEY = 'tinyusp-ctl-b-k2';
const OSSL_KEY = '00112233445566778899aabbccddeeff';
const hex = (s: string): string => Buffer.from(s).toString('hex');
/** CON GET /.well-known/core, message ID 0x1234, no token (RFC 7252 §3, §6.5). */
const GET_WELL_KNOWN = Buffer.from([0x40, 0x01, 0x12, 0x34, 0xbb, ...Buffer.from('.well-known'), 0x04, ...Buffer.from('core')]);
const LINK_FORMAT = '</usp>;rt="bbf.usp.endpoint";if="bbf.usp.a"';

const libcoap = (bin: string, args: string[]): Promise<string> => runPeer(bin, args, 20_000);
/** A Get Record from `from`, encoded by protobufjs (independent of our codec), as a file for libcoap's -f. */
const protobufjsGet = (msgId: string, from: string): string => oracleGetRecordFile(msgId, from, AGENT_ID);

function expectLine(got: string[], want: string): void {
  if (!got.includes(want)) throw new Error(`missing "${want}" in ${got.join(' | ')}`);
}

function firstValue(m: Msg): string {
  const r = m.body?.response?.get_resp?.req_path_results?.[0]?.resolved_path_results?.[0]?.result_params ?? {};
  return Object.values(r)[0] ?? '';
}

export async function runCoapsCheck(sdk: Sdk, argv: readonly string[]): Promise<number> {
  const o = parseMtpCheckArgs(argv, 'coaps');
  if (typeof o === 'string') { console.error(`${o}\n${mtpCheckUsage('test:moddable:coaps')}`); return 2; }
  if (!VirtualDisplay.available()) { console.error('needs Xvfb and stdbuf: apt-get install xvfb coreutils'); return 1; }
  await buildAll();
  const pki: Pki = makePki([['sim-agent', AGENT_ID], ['usp-ctl', CTL]]);
  const [coapPort, coapsPort, portA, portB, portC, portD] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freeUdpPort()));
  const config = {
    coapPort, coapsPort, psk: `ctl:${hex(PSK_KEY)}`,
    pskFor: `${CTL_B}=ctl-b:${hex(B_KEY)};${OSSL}=ossl:${OSSL_KEY}`,
    controller: [
      `${CTL}=coaps://127.0.0.1:${portA}/usp`, `${CTL_B}=coaps://127.0.0.1:${portB}/usp`,
      `${OSSL}=coaps://127.0.0.1:${portC}/usp`, `${CONTROLLER_EID}=coaps://127.0.0.1:${portD}/usp`,
    ].join(';'),
  };
  console.log(`coaps check: creation ${describeCreation(o.creation)}; agent coap ${coapPort}, coaps ${coapsPort}`);
  const steps = new Steps();
  const display = await VirtualDisplay.start(o.display);
  const selfTestApp = buildMtpApp({ sdk, out: o.out, name: 'tinyusp-selftest', creation: o.creation, config: { coapPort, selfTest: 1 }, state: join(o.out, 'state-selftest') });
  await steps.step('platform self-test in the simulator: every crypto primitive against its published vectors', async () => {
    if (selfTestApp === null) throw new Error('the self-test app did not build');
    const st = await SimRun.start({ sdk, app: selfTestApp, display: display.name, verbose: o.verbose });
    try {
      const done = await st.line(/self-test done (\d+) failed/, 120_000);
      const parts = st.lines.filter((l) => / self-test crypto-\S+ (ok|FAIL)/.test(l)).map((l) => /self-test (crypto-\S+ \S+)/.exec(l)![1]!);
      const expected = CRYPTO_PARTS.map((p) => `crypto-${p} ok`);
      if (done[1] !== '0' || parts.join() !== expected.join()) throw new Error(`${done[0]}: ${parts.join(', ')} (expected ${expected.join(', ')})`);
      return parts.join(', ');
    } finally { await st.stop(); }
  });
  let base: HeapSample | undefined;
  await steps.step('baseline: plain CoAP only, heap after boot', async () => {
    base = await baselineHeap({ sdk, out: o.out, creation: o.creation, display: display.name, verbose: o.verbose, controllers: [CTL, CTL_B, OSSL, CONTROLLER_EID], build: o.build });
    return heapText(base);
  });
  const app = buildMtpApp({
    sdk, out: o.out, name: 'tinyusp-coaps', creation: o.creation, config, state: join(o.out, 'state'), build: o.build,
    data: { 'usp-agent-cert.pem': pki.path('sim-agent', 'crt'), 'usp-agent-key.pem': pki.path('sim-agent', 'key'), 'usp-ca.pem': pki.path('ca', 'crt') },
  });
  if (app === null) { console.error('coaps check: the simulator app did not build'); await display.stop(); return 1; }
  let run: SimRun | null = null;
  const controllers: UspController[] = [];
  const coapsUri = `coaps://127.0.0.1:${coapsPort}/usp`;
  const pskCreds = { psk: { identity: Buffer.from('ctl'), key: Buffer.from(PSK_KEY) } };
  const certCreds = { certificate: pki.config('usp-ctl') };
  const open = async (endpointId: string, credentials: typeof pskCreds | typeof certCreds, port?: number): Promise<UspController> => {
    const c = await UspController.open({ agentUri: coapsUri, agentId: AGENT_ID, endpointId, timeoutMs: 15_000, coaps: { credentials }, ...(port !== undefined ? { port } : {}) });
    controllers.push(c);
    return c;
  };
  /** The agent's "DTLS <role> <suite> connected in N ms" line after `from`. */
  const handshake = async (role: string, suite: string, from: number): Promise<string> => {
    const m = await run!.line(new RegExp(`DTLS ${role} ${suite} connected in (\\d+) ms`), 5000, from);
    return `${role} ${suite} handshake ${m[1]} ms`;
  };
  const times: string[] = [];
  try {
    run = await SimRun.start({ sdk, app, display: display.name, verbose: o.verbose });
    await steps.step('boot: coap:// and coaps:// listeners', async () => {
      await run!.line(/tinyusp ready coaps:/, 60_000);
      return run!.lines.filter((l) => l.includes('tinyusp ready')).map((l) => l.replace(/^.*ready /, '')).join(', ');
    });
    const boot = await run.heap();
    console.log(`heap after boot: ${heapText(boot)}${base !== undefined ? ` (+${heapDelta(base, boot)} over plain CoAP only: the coaps listener, DTLS endpoint, crypto port, credentials, MTP and Certificate rows)` : ''}`);

    // The RAM of one association: one Controller, one handshake, one Get, the heap after.
    let before = boot;
    for (const [name, suite, creds] of [['PSK', 'PSK', pskCreds], ['ECDHE-ECDSA P-256', 'ECDHE-ECDSA P-256', certCreds]] as const) {
      await steps.step(`one DTLS association (${name}): handshake, a Get, the live heap`, async () => {
        const mark = run!.lines.length;
        const c = await open(CTL, creds);
        await run!.guard(c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.SerialNumber'] })));
        const t = await handshake('server', suite, mark);
        times.push(t);
        const h = await run!.heap();
        console.log(`heap with ${name === 'PSK' ? 'one PSK association' : 'a PSK and a P-256 association'}: ${heapText(h)} (+${heapDelta(before, h)} for this one)`);
        before = h;
        return t;
      });
    }

    await steps.step('RFC 6655 usp-ctl over coaps with the PSK (npm run ctl -- … --psk): Set then Get', async () => {
      const mark = run!.lines.length;
      const psk = ['--psk', `ctl:${hex(PSK_KEY)}`, '--agent', coapsUri, '--timeout', '15000'];
      await run!.guard(ctl(['set', 'Device.DeviceInfo.', 'FriendlyName=psk-set', ...psk]));
      expectLine(await run!.guard(ctl(['get', 'Device.DeviceInfo.FriendlyName', ...psk])), 'Device.DeviceInfo.FriendlyName = psk-set');
      const t = await handshake('server', 'PSK', mark);
      times.push(t);
      return t;
    });
    await steps.step('RFC 7251 usp-ctl over coaps with its certificate (--cert/--cert-key/--ca): Certificate and MTP rows', async () => {
      const mark = run!.lines.length;
      const got = await run!.guard(ctl(['get', 'Device.LocalAgent.Certificate.1.Issuer', 'Device.LocalAgent.MTP.2.CoAP.EnableEncryption',
        '--cert', pki.path('usp-ctl', 'crt'), '--cert-key', pki.path('usp-ctl', 'key'), '--ca', pki.path('ca', 'crt'), '--agent', coapsUri, '--timeout', '15000']));
      expectLine(got, 'Device.LocalAgent.Certificate.1.Issuer = CN=ca');
      expectLine(got, 'Device.LocalAgent.MTP.2.CoAP.EnableEncryption = true');
      const t = await handshake('server', 'ECDHE-ECDSA P-256', mark);
      times.push(t);
      return `Issuer CN=ca, EnableEncryption true; ${t}`;
    });
    await steps.step('R-NOT.1 ValueChange Notify over coaps to usp-ctl (certificate) at its Controller address', async () => {
      const got: NotifyEvent[] = [];
      const listener = await open(CTL, certCreds, portA);
      listener.onNotify = (n) => got.push(n);
      const add = await run!.guard(listener.request((id) => addMsg(id, { allow_partial: false, create_objs: [{ obj_path: 'Device.LocalAgent.Subscription.', param_settings: [
        ['Enable', 'true'], ['NotifType', 'ValueChange'], ['ReferenceList', 'Device.DeviceInfo.FriendlyName'], ['ID', 'vc-coaps'],
      ].map(([param, value]) => ({ param: param!, value: value!, required: true })) }] })));
      if (add.body?.response?.add_resp === undefined) throw new Error(JSON.stringify(add.body));
      await run!.guard(listener.request((id) => setMsg(id, { update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'notified', required: true }] }] })));
      const end = Date.now() + 15_000;
      while (got.length === 0 && Date.now() < end) await run!.guard(new Promise((r) => setTimeout(r, 50)));
      const v = got[0]?.notify.value_change;
      if (v?.param_value !== 'notified') throw new Error(`notifications: ${JSON.stringify(got)}`);
      return `${got[0]!.notify.subscription_id} ${v.param_path} = ${v.param_value}`;
    });

    for (const [name, creds] of [['PSK', pskCreds], ['certificate', certCreds]] as const) {
      await steps.step(`100 Gets over coaps (${name}, one association): round trips and live heap`, async () => {
        const c = await open(CTL, creds);
        const ms: number[] = [];
        for (let i = 0; i < 100; i++) {
          const t0 = performance.now();
          await run!.guard(c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.', 'Device.LocalAgent.MTP.'] })));
          ms.push(performance.now() - t0);
        }
        const h = await run!.heap();
        console.log(`coaps round trip (Moddable simulator, Get of DeviceInfo + LocalAgent.MTP, ${name}): ${percentiles(ms)}; heap after: ${heapText(h)}`);
        return percentiles(ms);
      });
    }

    const reply = await open(CTL, certCreds);
    for (const bin of ['coap-client-openssl', 'coap-client-gnutls']) {
      for (const mode of ['psk', 'cert'] as const) {
        await steps.step(`R-COAP.1/R-COAP.7 ${bin} (${mode}): GET /.well-known/core and a protobufjs Record POSTed → 2.04, GetResp over coaps`, async () => {
          const creds = mode === 'psk' ? ['-k', PSK_KEY, '-u', 'ctl'] : ['-c', pki.path('usp-ctl', 'crt'), '-j', pki.path('usp-ctl', 'key'), '-R', pki.path('ca', 'crt')];
          const wk = await libcoap(bin, ['-m', 'get', ...creds, '-B', '10', `coaps://127.0.0.1:${coapsPort}/.well-known/core`]);
          if (wk !== LINK_FORMAT) throw new Error(`/.well-known/core: ${wk}`);
          const msgId = `${bin}-${mode}`;
          const answer = reply.expect(msgId);
          const post = await libcoap(bin, ['-m', 'post', '-t', '42', '-f', protobufjsGet(msgId, CTL), ...creds, '-B', '10', `${coapsUri}?reply-to=${reply.uri}`]);
          if (post !== '') throw new Error(`POST: ${post}`);
          const v = firstValue(await run!.guard(answer));
          if (v !== 'SIM000001') throw new Error(`GetResp ${v}`);
          return 'link format and SerialNumber SIM000001';
        });
      }
    }

    for (const mode of ['PSK-AES128-CCM8', 'ECDHE-ECDSA-AES128-CCM8'] as const) {
      await steps.step(`RFC 7252 §9 openssl s_client -dtls1_2 -cipher ${mode}: a raw CoAP GET /.well-known/core`, async () => {
        const creds = mode.startsWith('PSK') ? ['-psk', hex(PSK_KEY), '-psk_identity', 'ctl']
          : ['-cert', pki.path('usp-ctl', 'crt'), '-key', pki.path('usp-ctl', 'key'), '-CAfile', pki.path('ca', 'crt'), '-verify_return_error'];
        const c = new PeerProcess('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${coapsPort}`, '-cipher', mode, ...creds], 30_000);
        try {
          await run!.guard(c.waitFor(`Cipher is ${mode}`, 20_000));
          c.proc.stdin!.write(GET_WELL_KNOWN);
          await run!.guard(c.waitFor(LINK_FORMAT, 10_000));
          return `Cipher is ${mode}`;
        } finally { c.stop(); }
      });
    }

    // Last: the agent's CON to s_server is never acknowledged (openssl speaks no CoAP), so
    // that peer stays busy in the agent's 4-peer CoAP table (CLASS2_PROFILE) for the
    // retransmission span (RFC 7252 §4.8.2, ≈ 45 s) and would crowd out later peers.
    for (const mode of ['PSK-AES128-CCM8', 'ECDHE-ECDSA-AES128-CCM8'] as const) {
      await steps.step(`R-MTP.6 the agent as DTLS client → openssl s_server -dtls1_2 (${mode}) as a Controller: OnBoardRequest arrives`, async () => {
        const psk = mode.startsWith('PSK');
        const srv = new PeerProcess('openssl', ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${psk ? portC : portD}`, '-cipher', mode,
          ...(psk ? ['-nocert', '-psk', OSSL_KEY, '-psk_hint', 'ossl'] : ['-cert', pki.path('controller', 'crt'), '-key', pki.path('controller', 'key'),
            '-CAfile', pki.path('ca', 'crt'), '-Verify', '1', '-verify_return_error'])], 60_000);
        try {
          await srv.waitFor('ACCEPT');
          const mark = run!.lines.length;
          const eid = psk ? OSSL : CONTROLLER_EID;
          const c = await open(CTL, pskCreds);
          const r = await run!.guard(c.request((id) => operateMsg(id, { command: `Device.LocalAgent.Controller.[EndpointID=="${eid}"].SendOnBoardRequest()`, command_key: '', send_resp: true })));
          if (r.body?.response?.operate_resp === undefined) throw new Error(JSON.stringify(r.body));
          await run!.guard(srv.waitFor('tinyusp-sim', 30_000)); // the OnBoardRequest's product_class inside the CoAP POST
          const t = await handshake('client', psk ? 'PSK' : 'ECDHE-ECDSA P-256', mark);
          times.push(t);
          return t;
        } finally { srv.stop(); }
      });
    }

    await steps.step('R-SEC.0a refusals: a wrong PSK and an untrusted certificate get no answer', async () => {
      const wrong = await UspController.open({ agentUri: coapsUri, agentId: AGENT_ID, endpointId: CTL, timeoutMs: 3000,
        coaps: { credentials: { psk: { identity: Buffer.from('ctl'), key: Buffer.from('not-the-right-k!') } } } });
      const untrusted = await UspController.open({ agentUri: coapsUri, agentId: AGENT_ID, endpointId: CTL, timeoutMs: 3000, coaps: { credentials: { certificate: pki.config('untrusted') } } });
      controllers.push(wrong, untrusted);
      const results = await Promise.allSettled([wrong, untrusted].map((c) => run!.guard(c.request((id) => getMsg(id, { param_paths: ['Device.DeviceInfo.SerialNumber'] })))));
      if (results.some((r) => r.status === 'fulfilled')) throw new Error('an answer came');
      return 'both refused';
    });
    const end = await run.heap();
    console.log(`heap at the end: ${heapText(end)} (+${heapDelta(boot, end)} over boot)`);
  } catch (e) {
    await steps.step('the simulator stays up', () => Promise.reject(e));
  } finally {
    for (const c of controllers) c.close();
    await run?.stop();
    await display.stop();
  }
  for (const t of times) console.log(`dtls handshake (Moddable simulator, agent side, wall clock incl. the simulator's 20 ms UDP poll): ${t}`);
  const failed = steps.failed;
  console.log(failed === 0 ? `coaps check: PASS — ${steps.results.length} steps in the simulator (${describeCreation(o.creation)})`
    : `coaps check: FAIL — ${failed} of ${steps.results.length} steps failed (${describeCreation(o.creation)})`);
  return failed === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const sdk = findSdk();
  if ('missing' in sdk) { console.log(`skipped: ${sdk.missing}`); return 0; }
  return runCoapsCheck(sdk, process.argv.slice(2));
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => { console.error(e); process.exitCode = 1; });
