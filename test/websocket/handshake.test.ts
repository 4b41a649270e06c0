/** RFC 6455 §4 opening handshake, SHA-1 (FIPS 180-4) and base64 (RFC 4648) it rests on. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { sha1 } from '../../src/websocket/sha1.ts';
import { base64Encode, isBase64Key16 } from '../../src/websocket/base64.ts';
import {
  acceptFor, acceptResponse, checkClientRequest, checkServerResponse, clientRequest, HandshakeCheck, refusalResponse,
} from '../../src/websocket/handshake.ts';
import { headEnd, HeadResult, parseHead } from '../../src/websocket/http-head.ts';

const hs = suite('websocket/handshake');
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const head = (s: string) => { const b = ascii(s); return parseHead(b, 0, headEnd(b, 0, b.length, 8192))!; };

hs('FIPS 180-4 SHA-1 matches node:crypto on the standard vectors and on 0..200-byte inputs', () => {
  const out = new Uint8Array(20);
  const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');
  sha1(ascii('abc'), 0, 3, out);
  assert.is(hex(out), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  sha1(new Uint8Array(0), 0, 0, out);
  assert.is(hex(out), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  for (let n = 0; n <= 200; n++) {
    const data = Uint8Array.from({ length: n + 3 }, (_, i) => (i * 37 + n) & 0xff);
    sha1(data, 3, n + 3, out);
    assert.is(hex(out), createHash('sha1').update(data.subarray(3)).digest('hex'), `length ${n}`);
  }
});

hs('RFC 4648 base64 matches Buffer; RFC 6455 §4.2.1 item 5 keys decode to 16 bytes', () => {
  for (let n = 0; n < 40; n++) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 91 + 7) & 0xff);
    assert.is(base64Encode(b), Buffer.from(b).toString('base64'));
  }
  assert.ok(isBase64Key16('dGhlIHNhbXBsZSBub25jZQ=='));
  assert.not.ok(isBase64Key16('dGhlIHNhbXBsZSBub25jZR=='), 'trailing bits set');
  assert.not.ok(isBase64Key16('dGhlIHNhbXBsZSBub25j'), 'too short');
});

hs('RFC 6455 §1.3 the sample key gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', () => {
  assert.is(acceptFor('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

hs('R-WS.10/R-WS.10b the client request carries v1.usp and the target with its eid query', () => {
  const r = clientRequest({ host: '127.0.0.1:8080', target: '/usp?eid=os%3A%3A1', key: 'dGhlIHNhbXBsZSBub25jZQ==', protocol: 'v1.usp' });
  const h = head(r);
  assert.is(h.startLine, 'GET /usp?eid=os%3A%3A1 HTTP/1.1');
  assert.is(h.fields.get('sec-websocket-protocol'), 'v1.usp');
  assert.is(h.fields.get('sec-websocket-version'), '13');
  const req = checkClientRequest(h, 'v1.usp');
  assert.equal(req, { path: '/usp', query: 'eid=os%3A%3A1', key: 'dGhlIHNhbXBsZSBub25jZQ==' });
});

hs('R-WS.11b/R-WS.12 the response: v1.usp required, bbf-usp-protocol optional, other extensions refused', () => {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const ok = acceptResponse(key, 'v1.usp');
  assert.is(checkServerResponse(head(ok), key, 'v1.usp'), HandshakeCheck.OK);
  assert.is(checkServerResponse(head(ok.replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: bbf-usp-protocol; eid="self::c"\r\n\r\n')), key, 'v1.usp'), HandshakeCheck.OK);
  assert.is(checkServerResponse(head(ok.replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n')), key, 'v1.usp'), HandshakeCheck.EXTENSION);
  assert.is(checkServerResponse(head(ok.replace('Sec-WebSocket-Protocol: v1.usp\r\n', '')), key, 'v1.usp'), HandshakeCheck.PROTOCOL);
  assert.is(checkServerResponse(head(ok), 'AAAAAAAAAAAAAAAAAAAAAA==', 'v1.usp'), HandshakeCheck.ACCEPT);
  assert.is(checkServerResponse(head(refusalResponse(404, 'no')), key, 'v1.usp'), HandshakeCheck.STATUS);
});

hs('RFC 6455 §4.2.1 / R-WS.12a a request without v1.usp, a bad key or version is refused', () => {
  const base = clientRequest({ host: 'h', target: '/usp', key: 'dGhlIHNhbXBsZSBub25jZQ==', protocol: 'v1.usp' });
  assert.is(checkClientRequest(head(base.replace('Sec-WebSocket-Protocol: v1.usp', 'Sec-WebSocket-Protocol: chat')), 'v1.usp'), HandshakeCheck.NO_PROTOCOL);
  assert.is(checkClientRequest(head(base.replace('Version: 13', 'Version: 8')), 'v1.usp'), HandshakeCheck.VERSION);
  assert.is(checkClientRequest(head(base.replace('dGhlIHNhbXBsZSBub25jZQ==', 'abc')), 'v1.usp'), HandshakeCheck.REQUEST);
  assert.is(checkClientRequest(head(base.replace('GET', 'POST')), 'v1.usp'), HandshakeCheck.REQUEST);
  assert.is(checkClientRequest(head(base.replace('Upgrade: websocket\r\n', '')), 'v1.usp'), HandshakeCheck.UPGRADE);
  assert.ok(refusalResponse(426, 'v').includes('Sec-WebSocket-Version: 13'), '§4.4 426 names the version');
});

hs('RFC 9112 the head is bounded: no CRLFCRLF within maxBytes is TOO_LARGE; folding is malformed', () => {
  const b = new Uint8Array(100).fill(0x41);
  assert.is(headEnd(b, 0, 50, 100), HeadResult.NEED_MORE);
  assert.is(headEnd(b, 0, 100, 100), HeadResult.TOO_LARGE);
  const folded = ascii('GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n');
  assert.is(parseHead(folded, 0, folded.length), undefined);
});

hs.run();
