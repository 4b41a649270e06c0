/**
 * The sans-I/O HTTP/1.1 download client (src/http/): URL rules, the response parser over
 * every split of its input, Basic and Digest authorization against RFC 7617 / RFC 7616
 * examples, and one GET over a real node:http server through the Node stream driver.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  answerChallenges, basicAuthorization, digestAuthorization, GetState, HttpGet, parseChallenges, parseHttpUrl, ParseError, ResponseParser,
  resolveLocation, type HttpUrl, type ResponseHead,
} from '../../src/http/index.ts';
import { nodeDownloadStreams } from '../../src/platform/node/download-stream.ts';
import { PORTABLE_HASHES } from '../../src/firmware/index.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const url = suite('http/url');

url('TR-181 Download() URL: userinfo refused, default ports, IPv6 literal, fragment dropped', () => {
  assert.match(parseHttpUrl('https://u:p@h/x') as string, /userinfo/);
  assert.match(parseHttpUrl('ftp://h/x') as string, /unsupported scheme/);
  const u = parseHttpUrl('https://example.org/fw.img?v=2#frag') as HttpUrl;
  assert.equal([u.secure, u.host, u.port, u.target, u.authority], [true, 'example.org', 443, '/fw.img?v=2', 'example.org']);
  const v = parseHttpUrl('http://[::1]:8080') as HttpUrl;
  assert.equal([v.host, v.port, v.target, v.authority], ['::1', 8080, '/', '[::1]:8080']);
});

url('RFC 3986 §5.2 redirect Location: absolute, absolute-path, relative with dot segments', () => {
  const base = parseHttpUrl('http://a.example:81/b/c/d.img?q') as HttpUrl;
  assert.is((resolveLocation(base, 'https://x.example/y') as HttpUrl).authority, 'x.example');
  assert.is((resolveLocation(base, '/z/../e.img') as HttpUrl).target, '/e.img');
  assert.is((resolveLocation(base, '../g.img') as HttpUrl).target, '/b/g.img');
  assert.is((resolveLocation(base, 'g.img?x=1') as HttpUrl).target, '/b/c/g.img?x=1');
});

const parser = suite('http/response-parser');

function parseAll(text: string, step: number): { head: ResponseHead | null; body: string; done: boolean; err: number } {
  let head: ResponseHead | null = null;
  let body = '';
  const p = new ResponseParser({ head(h) { head = h; }, body(b, s, e) { body += new TextDecoder().decode(b.subarray(s, e)); return true; } });
  const bytes = enc(text);
  let err = 0;
  for (let i = 0; i < bytes.length && err === 0; i += step) err = p.handleBytes(bytes, i, Math.min(bytes.length, i + step));
  p.handleClose();
  return { head, body, done: p.done, err };
}

parser('RFC 9112 §7.1 chunked body (extensions, trailers) and §6.3 Content-Length, split at every position', () => {
  const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nETag: "e1"\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n';
  const cl = 'HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nContent-Range: bytes 10-14/15\r\n\r\nhello';
  for (let step = 1; step <= 9; step++) {
    const a = parseAll(chunked, step);
    assert.equal([a.err, a.done, a.body, a.head!.etag], [0, true, 'hello world', '"e1"'], `step ${step}`);
    const b = parseAll(cl, step);
    assert.equal([b.err, b.done, b.body, b.head!.rangeStart, b.head!.rangeComplete], [0, true, 'hello', 10, 15], `step ${step}`);
  }
  const close = parseAll('HTTP/1.0 200 OK\r\n\r\nuntil close', 4);
  assert.equal([close.done, close.body], [true, 'until close'], 'RFC 9112 §6.3 item 8: read until the connection closes');
});

parser('one bad vector per error: status line, header name, Content-Length, chunk size, coding, header size', () => {
  assert.is(parseAll('HTTP/2 200 OK\r\n\r\n', 50).err, ParseError.BadStatusLine);
  assert.is(parseAll('HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', 50).err, ParseError.BadHeader);
  assert.is(parseAll('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 50).err, ParseError.BadContentLength);
  assert.is(parseAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 50).err, ParseError.BadChunk);
  assert.is(parseAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 50).err, ParseError.UnsupportedCoding);
  assert.is(parseAll('HTTP/1.1 200 OK\r\nX: ' + 'a'.repeat(3000) + '\r\n\r\n', 500).err, ParseError.HeaderTooLarge);
});

const auth = suite('http/auth');

const RFC7616 = {
  username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', nc: 1,
};
const CHALLENGE = (alg: string): string => `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${alg}, ` +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';

auth('RFC 7616 §3.9.1 example: the SHA-256 and MD5 responses', () => {
  const sha = digestAuthorization(parseChallenges(CHALLENGE('SHA-256'))[0]!, RFC7616, PORTABLE_HASHES)!;
  assert.match(sha, /response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"/);
  assert.match(sha, /nc=00000001, cnonce="f2\/wE4q74E6zIJEtWaHKaf5wv\/H5QzzpXusqGemxURZJ", qop=auth/);
  const md5 = digestAuthorization(parseChallenges(CHALLENGE('MD5'))[0]!, RFC7616, PORTABLE_HASHES)!;
  assert.match(md5, /response="8ca523f5e9506fed4657c9700eebdbec"/);
  // both offered (RFC 7616 §3.7): the stronger one is answered
  assert.match(answerChallenges([CHALLENGE('MD5'), CHALLENGE('SHA-256')], RFC7616, PORTABLE_HASHES)!, /algorithm=SHA-256/);
  assert.is(answerChallenges(['Digest realm="r", nonce="n", algorithm=SHA-512-256'], RFC7616, PORTABLE_HASHES), null, 'unsupported algorithm');
});

auth('RFC 7617 §2 example: Aladdin / open sesame', () => {
  assert.is(basicAuthorization('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  assert.is(parseChallenges('Basic realm="WallyWorld", Digest realm="x", nonce="y"').map((c) => c.scheme).join(','), 'basic,digest');
});

const live = suite('http/get over node:http');

live('RFC 9110 §15.4 a redirect, then a 200 whose body arrives in pieces through the Node stream driver', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/old') { res.writeHead(301, { Location: '/new' }).end(); return; }
    res.writeHead(200, { 'Content-Length': '100000' });
    res.end(Buffer.alloc(100000, 7));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  let received = 0;
  const get = new HttpGet({
    url: parseHttpUrl(`http://127.0.0.1:${port}/old`) as HttpUrl, username: '', password: '', rangeFrom: 0, ifRange: '',
    maxRedirects: 2, idleTimeoutMs: 5000, cnonce: () => 'c', userAgent: 'test', hashes: PORTABLE_HASHES,
  }, { head: () => true, body: (_b, s, e) => { received += e - s; return true; } });
  await new Promise<void>((resolve) => {
    const stream = nodeDownloadStreams()(get, {
      host: '127.0.0.1', port, tls: false, onError: () => undefined,
      onService: () => { if (get.state === GetState.Done || get.state === GetState.Failed) { stream.close(); resolve(); } },
    });
    get.start(performance.now());
    stream.service();
  });
  server.close();
  assert.is(get.state, GetState.Done, get.message);
  assert.is(received, 100000);
  assert.is(get.url.target, '/new');
});

url.run();
parser.run();
auth.run();
live.run();
