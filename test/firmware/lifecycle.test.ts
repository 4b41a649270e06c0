/**
 * The firmware lifecycle end to end (TR-369 08, TR-181 Firmware:1, TP-469 9.3–9.8): the
 * real host agent as a child process, a real Controller (tools/usp-ctl's UspController
 * over CoAP), images served by real HTTP and HTTPS servers on 127.0.0.1, the A/B slots in
 * the agent's state directory — and power cuts (SIGKILL) in the middle of a download and
 * of the slot switch, after which the agent boots the right image and loses nothing else.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { NotifyEvent } from '../../tools/usp-ctl/controller.ts';
import { operateMsg, setMsg } from '../../src/usp/index.ts';
import { main as uspCtl } from '../../tools/usp-ctl/index.ts';
import { makeImage, makeTestPki, sha, startHttpServer, startHttpsServer, type ImageServer } from './image-server.ts';
import { FI, get, isEvent, isOper, open, operate, req, session, setPki, startAgent, stderrSays, waitFor, type Session } from './session.ts';

let pki: ReturnType<typeof makeTestPki>;
let http: ImageServer;
let https: ImageServer;

const fw = suite('firmware lifecycle (agent process, HTTP(S) servers)');
fw.before(async () => {
  pki = makeTestPki();
  setPki(pki);
  http = await startHttpServer();
  https = await startHttpsServer(pki.cert, pki.key);
});
fw.after(async () => { await http.close(); await https.close(); });

fw('TP-469 9.3 Download() over HTTPS with AutoActivate: OperationComplete, TransferComplete!, Boot! FirmwareUpdated=true, the new image runs, nothing else lost', async () => {
  const s = await session();
  try {
    const img = makeImage('tinyusp-fw', '2.0.0', 300_000);
    https.route('/fw-2.0.0.img', { body: img.bytes });
    await req(s, (id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'FriendlyName', value: 'keep-me', required: true }] }] }));
    const before = await get(s, `${FI}2.`);
    assert.is(before[`${FI}2.Status`], 'NoImage');
    assert.is((await get(s, `${FI}1.Status`))[`${FI}1.Status`], 'Active');
    const reqPath = await operate(s, `${FI}2.Download()`, {
      URL: `${https.url}/fw-2.0.0.img`, AutoActivate: 'true', FileSize: String(img.bytes.length),
      CheckSumAlgorithm: 'SHA-256', CheckSum: sha('sha256', img.bytes),
    }, 'dl-1');
    assert.match(reqPath, /^Device\.LocalAgent\.Request\.\d+\.$/);
    const oc = await waitFor(s, 'OperationComplete', isOper('Download()'));
    assert.ok(oc.notify.oper_complete!.req_output_args, JSON.stringify(oc.notify.oper_complete));
    const tc = (await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params;
    assert.is(tc.FaultCode, '0');
    assert.is(tc.TransferType, 'Download');
    assert.is(tc.TransferURL, `${https.url}/fw-2.0.0.img`);
    assert.is(tc.Command, `${FI}2.Download()`);
    assert.is(tc.CommandKey, 'dl-1');
    assert.is(tc.Requestor, 'self::usp-ctl');
    assert.is(tc.CheckSumAlgorithm, 'SHA-256');
    assert.is(tc.CheckSum, sha('sha256', img.bytes));
    assert.match(tc.StartTime!, /^20\d\d-/);
    const boot = (await waitFor(s, 'Boot!', isEvent('Boot!'))).notify.event!.params;
    assert.is(boot.FirmwareUpdated, 'true');
    assert.is(boot.Cause, 'RemoteReboot');
    assert.is(boot.CommandKey, 'dl-1');
    assert.equal(JSON.parse(boot.ParameterMap!), { 'Device.DeviceInfo.ActiveFirmwareImage': `${FI}2`, 'Device.DeviceInfo.SoftwareVersion': '2.0.0' });
    const info = await get(s, 'Device.DeviceInfo.');
    assert.is(info['Device.DeviceInfo.SoftwareVersion'], '2.0.0');
    assert.is(info['Device.DeviceInfo.ActiveFirmwareImage'], `${FI}2`);
    assert.is(info['Device.DeviceInfo.BootFirmwareImage'], `${FI}2`);
    assert.is(info['Device.DeviceInfo.FriendlyName'], 'keep-me');
    assert.is(info[`${FI}2.Status`], 'Active');
    assert.is(info[`${FI}2.Version`], '2.0.0');
    assert.is(info[`${FI}2.Name`], 'tinyusp-fw');
    assert.is(info[`${FI}1.Status`], 'Available');
    await stderrSays(s.agent, /slot 1 confirmed healthy/);
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('TP-469 9.6 a bad CheckSum, a truncated file and a cut that never heals fail cleanly; one cut is resumed with Range', async () => {
  const s = await session();
  try {
    const img = makeImage('tinyusp-fw', '3.0.0', 100_000);
    http.route('/good.img', { body: img.bytes });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/good.img`, AutoActivate: 'false', CheckSumAlgorithm: 'SHA-1', CheckSum: '00'.repeat(20) });
    const oc = await waitFor(s, 'OperationComplete', isOper('Download()'));
    assert.is(oc.notify.oper_complete!.cmd_failure?.err_code, 7022);
    const tc = (await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params;
    assert.is(tc.FaultCode, '7803');
    assert.match(tc.FaultString!, /CheckSum mismatch/);
    assert.is((await get(s, `${FI}2.Status`))[`${FI}2.Status`], 'ValidationFailed');

    http.route('/trunc.img', { body: img.bytes, truncateTo: 60_000 });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/trunc.img`, AutoActivate: 'false' });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '7803');
    await waitFor(s, 'OperationComplete', isOper('Download()'));

    http.route('/always-cut.img', { body: img.bytes, cutAt: 10_000, cutTimes: 100 });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/always-cut.img`, AutoActivate: 'false' });
    const cut = (await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params;
    assert.is(cut.FaultCode, '7800');
    assert.match(cut.FaultString!, /gave up after 3 resumes/);
    assert.is((await get(s, `${FI}2.Status`))[`${FI}2.Status`], 'DownloadFailed');
    await waitFor(s, 'OperationComplete', isOper('Download()'));

    http.route('/cut-once.img', { body: img.bytes, cutAt: 40_000, cutTimes: 1 });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/cut-once.img`, AutoActivate: 'false', CheckSumAlgorithm: 'SHA-512', CheckSum: sha('sha512', img.bytes) });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '0');
    assert.ok(http.requests.some((r) => r.path === '/cut-once.img' && /^bytes=\d+-$/.test(r.range)), 'resumed with a Range request');
    const row = await get(s, `${FI}2.`);
    assert.is(row[`${FI}2.Status`], 'Available');
    assert.is(row[`${FI}2.Available`], 'true');
    assert.is(row[`${FI}2.Version`], '3.0.0');
    assert.is((await get(s, 'Device.DeviceInfo.SoftwareVersion'))['Device.DeviceInfo.SoftwareVersion'], '0.1.0', 'no AutoActivate: still the old image');
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('RFC 7617 / RFC 7616 wrong Basic and Digest passwords fail with 7801; right ones (Digest MD5 and SHA-256, chunked body) succeed', async () => {
  const s = await session();
  try {
    const img = makeImage('tinyusp-fw', '4.0.0', 50_000);
    http.route('/basic.img', { body: img.bytes, auth: { scheme: 'basic', user: 'maker', password: 's3cret' } });
    http.route('/digest.img', { body: img.bytes, chunked: true, auth: { scheme: 'digest', user: 'maker', password: 's3cret', algorithm: 'SHA-256' } });
    http.route('/digest-md5.img', { body: img.bytes, auth: { scheme: 'digest', user: 'maker', password: 's3cret', algorithm: 'MD5' } });
    for (const path of ['/basic.img', '/digest.img']) {
      await operate(s, `${FI}2.Download()`, { URL: `${http.url}${path}`, AutoActivate: 'false', Username: 'maker', Password: 'wrong' });
      const tc = (await waitFor(s, `TransferComplete! ${path}`, isEvent('TransferComplete!'))).notify.event!.params;
      assert.is(tc.FaultCode, '7801', `${path}: ${tc.FaultString}`);
      await waitFor(s, 'OperationComplete', isOper('Download()'));
    }
    for (const path of ['/basic.img', '/digest.img', '/digest-md5.img']) {
      await operate(s, `${FI}2.Download()`, { URL: `${http.url}${path}`, AutoActivate: 'false', Username: 'maker', Password: 's3cret' });
      const tc = (await waitFor(s, `TransferComplete! ${path}`, isEvent('TransferComplete!'))).notify.event!.params;
      assert.is(tc.FaultCode, '0', `${path}: ${tc.FaultString}`);
      await waitFor(s, 'OperationComplete', isOper('Download()'));
    }
    assert.ok(http.requests.some((r) => r.path === '/digest.img' && /^Digest .*algorithm=SHA-256.*qop=auth/.test(r.auth)));
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('usp-ctl drives it: operate Download() with arguments, get the rows (docs/firmware.md "Shipping an update")', async () => {
  const s = await session();
  try {
    const img = makeImage('tinyusp-fw', '4.3.0', 30_000);
    http.route('/cli.img', { body: img.bytes });
    const out: string[] = [];
    const code = await uspCtl(['operate', `${FI}2.Download()`, `URL=${http.url}/cli.img`, 'AutoActivate=false',
      'CheckSumAlgorithm=SHA-256', `CheckSum=${sha('sha256', img.bytes)}`, '--key', 'cli-1', '--agent', s.agent.uri], (l) => out.push(l), (l) => out.push(l));
    assert.is(code, 0, out.join('\n'));
    assert.match(out.join('\n'), /Download\(\): running as Device\.LocalAgent\.Request\.\d+\./);
    const tc = (await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params;
    assert.equal([tc.FaultCode, tc.CommandKey], ['0', 'cli-1']);
    // TP-469 9.7 (A/B): the running image cannot be downloaded into; bounded: one download at a time.
    await operate(s, `${FI}1.Download()`, { URL: `${http.url}/cli.img`, AutoActivate: 'true' });
    const active = await waitFor(s, 'OperationComplete (active)', (n) => isOper('Download()')(n) && n.notify.oper_complete!.obj_path === `${FI}1.`);
    assert.equal([active.notify.oper_complete!.obj_path, active.notify.oper_complete!.cmd_failure?.err_code], [`${FI}1.`, 7022]);
    http.route('/slow.img', { body: img.bytes, stallAt: 1000 });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/slow.img`, AutoActivate: 'false' }, 'slow');
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/cli.img`, AutoActivate: 'false' }, 'second');
    const second = await waitFor(s, 'second Download()', (n) => isOper('Download()')(n) && n.notify.oper_complete!.command_key === 'second');
    assert.is(second.notify.oper_complete!.cmd_failure?.err_code, 7005);
    const rows: string[] = [];
    assert.is(await uspCtl(['get', `${FI}2.Version`, `${FI}2.Status`, '--agent', s.agent.uri], (l) => rows.push(l), (l) => rows.push(l)), 0);
    assert.equal([...rows].sort(), [`${FI}2.Status = Downloading`, `${FI}2.Version = `], 'the stalled download is still running');
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('--firmware-key: an unsigned image fails validation (7804), one signed by the maker installs', async () => {
  const s = await session(['--firmware-key', pki.signPub]);
  try {
    http.route('/unsigned.img', { body: makeImage('tinyusp-fw', '4.1.0', 20_000).bytes });
    http.route('/signed.img', { body: makeImage('tinyusp-fw', '4.2.0', 20_000, pki.signKey).bytes });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/unsigned.img`, AutoActivate: 'false' });
    const bad = (await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params;
    assert.equal([bad.FaultCode, bad.FaultString], ['7804', 'the image is not signed and this device requires a signature']);
    assert.is((await get(s, `${FI}2.Status`))[`${FI}2.Status`], 'ValidationFailed');
    await waitFor(s, 'OperationComplete', isOper('Download()'));
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/signed.img`, AutoActivate: 'false' });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '0');
    assert.is((await get(s, `${FI}2.Version`))[`${FI}2.Version`], '4.2.0');
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('TP-469 9.4/9.8 Activate() inside a TimeWindow (Immediately at Start=1) reboots into the image; one canceled in time never does; ConfirmationNeeded alone fails', async () => {
  const s = await session();
  try {
    const img = makeImage('tinyusp-fw', '5.0.0', 40_000);
    http.route('/act.img', { body: img.bytes });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/act.img`, AutoActivate: 'false' });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '0');
    await waitFor(s, 'OperationComplete', isOper('Download()'));
    // 9.8: a window two minutes away, canceled: no activation.
    const later = await operate(s, `${FI}2.Activate()`, { 'TimeWindow.1.Start': '120', 'TimeWindow.1.End': '500', 'TimeWindow.1.Mode': 'AnyTime' }, 'act-late');
    const busy = await s.ctl.request((id) => operateMsg(id, { command: `${FI}2.Activate()`, send_resp: true, input_args: { 'TimeWindow.1.Start': '0', 'TimeWindow.1.End': '9', 'TimeWindow.1.Mode': 'AnyTime' } }));
    const busyR = busy.body!.response!.operate_resp!.operation_results[0]!;
    await operate(s, `${later}Cancel()`, {});
    const canceled = await waitFor(s, 'canceled Activate()', (n) => isOper('Activate()')(n) && n.notify.oper_complete!.command_key === 'act-late');
    assert.is(canceled.notify.oper_complete!.cmd_failure?.err_code, 7023);
    // the second Activate() while one was pending: 7005 (bounded: one pending activation)
    const second = busyR.req_obj_path !== undefined && busyR.req_obj_path !== ''
      ? await waitFor(s, 'second Activate()', (n) => isOper('Activate()')(n) && n.notify.oper_complete!.command_key === '') : null;
    assert.is(second?.notify.oper_complete!.cmd_failure?.err_code ?? busyR.cmd_failure?.err_code, 7005);
    await operate(s, `${FI}2.Activate()`, { 'TimeWindow.1.Start': '0', 'TimeWindow.1.End': '2', 'TimeWindow.1.Mode': 'ConfirmationNeeded' });
    assert.is((await waitFor(s, 'ConfirmationNeeded Activate()', isOper('Activate()'))).notify.oper_complete!.cmd_failure?.err_code, 7022);
    const t0 = Date.now();
    await operate(s, `${FI}2.Activate()`, {
      'TimeWindow.1.Start': '1', 'TimeWindow.1.End': '100', 'TimeWindow.1.Mode': 'Immediately', 'TimeWindow.1.UserMessage': 'now', 'TimeWindow.1.MaxRetries': '0',
    }, 'act-1');
    const oc = await waitFor(s, 'Activate() OperationComplete', isOper('Activate()'));
    assert.ok(oc.notify.oper_complete!.req_output_args, JSON.stringify(oc.notify.oper_complete));
    assert.ok(Date.now() - t0 >= 900, 'not before the window opens');
    const boot = (await waitFor(s, 'Boot!', isEvent('Boot!'))).notify.event!.params;
    assert.is(boot.FirmwareUpdated, 'true');
    assert.is(boot.CommandKey, 'act-1');
    assert.is((await get(s, 'Device.DeviceInfo.SoftwareVersion'))['Device.DeviceInfo.SoftwareVersion'], '5.0.0');
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('power cut (SIGKILL) in the middle of a download: the old image boots, TransferComplete! 7806 at boot, FirmwareImage DownloadFailed, settings kept', async () => {
  const s = await session();
  const dir = s.agent.stateDir;
  try {
    const img = makeImage('tinyusp-fw', '6.0.0', 200_000);
    http.route('/stall.img', { body: img.bytes, stallAt: 90_000 });
    await req(s, (id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'ProvisioningCode', value: 'pc-1', required: true }] }] }));
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/stall.img`, AutoActivate: 'true' }, 'dl-cut');
    await new Promise((r) => setTimeout(r, 800));
    assert.is((await get(s, `${FI}2.Status`))[`${FI}2.Status`], 'Downloading');
    s.agent.proc.kill('SIGKILL');
    await s.agent.stop();
    s.ctl.close();
    const agent = await startAgent(dir, s.port);
    const notes: NotifyEvent[] = [];
    const s2: Session = { agent, ctl: await open(agent, s.port, notes), notes, port: s.port };
    try {
      const boot = (await waitFor(s2, 'Boot!', isEvent('Boot!'))).notify.event!.params;
      assert.is(boot.FirmwareUpdated, 'false');
      const tc = (await waitFor(s2, 'TransferComplete! after the cut', isEvent('TransferComplete!'))).notify.event!.params;
      assert.is(tc.FaultCode, '7806');
      assert.is(tc.CommandKey, 'dl-cut');
      const info = await get(s2, 'Device.DeviceInfo.');
      assert.is(info[`${FI}2.Status`], 'DownloadFailed');
      assert.is(info[`${FI}1.Status`], 'Active');
      assert.is(info['Device.DeviceInfo.ActiveFirmwareImage'], `${FI}1`);
      assert.is(info['Device.DeviceInfo.ProvisioningCode'], 'pc-1');
      assert.is(info['Device.DeviceInfo.SoftwareVersion'], '0.1.0');
    } finally { s2.ctl.close(); await agent.stop(); }
  } finally { s.ctl.close(); await s.agent.stop(); }
});

fw('power cut during the slot switch boots the new image; a trial that reaches no Controller rolls back (BootFailureLog, BootFirmwareImage kept)', async () => {
  const s = await session(['--firmware-health', '2']);
  const dir = s.agent.stateDir;
  const img = makeImage('tinyusp-fw', '7.0.0', 30_000);
  http.route('/switch.img', { body: img.bytes });
  await operate(s, `${FI}2.Download()`, { URL: `${http.url}/switch.img`, AutoActivate: 'false' });
  await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'));
  await operate(s, `${FI}2.Activate()`, { 'TimeWindow.1.Start': '0', 'TimeWindow.1.End': '10', 'TimeWindow.1.Mode': 'AnyTime' }, 'sw');
  await waitFor(s, 'Activate() OperationComplete', isOper('Activate()'));
  s.agent.proc.kill('SIGKILL'); // within the reboot delay: slots already switched, the restart not yet done
  await s.agent.stop();
  s.ctl.close();
  let agent = await startAgent(dir, s.port, ['--firmware-health', '2']);
  let notes: NotifyEvent[] = [];
  let s2: Session = { agent, ctl: await open(agent, s.port, notes), notes, port: s.port };
  const boot = (await waitFor(s2, 'Boot!', isEvent('Boot!'))).notify.event!.params;
  assert.is(boot.FirmwareUpdated, 'true');
  assert.is((await get(s2, 'Device.DeviceInfo.SoftwareVersion'))['Device.DeviceInfo.SoftwareVersion'], '7.0.0');
  await stderrSays(agent, /slot 1 confirmed healthy/);
  // Now back to slot 0 through BootFirmwareImage + Reboot(), with no Controller listening: the trial of
  // slot 0 hears nobody within --firmware-health 2 s and the device boots slot 1 again.
  await req(s2, (id) => setMsg(id, { allow_partial: false, update_objs: [{ obj_path: 'Device.DeviceInfo.', param_settings: [{ param: 'BootFirmwareImage', value: `${FI}1`, required: true }] }] }));
  await req(s2, (id) => operateMsg(id, { command: 'Device.Reboot()', command_key: 'back', send_resp: true, input_args: {} }));
  s2.ctl.close();
  await stderrSays(agent, /no Controller reached the trial image/, 20_000);
  await stderrSays(agent, /Reboot\(\): restarting the agent[\s\S]*Reboot\(\): restarting the agent/, 10_000);
  notes = [];
  s2 = { agent, ctl: await open(agent, s.port, notes), notes, port: s.port };
  try {
    await new Promise((r) => setTimeout(r, 500));
    const info = await get(s2, 'Device.DeviceInfo.');
    assert.is(info['Device.DeviceInfo.ActiveFirmwareImage'], `${FI}2`);
    assert.is(info['Device.DeviceInfo.SoftwareVersion'], '7.0.0');
    assert.is(info['Device.DeviceInfo.BootFirmwareImage'], `${FI}1`, 'TR-181: never repointed at the fallback image');
    assert.is(info[`${FI}1.Status`], 'ActivationFailed');
    assert.match(info[`${FI}1.BootFailureLog`]!, /never reported healthy/);
  } finally { s2.ctl.close(); agent = s2.agent; await agent.stop(); }
});

fw.run();
