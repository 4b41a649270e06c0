/**
 * One WebSocket connection (RFC 6455), client or server side, as a sans-I/O byte-stream
 * machine (platform/stream.ts `StreamMachine`): the platform driver feeds it the stream's
 * bytes and `now`, drains `pollTransmit`, obeys `pollTransportCommand` and keeps one
 * timer at `pollTimeout`. The application calls `open` (client) or `accept`/`reject`
 * (server, after a 'request' event), `send`, `close`, and drains `pollEvent`.
 *
 * Received messages go to the `receiver` synchronously, as a range of the receive
 * buffer valid only during the call (no copy; fragments are joined in place,
 * receive-buffer.ts). Control frames are answered here: Ping → Pong (§5.5.2), Close →
 * Close echo (§5.5.1); the server closes the TCP connection first (§7.1.1), the client
 * waits `closeTimeoutMs` for it. A client masks every frame with a fresh key (§5.3);
 * a server fails the connection on an unmasked frame and a client on a masked one
 * (§5.1). Keep-alive (R-WS.17/18): a Ping every `pingIntervalMs`; when nothing at all
 * came back before the next one is due, the connection is dropped (1006).
 *
 * Invariants: bounded — a message above `maxMessageBytes` fails with 1009 before it is
 * buffered (§10.4), the head of the handshake is at most `maxHeadBytes`, the transmit
 * queue at most `txLimit`; hostile input never throws; no clock, timer or randomness of
 * its own (`randomBytes` is injected).
 */
import { applyMask, FrameView, MAX_CONTROL_PAYLOAD, MAX_FRAME_HEADER, NEED_MORE } from './frame.ts';
import { closeBody, parseClose } from './close-frame.ts';
import {
  acceptResponse, checkClientRequest, checkServerResponse, clientRequest, HandshakeCheck, refusalResponse, responseStatus,
} from './handshake.ts';
import { headEnd, HeadResult, parseHead } from './http-head.ts';
import { base64Encode } from './base64.ts';
import { ReceiveBuffer } from './receive-buffer.ts';
import { TxQueue } from './tx-queue.ts';
import { CloseCode, closeCodeFor, Opcode, WsError } from './types.ts';
import { TransportCommand, type StreamMachine, type StreamPeer } from '../platform/stream.ts';

export const WsRole = { CLIENT: 0, SERVER: 1 } as const;
export type WsRole = (typeof WsRole)[keyof typeof WsRole];

export const WsState = {
  IDLE: 0,
  /** Client: waiting for the driver to open the stream. */
  OPENING: 1,
  /** Request sent (client) or being read / waiting for accept (server). */
  HANDSHAKE: 2,
  OPEN: 3,
  /** Close frame sent or received, waiting for the other one or the end of the stream. */
  CLOSING: 4,
  CLOSED: 5,
} as const;
export type WsState = (typeof WsState)[keyof typeof WsState];

export interface WebSocketReceiver {
  /** One complete message; `data[start, end)` is valid only during this call. */
  handleMessage(now: number, data: Uint8Array, start: number, end: number, binary: boolean): void;
}

export interface WebSocketConfig {
  readonly role: WsRole;
  /** The one subprotocol spoken (USP: "v1.usp", R-WS.9). */
  readonly protocol: string;
  /** Client: the Host field (host[:port]) and the request-target (path?query). */
  readonly host?: string;
  readonly target?: string;
  /** Largest message accepted, fragments joined (the USP Record bound). */
  readonly maxMessageBytes: number;
  readonly maxHeadBytes?: number;
  readonly handshakeTimeoutMs?: number;
  readonly closeTimeoutMs?: number;
  /** Send a Ping this often while open (R-WS.17); 0 = never. */
  readonly pingIntervalMs?: number;
  /** Bytes the transmit queue may hold (default twice the largest message). */
  readonly txLimit?: number;
  readonly randomBytes: (out: Uint8Array) => void;
  readonly receiver: WebSocketReceiver;
}

