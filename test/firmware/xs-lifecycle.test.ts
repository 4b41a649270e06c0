/**
 * The firmware lifecycle with the agent inside the XS engine (`npm run start:xs`): the
 * HTTP client, hashing and image checks run in XS; the host lends its TCP/TLS sockets and
 * file-backed slots through the xs-host bridge. TP-469 9.3 over HTTPS with AutoActivate,
 * a bad CheckSum (9.6), a resumed cut and Digest auth, then the reboot into the new image
 * as an in-process restart inside XS.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeImage, makeTestPki, sha, startHttpServer, startHttpsServer, type ImageServer } from './image-server.ts';
import { FI, get, isEvent, isOper, operate, session, setPki, stderrSays, waitFor } from './session.ts';

let http: ImageServer;
let https: ImageServer;
let pki: ReturnType<typeof makeTestPki>;

const xs = suite('firmware lifecycle inside XS (start:xs)');
xs.before(async () => {
  pki = makeTestPki();
  setPki(pki, 'tools/xs/start-agent.ts');
  http = await startHttpServer();
  https = await startHttpsServer(pki.cert, pki.key);
});
xs.after(async () => { await http.close(); await https.close(); });

xs('TP-469 9.6 then 9.3 inside XS: bad CheckSum → 7803; a cut resumed, Digest, HTTPS with AutoActivate → Boot! FirmwareUpdated=true', async () => {
  const s = await session();
  try {
    const img = makeImage('tinyusp-fw', '8.1.0', 120_000);
    https.route('/xs.img', { body: img.bytes });
    http.route('/xs-cut.img', { body: img.bytes, cutAt: 50_000, auth: { scheme: 'digest', user: 'u', password: 'p', algorithm: 'SHA-256' } });
    await operate(s, `${FI}2.Download()`, { URL: `${https.url}/xs.img`, AutoActivate: 'false', CheckSumAlgorithm: 'SHA-384', CheckSum: '11'.repeat(48) });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '7803');
    assert.is((await waitFor(s, 'OperationComplete', isOper('Download()'))).notify.oper_complete!.cmd_failure?.err_code, 7022);
    assert.is((await get(s, `${FI}2.Status`))[`${FI}2.Status`], 'ValidationFailed');

    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/xs-cut.img`, AutoActivate: 'false', Username: 'u', Password: 'p' });
    const cut = (await waitFor(s, 'TransferComplete! (cut)', isEvent('TransferComplete!'))).notify.event!.params;
    assert.is(cut.FaultCode, '0', cut.FaultString);
    assert.ok(http.requests.some((r) => r.path === '/xs-cut.img' && r.range !== ''), 'resumed with Range');
    await waitFor(s, 'OperationComplete', isOper('Download()'));

    await operate(s, `${FI}2.Download()`, {
      URL: `${https.url}/xs.img`, AutoActivate: 'true', CheckSumAlgorithm: 'SHA-256', CheckSum: sha('sha256', img.bytes),
    }, 'xs-dl');
    assert.ok((await waitFor(s, 'OperationComplete', isOper('Download()'))).notify.oper_complete!.req_output_args);
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '0');
    const boot = (await waitFor(s, 'Boot!', isEvent('Boot!'), 20_000)).notify.event!.params;
    assert.is(boot.FirmwareUpdated, 'true');
    assert.is(boot.CommandKey, 'xs-dl');
    const info = await get(s, 'Device.DeviceInfo.');
    assert.is(info['Device.DeviceInfo.SoftwareVersion'], '8.1.0');
    assert.is(info['Device.DeviceInfo.ActiveFirmwareImage'], `${FI}2`);
    assert.is(info[`${FI}1.Status`], 'Available');
    await stderrSays(s.agent, /slot 1 confirmed healthy/);
  } finally { s.ctl.close(); await s.agent.stop(); }
});

xs('--firmware-key inside XS: the host crypto checks the signature through the bridge; unsigned 7804, signed 0', async () => {
  const s = await session(['--firmware-key', pki.signPub]);
  try {
    http.route('/xs-unsigned.img', { body: makeImage('tinyusp-fw', '8.2.0', 10_000).bytes });
    http.route('/xs-signed.img', { body: makeImage('tinyusp-fw', '8.3.0', 10_000, pki.signKey).bytes });
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/xs-unsigned.img`, AutoActivate: 'false' });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '7804');
    await waitFor(s, 'OperationComplete', isOper('Download()'));
    await operate(s, `${FI}2.Download()`, { URL: `${http.url}/xs-signed.img`, AutoActivate: 'false' });
    assert.is((await waitFor(s, 'TransferComplete!', isEvent('TransferComplete!'))).notify.event!.params.FaultCode, '0');
    assert.is((await get(s, `${FI}2.Version`))[`${FI}2.Version`], '8.3.0');
  } finally { s.ctl.close(); await s.agent.stop(); }
});

xs.run();
