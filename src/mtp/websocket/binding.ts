/**
 * USP over one WebSocket session (TR-369 "WebSocket Binding"), on the RFC 6455 core
 * (src/websocket/): the agent dialing a Controller (client role) or a Controller's
 * session on the agent's listener (server role). The driver feeds it like any stream
 * machine (handle…/poll…); the MTP (mtp.ts) drains `pollEvent` and calls `sendRecord`.
 *
 * - `v1.usp` is the one subprotocol (R-WS.9–12a); a response without the deprecated
 *   `bbf-usp-protocol` extension is fine (R-WS.11b, TP-469 7.11).
 * - Client: the request carries `eid=<our Endpoint ID>` (R-WS.10b/10c); over wss the
 *   server must be the Controller (peer-identity.ts, R-SEC.0a); a lost or refused
 *   session is retried after the R-WS.19 wait, the count reset once a session is up
 *   (R-WS.20) and at every start (R-WS.21: it is not persisted). `pause` closes the
 *   session and holds the retries while the Controller's own session stands in (R-WS.4).
 * - Server: the Controller is named by the query or its certificate; the MTP admits or
 *   refuses the request ('request' event → `admit` / `refuse`).
 * - Once up, a WebSocketConnectRecord goes to the Controller (R-MTP.6, TP-469 7.10);
 *   `stop` sends a DisconnectRecord first (R-MTP.7/9).
 * - Each binary message is one Record handed to `onRecord` in place; a text message or
 *   one no Record can be extracted from closes the session with 1003 (R-WS.16, TP-469 7.6).
 * - Keep-alive: a Ping every KeepAliveInterval (R-WS.17/18), done by the core.
 */
import type { StreamMachine, StreamPeer, TransportCommand } from '../../platform/stream.ts';
import { CloseCode, WebSocketSession, WsError, WsRole, WsState, type WebSocketEvent } from '../../websocket/index.ts';
import { emitRecord, encodedRecordLength, RecordType, utf8Bytes, type RecordFields } from '../../usp/index.ts';
import { clientEndpointId, serverIsController } from './peer-identity.ts';
import { sessionRetryDelayMs, DEFAULT_SESSION_RETRY, type SessionRetryConfig } from './retry.ts';
import { endpointIdOfQuery, hostField, requestTarget, type WsUri } from './uri.ts';

/** R-WS.9: the subprotocol of USP Records in protocol buffers. */
export const USP_SUBPROTOCOL = 'v1.usp';

/** origin.reply of a Record that came over WebSocket: the session to answer on (R-MTP "same MTP"). */
export class WebSocketReply {
  constructor(readonly binding: UspWebSocketBinding) {}
}

export interface UspWebSocketConfig {
  readonly role: WsRole;
  /** Our Endpoint ID: the `eid` of our request, from_id of our Connect/Disconnect Records. */
  readonly endpointId: string;
  /** Client: the Controller dialed and its URI. */
  readonly controllerId?: string;
  readonly uri?: WsUri;
  /** Server: the stream is TLS (wss listener). */
  readonly tls?: boolean;
  readonly maxRecordBytes: number;
  /** KeepAliveInterval, seconds (R-WS.18); 0 = no Pings. */
  readonly keepAliveS: number;
  readonly retry?: SessionRetryConfig;
  /** [0, 1), for the retry jitter. */
  readonly random: () => number;
  readonly randomBytes: (out: Uint8Array) => void;
  /** R-WS.16: can a Record be extracted from `buf[start, end)`? */
  readonly validateRecord: (buf: Uint8Array, start: number, end: number) => boolean;
  /** A received Record, `buf[start, end)` valid during the call only. */
  readonly onRecord: (now: number, buf: Uint8Array, start: number, end: number, from: UspWebSocketBinding) => void;
  /** Send WebSocketConnectRecord / DisconnectRecord (an Agent does, R-MTP.6/7); default true. */
  readonly connectRecords?: boolean;
  /** USP Record version of those Records (default "1.3"). */
  readonly recordVersion?: string;
}

