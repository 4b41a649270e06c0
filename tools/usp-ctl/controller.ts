/**
 * A USP Controller over CoAP (TR-369 §Roles: both CoAP client and server): its own
 * CoAP endpoint on a port of its choice (0 = ephemeral) whose URI is the reply-to of
 * every request (R-COAP.2), Records in no_session_context, responses matched to
 * requests by msg_id, Notify messages handed to a listener (answered with NotifyResp
 * when send_resp is set, R-NOT.9). Used by the CLI, the interop tests and the bench.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoapEndpoint, type CoapEndpointHandle } from '../../src/main/coap-endpoint.ts';
import { SendOutcome } from '../../src/mtp/coap-binding.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { LogLevel, type Platform } from '../../src/platform/types.ts';
import {
  decodeMsg, emitRecord, encodedRecordLength, encodeMsg, notifyRespMsg, RecordType, RecordView, utf8Bytes, type Msg, type MsgInit, type Notify,
} from '../../src/usp/index.ts';

export interface ControllerOptions {
  /** The agent's USP resource, e.g. coap://127.0.0.1:5683/usp. */
  readonly agentUri: string;
  readonly agentId: string;
  /** Our Endpoint ID (the agent must know it as a Controller). */
  readonly endpointId: string;
  /** Our CoAP port (0 = ephemeral). */
  readonly port?: number;
  readonly address?: string;
  /** Per-request deadline. */
  readonly timeoutMs?: number;
  readonly platform?: Platform;
  /** Our reply-to URI as a function of our port (default coap://<address>:<port>/usp), e.g. a relay in front of us. */
  readonly replyTo?: (port: number) => string;
  /** CoAP ACK_TIMEOUT of our endpoint (default 2000 ms). */
  readonly ackTimeoutMs?: number;
  /** USP version put in our Records. */
  readonly version?: string;
}

export interface NotifyEvent {
  readonly fromId: string;
  readonly notify: Notify;
  readonly msgId: string;
}

interface Pending {
  resolve(m: Msg): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class UspController {
  readonly endpointId: string;
  readonly agentId: string;
  /** Our reply-to URI. */
  uri = '';
  private readonly pending = new Map<string, Pending>();
  private readonly view = new RecordView();
  private readonly ownId: Uint8Array;
  private ep: CoapEndpointHandle | null = null;
  private counter = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 8);
  onNotify: ((n: NotifyEvent) => void) | null = null;

  private constructor(private readonly o: ControllerOptions) {
    this.endpointId = o.endpointId;
    this.agentId = o.agentId;
    this.ownId = utf8Bytes(o.endpointId);
  }

