/**
 * TP-469 7.9 / R-WS.22: WebSocket over TLS (wss) both ways, with certificates made by
 * openssl (test/dtls/pki.ts) and the npm `ws` package over node:https as the
 * Controller: the agent's wss listener requires a client certificate chaining to its
 * CA whose subjectAltName names the Controller (R-MTP.1, R-SEC.0a); the agent dialing a
 * wss server checks the server certificate names the Controller it dials.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { makePki, AGENT_EID, CONTROLLER_EID, type Pki } from '../../dtls/pki.ts';
import { startAgentProcess, type AgentProcess } from '../../main/agent-process.ts';
import { startTestServer } from './ws-server.ts';
import { WsController } from './ws-controller.ts';

let pki: Pki;

/** Resolves with the rejection message of `p` (fails when it resolves). */
async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}
const pem = (name: string, ext: 'crt' | 'key'): string => readFileSync(pki.path(name, ext), 'utf8');
const tlsArgs = (): string[] => ['--endpoint-id', AGENT_EID, '--ws-cert', pki.path('agent', 'crt'), '--ws-key', pki.path('agent', 'key'), '--ws-ca', pki.path('ca', 'crt')];

async function stop(a: AgentProcess): Promise<void> {
  await a.stop();
  rmSync(a.stateDir, { recursive: true, force: true });
}

async function listening(a: AgentProcess): Promise<string> {
  const until = Date.now() + 10000;
  let m: RegExpExecArray | null;
  while ((m = /tinyusp ws listening (wss?:\/\/\S+) endpoint/.exec(a.stdout)) === null) {
    if (Date.now() > until) throw new Error(`no listener: ${a.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return m[1]!;
}

const tls = suite('mtp/websocket wss (TLS)');
tls.before(() => { pki = makePki([['other', 'self::someone-else']]); });
tls.after(() => rmSync(pki.dir, { recursive: true, force: true }));

tls('TP-469 7.9 R-WS.22: a Controller with a certificate naming it gets a wss session on the listener; R-MTP.1 none without one', async () => {
  const agent = await startAgentProcess([...tlsArgs(), '--ws-port', '0', '--controller', `${CONTROLLER_EID}=coap://127.0.0.1:5685/usp`]);
  try {
    const url = await listening(agent);
    assert.match(url, /^wss:\/\//);
    const q = `?eid=${encodeURIComponent(CONTROLLER_EID)}`;
    const c = await WsController.connect(url + q, CONTROLLER_EID, AGENT_EID, { ca: pem('ca', 'crt'), cert: pem('controller', 'crt'), key: pem('controller', 'key') });
    const get = await c.request('GET', 'get', { paramPaths: ['Device.LocalAgent.MTP.*.WebSocket.EnableEncryption'] });
    assert.ok(JSON.stringify(get).includes('"EnableEncryption":"true"'), JSON.stringify(get));
    const peer = (c.ws as unknown as { _socket: { getPeerCertificate(): { subjectaltname?: string } } })._socket.getPeerCertificate();
    assert.ok(peer.subjectaltname?.includes(`urn:bbf:usp:id:${AGENT_EID}`), 'the agent presents its own certificate');
    c.ws.close();
    const noCert = await refused(WsController.connect(url + q, CONTROLLER_EID, AGENT_EID, { ca: pem('ca', 'crt') }));
    assert.not.match(noCert, /^HTTP/, `R-MTP.1 no client certificate: the TLS handshake fails (${noCert})`);
    const untrusted = await refused(WsController.connect(url + q, CONTROLLER_EID, AGENT_EID, { ca: pem('ca', 'crt'), cert: pem('untrusted', 'crt'), key: pem('untrusted', 'key') }));
    assert.not.match(untrusted, /^HTTP/, `an untrusted CA: the TLS handshake fails (${untrusted})`);
    assert.is(await refused(WsController.connect(url + q, CONTROLLER_EID, AGENT_EID, { ca: pem('ca', 'crt'), cert: pem('other', 'crt'), key: pem('other', 'key') })), 'HTTP 403', 'R-SEC.0a the certificate names someone else');
  } finally {
    await stop(agent);
  }
});

tls('R-SEC.0a over wss: a Record whose from_id is not the certificate\'s Endpoint ID is not processed', async () => {
  const agent = await startAgentProcess([...tlsArgs(), '--ws-port', '0', '--controller', `${CONTROLLER_EID}=coap://127.0.0.1:5685/usp`, '--controller', 'self::usp-ctl=coap://127.0.0.1:5685/usp']);
  try {
    const url = await listening(agent);
    const c = await WsController.connect(`${url}?eid=${encodeURIComponent(CONTROLLER_EID)}`, 'self::usp-ctl', AGENT_EID, { ca: pem('ca', 'crt'), cert: pem('controller', 'crt'), key: pem('controller', 'key') });
    assert.match(await refused(c.request('GET', 'get', { paramPaths: ['Device.DeviceInfo.'] }, 1500)), /no answer/);
    c.ws.close();
  } finally {
    await stop(agent);
  }
});

tls('TP-469 7.9 R-WS.22: the agent dials a wss server whose certificate names the Controller, presenting its own', async () => {
  const srv = await startTestServer(CONTROLLER_EID, AGENT_EID, () => createHttps({
    cert: pem('controller', 'crt'), key: pem('controller', 'key'), ca: pem('ca', 'crt'), requestCert: true, rejectUnauthorized: true,
  }));
  const agent = await startAgentProcess([...tlsArgs(), '--controller', `${CONTROLLER_EID}=wss://127.0.0.1:${srv.port}/usp`]);
  try {
    const c = await srv.next();
    const cert = (c.ws as unknown as { _socket: { getPeerCertificate(): { subjectaltname?: string } } })._socket.getPeerCertificate();
    assert.ok(cert.subjectaltname?.includes(`urn:bbf:usp:id:${AGENT_EID}`), 'R-SEC.10 the agent authenticates with its certificate');
    const get = await c.request('GET', 'get', { paramPaths: ['Device.LocalAgent.Controller.1.MTP.1.WebSocket.EnableEncryption'] });
    assert.ok(JSON.stringify(get).includes('"EnableEncryption":"true"'));
  } finally {
    await stop(agent);
    await srv.close();
  }
});

tls('R-SEC.0a: a wss server whose certificate names neither the Controller nor the host is closed with 1008 and never served', async () => {
  const srv = await startTestServer(CONTROLLER_EID, AGENT_EID, () => createHttps({ cert: pem('other', 'crt'), key: pem('other', 'key'), ca: pem('ca', 'crt'), requestCert: true }));
  const agent = await startAgentProcess([...tlsArgs(), '--controller', `${CONTROLLER_EID}=wss://127.0.0.1:${srv.port}/usp`]);
  try {
    const c = await srv.next();
    assert.is(await c.closed, 1008);
    assert.is(c.records.length, 0, 'no Record sent to an unproven peer');
  } finally {
    await stop(agent);
    await srv.close();
  }
});

tls('R-MTP.1: a wss server from an untrusted CA never gets a session', async () => {
  const srv = await startTestServer(CONTROLLER_EID, AGENT_EID, () => createHttps({ cert: pem('untrusted', 'crt'), key: pem('untrusted', 'key') }));
  const agent = await startAgentProcess([...tlsArgs(), '--controller', `${CONTROLLER_EID}=wss://127.0.0.1:${srv.port}/usp`]);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    assert.is(srv.attempts.length, 0, 'the TLS handshake fails before any upgrade request');
    assert.is(srv.sessions.length, 0);
  } finally {
    await stop(agent);
    await srv.close();
  }
});

tls.run();
