/**
 * The CoAP receive path inside the real XS engine: parsing a POST with options and a
 * payload through the reused CoapMessageView allocates nothing (DESIGN.md "zero
 * allocation on the receive path up to the USP payload"), and neither does the whole
 * binding when it rejects a request or replays a duplicate.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';

const xs = suite('xs/coap');
let worker: XsWorker;

/** Setup run inside XS: a POST /usp?reply-to=… CF 42 with a 200-byte payload, built by our writer. */
const SETUP = `
  const { CoapMessageView, CoapMessageWriter, UspCoapBinding, CoapPeer } = tinyusp;
  const body = new Uint8Array(200); for (let i = 0; i < 200; i++) body[i] = i;
  const token = Uint8Array.of(1, 2, 3, 4);
  function post(cf, mid) {
    const buf = new Uint8Array(400);
    const n = new CoapMessageWriter().begin(buf, 0, 0, 2, mid, token, 0, 4).optionString(11, 'usp').optionUint(12, cf)
      .optionString(15, 'reply-to=coap://192.0.2.1:5683/usp').payload(body, 0, 200).finish();
    return buf.subarray(0, n);
  }
  globalThis.msgPost = post(42, 7);
  globalThis.msgBadCf = post(0, 8);
  globalThis.view = new CoapMessageView();
  globalThis.parse = (n) => { let s = 0; for (let i = 0; i < n; i++) { view.wrap(msgPost, 0, msgPost.length); s += view.uintOption(12, -1) + view.payloadStart; } return s; };
  let seed = 1;
  globalThis.binding = new UspCoapBinding((o) => { for (let i = 0; i < o.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; o[i] = seed >> 16; } },
    { replyTo: 'coap://192.0.2.9:5683/usp', validateRecord: () => true });
  globalThis.peer = new CoapPeer('192.0.2.1', 5683);
  globalThis.out = new Uint8Array(1500);
  globalThis.reject = (n) => { let k = 0; for (let i = 0; i < n; i++) { msgBadCf[2] = i >> 8; msgBadCf[3] = i; binding.handleDatagram(i, msgBadCf, 0, msgBadCf.length, peer); const t = binding.pollTransmit(out); k += out[1]; } return k; };
  globalThis.replay = (n) => { let k = 0; for (let i = 0; i < n; i++) { binding.handleDatagram(i, msgPost, 0, msgPost.length, peer); const t = binding.pollTransmit(out); k += out[1]; } return k; };
`;

xs.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'src/main/xs.ts')), 'tinyusp');
  await worker.evaluate(SETUP);
});
xs.after(() => worker?.close());

xs('RFC 7252 §3 CoapMessageView parses a POST with options and payload in XS as on Node', async () => {
  const { value } = await worker.call<number[]>('(view.wrap(msgPost, 0, msgPost.length), [view.code, view.optionCount, view.uintOption(12, -1), view.end - view.payloadStart])');
  assert.equal(value, [2, 3, 42, 200]);
});

xs('DESIGN.md zero allocation: parsing a POST N times allocates 0 slots in XS', async () => {
  await worker.evaluate('parse(100)');
  assert.is(await worker.allocatedSlots('parse(1000)'), 0);
});

xs('R-COAP.12 rejecting a request (4.15) through the whole binding allocates 0 slots in XS', async () => {
  const { value } = await worker.call<number>('reject(1)');
  assert.is(value, 0x8f, '4.15 answered');
  await worker.evaluate('reject(64)');
  assert.is(await worker.allocatedSlots('reject(500)'), 0);
});

xs('RFC 7252 §4.5 replaying the cached 2.04 to a duplicate POST allocates 0 slots in XS', async () => {
  await worker.evaluate('binding.handleDatagram(0, msgPost, 0, msgPost.length, peer); while (binding.pollTransmit(out)) {} binding.pollEvent();');
  const { value } = await worker.call<number>('replay(1)');
  assert.is(value, 0x44, 'the duplicate gets the cached 2.04');
  assert.is(await worker.allocatedSlots('replay(500)'), 0);
});

xs.run();
