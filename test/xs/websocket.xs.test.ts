/**
 * The WebSocket core and the USP binding inside the real XS engine: a scripted client ⇄
 * server session (handshake with v1.usp, Connect Records, a binary Record, a fragmented
 * Record with a Ping between the fragments, Close) produces the same bytes in XS as on
 * Node; and receiving a Record frame — parse, unmask, hand over in place, RecordView
 * validation — allocates no slot in XS (house style rule 4), fragmented or not.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import * as ws from '../../src/mtp/websocket/index.ts';
import * as usp from '../../src/usp/index.ts';

/** One scripted session; `m` is the module (Node import or the XS bundle's namespace), `u` the usp one. */
const SCRIPT = `(m, u) => {
  const hex = (a) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
  let x = 1;
  const rnd = (o) => { for (let i = 0; i < o.length; i++) { x = (x * 75 + 74) % 65537; o[i] = x & 0xff; } };
  const got = [];
  const make = (role, extra) => new m.UspWebSocketBinding(Object.assign({
    role, endpointId: role === 0 ? 'os::00256D-xs' : 'self::c', maxRecordBytes: 4096, keepAliveS: 30, random: () => 0.5, randomBytes: rnd,
    validateRecord: () => true, onRecord: (now, buf, s, e) => { got.push(role + ':' + hex(buf.subarray(s, e))); },
  }, extra));
  const c = make(0, { controllerId: 'self::c', uri: m.parseWsUri('ws://127.0.0.1:8080/usp') });
  const s = make(1, {});
  const out = new Uint8Array(8192);
  const log = [];
  // Both ways until quiet: events first (the server admits a request), then bytes.
  const step = (now, label) => {
    let bytes = '';
    const ev = [];
    for (let round = 0, moved = true; moved && round < 10; round++) {
      moved = false;
      for (const [from, to, name] of [[c, s, 'c>'], [s, c, 's>']]) {
        for (let e = from.pollEvent(); e !== undefined; e = from.pollEvent()) { ev.push(name + e.kind); if (e.kind === 'request') from.admit(now); moved = true; }
        for (let n = from.pollTransmit(out); n > 0; n = from.pollTransmit(out)) { bytes += name + hex(out.subarray(0, n)) + ' '; to.handleBytes(now, out, 0, n); moved = true; }
      }
    }
    log.push(label + ' ' + bytes + ev.join(',') + ' ' + c.pollTimeout() + ' ' + s.pollTimeout());
  };
  c.start(0); c.pollTransportCommand(); c.handleTransportUp(0); s.handleTransportUp(0);
  step(1, 'open');
  c.sendRecord(new Uint8Array([1, 2, 3, 4])); step(4, 'record');
  // A server-side fragmented message with a Ping between: 0x02 0x02 'ab', 0x89 0x00, 0x80 0x01 'c'
  const frag = new Uint8Array([0x02, 0x02, 0x61, 0x62, 0x89, 0x00, 0x80, 0x01, 0x63]);
  c.handleBytes(5, frag, 0, frag.length); step(5, 'pong');
  c.handleTimeout(30005); step(30005, 'ping');
  c.stop(30006, 0, 'bye'); step(30006, 'close');
  return log.concat(got);
}`;

const xs = suite('xs/websocket');
let worker: XsWorker;
xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/mtp/websocket/index.ts')), 'tinyusp');
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/usp/index.ts')), 'uspx');
});
xs.after(() => worker?.close());

xs('RFC 6455 / R-WS.9 the client and server bindings run in XS byte-for-byte as on Node', async () => {
  const onNode = (new Function('return ' + SCRIPT)() as (m: unknown, u: unknown) => string[])(ws, usp);
  const { value } = await worker.call<string[]>(`(${SCRIPT})(tinyusp, uspx)`);
  assert.equal(value, onNode);
  assert.ok(onNode[0]!.includes(Buffer.from('GET /usp?eid=os%3A%3A00256D-xs HTTP/1.1').toString('hex')), 'R-WS.10b request line');
  assert.ok(onNode.some((l) => l === '0:616263'), 'R-WS.14b fragments joined');
  assert.ok(onNode.some((l) => l === '1:01020304'), 'the Record reached the server');
});