export type WebSocketEvent =
  /** Server: a valid upgrade request for `path?query`; call accept() or reject(). */
  | { readonly kind: 'request'; readonly path: string; readonly query: string }
  | { readonly kind: 'open' }
  /**
   * The connection is over. `code`/`reason`: the Close frame received (1005 without a
   * code, 1006 without a Close frame) or, for our own failure, the code we sent.
   * `status`: the HTTP status of a refused handshake (client side), else 0.
   */
  | { readonly kind: 'closed'; readonly code: number; readonly reason: string; readonly error: WsError; readonly status: number };

const DEFAULT_HEAD_BYTES = 8192;

export class WebSocketSession implements StreamMachine {
  state: WsState = WsState.IDLE;
  /** What the driver said about the peer when the stream came up (TLS names, address). */
  peer: StreamPeer | undefined;
  private readonly rx: ReceiveBuffer;
  private readonly tx: TxQueue;
  private readonly view = new FrameView();
  private readonly events: WebSocketEvent[] = [];
  private readonly commands: TransportCommand[] = [];
  private readonly mask = new Uint8Array(4);
  private readonly maxHead: number;
  private key = '';
  /** Server: request read, waiting for accept/reject. */
  private requested = false;
  private closeSent = false;
  private closeCode: number = CloseCode.Abnormal;
  private closeReason = '';
  private handshakeAt = Infinity;
  private closeAt = Infinity;
  private pingAt = Infinity;
  private heard = false;
  private binaryMessage = true;
  private pingIntervalMs: number;

  constructor(readonly config: WebSocketConfig) {
    this.maxHead = config.maxHeadBytes ?? DEFAULT_HEAD_BYTES;
    this.pingIntervalMs = config.pingIntervalMs ?? 0;
    const frame = config.maxMessageBytes + MAX_FRAME_HEADER + MAX_CONTROL_PAYLOAD + MAX_FRAME_HEADER;
    this.rx = new ReceiveBuffer(Math.max(frame, this.maxHead));
    this.tx = new TxQueue(config.txLimit ?? 2 * (config.maxMessageBytes + MAX_FRAME_HEADER) + 512);
  }

  // ---- commands ----

  /** Client: open the stream and the handshake (again after CLOSED). */
  open(now: number): WsError {
    if (this.config.role !== WsRole.CLIENT || (this.state !== WsState.IDLE && this.state !== WsState.CLOSED)) return WsError.BAD_ARGUMENT;
    this.resetConnection();
    this.state = WsState.OPENING;
    this.commands.push(TransportCommand.OPEN);
    this.handshakeAt = now + (this.config.handshakeTimeoutMs ?? 10_000);
    return WsError.OK;
  }

  /** Server: answer the pending request with 101 and the subprotocol (§4.2.2). */
  accept(now: number): WsError {
    if (!this.requested || this.state !== WsState.HANDSHAKE) return WsError.BAD_ARGUMENT;
    this.requested = false;
    this.writeText(acceptResponse(this.key, this.config.protocol));
    this.opened(now);
    this.process(now);
    return WsError.OK;
  }

  /** Server: refuse the pending request with an HTTP status (403, 404, 409…) and close. */
  reject(now: number, status: number, detail: string): WsError {
    if (!this.requested || this.state !== WsState.HANDSHAKE) return WsError.BAD_ARGUMENT;
    this.requested = false;
    this.refuse(now, status, detail);
    return WsError.OK;
  }

  /** Sends `data[start, end)` as one unfragmented message (R-WS.14a), binary unless `binary` is false. */
  send(data: Uint8Array, start: number, end: number, binary = true): WsError {
    if (this.state !== WsState.OPEN) return WsError.NOT_OPEN;
    return this.writeFrame(binary ? Opcode.Binary : Opcode.Text, data, start, end);
  }

