/**
 * The xs-host bridge protocol: how the Platform port inside the XS engine (index.ts)
 * asks the Node host (host.ts) for I/O through xsnap's synchronous upcall
 * `issueCommand(ArrayBuffer) → ArrayBuffer` (tools/xs/worker.ts, onCommand).
 *
 * A request is `op:u8` followed by its fields; a reply is the fields listed per op.
 * Integers are little-endian, numbers are f64, strings are `len:u16` + UTF-8, and
 * byte payloads run to the end of the message. Events (timer fired, datagrams
 * waiting, socket bound, socket error) queue on the host; it then evaluates
 * `tinyuspXsHost.handleEvents()` in XS, which fetches them with Op.Events.
 * Streams (TCP or TLS, for firmware downloads) and the firmware slots are the host's too:
 * the HTTP client, hashing and image checks run in XS, bytes cross the bridge.
 * Shared by both sides; pure code (TextEncoder/TextDecoder exist in Node and xsnap).
 */

export const Op = {
  /** → now:f64 (host monotonic ms) */
  Now: 1,
  /** → wall:f64 (NaN while unknown) */
  WallClock: 2,
  /** n:u32 → n random bytes (host CSPRNG) */
  Random: 3,
  /** id:u32 ms:f64 → () */
  SetTimer: 4,
  /** id:u32 → () */
  ClearTimer: 5,
  /** id:u32 port:u16 address:str → status:u8 (0 ok) */
  UdpOpen: 6,
  /** id:u32 → () when empty, else port:u16 address:str data… */
  UdpRead: 7,
  /** id:u32 port:u16 address:str data… → ok:u8 */
  UdpWrite: 8,
  /** id:u32 → () */
  UdpClose: 9,
  /** key:str → present:u8 value… */
  KvGet: 10,
  /** key:str value… → () */
  KvSet: 11,
  /** key:str → () */
  KvDelete: 12,
  /** → count:u16 key:str… */
  KvKeys: 13,
  /** level:u8 message:str → () */
  Log: 14,
  /**
   * → count:u16 (kind:u8 id:u32 value:u32 [message:str when kind = UdpError]
   * [address:str message:str when kind = UdpWriteError, value = port])…
   */
  Events: 15,
  /** id:u32 port:u16 tls:u8 host:str → status:u8 (0 ok); then StreamUp or StreamDown */
  StreamOpen: 16,
  /** id:u32 data… → ok:u8 */
  StreamWrite: 17,
  /** id:u32 → () when nothing is buffered, else data… */
  StreamRead: 18,
  /** id:u32 → () */
  StreamClose: 19,
  /** factoryName:str factoryVersion:str → state (json str): the firmware slots are opened (the boot step) */
  SlotsOpen: 20,
  /** → state (json str): running, next, trial, updated, capacity, count */
  SlotsState: 21,
  /** slot:u8 → info (json str) */
  SlotInfo: 22,
  /** slot:u8 size:f64 → error:str */
  SlotBegin: 23,
  /** slot:u8 offset:f64 data… → error:str */
  SlotWrite: 24,
  /** slot:u8 name:str version:str → error:str */
  SlotFinish: 25,
  /** slot:u8 status:str → () */
  SlotFail: 26,
  /** slot:u8 → error:str */
  SlotSetBoot: 27,
  /** → () */
  SlotConfirm: 28,
  /** keyLen:u16 key… msgLen:u16 msg… signature… → ok:u8 (ECDSA P-256/SHA-256 by the host's crypto) */
  VerifyP256: 29,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export const EventKind = { TimerFired: 1, UdpReadable: 2, UdpReady: 3, UdpError: 4, StreamUp: 5, StreamData: 6, StreamDown: 7, UdpWriteError: 8 } as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Global name under which the XS side exposes handleEvents(). */
export const XS_HOST_GLOBAL = 'tinyuspXsHost';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds one message; `finish()` returns an exactly sized ArrayBuffer (issueCommand needs one). */
export class MessageWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this { this.reserve(1); this.view.setUint8(this.pos, v); this.pos += 1; return this; }
  u16(v: number): this { this.reserve(2); this.view.setUint16(this.pos, v, true); this.pos += 2; return this; }
  u32(v: number): this { this.reserve(4); this.view.setUint32(this.pos, v, true); this.pos += 4; return this; }
  f64(v: number): this { this.reserve(8); this.view.setFloat64(this.pos, v, true); this.pos += 8; return this; }
  str(s: string): this { const b = encoder.encode(s); this.u16(b.length); return this.bytes(b, 0, b.length); }
  bytes(b: Uint8Array, start: number, end: number): this {
    this.reserve(end - start);
    this.buf.set(b.subarray(start, end), this.pos);
    this.pos += end - start;
    return this;
  }
  finish(): ArrayBuffer { return this.buf.slice(0, this.pos).buffer; }
}

/** Reads one message; reads past the end return 0 / '' (the peer is our own code). */
export class MessageReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  pos = 0;
  constructor(data: ArrayBuffer | Uint8Array) {
    this.bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }
  get remaining(): number { return this.bytes.length - this.pos; }
  u8(): number { if (this.remaining < 1) return 0; return this.view.getUint8(this.pos++); }
  u16(): number { if (this.remaining < 2) return 0; const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  u32(): number { if (this.remaining < 4) return 0; const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  f64(): number { if (this.remaining < 8) return 0; const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  str(): string {
    const n = Math.min(this.u16(), this.remaining);
    const s = decoder.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  /** The rest of the message, copied into its own buffer. */
  rest(): Uint8Array { const r = this.bytes.slice(this.pos); this.pos = this.bytes.length; return r; }
}