xs('house style rule 4: receiving a Record frame (masked, whole or in 3 fragments) allocates no slot in XS', async () => {
  const N = 200;
  await worker.evaluate(`
    (() => {
      let x = 9;
      const rnd = (o) => { for (let i = 0; i < o.length; i++) { x = (x * 75 + 74) % 65537; o[i] = x & 0xff; } };
      const view = new uspx.RecordView(uspx.createRecordViewConfig({ maxRecordBytes: 4096 }));
      globalThis.accepted = 0;
      const mk = (role, extra) => new tinyusp.UspWebSocketBinding(Object.assign({
        role, endpointId: role === 0 ? 'os::00256D-xs' : 'self::c', maxRecordBytes: 4096, keepAliveS: 0, random: () => 0.5, randomBytes: rnd,
        validateRecord: (b, s, e) => view.wrap(b, s, e) === 0, onRecord: () => { accepted++; },
      }, extra));
      const c = mk(0, { controllerId: 'self::c', uri: tinyusp.parseWsUri('ws://127.0.0.1:1/usp') });
      const s = mk(1, {});
      const out = new Uint8Array(8192);
      const move = (a, b) => { for (let n = a.pollTransmit(out); n > 0; n = a.pollTransmit(out)) b.handleBytes(0, out, 0, n); for (let e = a.pollEvent(); e !== undefined; e = a.pollEvent()) if (e.kind === 'request') a.admit(0); };
      c.start(0); c.pollTransportCommand(); c.handleTransportUp(0); s.handleTransportUp(0);
      move(c, s); move(s, c); move(c, s); move(s, c);
      // Masked client frames of a 120-byte Record, made once: whole, and split into three fragments.
      const rec = uspx.emitRecord ? (() => {
        const f = { version: uspx.utf8Bytes('1.3'), toId: uspx.utf8Bytes('self::c'), fromId: uspx.utf8Bytes('os::00256D-xs'), recordType: 7, payload: new Uint8Array(80).fill(7) };
        const r = new Uint8Array(uspx.encodedRecordLength(f)); uspx.emitRecord(r, 0, f); return r;
      })() : null;
      const frame = (op, fin, body) => { const key = [1, 2, 3, 4]; const f = new Uint8Array(6 + body.length); f[0] = (fin ? 0x80 : 0) | op; f[1] = 0x80 | body.length; f.set(key, 2); for (let i = 0; i < body.length; i++) f[6 + i] = body[i] ^ key[i & 3]; return f; };
      const whole = frame(2, true, rec);
      const a = Math.floor(rec.length / 3);
      const p1 = frame(2, false, rec.subarray(0, a)), p2 = frame(0, false, rec.subarray(a, 2 * a)), p3 = frame(0, true, rec.subarray(2 * a));
      const joined = new Uint8Array(p1.length + p2.length + p3.length); joined.set(p1); joined.set(p2, p1.length); joined.set(p3, p1.length + p2.length);
      // The frames are masked in place by the receiver: keep pristine copies and restore them before each feed.
      const w = whole.slice(), j = joined.slice();
      globalThis.feed = (n) => {
        for (let i = 0; i < n; i++) {
          w.set(whole); s.handleBytes(0, w, 0, w.length);
          j.set(joined); s.handleBytes(0, j, 0, j.length);
        }
      };
      feed(10);
    })();
  `);
  const before = (await worker.call<number>('accepted')).value;
  const slots = await worker.allocatedSlots(`feed(${N})`);
  const after = (await worker.call<number>('accepted')).value;
  assert.is(after - before, 2 * N, 'every Record validated and handed over');
  assert.is(slots, 0, `${slots} slots allocated for ${2 * N} received Records`);
});

xs.run();