  /** Starts the closing handshake (§7.1.2) with `code` and `reason` (UTF-8, ≤ 123 bytes). */
  close(now: number, code: number = CloseCode.Normal, reason = ''): void {
    if (this.state === WsState.OPEN) {
      this.sendClose(code, reason);
      this.state = WsState.CLOSING;
      this.closeCode = code;
      this.closeReason = reason;
      this.closeAt = now + (this.config.closeTimeoutMs ?? 5000);
      this.pingAt = Infinity;
    } else if (this.state === WsState.OPENING || this.state === WsState.HANDSHAKE) {
      this.finish(code, reason, WsError.OK, 0);
    }
  }

  /** R-WS.18: a new keep-alive interval (0 = no Pings), from the next Ping on. */
  setPingInterval(now: number, ms: number): void {
    this.pingIntervalMs = ms;
    if (this.state === WsState.OPEN) this.pingAt = ms > 0 ? now + ms : Infinity;
  }

  // ---- driver side ----

  handleTransportUp(now: number, peer?: StreamPeer): void {
    if (this.config.role === WsRole.CLIENT) {
      if (this.state !== WsState.OPENING) return;
      this.peer = peer;
      const key = new Uint8Array(16);
      this.config.randomBytes(key);
      this.key = base64Encode(key);
      this.writeText(clientRequest({ host: this.config.host ?? '', target: this.config.target ?? '/', key: this.key, protocol: this.config.protocol }));
    } else {
      if (this.state !== WsState.IDLE) return;
      this.resetConnection();
      this.peer = peer;
      this.handshakeAt = now + (this.config.handshakeTimeoutMs ?? 10_000);
    }
    this.state = WsState.HANDSHAKE;
  }

  handleTransportDown(now: number): void {
    void now;
    if (this.state === WsState.IDLE || this.state === WsState.CLOSED) return;
    const clean = this.state === WsState.CLOSING && this.closeCode !== CloseCode.Abnormal;
    this.state = WsState.CLOSED;
    this.clearDeadlines();
    this.events.push({ kind: 'closed', code: clean ? this.closeCode : CloseCode.Abnormal, reason: clean ? this.closeReason : '', error: clean ? WsError.OK : WsError.TRANSPORT, status: 0 });
  }

  handleBytes(now: number, data: Uint8Array, start: number, end: number): void {
    this.heard = true;
    while (start < end && (this.state === WsState.HANDSHAKE || this.state === WsState.OPEN || this.state === WsState.CLOSING)) {
      const n = this.rx.append(data, start, end);
      if (n === 0) { this.fail(now, WsError.TOO_LARGE); return; }
      start += n;
      this.process(now);
    }
  }

  handleTimeout(now: number): void {
    if (now >= this.handshakeAt) { this.fail(now, WsError.TIMEOUT); return; }
    if (now >= this.closeAt) { this.finish(this.closeCode, this.closeReason, WsError.OK, 0); return; }
    if (now >= this.pingAt && this.state === WsState.OPEN) {
      // R-WS.17: nothing since the last Ping, not even its Pong: the peer is gone.
      if (!this.heard) { this.finish(CloseCode.Abnormal, 'keep-alive: no answer to Ping', WsError.TIMEOUT, 0); return; }
      this.heard = false;
      this.writeFrame(Opcode.Ping, this.mask, 0, 0);
      this.pingAt = now + this.pingIntervalMs;
    }
  }

  pollTransmit(out: Uint8Array): number {
    return this.tx.read(out);
  }

  pollTransportCommand(): TransportCommand | undefined {
    return this.commands.shift();
  }

  pollEvent(): WebSocketEvent | undefined {
    return this.events.shift();
  }

  pollTimeout(): number | undefined {
    const t = Math.min(this.handshakeAt, this.closeAt, this.pingAt);
    return t === Infinity ? undefined : t;
  }

  // ---- receive ----