  /** Binds our CoAP server and resolves once it is ready. */
  static open(o: ControllerOptions): Promise<UspController> {
    const c = new UspController(o);
    const platform = o.platform ?? createNodePlatform({ stateDir: join(tmpdir(), 'tinyusp-ctl'), logLevel: LogLevel.Warn });
    const address = o.address ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      c.ep = startCoapEndpoint({
        platform, port: o.port ?? 0, address,
        binding: {
          path: '/usp', interfaceName: 'bbf.usp.c', replyTo: o.replyTo ?? ((port) => `coap://${address}:${port}/usp`),
          ...(o.ackTimeoutMs !== undefined ? { coap: { ackTimeoutMs: o.ackTimeoutMs } } : {}),
          validateRecord: (buf, s, e) => c.view.wrap(buf, s, e) === 0,
        },
        onEvent: (e) => { if (e.kind === 'record') c.receive(e.bytes, e.replyTo); else c.sent(e.handle, e.outcome, e.code); },
        onReady: (port) => { c.uri = `coap://${address}:${port}/usp`; resolve(c); },
        onError: (m) => reject(new Error(`cannot listen on ${address}:${o.port ?? 0}: ${m}`)),
      });
    });
  }

  private record(msg: MsgInit): Uint8Array {
    const f = {
      version: utf8Bytes(this.o.version ?? '1.4'), toId: utf8Bytes(this.agentId), fromId: this.ownId,
      recordType: RecordType.NoSessionContext, payload: encodeMsg(msg),
    };
    const out = new Uint8Array(encodedRecordLength(f));
    emitRecord(out, 0, f);
    return out;
  }

  nextMsgId(): string {
    return `${this.prefix}-${++this.counter}`;
  }

  /** Sends a request built by `build(msgId)` and resolves with the response (or Error) Msg. */
  request(build: (msgId: string) => MsgInit): Promise<Msg> {
    const msgId = this.nextMsgId();
    const bytes = this.record(build(msgId));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgId);
        reject(new Error(`no response from ${this.agentId} at ${this.o.agentUri} within ${this.o.timeoutMs ?? 10000} ms (is the agent running, with this Endpoint ID, and does it know ${this.endpointId} as a Controller?)`));
      }, this.o.timeoutMs ?? 10000);
      this.pending.set(msgId, { resolve, reject, timer });
      const h = this.ep!.sendRecord(this.o.agentUri, bytes);
      if (h < 0) this.fail(msgId, new Error(`cannot send to ${this.o.agentUri} (send error ${h})`));
      else this.sends.set(h, msgId);
    });
  }

  /** Sends a message without waiting for an answer (Operate with send_resp=false). */
  send(msg: MsgInit): number {
    return this.ep!.sendRecord(this.o.agentUri, this.record(msg));
  }

  private readonly sends = new Map<number, string>();

  private fail(msgId: string, e: Error): void {
    const p = this.pending.get(msgId);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(msgId);
    p.reject(e);
  }

  private sent(handle: number, outcome: number, code: number): void {
    const msgId = this.sends.get(handle);
    this.sends.delete(handle);
    if (msgId === undefined || outcome === SendOutcome.Delivered) return;
    const why = outcome === SendOutcome.Timeout ? 'CoAP timeout (no ACK)' : outcome === SendOutcome.Reset ? 'CoAP reset'
      : `CoAP ${code >> 5}.${String(code & 31).padStart(2, '0')}`;
    this.fail(msgId, new Error(`request to ${this.o.agentUri} failed: ${why}`));
  }

  private receive(bytes: Uint8Array, replyTo: string): void {
    const v = this.view;
    if (v.wrap(bytes, 0, bytes.length) !== 0 || !v.toIdEquals(this.ownId) || v.recordType !== RecordType.NoSessionContext) return;
    const fromId = String.fromCharCode(...bytes.subarray(v.fromIdStart, v.fromIdStart + v.fromIdLen));
    const version = String.fromCharCode(...bytes.subarray(v.versionStart, v.versionStart + v.versionLen));
    const d = decodeMsg(bytes, v.payloadStart, v.payloadStart + v.payloadLen);
    if (d.msg === undefined) return;
    const body = d.msg.body;
    if (body?.msg_body === 'request' && body.request?.req_type === 'notify' && body.request.notify !== undefined) {
      const notify = body.request.notify;
      if (notify.send_resp) {
        const resp = this.recordTo(fromId, version, notifyRespMsg(d.msgId, { subscription_id: notify.subscription_id }));
        this.ep!.sendRecord(replyTo, resp); // R-COAP.2a
      }
      this.onNotify?.({ fromId, notify, msgId: d.msgId });
      return;
    }
    const p = this.pending.get(d.msgId);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(d.msgId);
    p.resolve(d.msg);
  }

  private recordTo(toId: string, version: string, msg: MsgInit): Uint8Array {
    const f = { version: utf8Bytes(version), toId: utf8Bytes(toId), fromId: this.ownId, recordType: RecordType.NoSessionContext, payload: encodeMsg(msg) };
    const out = new Uint8Array(encodedRecordLength(f));
    emitRecord(out, 0, f);
    return out;
  }

  close(): void {
    for (const [id] of this.pending) this.fail(id, new Error('controller closed'));
    this.ep?.close();
  }
}
