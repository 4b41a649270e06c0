/**
 * CoAP messages (RFC 7252 §3) into the Agent's USP binding: CoapMessageView.wrap and every
 * option accessor, then the stateful UspCoapBinding (dedup, Block1 reassembly, the NoSec
 * reply-to rule, our requests' matching), four peers taking turns, 7 ms apart.
 */
import { CoapCode, CoapMessageView, CoapMessageWriter, CoapOption, CoapType, encodeBlock } from '../../../src/coap/index.ts';
import { UspCoapBinding } from '../../../src/mtp/coap/binding.ts';
import { createRecordViewConfig, RecordView } from '../../../src/usp/index.ts';
import { ascii, type FuzzTarget } from '../target.ts';
import { getRecord } from './usp-record.ts';

function coap(type: number, code: number, mid: number, options: [number, number | string][], payload?: Uint8Array): Uint8Array {
  const out = new Uint8Array(1400);
  const w = new CoapMessageWriter().begin(out, 0, type, code, mid, Uint8Array.of(1, 2, 3, 4), 0, 4);
  for (const [n, v] of options) { if (typeof v === 'number') w.optionUint(n, v); else w.optionString(n, v); }
  if (payload !== undefined) w.payload(payload, 0, payload.length);
  return out.slice(0, w.finish());
}

export default function create(): FuzzTarget {
  const view = new CoapMessageView();
  const rv = new RecordView(createRecordViewConfig({ maxRecordBytes: 65536 }));
  let seed = 1;
  const binding = new UspCoapBinding((o) => { for (let i = 0; i < o.length; i++) o[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24; }, {
    replyTo: 'coap://127.0.0.1:5683/usp', validateRecord: (b, s, e) => rv.wrap(b, s, e) === 0, checkReplyTo: true,
    admitReplyTo: (host) => host === 'controller.example', coap: { maxBodyBytes: 8192 },
  });
  const peers = [0, 1, 2, 3].map((i) => binding.peers.intern(`192.0.2.${i}`, 5683 + i, 0)!);
  const out = new Uint8Array(1500);
  const record = getRecord();
  let now = 0;
  let turn = 0;
  return {
    name: 'coap-message',
    about: 'CoAP message view + the Agent USP binding (dedup, Block1, reply-to rule)',
    files: ['src/coap/message-view.ts', 'src/coap/endpoint.ts', 'src/coap/block.ts', 'src/coap/requester.ts', 'src/coap/responder.ts',
      'src/coap/dedup.ts', 'src/mtp/coap/binding.ts', 'src/mtp/coap/uri.ts', 'src/mtp/coap/source-limit.ts'],
    seeds: () => [
      coap(CoapType.Con, CoapCode.Post, 1, [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.UriQuery, 'reply-to=coap://192.0.2.0:5683/usp']], record),
      coap(CoapType.Con, CoapCode.Post, 2, [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.UriQuery, 'reply-to=coap://controller.example/usp'],
        [CoapOption.Block1, encodeBlock(0, true, 2)], [CoapOption.Size1, 200]], record.subarray(0, 64)),
      coap(CoapType.Con, CoapCode.Get, 3, [[CoapOption.UriPath, '.well-known'], [CoapOption.UriPath, 'core']]),
      coap(CoapType.Non, CoapCode.Post, 4, [[CoapOption.UriPath, 'usp'], [CoapOption.ContentFormat, 42], [CoapOption.UriQuery, 'reply-to=coaps://[::1]:5684/usp']], record),
      coap(CoapType.Ack, CoapCode.Changed, 5, []), coap(CoapType.Rst, 0, 6, []), coap(CoapType.Con, 0, 7, []),
      coap(CoapType.Con, CoapCode.Content, 8, [[CoapOption.Block2, encodeBlock(0, true, 6)]], record),
    ],
    dictionary: [Uint8Array.of(0xb3, 0x75, 0x73, 0x70), Uint8Array.of(0x11, 0x2a), ascii('reply-to=coap://192.0.2.1:5683/usp'), ascii('coaps://[fe80::1]'),
      Uint8Array.of(0xd1, 0x0e, 0x0a), Uint8Array.of(0xd1, 0x02, 0x0e), Uint8Array.of(0xff), Uint8Array.of(0x0d, 0x01), Uint8Array.of(0x0e, 0x01, 0x00), ascii(':65535')],
    run(data) {
      if (view.wrap(data, 0, data.length) === 0) {
        view.unrecognizedCriticalOption();
        view.uintOption(CoapOption.Block1, -1); view.uintOption(CoapOption.Block2, -1); view.uintOption(CoapOption.Size1, -1);
        for (let i = 0; i < view.optionCount; i++) { view.uintOption(view.optionNumber[i]!, -1); view.optionEquals(i, data, 0, Math.min(4, data.length)); }
        view.tokenEquals(data, Math.min(8, data.length));
      }
      now += 7;
      const p = peers[turn++ & 3]!;
      binding.handleDatagram(now, data, 0, data.length, p);
      if ((turn & 63) === 0) {
        binding.handleTimeout(now);
        binding.sendRecord(now, 'coap://192.0.2.3:5686/usp', record); // our requests, so responses have something to match
      }
      for (let t = binding.pollTransmit(out); t !== null; t = binding.pollTransmit(out));
      for (let e = binding.pollEvent(); e !== null; e = binding.pollEvent());
    },
    size: () => binding.peers.size + binding.coap.reassemblyTable.busy(now),
    maxSize: 16 + 2,
  };
}