  private process(now: number): void {
    if (this.state === WsState.HANDSHAKE) {
      if (this.requested || !this.readHandshake(now)) return;
    }
    const rx = this.rx;
    const v = this.view;
    const server = this.config.role === WsRole.SERVER;
    while (this.state === WsState.OPEN || this.state === WsState.CLOSING) {
      const r = v.wrap(rx.buf, rx.start, rx.end, this.config.maxMessageBytes);
      if (r === NEED_MORE) break;
      if (r !== WsError.OK) { this.fail(now, r as WsError); return; }
      if (v.masked !== server) { this.fail(now, WsError.PROTOCOL); return; } // §5.1
      if (v.opcode === Opcode.Continuation && rx.msgLen + v.payloadLen > this.config.maxMessageBytes) { this.fail(now, WsError.TOO_LARGE); return; }
      if (v.frameEnd > rx.end) break;
      rx.start = v.frameEnd;
      if (v.masked) applyMask(rx.buf, v.payloadStart, v.frameEnd, rx.buf, v.maskAt);
      const err = this.handleFrame(now);
      if (err !== WsError.OK) { this.fail(now, err); return; }
    }
    rx.rewind();
  }

  /** The handshake head, once complete; true when the connection is open. */
  private readHandshake(now: number): boolean {
    const rx = this.rx;
    const e = headEnd(rx.buf, rx.start, rx.end, this.maxHead);
    if (e === HeadResult.NEED_MORE) return false;
    const head = e === HeadResult.TOO_LARGE ? undefined : parseHead(rx.buf, rx.start, e);
    if (this.config.role === WsRole.CLIENT) {
      const check = head === undefined ? HandshakeCheck.STATUS : checkServerResponse(head, this.key, this.config.protocol);
      if (check !== HandshakeCheck.OK) {
        this.finish(CloseCode.Abnormal, `handshake refused (${check})`, WsError.HANDSHAKE, head === undefined ? 0 : responseStatus(head));
        return false;
      }
      rx.start = e;
      this.opened(now);
      return true;
    }
    const req = head === undefined ? HandshakeCheck.REQUEST : checkClientRequest(head, this.config.protocol);
    if (typeof req === 'number') {
      const status = req === HandshakeCheck.VERSION ? 426 : 400;
      this.refuse(now, status, req === HandshakeCheck.NO_PROTOCOL ? `subprotocol ${this.config.protocol} required` : 'not a WebSocket upgrade');
      return false;
    }
    rx.start = e;
    this.key = req.key;
    this.requested = true;
    this.events.push({ kind: 'request', path: req.path, query: req.query });
    return false;
  }

  private handleFrame(now: number): WsError {
    const v = this.view;
    const rx = this.rx;
    switch (v.opcode) {
      case Opcode.Text:
      case Opcode.Binary:
        if (rx.fragmenting) return WsError.PROTOCOL; // §5.4: a new message inside a fragmented one
        if (v.fin) { this.deliver(now, v.payloadStart, v.payloadLen, v.opcode === Opcode.Binary); return WsError.OK; }
        this.binaryMessage = v.opcode === Opcode.Binary;
        rx.beginMessage(v.payloadStart, v.payloadLen);
        return WsError.OK;
      case Opcode.Continuation:
        if (!rx.fragmenting) return WsError.PROTOCOL;
        rx.extendMessage(v.payloadStart, v.payloadLen);
        if (v.fin) {
          const at = rx.msgStart;
          const len = rx.msgLen;
          rx.endMessage();
          this.deliver(now, at, len, this.binaryMessage);
        }
        return WsError.OK;
      case Opcode.Ping:
        // §5.5.2: answer with the same payload (a Pong that does not fit the queue is skipped: the peer pings again).
        if (this.state === WsState.OPEN) this.writeFrame(Opcode.Pong, rx.buf, v.payloadStart, v.frameEnd);
        return WsError.OK;
      case Opcode.Pong:
        return WsError.OK; // §5.5.3: unsolicited Pongs need no answer; any byte counts as liveness
      default:
        return this.handleClose(now);
    }
  }

