/**
 * Test fixture: firmware images (the tinyusp header in front of a payload, signed with
 * openssl's key when asked) and a real HTTP and HTTPS server on 127.0.0.1 (node:http,
 * node:https with a CA and an IP-SAN leaf made by openssl) that serves them with the
 * behaviours a download must survive: Range (206), Basic and Digest (RFC 7616, computed
 * here with node:crypto), a cut in the middle of the body, a stall, a redirect.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, sign as signData } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeImageHeader } from '../../src/firmware/index.ts';

export interface Image { readonly bytes: Uint8Array; readonly name: string; readonly version: string }

/** An image whose payload is `size` pseudo-random bytes; signed with `keyPem` when given. */
export function makeImage(name: string, version: string, size: number, keyPem?: string): Image {
  const payload = new Uint8Array(randomBytes(size));
  const head = writeImageHeader(name, version, payload, keyPem === undefined ? undefined : (msg) => new Uint8Array(signData('sha256', msg, keyPem)));
  const bytes = new Uint8Array(head.length + payload.length);
  bytes.set(head, 0);
  bytes.set(payload, head.length);
  return { bytes, name, version };
}

export function sha(alg: string, b: Uint8Array): string {
  return createHash(alg).update(b).digest('hex');
}

export interface Route {
  readonly body: Uint8Array;
  /** 'basic' | 'digest' with these credentials. */
  readonly auth?: { readonly scheme: 'basic' | 'digest'; readonly user: string; readonly password: string; readonly algorithm?: 'MD5' | 'SHA-256' };
  /** Send only this many body bytes of a full-length response, then destroy the socket (first `cutTimes` requests). */
  readonly cutAt?: number;
  readonly cutTimes?: number;
  /** Send this many bytes, then hold the connection open without sending more. */
  readonly stallAt?: number;
  /** Content-Length and body are the first N bytes: a truncated file, cleanly delivered. */
  readonly truncateTo?: number;
  /** Answer with chunked transfer-encoding instead of Content-Length. */
  readonly chunked?: boolean;
  /** 302 to this path. */
  readonly redirect?: string;
}

export interface ImageServer {
  readonly url: string;
  readonly requests: { path: string; range: string; auth: string }[];
  route(path: string, r: Route): void;
  close(): Promise<void>;
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const s256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function digestOk(req: IncomingMessage, a: NonNullable<Route['auth']>, nonce: string): boolean {
  const h = req.headers.authorization ?? '';
  if (!h.startsWith('Digest ')) return false;
  const p = new Map<string, string>();
  for (const m of h.slice(7).matchAll(/([a-z]+)=("([^"]*)"|[^,\s]+)/g)) p.set(m[1]!, m[3] ?? m[2]!);
  const H = a.algorithm === 'MD5' ? md5 : s256;
  if (p.get('nonce') !== nonce || p.get('username') !== a.user || p.get('uri') !== req.url) return false;
  const ha1 = H(`${a.user}:test-realm:${a.password}`);
  const ha2 = H(`GET:${req.url}`);
  return p.get('response') === H(`${ha1}:${nonce}:${p.get('nc')}:${p.get('cnonce')}:auth:${ha2}`);
}

function handler(routes: Map<string, Route>, log: ImageServer['requests'], counts: Map<string, number>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    log.push({ path, range: String(req.headers.range ?? ''), auth: String(req.headers.authorization ?? '') });
    const r = routes.get(path);
    if (r === undefined) { res.writeHead(404).end(); return; }
    if (r.redirect !== undefined) { res.writeHead(302, { Location: r.redirect }).end(); return; }
    if (r.auth !== undefined) {
      const a = r.auth;
      const nonce = 'n' + Buffer.from(path).toString('hex');
      const ok = a.scheme === 'basic'
        ? req.headers.authorization === 'Basic ' + Buffer.from(`${a.user}:${a.password}`).toString('base64')
        : digestOk(req, a, nonce);
      if (!ok) {
        const challenge = a.scheme === 'basic' ? 'Basic realm="test-realm"'
          : `Digest realm="test-realm", qop="auth", algorithm=${a.algorithm ?? 'SHA-256'}, nonce="${nonce}", opaque="op"`;
        res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Length': '12' }).end('unauthorized');
        return;
      }
    }
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    let body = r.truncateTo !== undefined ? r.body.subarray(0, r.truncateTo) : r.body;
    const m = /^bytes=([0-9]+)-$/.exec(String(req.headers.range ?? ''));
    let status = 200;
    const headers: Record<string, string> = { 'Accept-Ranges': 'bytes', ETag: '"img-1"' };
    if (m !== null && Number(m[1]) < body.length) {
      const from = Number(m[1]);
      headers['Content-Range'] = `bytes ${from}-${body.length - 1}/${body.length}`;
      body = body.subarray(from);
      status = 206;
    }
    if (r.chunked) res.writeHead(status, { ...headers, 'Transfer-Encoding': 'chunked' });
    else res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
    const cut = r.cutAt !== undefined && n <= (r.cutTimes ?? 1) ? r.cutAt : undefined;
    if (cut !== undefined) { res.write(body.subarray(0, cut), () => res.socket?.destroy()); return; }
    if (r.stallAt !== undefined) { res.write(body.subarray(0, r.stallAt)); return; }
    if (r.chunked) {
      for (let i = 0; i < body.length; i += 7000) res.write(body.subarray(i, Math.min(body.length, i + 7000)));
      res.end();
      return;
    }
    res.end(body);
  };
}

function listen(server: Server, secure: boolean, routes: Map<string, Route>, log: ImageServer['requests']): Promise<ImageServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`, requests: log,
        route(path, r) { routes.set(path, r); },
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

export function startHttpServer(): Promise<ImageServer> {
  const routes = new Map<string, Route>();
  const log: ImageServer['requests'] = [];
  return listen(createHttp(handler(routes, log, new Map())), false, routes, log);
}

/** A CA and a server certificate for IP 127.0.0.1, made with openssl; plus an image signing key pair. */
export function makeTestPki(): { dir: string; ca: string; cert: string; key: string; signKey: string; signPub: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-fw-pki-'));
  const ssl = (args: string[]): void => { execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] }); };
  ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  ssl(['req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '30', '-subj', '/CN=fw-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-out', 'ca.crt']);
  ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key']);
  ssl(['req', '-new', '-key', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-sha256', '-days', '30', '-extfile', 'server.ext', '-out', 'server.crt']);
  ssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sign.key']);
  ssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'sign.key', '-out', 'sign.p8']);
  ssl(['ec', '-in', 'sign.key', '-pubout', '-out', 'sign.pub']);
  const read = (n: string): string => readFileSync(join(dir, n), 'utf8');
  return { dir, ca: join(dir, 'ca.crt'), cert: read('server.crt'), key: read('server.key'), signKey: read('sign.p8'), signPub: join(dir, 'sign.pub') };
}

export function startHttpsServer(cert: string, key: string): Promise<ImageServer> {
  const routes = new Map<string, Route>();
  const log: ImageServer['requests'] = [];
  return listen(createHttps({ cert, key }, handler(routes, log, new Map())) as unknown as Server, true, routes, log);
}