export type UspWebSocketEvent =
  /** Server: a Controller asks for a session; call `admit` or `refuse`. */
  | { readonly kind: 'request'; readonly endpointId: string; readonly path: string }
  | { readonly kind: 'up'; readonly endpointId: string }
  /** Closed or refused; client: the next attempt is at `retryAt` (Infinity: none), `retryCount` is R-WS.19's n. */
  | { readonly kind: 'down'; readonly code: number; readonly reason: string; readonly status: number; readonly retryAt: number; readonly retryCount: number }
  /** `stop` finished: no retry. */
  | { readonly kind: 'closed' };

export class UspWebSocketBinding implements StreamMachine {
  readonly ws: WebSocketSession;
  readonly reply = new WebSocketReply(this);
  /** The Controller at the other end ("" until a server session names it). */
  endpointId: string;
  /** The session is TLS and the certificate bound `endpointId` (R-SEC.0a). */
  secure = false;
  retryCount = 0;
  /** R-WS.19 m and k in force (a Controller may change them while connected). */
  retry: SessionRetryConfig;
  private retryAt = Infinity;
  private stopped = false;
  private paused = false;
  private readonly events: UspWebSocketEvent[] = [];

  constructor(readonly config: UspWebSocketConfig) {
    const client = config.role === WsRole.CLIENT;
    const uri = config.uri;
    if (client && (uri === undefined || config.controllerId === undefined)) throw new RangeError('a client binding needs uri and controllerId');
    this.endpointId = client ? config.controllerId! : '';
    this.retry = config.retry ?? DEFAULT_SESSION_RETRY;
    const self = this;
    this.ws = new WebSocketSession({
      role: config.role, protocol: USP_SUBPROTOCOL, maxMessageBytes: config.maxRecordBytes,
      ...(client ? { host: hostField(uri!.host, uri!.port, uri!.secure), target: requestTarget(uri!.path, config.endpointId) } : {}),
      pingIntervalMs: config.keepAliveS * 1000,
      randomBytes: config.randomBytes,
      receiver: { handleMessage(now, data, start, end, binary) { self.handleMessage(now, data, start, end, binary); } },
    });
  }

  get up(): boolean {
    return this.ws.state === WsState.OPEN && this.endpointId !== '';
  }

  /** Client: first attempt now. */
  start(now: number): void {
    if (this.config.role !== WsRole.CLIENT || this.stopped) return;
    this.retryAt = Infinity;
    this.ws.open(now);
    this.pump(now);
  }

  /** Server: accept the pending request ('request' event). */
  admit(now: number): void {
    this.ws.accept(now);
    this.pump(now);
  }

  /** Server: refuse the pending request with an HTTP status. */
  refuse(now: number, status: number, why: string): void {
    this.ws.reject(now, status, why);
    this.pump(now);
  }

  /** Sends one Record as one binary message (R-WS.14, R-WS.14a). */
  sendRecord(bytes: Uint8Array): WsError {
    return this.up ? this.ws.send(bytes, 0, bytes.length) : WsError.NOT_OPEN;
  }

  /** R-WS.18/19: KeepAliveInterval and the retry parameters changed; the session stays. */
  reconfigure(now: number, keepAliveS: number, retry: SessionRetryConfig): void {
    this.retry = retry;
    this.ws.setPingInterval(now, keepAliveS * 1000);
  }

  /** R-WS.4: the Controller's own session replaces ours; no retry until `resume`. */
  pause(now: number): void {
    this.paused = true;
    this.retryAt = Infinity;
    if (this.ws.state === WsState.OPEN) this.ws.close(now, CloseCode.Normal, 'R-WS.4: replaced by the Controller session');
    else this.ws.close(now);
    this.pump(now);
  }

