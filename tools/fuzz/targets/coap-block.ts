/**
 * Block options (RFC 7959 §2.2) and Block1 reassembly (§2.5, §2.9): bytes 0–2 are the
 * Block1 value, 3–4 a Size1 hint, 5 picks one of 8 peers, the rest is the payload; the
 * reassembly table is shared across inputs (2 slots, 4096-byte bodies), time moves 250 ms
 * per input. The option codec must round-trip every value.
 */
import { BlockResult, blockMore, blockNum, blockSize, blockSzx, encodeBlock, ReassemblyTable } from '../../../src/coap/block.ts';
import { CoapPeer } from '../../../src/coap/peer.ts';
import type { FuzzTarget } from '../target.ts';

export default function create(): FuzzTarget {
  const table = new ReassemblyTable(2, 4096);
  const peers = Array.from({ length: 8 }, (_, i) => new CoapPeer(`192.0.2.${i}`, 5683));
  let now = 0;
  const block = (num: number, more: boolean, szx: number, peer: number, len: number): Uint8Array => {
    const v = encodeBlock(num, more, szx);
    const d = new Uint8Array(6 + len);
    d.set([v >> 16, (v >> 8) & 255, v & 255, 0, 0, peer]);
    return d;
  };
  return {
    name: 'coap-block',
    about: 'Block1/Block2 option values and the Block1 reassembly table',
    files: ['src/coap/block.ts'],
    seeds: () => [block(0, true, 2, 0, 64), block(1, true, 2, 0, 64), block(2, false, 2, 0, 10), block(0, true, 6, 1, 1024), block(0, false, 0, 2, 3)],
    run(data) {
      if (data.length < 6) return;
      const value = (data[0]! << 16) | (data[1]! << 8) | data[2]!;
      const num = blockNum(value);
      if (encodeBlock(num, blockMore(value), blockSzx(value)) !== value) throw new Error(`block value ${value} does not round-trip`);
      if (blockSzx(value) < 7 && blockSize(blockSzx(value)) !== 16 << blockSzx(value)) throw new Error('block size');
      now += 250;
      const size1 = data[3]! === 0 ? -1 : (data[3]! << 8) | data[4]!;
      const slot = table.slotFor(peers[data[5]! & 7]!, num === 0, now, 2000);
      if (slot === null) return;
      const r = slot.handleBlock(value, data, 6, data.length, size1, now, 93_000);
      if (r === BlockResult.Complete || r !== BlockResult.Continue) slot.release();
      if (slot.length > 4096) throw new Error('body past maxBodyBytes');
    },
    size: () => table.busy(now),
    maxSize: 2,
  };
}