  private deliver(now: number, at: number, len: number, binary: boolean): void {
    if (this.state === WsState.OPEN) this.config.receiver.handleMessage(now, this.rx.buf, at, at + len, binary);
  }

  /** §5.5.1, §7.1.5: the peer's Close frame. */
  private handleClose(now: number): WsError {
    const v = this.view;
    const c = parseClose(this.rx.buf, v.payloadStart, v.frameEnd);
    if (typeof c === 'number') return c;
    if (this.state === WsState.OPEN) {
      // Echo the code (§5.5.1); from here on no data frame is sent.
      this.sendClose(c.code === CloseCode.NoStatus ? 0 : c.code, '');
      this.closeCode = c.code;
      this.closeReason = c.reason;
    }
    this.state = WsState.CLOSING;
    this.pingAt = Infinity;
    // §7.1.1: the server closes the TCP connection first; the client gives it closeTimeoutMs.
    if (this.config.role === WsRole.SERVER) this.finish(this.closeCode, this.closeReason, WsError.OK, 0);
    else this.closeAt = now + (this.config.closeTimeoutMs ?? 5000);
    return WsError.OK;
  }

  // ---- transmit and lifecycle ----

  private writeText(s: string): void {
    this.tx.writeText(s);
  }

  /** A frame to the peer; a client masks it with a fresh key (§5.3). */
  private writeFrame(opcode: number, data: Uint8Array, start: number, end: number): WsError {
    const client = this.config.role === WsRole.CLIENT;
    if (client) this.config.randomBytes(this.mask);
    return this.tx.writeFrame(opcode, data, start, end, client ? this.mask : undefined);
  }

  private sendClose(code: number, reason: string): void {
    this.closeSent = true;
    const body = closeBody(code, reason);
    this.writeFrame(Opcode.Close, body, 0, body.length);
  }

  private opened(now: number): void {
    this.state = WsState.OPEN;
    this.handshakeAt = Infinity;
    this.heard = true;
    this.pingAt = this.pingIntervalMs > 0 ? now + this.pingIntervalMs : Infinity;
    this.events.push({ kind: 'open' });
  }

  /** Server: an HTTP error instead of 101, then the end of the connection. */
  private refuse(now: number, status: number, detail: string): void {
    void now;
    this.writeText(refusalResponse(status, detail));
    this.finish(CloseCode.Abnormal, detail, WsError.HANDSHAKE, status);
  }

  /** §7.1.7 "Fail the WebSocket Connection": a Close frame when open, then the stream is closed. */
  private fail(now: number, err: WsError): void {
    if (this.state === WsState.OPEN || (this.state === WsState.CLOSING && !this.closeSent)) {
      const code = closeCodeFor(err);
      this.sendClose(code, '');
      this.finish(code, '', err, 0);
      return;
    }
    if (this.state === WsState.HANDSHAKE && this.config.role === WsRole.SERVER && !this.requested) {
      this.refuse(now, 408, 'handshake timeout');
      return;
    }
    this.finish(CloseCode.Abnormal, '', err, 0);
  }

  private finish(code: number, reason: string, error: WsError, status: number): void {
    if (this.state === WsState.CLOSED || this.state === WsState.IDLE) return;
    this.state = WsState.CLOSED;
    this.requested = false;
    this.clearDeadlines();
    this.commands.push(TransportCommand.CLOSE);
    this.events.push({ kind: 'closed', code, reason, error, status });
  }

  private clearDeadlines(): void {
    this.handshakeAt = Infinity;
    this.closeAt = Infinity;
    this.pingAt = Infinity;
  }

  private resetConnection(): void {
    this.rx.reset();
    this.tx.clear();
    this.requested = false;
    this.closeSent = false;
    this.closeCode = CloseCode.Abnormal;
    this.closeReason = '';
    this.clearDeadlines();
    this.peer = undefined;
  }
}
