/**
 * Hostile peers for the flood and soak runs (issue #16), loopback only: every socket is
 * bound to 127.0.0.x (all of 127/8 is on `lo` on Linux), every destination is 127.0.0.x,
 * no name is ever resolved. Each kind sends at a fixed rate from a fresh source port
 * every `portEvery` datagrams, until stopped:
 * - garbage: random bytes (seeded);
 * - block1: the first block of a Block1 upload, never continued (half-open reassembly);
 * - spoof: a Get of `Device.` from a known Endpoint ID, its reply-to another host, or the
 *   source host at a port nobody answers (reflection / exchange-slot starvation);
 * - dtls: a ClientHello, the cookie round, then silence (half-open DTLS), against coaps.
 */
import { createSocket, type Socket } from 'node:dgram';
import { CoapCode, CoapMessageWriter, CoapOption, CoapType, ContentFormat, encodeBlock } from '../../src/coap/index.ts';
import { createDtlsConfig } from '../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../src/dtls/endpoint.ts';
import { createNodeCrypto } from '../../src/platform/node/crypto.ts';
import { emitRecord, encodedRecordLength, encodeMsg, getMsg, RecordType, utf8Bytes } from '../../src/usp/index.ts';

export type AttackKind = 'garbage' | 'block1' | 'spoof' | 'dtls';

export interface AttackOptions {
  readonly kind: AttackKind;
  /** Datagrams (DTLS: handshakes) per second. */
  readonly rate: number;
  /** Source address, e.g. 127.0.0.2 (never the real Controller's). */
  readonly from: string;
  /** The agent's plain CoAP port, or its coaps port for `dtls`. */
  readonly port: number;
  readonly agentId: string;
  /** A Controller Endpoint ID the agent knows (for `spoof`). */
  readonly knownId: string;
  readonly portEvery?: number;
  readonly seed?: number;
}

export interface AttackStats { sent: number; bytes: number; received: number; receivedBytes: number; sockets: number }

function post(mid: number, replyTo: string, body: Uint8Array, start: number, end: number, block1 = -1): Uint8Array {
  const out = new Uint8Array(1400);
  const w = new CoapMessageWriter().begin(out, 0, CoapType.Con, CoapCode.Post, mid & 0xffff, Uint8Array.of(mid >> 8, mid & 255, 7, 7), 0, 4);
  w.optionString(CoapOption.UriPath, 'usp');
  w.optionUint(CoapOption.ContentFormat, ContentFormat.OctetStream);
  w.optionString(CoapOption.UriQuery, `reply-to=${replyTo}`);
  if (block1 >= 0) { w.optionUint(CoapOption.Block1, block1); w.optionUint(CoapOption.Size1, 4096); }
  w.payload(body, start, end);
  return out.slice(0, w.finish());
}

function getRecord(fromId: string, toId: string, msgId: string): Uint8Array {
  const f = { version: utf8Bytes('1.3'), toId: utf8Bytes(toId), fromId: utf8Bytes(fromId), recordType: RecordType.NoSessionContext,
    payload: encodeMsg(getMsg(msgId, { param_paths: ['Device.'] })) };
  const out = new Uint8Array(encodedRecordLength(f));
  emitRecord(out, 0, f);
  return out;
}

/** One attacker: `start()`, then `stop()`; `stats` counts what went out and what came back. */
export class Attacker {
  readonly stats: AttackStats = { sent: 0, bytes: 0, received: 0, receivedBytes: 0, sockets: 0 };
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private n = 0;
  private x: number;
  private readonly crypto = createNodeCrypto();
  private readonly record: Uint8Array;

  constructor(private readonly o: AttackOptions) {
    this.x = o.seed ?? 0x1234567;
    this.record = getRecord(o.knownId, o.agentId, 'flood');
  }

  private rand(): number { this.x ^= this.x << 13; this.x >>>= 0; this.x ^= this.x >>> 17; this.x ^= this.x << 5; this.x >>>= 0; return this.x; }

  private fresh(): Promise<Socket> {
    const old = this.socket;
    if (old !== null) old.close();
    const s = createSocket('udp4');
    this.stats.sockets++;
    s.on('message', (m) => { this.stats.received++; this.stats.receivedBytes += m.length; });
    s.on('error', () => undefined);
    return new Promise((resolve) => s.bind(0, this.o.from, () => { this.socket = s; resolve(s); }));
  }

  async start(): Promise<void> {
    await this.fresh();
    const every = this.o.portEvery ?? 16;
    const tickMs = 20;
    let credit = 0;
    this.timer = setInterval(() => {
      credit += (this.o.rate * tickMs) / 1000;
      for (; credit >= 1; credit--) {
        if (++this.n % every === 0) { void this.fresh(); return; }
        this.once();
      }
    }, tickMs);
  }

  private send(d: Uint8Array, port = this.o.port, to = '127.0.0.1'): void {
    const s = this.socket;
    if (s === null) return;
    this.stats.sent++;
    this.stats.bytes += d.length;
    s.send(d, port, to, () => undefined);
  }

  private once(): void {
    const n = this.n;
    switch (this.o.kind) {
      case 'garbage': {
        const d = new Uint8Array(8 + (this.rand() % 200));
        for (let i = 0; i < d.length; i++) d[i] = this.rand() & 255;
        if ((n & 1) === 0) d[0] = 0x40 | (d[0]! & 0x3f); // half of them look like CoAP version 1
        this.send(d);
        return;
      }
      case 'block1': {
        const body = new Uint8Array(64).fill(n & 255);
        this.send(post(n, `coap://${this.o.from}:9/usp`, body, 0, 64, encodeBlock(0, true, 2)));
        return;
      }
      case 'spoof': {
        // Alternately another host as reply-to (refused: 4.03) and our own host at a silent port.
        const replyTo = (n & 1) === 0 ? 'coap://127.0.0.3:5683/usp' : `coap://${this.o.from}:${20000 + (n % 1000)}/usp`;
        this.send(post(n, replyTo, this.record, 0, this.record.length));
        return;
      }
      default: this.halfOpenDtls();
    }
  }

  /** ClientHello → HelloVerifyRequest → ClientHello with the cookie → server flight; then nothing more. */
  private halfOpenDtls(): void {
    const s = createSocket('udp4');
    this.stats.sockets++;
    const ep = new DtlsEndpoint({ config: createDtlsConfig({ psk: { identity: Uint8Array.of(0x66), key: new Uint8Array(16).fill(1) } }), crypto: this.crypto, server: false, onData: () => {} });
    let rounds = 0;
    const flush = (): void => {
      for (let t = ep.pollTransmit(); t !== undefined; t = ep.pollTransmit()) { this.stats.sent++; this.stats.bytes += t.data.length; s.send(t.data, this.o.port, '127.0.0.1'); }
    };
    s.on('message', (m) => {
      this.stats.received++; this.stats.receivedBytes += m.length;
      if (++rounds > 1) return; // the HelloVerifyRequest is answered; the server's flight is not
      ep.handleDatagram(performance.now(), new Uint8Array(m), 0, m.length, '127.0.0.1', this.o.port);
      flush();
    });
    s.on('error', () => undefined);
    s.bind(0, this.o.from, () => { ep.connect(performance.now(), '127.0.0.1', this.o.port); flush(); });
    setTimeout(() => s.close(), 15_000);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
  }
}
