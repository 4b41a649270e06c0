/**
 * Test peer: a USP Controller made of parts we did not write — the npm `ws` package for
 * the WebSocket and protobufjs (loading proto/) for Records and Msgs. It wraps one `ws`
 * connection (dialed, or accepted by a `ws` server), matches responses to requests by
 * msg_id, answers Notify with NotifyResp when asked (R-NOT.9) and keeps every Record
 * it received, decoded, in order.
 */
import { WebSocket, type ClientOptions } from 'ws';
import protobuf from 'protobufjs';
import { ROOT } from '../../../tools/build/targets.ts';

const root = protobuf.loadSync([`${ROOT}/proto/usp-record.proto`, `${ROOT}/proto/usp-msg.proto`]);
export const RecordType = root.lookupType('usp_record.Record');
export const MsgType = root.lookupType('usp.Msg');

/** A decoded Msg as protobufjs gives it (camelCase fields). */
export type PlainMsg = { header: { msgId: string; msgType: string }; body: Record<string, Record<string, unknown>> };
export interface PlainRecord { version: string; toId: string; fromId: string; noSessionContext?: { payload: Uint8Array }; websocketConnect?: object; disconnect?: { reason?: string; reasonCode?: number } }

export function decodeRecord(bytes: Uint8Array): PlainRecord {
  return RecordType.toObject(RecordType.decode(bytes), { defaults: false }) as unknown as PlainRecord;
}

export function decodeMsg(bytes: Uint8Array): PlainMsg {
  return MsgType.toObject(MsgType.decode(bytes), { enums: String, defaults: false, longs: Number }) as unknown as PlainMsg;
}

/** A Record carrying `msg` (a protobufjs plain object) from `fromId` to `toId`. */
export function encodeRecord(fromId: string, toId: string, msg: object): Uint8Array {
  const payload = MsgType.encode(MsgType.fromObject(msg)).finish();
  return RecordType.encode(RecordType.fromObject({ version: '1.3', toId, fromId, noSessionContext: { payload } })).finish();
}

let counter = 0;

/** A request Msg of `type` (GET, SET…) with `body` as the request member (`get`, `set`…). */
export function request(type: string, member: string, body: object): { msgId: string; msg: object } {
  const msgId = `ws-test-${++counter}`;
  return { msgId, msg: { header: { msgId, msgType: type }, body: { request: { [member]: body } } } };
}

export class WsController {
  /** Every Record received, decoded, in order. */
  readonly records: PlainRecord[] = [];
  readonly notifies: PlainMsg[] = [];
  private readonly waiting = new Map<string, (m: PlainMsg) => void>();
  private readonly watchers: (() => void)[] = [];
  closeCode = 0;
  closeReason = '';
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket, readonly ownId: string, readonly agentId: string) {
    this.closed = new Promise((r) => ws.once('close', (code, reason) => { this.closeCode = code; this.closeReason = reason.toString(); r(code); }));
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) return;
      const rec = decodeRecord(data);
      this.records.push(rec);
      if (rec.noSessionContext !== undefined) {
        const m = decodeMsg(rec.noSessionContext.payload);
        const req = m.body.request;
        if (req?.notify !== undefined) {
          this.notifies.push(m);
          const n = req.notify as { sendResp?: boolean; subscriptionId?: string };
          if (n.sendResp === true) {
            this.send({ header: { msgId: m.header.msgId, msgType: 'NOTIFY_RESP' }, body: { response: { notifyResp: { subscriptionId: n.subscriptionId } } } });
          }
        } else {
          this.waiting.get(m.header.msgId)?.(m);
          this.waiting.delete(m.header.msgId);
        }
      }
      for (const w of this.watchers.splice(0)) w();
    });
  }

  /** Opens a session to `url` with subprotocol v1.usp (or `protocol`). */
  static async connect(url: string, ownId: string, agentId: string, options: { protocol?: string; ca?: string; cert?: string; key?: string } = {}): Promise<WsController> {
    // The chain is checked against `ca`; the agent's certificate names its Endpoint ID, not 127.0.0.1.
    const tls = options.ca !== undefined ? { ca: options.ca, cert: options.cert, key: options.key, checkServerIdentity: () => undefined } : {};
    const ws = new WebSocket(url, options.protocol ?? 'v1.usp', tls as ClientOptions);
    const c = new WsController(ws, ownId, agentId); // listening before 'open': a Record may come in the same read as the 101
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return c;
  }

  send(msg: object): void {
    this.ws.send(encodeRecord(this.ownId, this.agentId, msg));
  }

  /** Sends a request and resolves with its response or Error Msg. */
  request(type: string, member: string, body: object, timeoutMs = 5000): Promise<PlainMsg> {
    const r = request(type, member, body);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(r.msgId); reject(new Error(`no answer to ${type} ${r.msgId}`)); }, timeoutMs);
      this.waiting.set(r.msgId, (m) => { clearTimeout(timer); resolve(m); });
      this.send(r.msg);
    });
  }

  /** Resolves once `cond()` holds (checked at each Record), or rejects after `ms`. */
  until(cond: () => boolean, ms = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('condition not met in time')), ms);
      const check = (): void => { if (cond()) { clearTimeout(timer); resolve(); } else this.watchers.push(check); };
      this.watchers.push(check);
    });
  }
}
