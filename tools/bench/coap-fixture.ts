/**
 * The CoAP bench workload, one module for both engines: Node imports it, and the XS
 * side runs the same code bundled by `bundleForXs`. The message is a CON POST /usp with
 * Content-Format 42, a reply-to Uri-Query and a 200-byte payload.
 */
import { CoapMessageView, CoapMessageWriter, CoapPeer } from '../../src/coap/index.ts';
import { UspCoapBinding } from '../../src/mtp/coap/binding.ts';

function post(cf: number): Uint8Array {
  const body = new Uint8Array(200);
  for (let i = 0; i < 200; i++) body[i] = i;
  const buf = new Uint8Array(400);
  const n = new CoapMessageWriter().begin(buf, 0, 0, 2, 1, Uint8Array.of(1, 2, 3, 4), 0, 4).optionString(11, 'usp').optionUint(12, cf)
    .optionString(15, 'reply-to=coap://192.0.2.1:5683/usp').payload(body, 0, 200).finish();
  return buf.subarray(0, n);
}

let seed = 1;
const binding = new UspCoapBinding((o) => {
  for (let i = 0; i < o.length; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; o[i] = seed >> 16; }
}, { replyTo: 'coap://192.0.2.9:5683/usp', validateRecord: () => true, maxPendingRecords: 1 });
const peer = new CoapPeer('192.0.2.1', 5683);
const out = new Uint8Array(1500);
const view = new CoapMessageView();
const ok = post(42);
const bad = post(0);
let mid = 0;

/** Parses the POST n times through the reused view. */
export function parse(n: number): void {
  for (let i = 0; i < n; i++) view.wrap(ok, 0, ok.length);
}
/** n POSTs (fresh Message IDs) through the binding: 2.04 out, record event taken. */
export function accept(n: number): void {
  for (let i = 0; i < n; i++) {
    mid = (mid + 1) & 0xffff; ok[2] = mid >> 8; ok[3] = mid;
    binding.handleDatagram(i, ok, 0, ok.length, peer);
    binding.pollTransmit(out);
    binding.pollEvent();
  }
}
/** n POSTs with Content-Format 0 through the binding: 4.15 out. */
export function reject(n: number): void {
  for (let i = 0; i < n; i++) {
    mid = (mid + 1) & 0xffff; bad[2] = mid >> 8; bad[3] = mid;
    binding.handleDatagram(i, bad, 0, bad.length, peer);
    binding.pollTransmit(out);
  }
}