  resume(now: number): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    if (this.ws.state === WsState.IDLE || this.ws.state === WsState.CLOSED) this.ws.open(now);
    this.pump(now);
  }

  /** Leaves for good: DisconnectRecord (R-MTP.7, `reasonCode`/`reason` R-MTP.9), Close 1001, no retry. */
  stop(now: number, reasonCode = 0, reason = ''): void {
    if (this.stopped) return;
    this.stopped = true;
    this.retryAt = Infinity;
    if (this.up && this.config.connectRecords !== false) this.ws.send(...this.record(RecordType.Disconnect, reasonCode, reason));
    this.ws.close(now, CloseCode.GoingAway, reason);
    this.pump(now);
  }

  // ---- driver side ----

  handleTransportUp(now: number, peer?: StreamPeer): void { this.ws.handleTransportUp(now, peer); this.pump(now); }
  handleTransportDown(now: number): void { this.ws.handleTransportDown(now); this.pump(now); }
  handleBytes(now: number, data: Uint8Array, start: number, end: number): void { this.ws.handleBytes(now, data, start, end); this.pump(now); }

  handleTimeout(now: number): void {
    if (now >= this.retryAt) {
      this.retryAt = Infinity;
      if (!this.stopped && !this.paused) this.ws.open(now);
    }
    this.ws.handleTimeout(now);
    this.pump(now);
  }

  pollTransmit(out: Uint8Array): number { return this.ws.pollTransmit(out); }
  pollTransportCommand(): TransportCommand | undefined { return this.ws.pollTransportCommand(); }
  pollEvent(): UspWebSocketEvent | undefined { return this.events.shift(); }

  pollTimeout(): number | undefined {
    const t = Math.min(this.retryAt, this.ws.pollTimeout() ?? Infinity);
    return t === Infinity ? undefined : t;
  }

  // ---- internals ----

  private handleMessage(now: number, data: Uint8Array, start: number, end: number, binary: boolean): void {
    // The session's events first: a Record read together with the 101 finds the session up (and its identity checked).
    this.pump(now);
    if (!this.up) return;
    if (!binary) { this.ws.close(now, CloseCode.UnsupportedData, 'R-WS.16: a USP Record is a binary message'); return; }
    if (!this.config.validateRecord(data, start, end)) { this.ws.close(now, CloseCode.UnsupportedData, 'R-WS.16: no USP Record in the message'); return; }
    this.config.onRecord(now, data, start, end, this);
  }

  private pump(now: number): void {
    for (let e = this.ws.pollEvent(); e !== undefined; e = this.ws.pollEvent()) this.handleSessionEvent(now, e);
  }

  private handleSessionEvent(now: number, e: WebSocketEvent): void {
    const c = this.config;
    switch (e.kind) {
      case 'request': {
        const id = clientEndpointId(this.ws.peer, endpointIdOfQuery(e.query), c.tls === true);
        if ('status' in id) { this.ws.reject(now, id.status, id.why); return; }
        this.endpointId = id.endpointId;
        this.secure = c.tls === true;
        this.events.push({ kind: 'request', endpointId: id.endpointId, path: e.path });
        return;
      }
      case 'open': {
        if (c.role === WsRole.CLIENT) {
          const tls = c.uri!.secure;
          if (!serverIsController(this.ws.peer, this.endpointId, tls)) {
            this.ws.close(now, CloseCode.PolicyViolation, `R-SEC.0a: the server certificate names neither ${this.endpointId} nor the host`);
            return;
          }
          this.secure = tls;
          this.retryCount = 0; // R-WS.20
        }
        if (c.connectRecords !== false) this.ws.send(...this.record(RecordType.WebSocketConnect, 0, '')); // R-MTP.6
        this.events.push({ kind: 'up', endpointId: this.endpointId });
        return;
      }
      case 'closed': {
        if (this.stopped) { this.events.push({ kind: 'closed' }); return; }
        let retryAt = Infinity;
        if (c.role === WsRole.CLIENT && !this.paused) {
          this.retryCount++; // R-WS.19
          retryAt = now + sessionRetryDelayMs(this.retryCount, this.retry, c.random);
          this.retryAt = retryAt;
        }
        this.events.push({ kind: 'down', code: e.code, reason: e.reason, status: e.status, retryAt, retryCount: this.retryCount });
        return;
      }
    }
  }

  /** A WebSocketConnectRecord or DisconnectRecord to the Controller, as send() arguments. */
  private record(type: RecordType, reasonCode: number, reason: string): [Uint8Array, number, number] {
    const f: RecordFields = {
      version: utf8Bytes(this.config.recordVersion ?? '1.3'), toId: utf8Bytes(this.endpointId), fromId: utf8Bytes(this.config.endpointId),
      recordType: type, ...(type === RecordType.Disconnect ? { reasonCode, reason: utf8Bytes(reason) } : {}),
    };
    const out = new Uint8Array(encodedRecordLength(f));
    emitRecord(out, 0, f);
    return [out, 0, out.length];
  }
}
